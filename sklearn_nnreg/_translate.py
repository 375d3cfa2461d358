"""Translate a penalty strength between styles and other libraries' units.

Every convention is mapped through one common unit, the *objective weight*
lambda of ``L + lambda * R`` with ``L`` the mean data loss and
``R = sum|w|`` (L1), ``1/2 sum w**2`` (L2), their ``l1_ratio`` mix
(elastic net) or the group penalties' ``R``: the unit of our
``'gradient'``, ``'proximal'`` and ``'cumulative'`` styles.
"""

from numbers import Real

from ._penalties import GROUP_PENALTIES, PENALTIES
from ._styles import STYLES, Decoupled

# Conventions of other libraries; our styles' conventions are STYLES' keys.
EXTERNAL_CONVENTIONS = ("sklearn", "keras", "pytorch_sgd", "pytorch_adamw")
_PENALTIES = PENALTIES
# Why an external convention has no L1 part.
_L2_ONLY = {
    "sklearn": "scikit-learn's MLP alpha is an L2 penalty only",
    "pytorch_sgd": "PyTorch's weight_decay is an L2 penalty only",
    "pytorch_adamw": "AdamW's weight_decay is an L2 decay only",
}
# AdamW's weight_decay wd shrinks by lr * wd per step: the decoupled style
# with alpha = learning_rate_init * wd, exactly (no momentum in between).
_ADAMW, _ADAMW_STYLE = "pytorch_adamw", Decoupled.name


def _check_choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}."
        )


def _positive(name, value, needed_by):
    if value is None:
        raise ValueError(f"{needed_by} needs {name}, the learning rate of the steps.")
    if not isinstance(value, Real) or not value > 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}.")
    return float(value)


def _check_penalty_fits(convention, penalty, l1_ratio):
    if convention in STYLES:
        STYLES[convention].check_penalty(penalty, l1_ratio)
    elif convention in _L2_ONLY and penalty != "l2":
        raise ValueError(
            f"No {penalty!r} penalty exists in the {convention!r} convention: "
            f"{_L2_ONLY[convention]}. Use penalty='l2', or translate to one of "
            "our styles instead."
        )
    elif convention == "keras" and penalty in GROUP_PENALTIES:
        raise ValueError(
            f"Keras has no {penalty!r} regularizer (its l1, l2 and l1_l2 are "
            "element-wise). Translate between our styles instead."
        )
    elif convention == "keras" and penalty == "elasticnet":
        raise ValueError(
            "Keras's l1_l2(l1=a, l2=b) takes two numbers for one elastic net; use "
            "from_keras_l1_l2(a, b) and to_keras_l1_l2(alpha, l1_ratio) instead."
        )


def _sklearn_size(batch_size, n_samples):
    """What the 'sklearn' convention divides alpha by."""
    if (batch_size is None) == (n_samples is None):
        raise ValueError(
            "The 'sklearn' convention divides alpha by the minibatch size "
            "(sgd, adam) or by n_samples (lbfgs): pass exactly one of "
            "batch_size or n_samples."
        )
    size = batch_size if batch_size is not None else n_samples
    if not isinstance(size, Real) or not size > 0:
        raise ValueError(f"batch_size / n_samples must be positive; got {size!r}.")
    return float(size)


def _to_objective(alpha, convention, penalty, units):
    """lambda for ``alpha`` in ``convention``; ``units`` as for translate_alpha."""
    if convention in STYLES:
        return STYLES[convention].to_objective(
            alpha, units["learning_rate_init"], units["momentum"]
        )
    if convention == "sklearn":
        return alpha / _sklearn_size(units["batch_size"], units["n_samples"])
    if convention == "keras" and penalty == "l2":
        # Keras's l2(l) is l * sum w**2, with no 1/2: lambda = 2 l.
        return 2.0 * alpha
    return alpha


def _from_objective(lam, convention, penalty, units):
    """The inverse of :func:`_to_objective`."""
    if convention in STYLES:
        return STYLES[convention].from_objective(
            lam, units["learning_rate_init"], units["momentum"]
        )
    if convention == "sklearn":
        return lam * _sklearn_size(units["batch_size"], units["n_samples"])
    if convention == "keras" and penalty == "l2":
        return lam / 2.0
    return lam


