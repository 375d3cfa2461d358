"""SparsityPathDisplay: the share of exactly-zero weights against alpha, per style."""

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone

from .._grid import common_alpha
from .._scoring import _final_estimator
from ._arguments import (
    ALPHAS,
    CLONE_FITS,
    CV_RESULTS,
    DRAWING,
    DRAWING_WITH_SPREAD,
    FITTED_DATA,
    PENALTY_STYLES,
    builder_taking,
    declare_arguments,
)
from ._curves import _curves_by_style, _StyleCurvesDisplay
from ._docs import _fill_doc

_ALPHAS = ALPHAS.described(
    """
    The alphas in objective units (translated into each style's
    unit with :func:`~sklearn_nnreg.style_param_grid`).
    """
)
_CV_RESULTS = CV_RESULTS.described(
    """
    ``GridSearchCV.cv_results_`` of a search over a
    :func:`~sklearn_nnreg.style_param_grid` grid, or several of them.
    """
)
(_METRIC,) = declare_arguments(
    """
metric : str, default='sparsity'
    The key of :func:`~sklearn_nnreg.sparsity_scorer` in ``scoring``.
"""
)


def _fit_sparsity(estimator, params, X, y, fit_params):
    model = clone(estimator).set_params(**params)
    model.fit(X, y, **fit_params)
    return float(_final_estimator(model).sparsity_)


@_fill_doc
class SparsityPathDisplay(_StyleCurvesDisplay):
    """Share of exactly-zero connection weights against alpha, per style.

    Only ``'proximal'`` and ``'cumulative'`` (and every style under
    ``solver='lbfgs'``) set weights exactly to zero under L1; the
    subgradient styles only make them small, and their line stays at zero.
    Build it with :meth:`from_estimator` (fits one clone per style and
    alpha) or :meth:`from_cv_results` (a search that recorded
    :func:`~sklearn_nnreg.sparsity_scorer`).

    Parameters
    ----------
    alphas : dict of str to ndarray
        For each style, its alphas in objective units, increasing.
    sparsity : dict of str to ndarray
        For each style, the share of exact zeros among the connection weights
        at each alpha, in [0, 1].
    sparsity_stds : dict of str to ndarray, default=None
        For each style, the standard deviation over the folds
        (:meth:`from_cv_results` only).

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        The line of each style.
    fill_between_ : dict of str to matplotlib PolyCollection
        Bands of one standard deviation, when ``sparsity_stds`` is given.
    errorbar_ : dict of str to matplotlib ErrorbarContainer
        Error bars, with ``std_display_style='errorbar'``.
    {plot_axes}

    See Also
    --------
    StyleComparisonDisplay : The score against alpha.
    sklearn_nnreg.sparsity_scorer : Records ``sparsity_`` in a search.

    {example_iris}
    >>> from sklearn_nnreg.plot import SparsityPathDisplay
    >>> clf = RegularizedMLPClassifier(hidden_layer_sizes=(8,), solver="sgd",
    ...                                penalty="l1", learning_rate_init=0.05,
    ...                                batch_size=10, max_iter=30, random_state=0)
    >>> display = SparsityPathDisplay.from_estimator(
    ...     clf, X, y, alphas=[1e-3, 1e-1], styles=["gradient", "proximal"])
    >>> display.sparsity["gradient"].tolist()
    [0.0, 0.0]
    >>> bool(display.sparsity["proximal"][-1] > 0.5)
    True
    """

    _curve_params = ("sparsity", "sparsity_stds")
    _y_limits = (-0.02, 1.02)  # a share: the whole range, whatever the data

    def __init__(self, *, alphas, sparsity, sparsity_stds=None):
        self.alphas = alphas
        self.sparsity = sparsity
        self.sparsity_stds = sparsity_stds

    def _y_label(self):
        return "share of weights exactly zero"

    @builder_taking(*FITTED_DATA, _ALPHAS, *PENALTY_STYLES, *CLONE_FITS, *DRAWING)
    def from_estimator(cls, given):
        """Fit one clone per style and alpha, then plot their sparsity."""
        from sklearn.model_selection import ParameterGrid

        grid = cls._style_grid(given)
        candidates = list(ParameterGrid(grid))
        fit_params = given.fit_params or {}
        sparsity = Parallel(n_jobs=given.n_jobs)(
            delayed(_fit_sparsity)(given.estimator, p, given.X, given.y, fit_params)
            for p in candidates
        )
        curves = _curves_by_style(
            candidates, common_alpha({"params": candidates}), [np.asarray(sparsity)]
        )
        display = cls._from_curves(curves, cls._curve_params[:1])
        return display.plot(ax=given.ax, line_kwargs=given.line_kwargs)

    @builder_taking(_CV_RESULTS, _METRIC, *DRAWING_WITH_SPREAD)
    def from_cv_results(cls, given):
        """Plot the sparsity recorded by a search over alpha and style.

        The search must have recorded each candidate's ``sparsity_``: pass
        :func:`~sklearn_nnreg.sparsity_scorer` in a multi-metric
        ``scoring`` dict, e.g. ``scoring={'accuracy': 'accuracy',
        'sparsity': sparsity_scorer}, refit='accuracy'``.
        """
        display = cls._from_cv_metric(given.cv_results, given.metric)
        return display.plot(
            ax=given.ax,
            std_display_style=given.std_display_style,
            line_kwargs=given.line_kwargs,
        )

    @staticmethod
    def _missing_column_message(key, metrics):
        return (
            f"cv_results has no {key!r} column (its metrics: {metrics}). Record "
            "the sparsity in the search: scoring={'accuracy': 'accuracy', "
            "'sparsity': sparsity_scorer}, refit='accuracy', with "
            "sklearn_nnreg.sparsity_scorer."
        )
