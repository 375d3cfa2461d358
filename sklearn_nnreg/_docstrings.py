"""Docstring text that several public objects share, written once.

:func:`fill_doc` replaces each docstring line that is only ``{name}`` by the
block ``name``, at that line's indentation, when the module is imported, so
``help()``, Sphinx and numpydoc see the full text.  :data:`ESTIMATOR_BLOCKS`
holds the estimators' shared parameters, attributes and method arguments;
``sklearn_nnreg.plot`` keeps its own blocks.  The text that names styles is
made from the style registry, which is the one place that spells them.
"""

import re
import textwrap

from ._styles import STYLES, Gradient, Proximal, styles_accepting

_PLACEHOLDER = re.compile(r"(\s*)\{(\w+)\}")


def fill_doc(obj, blocks):
    """``obj`` (a function or class) with its ``{name}`` lines filled in.

    A name that is not in ``blocks`` raises KeyError at import, so a typo
    cannot reach the documentation.  Without docstrings (``python -OO``)
    ``obj`` is returned as it is.
    """
    if obj.__doc__ is None:
        return obj
    lines = []
    for line in obj.__doc__.splitlines():
        match = _PLACEHOLDER.fullmatch(line)
        if match is None:
            lines.append(line)
            continue
        indent, name = match.groups()
        lines.extend(
            indent + text if text else "" for text in blocks[name].splitlines()
        )
    obj.__doc__ = "\n".join(lines)
    return obj