def translate_alpha(
    alpha,
    *,
    penalty,
    source,
    target,
    learning_rate_init=None,
    batch_size=None,
    n_samples=None,
    l1_ratio=0.5,
    momentum=0.0,
):
    """Translate a penalty strength from one convention's units to another's.

    Parameters
    ----------
    alpha : float
        The strength in the ``source`` convention's units.
    penalty : {'l1', 'l2', 'elasticnet', 'group_lasso', 'sparse_group_lasso'}
        The penalty, with ``R = sum|w|``, ``1/2 sum w**2``,
        ``l1_ratio * sum|w| + (1 - l1_ratio) * 1/2 sum w**2``, or the group
        penalties' ``R`` (see :class:`RegularizedMLPClassifier`), which only
        our styles and none of the external conventions express.
    source, target : str
        One of our styles (``'gradient'``, ``'decoupled'``,
        ``'multiplicative'``, ``'proximal'``, ``'cumulative'``) or an external
        convention:

        ``'sklearn'``
            ``MLPClassifier``'s and ``MLPRegressor``'s alpha:
            ``1/2 alpha sum w**2`` divided by the minibatch size (sgd, adam)
            or by n_samples (lbfgs); L2 only. Pass
            exactly one of ``batch_size`` or ``n_samples`` (with sample weights
            scikit-learn divides by their sum: pass that as ``n_samples``).
        ``'keras'``
            ``l1(l)`` is ``l sum|w|`` (lambda = l); ``l2(l)`` is ``l sum w**2``
            with no 1/2 (lambda = 2 l).  For ``l1_l2`` use
            :func:`from_keras_l1_l2` / :func:`to_keras_l1_l2`.
        ``'pytorch_sgd'``
            ``weight_decay`` of ``torch.optim.SGD`` or ``Adam``, added to the
            gradient (lambda = weight_decay); L2 only.
        ``'pytorch_adamw'``
            ``weight_decay`` of ``torch.optim.AdamW``, which shrinks by
            ``lr * weight_decay * w`` per step: our ``'decoupled'`` alpha is
            ``learning_rate_init * weight_decay``; L2 only.
    learning_rate_init : float, optional
        The learning rate eta; needed by ``'decoupled'`` (alpha = eta lambda),
        ``'multiplicative'`` (alpha = 1 - eta lambda) and ``'pytorch_adamw'``
        when the other side is not ``'decoupled'``.
    batch_size, n_samples : int, optional
        For ``'sklearn'``: exactly one of them.
    l1_ratio : float, default=0.5
        The elastic net's L1 share.
    momentum : float, default=0.0
        The sgd momentum mu, in [0, 1).  A penalty in the gradient is also
        carried by the velocity, which in steady state multiplies its effect
        by ``1 / (1 - mu)``; a per-step shrink is not.  With momentum, maps
        between the two kinds use the effective rate ``eta / (1 - mu)``.

    Returns
    -------
    alpha : float
        The strength in the ``target`` convention's units.

    Notes
    -----
    All maps go through the objective weight lambda.  They are *exact*
    (the same weights, step for step) between ``'gradient'``,
    ``'decoupled'``, ``'sklearn'`` and ``'pytorch_sgd'`` under plain sgd with
    no momentum (with any schedule: the decoupled shrink follows the rate),
    for ``'multiplicative'`` under plain sgd with a constant rate, and between
    ``'decoupled'`` and ``'pytorch_adamw'`` always.  With momentum or adam the
    optimizer rescales a penalty that enters the gradient but not a shrink
    applied after it, so maps between gradient-like and shrink-like
    conventions are first-order: with ``momentum`` they match the steady-state
    shrink of heavy-ball sgd (effective rate ``eta / (1 - mu)``); under adam
    the penalty in the gradient is divided by adam's running scale as well,
    and the returned value (computed with the plain rate) only matches the
    size of a plain-sgd step.
    ``'gradient'``, ``'proximal'`` and ``'cumulative'`` share the objective's
    unit: the same alpha sets the same objective ``L + alpha R`` (the same
    minimiser), though their iterates differ.

    Examples
    --------
    >>> from sklearn_nnreg import translate_alpha
    >>> translate_alpha(0.03, penalty="l2", source="gradient",
    ...                 target="multiplicative", learning_rate_init=0.01)
    0.9997
    >>> translate_alpha(1e-4, penalty="l2", source="sklearn", target="gradient",
    ...                 batch_size=200)
    5e-07
    >>> translate_alpha(0.01, penalty="l2", source="keras", target="gradient")
    0.02
    """
    _check_choice("penalty", penalty, _PENALTIES)
    if not isinstance(momentum, Real) or not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1); got {momentum!r}.")
    conventions = (*STYLES, *EXTERNAL_CONVENTIONS)
    _check_choice("source", source, conventions)
    _check_choice("target", target, conventions)
    if not isinstance(alpha, Real) or not alpha >= 0:
        raise ValueError(f"alpha must be a non-negative number; got {alpha!r}.")
    for convention in (source, target):
        _check_penalty_fits(convention, penalty, l1_ratio)
    if {source, target} == {_ADAMW_STYLE, _ADAMW}:
        # Both are a per-step shrink; only the learning rate separates them.
        lr = _positive("learning_rate_init", learning_rate_init, repr(_ADAMW))
        return float(alpha * lr if source == _ADAMW else alpha / lr)
    units = dict(
        learning_rate_init=learning_rate_init,
        momentum=momentum,
        batch_size=batch_size,
        n_samples=n_samples,
    )
    lam = _to_objective(float(alpha), source, penalty, units)
    return float(_from_objective(lam, target, penalty, units))


