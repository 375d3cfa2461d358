"""Parameter grids that line up one list of alphas across penalty styles."""

from numbers import Real

import numpy as np

from ._penalties import USES_L1_RATIO
from ._styles import STYLES
from ._translate import _PENALTIES, _check_choice

_DEFAULT_LR = 0.001


def _style_alphas(alphas, style, penalty, learning_rate_init, l1_ratio, momentum):
    """The objective weights ``alphas`` in ``style``'s units; invalid ones left out.

    A style that cannot apply the penalty keeps none; an alpha with no
    counterpart in the style's unit, or one the estimator would refuse
    (a decoupled shrink that flips signs, say), is left out.
    """
    style = STYLES[style]
    if not style.accepts(penalty, l1_ratio=l1_ratio):
        return []
    kept = []
    for lam in alphas:
        try:
            value = style.from_objective(lam, learning_rate_init, momentum or 0.0)
            style.check_alpha(value, penalty, l1_ratio)
        except ValueError:
            continue
        kept.append(float(value))
    return kept


def _checked_grid_args(styles, alphas, penalty, momentum):
    """``(styles, alphas)`` as tuples and floats, after checking every argument."""
    styles = tuple(STYLES) if styles is None else tuple(styles)
    for style in styles:
        if style not in STYLES:
            raise ValueError(
                f"Unknown penalty style {style!r}; use one of {tuple(STYLES)}."
            )
    alphas = [float(a) for a in np.atleast_1d(alphas)]
    if not alphas or any(not a >= 0 for a in alphas):
        raise ValueError(f"alphas must be non-negative numbers; got {alphas}.")
    _check_choice("penalty", penalty, _PENALTIES)
    if momentum is not None and (
        not isinstance(momentum, Real) or not 0 <= momentum < 1
    ):
        raise ValueError(f"momentum must be in [0, 1); got {momentum!r}.")
    return styles, alphas


def style_param_grid(
    alphas,
    *,
    penalty,
    styles=None,
    learning_rate_init=_DEFAULT_LR,
    l1_ratio=0.5,
    momentum=None,
    prefix="",
):
    """A ``GridSearchCV`` grid whose alphas line up across penalty styles.

    The same alphas, given as objective weights (the unit of
    ``penalty_style='gradient'``), are translated into each style's own unit
    with :func:`translate_alpha`, so that row k of every style means "the
    same lambda".  Combinations a style cannot express are left out: any
    alpha for ``'multiplicative'`` with an L1 part, ``'cumulative'`` without
    one, a multiplicative keep-fraction <= 0, a decoupled L2 shrink >= 1.
    Each dict also fixes ``penalty``, ``l1_ratio`` and ``learning_rate_init``,
    since the translation depends on them.

    Parameters
    ----------
    alphas : sequence of float
        Objective weights, non-negative.
    penalty : {'l1', 'l2', 'elasticnet', 'group_lasso', 'sparse_group_lasso'}
        The penalty.  The group penalties leave out ``'multiplicative'`` and
        ``'cumulative'``, which have no form for them.
    styles : sequence of str, default=None
        Styles to include; all five by default.
    learning_rate_init : float, default=0.001
        The learning rate the searched estimators use.
    l1_ratio : float, default=0.5
        The L1 share of the elastic net and the sparse group lasso.
    momentum : float, default=None
        The sgd momentum of the searched estimators.  When given, it is fixed
        in every dict and the translation uses the effective rate
        ``learning_rate_init / (1 - momentum)`` (see :func:`translate_alpha`);
        when None, the translation assumes plain sgd (exact with
        ``momentum=0``) and the estimators keep their own momentum.
    prefix : str, default=''
        Prepended to every key, e.g. ``'regularizedmlpclassifier__'`` for a
        pipeline step.

    Returns
    -------
    param_grid : list of dict
        One dict per style that keeps at least one alpha.

    Examples
    --------
    >>> from sklearn_nnreg import style_param_grid
    >>> grid = style_param_grid([1e-3, 1e-2], penalty="l2",
    ...                         styles=["gradient", "decoupled"],
    ...                         learning_rate_init=0.1)
    >>> [(g["penalty_style"], g["alpha"]) for g in grid]
    [(['gradient'], [0.001, 0.01]), (['decoupled'], [0.0001, 0.001])]
    """
    styles, alphas = _checked_grid_args(styles, alphas, penalty, momentum)
    grid = []
    for style in styles:
        values = _style_alphas(
            alphas, style, penalty, learning_rate_init, l1_ratio, momentum
        )
        if not values:
            continue
        entry = {
            "penalty": [penalty],
            "penalty_style": [style],
            "alpha": values,
            "learning_rate_init": [learning_rate_init],
        }
        if penalty in USES_L1_RATIO:
            entry["l1_ratio"] = [l1_ratio]
        if momentum is not None:
            entry["momentum"] = [momentum]
        grid.append({prefix + key: value for key, value in entry.items()})
    return grid


_MISSING = object()


def _param(params, name, default=_MISSING):
    """``params[name]`` or the pipeline-prefixed ``params['...__name']``."""
    for key, value in params.items():
        if key == name or key.endswith("__" + name):
            return value
    if default is _MISSING:
        raise KeyError(name)
    return default


def common_alpha(cv_results):
    """The alpha of each row of ``cv_results_``, in objective units.

    Parameters
    ----------
    cv_results : dict
        ``GridSearchCV.cv_results_`` from a grid made by
        :func:`style_param_grid` (it needs ``penalty``, ``penalty_style``,
        ``alpha`` and ``learning_rate_init`` in every row's params).

    Returns
    -------
    alphas : ndarray of shape (n_candidates,)
        Each candidate's alpha as an objective weight.
    """
    out = []
    for params in cv_results["params"]:
        style = STYLES[_param(params, "penalty_style")]
        style.check_penalty(_param(params, "penalty"), _param(params, "l1_ratio", 0.5))
        lam = style.to_objective(
            _param(params, "alpha"),
            _param(params, "learning_rate_init"),
            _param(params, "momentum", 0.0),
        )
        out.append(lam)
    return np.array(out, dtype=float)


def best_alpha_per_style(cv_results):
    """The best candidate of each style in a ``cv_results_``, in both units.

    Parameters
    ----------
    cv_results : dict
        ``GridSearchCV.cv_results_`` from a grid made by
        :func:`style_param_grid`.

    Returns
    -------
    best : dict
        ``{style: {'alpha', 'common_alpha', 'mean_test_score',
        'std_test_score', 'index'}}`` where ``alpha`` is in the style's own
        unit, ``common_alpha`` in objective units and ``index`` the row in
        ``cv_results``.
    """
    commons = common_alpha(cv_results)
    means = np.asarray(cv_results["mean_test_score"], dtype=float)
    best = {}
    for i, params in enumerate(cv_results["params"]):
        style = _param(params, "penalty_style")
        if style not in best or means[i] > means[best[style]["index"]]:
            best[style] = {
                "alpha": float(_param(params, "alpha")),
                "common_alpha": float(commons[i]),
                "mean_test_score": float(means[i]),
                "std_test_score": float(cv_results["std_test_score"][i]),
                "index": i,
            }
    return best
