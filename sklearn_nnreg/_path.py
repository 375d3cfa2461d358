"""The warm-started regularization path of a network, estimator-agnostic.

Cross-validating alpha and the penalty style by brute force fits every
(style, alpha, fold) from random weights.  The path fits them in sequence
instead, each point starting from the previous point's weights, as
scikit-learn's ``LassoCV`` and ``LogisticRegressionCV`` do for linear models:

- one cold fit per training set at the weakest alpha, the *trunk*, made with
  the first style and shared by every style;
- each style's path then goes from the weakest alpha to the strongest.  A
  network shrunk near zero by a strong alpha must regrow under a weaker one,
  and warm starts from there land in poor minima, so the linear models'
  strong-to-weak order is the wrong one here;
- every point after the trunk continues from the previous weights with the
  solver's memory (adam's moments, sgd's velocity, the style's running
  totals) but a fresh stopping rule, within a :class:`PointBudget`: at most
  ``POINT_MAX_ITER`` (12) epochs and a patience of ``POINT_N_ITER_NO_CHANGE``
  (5) epochs (sgd and adam), from the previous weights times ``POINT_SHRINK``
  (0.8): a network warm-started from one that has memorised its data
  generalises worse than a fresh fit, and the shrink undoes part of that;
- a point whose previous solution has a layer with every weight exactly zero
  starts cold: an all-zero layer is a saddle that no gradient step leaves.

The functions here take the estimator to clone (any estimator of this
package with ``penalty_style``, ``alpha`` and ``_continue_path``) and a
scorer, so that a classifier and a regressor share them.
"""

import copy
import warnings
from dataclasses import dataclass
from time import perf_counter

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import _safe_indexing

from ._styles import STOCHASTIC_SOLVERS, STYLES
from ._trainer import TrainingDivergedError

#: Epochs of every point after the trunk (sgd and adam).  Measured on both
#: problems of benchmarks/bench_tuning.py (docs/regularization_path.rst):
#: with the shrink below, 12 epochs chose models as accurate as a grid
#: search's for no more work than 15 epochs without it.
POINT_MAX_ITER = 12

#: Patience (``n_iter_no_change``) of every point after the trunk, at most.
POINT_N_ITER_NO_CHANGE = 5

#: Factor on the previous point's weights (not the intercepts) before a warm
#: point trains on from them.  A network warm-started from a fit that has
#: memorised its training data generalises worse than a fresh fit at the same
#: alpha (Ash and Adams, "On Warm-Starting Neural Network Training", 2020),
#: however long it trains; shrinking the weights at each point, as their
#: shrink-and-perturb does, closed the gap to the grid search's choice on the
#: larger bench_tuning problem (84.85% -> 86.10% test accuracy).
POINT_SHRINK = 0.8


@dataclass(frozen=True)
class PointBudget:
    """How long a warm point of a path may train (sgd and adam).

    ``max_iter`` caps its epochs and ``n_iter_no_change`` its patience; each
    is the smaller of this and the estimator's own setting.  ``shrink``
    multiplies the previous point's weights (not the intercepts) before the
    point trains on from them.
    """

    max_iter: int = POINT_MAX_ITER
    n_iter_no_change: int = POINT_N_ITER_NO_CHANGE
    shrink: float = POINT_SHRINK

    def settings(self, estimator):
        """The parameters a warm point of ``estimator`` is fitted with."""
        if estimator.solver not in STOCHASTIC_SOLVERS:
            # lbfgs counts iterations, not epochs: a warm start is all it needs.
            return {"max_iter": estimator.max_iter}
        return {
            "max_iter": min(estimator.max_iter, self.max_iter),
            "n_iter_no_change": min(estimator.n_iter_no_change, self.n_iter_no_change),
            "shrink": self.shrink,
        }


@dataclass(frozen=True)
class PathPoint:
    """One point of a style's path: the style, its alpha and the objective weight."""

    style: str
    alpha: float
    common_alpha: float


def style_points(styles, lambdas, estimator):
    """Each style's points, weak to strong: ``{style: [PathPoint, ...]}``.

    ``lambdas`` are objective weights; each is translated to the style's own
    unit, and one the style cannot express (or the estimator would refuse)
    is left out, as :func:`~sklearn_nnreg.style_param_grid` leaves it out.
    """
    rate, momentum = _translation_rate(estimator)
    penalty, l1_ratio = estimator.penalty, estimator.l1_ratio
    points = {}
    for name in styles:
        style = STYLES[name]
        kept = []
        for lam in sorted(lambdas):
            try:
                alpha = style.from_objective(lam, rate, momentum)
                style.check_alpha(alpha, penalty, l1_ratio)
            except ValueError:
                continue
            kept.append(PathPoint(name, float(alpha), float(lam)))
        points[name] = kept
    return points


def _translation_rate(estimator):
    """The learning rate and momentum that per-step units are translated with."""
    momentum = estimator.momentum if estimator.solver == "sgd" else 0.0
    return estimator.learning_rate_init, momentum


def fit_point_cold(estimator, point, X, y, sample_weight):
    """A fit from random weights at ``point``: a clone, as a grid search fits."""
    est = clone(estimator).set_params(penalty_style=point.style, alpha=point.alpha)
    return est.fit(X, y, **_weights(sample_weight))