def _quoted(names):
    """``'a'``, ``'b'`` and ``'c'`` for the names a, b, c."""
    quoted = [f"``{name!r}``" for name in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _entry(header, description):
    """A numpydoc parameter entry, its description wrapped to 76 columns."""
    body = textwrap.fill(
        " ".join(description.split()),
        76,
        initial_indent="    ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )
    return f"{header}\n{body}\n"


def _solver_parameter():
    """solver: the text that names the styles with and without an objective."""
    objective = [name for name, style in STYLES.items() if style.has_objective]
    steps = [name for name in STYLES if name not in objective]
    return _entry(
        "solver : {'lbfgs', 'sgd', 'adam'}, default='adam'",
        f"""The optimizer.  ``'lbfgs'`` minimises L + alpha R with scipy's
        L-BFGS-B on the full batch.  It takes no steps, so the styles in
        objective units ({_quoted(objective)}) all mean that one objective
        there and give the same result; the step rules {_quoted(steps)} raise.
        An L1 part is solved exactly by splitting each penalized weight into a
        positive and a negative part, ``w = p - n`` with bounds ``p, n >= 0``,
        which makes the L1 term linear and smooth; the bounds give exact
        zeros.  Use ``'lbfgs'`` with L1 for feature selection: element-wise
        L1 under sgd or adam zeroes single weights long before a whole
        input's row.""",
    )


def _style_parameters():
    """penalty and penalty_style: the text that names styles."""
    options = ", ".join(repr(name) for name in STYLES)
    group_styles = _quoted(styles_accepting("group_lasso", "adam"))
    penalty = _entry(
        "penalty : {'l2', 'l1', 'elasticnet', 'group_lasso', "
        "'sparse_group_lasso'} or None, default='l2'",
        f"""The penalty R.  None applies no penalty, whatever the style.  The
        group penalties (groups: the outgoing weights of each input and hidden
        unit, row j of ``coefs_[i]``, of size p_g) are ``sum_g sqrt(p_g)
        ||w_g||_2`` and, for the sparse group lasso, ``l1_ratio sum |w| + (1 -
        l1_ratio)`` times that; they take {group_styles} with sgd or adam,
        ``{Proximal.name!r}`` with exact group zeros, which :meth:`prune`
        removes.""",
    )
    style = _entry(
        f"penalty_style : {{{options}}}, default={Gradient.name!r}",
        """Where and how the penalty enters each optimizer step (the update of
        each style is in the description of :class:`RegularizedMLPClassifier`).""",
    )
    return f"""{penalty}\
l1_ratio : float, default=0.5
    Share of L1 in the elastic net and the sparse group lasso, in [0, 1].
{style}\
penalize_intercepts : bool, default=False
    Whether the intercepts are penalized too (not with the group
    penalties: intercepts are never in a group)."""


_ARCHITECTURE = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
    The ith element is the number of neurons in the ith hidden layer.
activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
    Activation function of the hidden layers.
"""

_TRAINING = """\
alpha : float, default=1e-4
    Strength of the penalty, in the unit of ``penalty_style``.
batch_size : int or 'auto', default='auto'
    Minibatch size of the stochastic solvers; 'auto' is
    ``min(200, n_samples)``.
learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
    Learning-rate schedule of ``solver='sgd'``, as in scikit-learn's MLPs.
learning_rate_init : float, default=0.001
    Initial learning rate of sgd and adam.
power_t : float, default=0.5
    Exponent of the 'invscaling' schedule.
max_iter : int, default=200
    Maximum number of epochs (stochastic solvers) or iterations (lbfgs).
shuffle : bool, default=True
    Whether to shuffle the samples in each epoch.
random_state : int, RandomState instance or None, default=None
    Seeds weight initialisation, the validation split and shuffling,
    with the same draws in the same order as scikit-learn's
    ``MLPClassifier`` and ``MLPRegressor``.
tol : float, default=1e-4
    Tolerance of the stopping rule (see ``n_iter_no_change``).
verbose : bool, default=False
    Print progress messages.
warm_start : bool, default=False
    Reuse the previous weights as initialisation (with a fresh optimizer
    and style state).  An interrupted fit (Ctrl-C) keeps the weights
    reached so far when the interrupt lands in the epochs of sgd or adam
    (a warning says so), and otherwise leaves the estimator as it was.
momentum : float, default=0.9
    Momentum of sgd, in [0, 1].
nesterovs_momentum : bool, default=True
    Whether sgd uses Nesterov's momentum.
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the training data and stop when
    its score (accuracy, or R² for a regressor) stops improving; the best
    weights are restored.
validation_fraction : float, default=0.1
    Share of the training data held out for early stopping.
beta_1, beta_2 : float, default=0.9, 0.999
    Adam's moment decay rates, in [0, 1).
epsilon : float, default=1e-8
    Adam's numerical-stability term.
n_iter_no_change : int, default=10
    Number of epochs without an improvement of at least ``tol`` before
    stopping (or, with the 'adaptive' schedule, dividing the rate by 5).
max_fun : int, default=15000
    Maximum number of loss evaluations of lbfgs.
"""

_FITTED_NETWORK = """\
coefs_ : list of ndarray
    Weight matrix of each layer, ``coefs_[i]`` of shape
    ``(units[i], units[i + 1])``.
intercepts_ : list of ndarray
    Intercept vector of each layer.
loss_ : float
    The last recorded value of the training objective (or data loss for
    the styles without an objective).
loss_curve_ : list of float
    Per-epoch value of that loss (stochastic solvers only): each batch's
    value at the weights before its step, averaged over the epoch
    weighted by batch size.
best_loss_ : float or None
    Lowest value in ``loss_curve_`` (None with early stopping).
validation_scores_ : list of float or None
    Held-out score (accuracy, or R² for a regressor) per epoch with early
    stopping, else None.
best_validation_score_ : float or None
    Best held-out score with early stopping, else None.
n_iter_ : int
    Number of epochs (iterations for lbfgs) run by the last fit.
t_ : int
    Number of training samples seen by the stochastic solvers.
n_features_in_ : int
    Number of features seen during fit.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during fit, when X has string column names.
n_layers_ : int
    Number of layers, input and output included.
n_outputs_ : int
    Number of output units.
sparsity_ : float
    Fraction of connection weights (``coefs_``) that are exactly zero."""

ESTIMATOR_BLOCKS = {
    "network_parameters": (
        _ARCHITECTURE + _solver_parameter() + _TRAINING + _style_parameters()
    ),
    "fitted_network": _FITTED_NETWORK,
    "X_train": """\
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    Training data.""",
    "X_predict": """\
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    The input data.""",
    "y_fit": """\
y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    The targets: class labels, or a 0/1 indicator matrix for multilabel
    data, for a classifier; finite values, non-negative for
    ``loss='poisson'``, for a regressor.""",
}


def fill_estimator_doc(obj):
    """``obj`` with the estimators' shared ``{name}`` blocks filled in."""
    return fill_doc(obj, ESTIMATOR_BLOCKS)