def from_keras_l1_l2(l1, l2):
    """Our ``(alpha, l1_ratio)`` for Keras's ``regularizers.l1_l2(l1, l2)``.

    Keras adds ``l1 sum|w| + l2 sum w**2`` to the loss; ours is
    ``alpha (l1_ratio sum|w| + (1 - l1_ratio) 1/2 sum w**2)``, so
    ``alpha = l1 + 2 l2`` and ``l1_ratio = l1 / (l1 + 2 l2)``.

    Parameters
    ----------
    l1, l2 : float
        Keras's two factors, non-negative, not both zero.

    Returns
    -------
    alpha : float
        Objective weight (the unit of ``penalty_style='gradient'``).
    l1_ratio : float
        The elastic net's L1 share.

    Examples
    --------
    >>> from sklearn_nnreg import from_keras_l1_l2
    >>> alpha, l1_ratio = from_keras_l1_l2(0.01, 0.01)
    >>> round(alpha, 12), round(l1_ratio, 12)
    (0.03, 0.333333333333)
    """
    l1, l2 = float(l1), float(l2)
    if l1 < 0 or l2 < 0 or l1 + l2 == 0:
        raise ValueError(
            f"l1 and l2 must be non-negative and not both zero; got {l1}, {l2}."
        )
    alpha = l1 + 2.0 * l2
    return alpha, l1 / alpha


def to_keras_l1_l2(alpha, l1_ratio):
    """Keras's ``(l1, l2)`` for our elastic net ``(alpha, l1_ratio)``.

    The inverse of :func:`from_keras_l1_l2`.

    Parameters
    ----------
    alpha : float
        Objective weight, non-negative.
    l1_ratio : float
        L1 share in [0, 1].

    Returns
    -------
    l1, l2 : float
        The arguments of ``keras.regularizers.l1_l2``.

    Examples
    --------
    >>> from sklearn_nnreg import to_keras_l1_l2
    >>> l1, l2 = to_keras_l1_l2(0.03, 1 / 3)
    >>> round(l1, 12), round(l2, 12)
    (0.01, 0.01)
    """
    alpha, l1_ratio = float(alpha), float(l1_ratio)
    if alpha < 0 or not 0 <= l1_ratio <= 1:
        raise ValueError(
            f"alpha must be >= 0 and l1_ratio in [0, 1]; got {alpha}, {l1_ratio}."
        )
    return alpha * l1_ratio, alpha * (1.0 - l1_ratio) / 2.0