def _continue(previous, point, X, y, sample_weight, settings):
    """A copy of ``previous`` trained on from its weights at ``point``.

    ``settings`` are the warm point's budget (:meth:`PointBudget.settings`).
    """
    est = copy.deepcopy(previous)
    settings = dict(settings)
    shrink = settings.pop("shrink", 1.0)
    if shrink != 1.0:
        for coef in est.coefs_:
            coef *= shrink
    est.set_params(
        penalty_style=point.style, alpha=point.alpha, warm_start=True, **settings
    )
    with warnings.catch_warnings():
        # Reaching the cap is the rule here, not a failure to converge.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est._continue_path(X, y, **_weights(sample_weight))


def _weights(sample_weight):
    return {} if sample_weight is None else {"sample_weight": sample_weight}


def _needs_cold_start(previous):
    """Whether ``previous`` cannot seed a warm start (see the module docstring)."""
    if previous is None:
        return True
    return any(not np.any(coef) for coef in previous.coefs_)


def walk_path(
    estimator,
    trunk,
    points,
    X,
    y,
    sample_weight=None,
    budget=PointBudget(),
    trunk_seconds=0.0,
):
    """Fit ``points`` (one style, weak to strong) in turn; yield each fit.

    Yields ``(point, fitted estimator or None, fit time)``; None when the fit
    diverged (the next point then starts cold).  ``trunk`` is the cold fit at
    the weakest alpha, of the first style, made in ``trunk_seconds``; it is
    the first point itself when that point is the trunk's (the same style
    and alpha), and its fit time is then ``trunk_seconds``.  Each warm point
    trains within ``budget``; with ``budget=None`` every point is a cold
    fit, exactly what a grid search fits.  The trunk and the yielded
    estimators are never modified.
    """
    warm = budget is not None
    settings = budget.settings(estimator) if warm else None
    previous = trunk if warm else None
    for point in points:
        start = perf_counter()
        if warm and _is_trunk_point(trunk, point):
            current, elapsed = trunk, trunk_seconds
        else:
            current = _fit_point(
                estimator, previous, point, X, y, sample_weight, settings
            )
            elapsed = perf_counter() - start
        yield point, current, elapsed
        previous = current if warm else None


def _fit_point(estimator, previous, point, X, y, sample_weight, settings):
    try:
        if _needs_cold_start(previous):
            return fit_point_cold(estimator, point, X, y, sample_weight)
        return _continue(previous, point, X, y, sample_weight, settings)
    except TrainingDivergedError:
        return None


def _is_trunk_point(trunk, point):
    return (
        trunk is not None
        and trunk.penalty_style == point.style
        and trunk.alpha == point.alpha
    )


def fit_trunk(estimator, point, X, y, sample_weight, train=None):
    """The trunk of one training set (all rows when ``train`` is None).

    Returns ``(cold fit at point or None if it diverged, seconds)``.
    """
    if train is not None:
        X, y, sample_weight = _rows((X, y, sample_weight), train)
    start = perf_counter()
    try:
        trunk = fit_point_cold(estimator, point, X, y, sample_weight)
    except TrainingDivergedError:
        trunk = None  # each style's first point then starts cold
    return trunk, perf_counter() - start


def _rows(arrays, index):
    return tuple(None if a is None else _safe_indexing(a, index) for a in arrays)


def score_path(estimator, trunk, points, data, split, scorer, budget):
    """Fit one style's path on a training set and score each point.

    ``trunk`` is :func:`fit_trunk`'s ``(model, seconds)`` on the training
    set, ``data`` is ``(X, y, sample_weight)``, ``split`` ``(train, test)``
    and ``budget`` as in :func:`walk_path`.  Returns one dict per point:
    ``score``, ``sparsity``, ``n_iter``, ``fit_time`` (the trunk's for the
    trunk's point), ``score_time`` (NaN score and sparsity for a fit that
    diverged).
    """
    X_train, y_train, sw_train = _rows(data, split[0])
    X_test, y_test = _rows(data[:2], split[1])
    fits = walk_path(
        estimator, trunk[0], points, X_train, y_train, sw_train, budget, trunk[1]
    )
    return [
        _score_point(est, fit_time, scorer, X_test, y_test) for _, est, fit_time in fits
    ]


def _score_point(est, fit_time, scorer, X_test, y_test):
    start = perf_counter()
    if est is None:
        score, sparsity, n_iter = np.nan, np.nan, 0
    else:
        score = scorer(est, X_test, y_test)
        sparsity, n_iter = est.sparsity_, est.n_iter_
    return {
        "score": float(score),
        "sparsity": float(sparsity),
        "n_iter": int(n_iter),
        "fit_time": fit_time,
        "score_time": perf_counter() - start,
    }


def refit_along_path(estimator, trunk, points, chosen, X, y, sample_weight, budget):
    """The model at ``chosen`` fitted on all data the way the CV scored it.

    With a ``budget`` (see :func:`walk_path`): from ``trunk`` (the cold fit
    on all data, see :func:`fit_trunk`; None if it diverged), ``chosen``'s
    style from its weakest point up to ``chosen``.  With ``budget=None``:
    one cold fit at ``chosen``.
    """
    if budget is None:
        return fit_point_cold(estimator, chosen, X, y, sample_weight)
    upto = points[: points.index(chosen) + 1]
    fits = walk_path(estimator, trunk, upto, X, y, sample_weight, budget)
    for point, est, _ in fits:
        if point == chosen:
            if est is None:
                raise TrainingDivergedError(
                    f"Refitting the chosen model ({chosen.style!r}, alpha="
                    f"{chosen.alpha:g}) on all the data diverged."
                )
            return est
    raise AssertionError("the chosen point is on its style's path")
