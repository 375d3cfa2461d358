"""StyleComparisonDisplay: the cross-validated score against alpha, per style."""

import numpy as np

from ._arguments import (
    ALPHAS,
    CV_RESULTS,
    DRAWING_WITH_SPREAD,
    FITTED_DATA,
    N_JOBS,
    PENALTY_STYLES,
    builder_taking,
    declare_arguments,
)
from ._curves import _StyleCurvesDisplay
from ._docs import _fill_doc

_CV, _SCORING = declare_arguments(
    """
cv : int, cross-validation generator or iterable, default=None
    As in :class:`~sklearn.model_selection.GridSearchCV`.
scoring : str or callable, default=None
    One score, as in ``GridSearchCV``; the estimator's ``score`` when
    None.
"""
)
#: The search that from_estimator runs.
_SEARCH = (_CV, _SCORING, N_JOBS.described("Parallel fits."))
(_METRIC,) = declare_arguments(
    """
metric : str, default=None
    With multi-metric scoring, the metric to show (the key of
    ``scoring``); None uses ``mean_test_score``.
"""
)


@_fill_doc
class StyleComparisonDisplay(_StyleCurvesDisplay):
    """Cross-validated score against alpha, one line per penalty style.

    The alphas of every style are shown in objective units (see
    :func:`sklearn_nnreg.common_alpha`), so the lines are comparable: a
    point at x is "the same lambda" in each style.  Build it with
    :meth:`from_cv_results` (a search over a :func:`style_param_grid` grid)
    or :meth:`from_estimator` (which runs that search).

    Parameters
    ----------
    alphas : dict of str to ndarray
        For each style, its alphas in objective units, increasing.
    scores : dict of str to ndarray
        For each style, the mean score at each alpha.
    score_stds : dict of str to ndarray, default=None
        For each style, the standard deviation of the score over the folds.
    score_name : str, default=None
        The name of the score; ``'score'`` when None.

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        The line of each style.
    fill_between_ : dict of str to matplotlib PolyCollection
        The band of mean +- one standard deviation of each style
        (``std_display_style='fill_between'``).
    errorbar_ : dict of str to matplotlib ErrorbarContainer
        The error bars of each style (``std_display_style='errorbar'``).
    {plot_axes}

    See Also
    --------
    sklearn_nnreg.style_param_grid : The grid whose alphas line up.
    SparsityPathDisplay : The share of exact zeros against alpha.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_nnreg import RegularizedMLPClassifier, style_param_grid
    >>> from sklearn_nnreg.plot import StyleComparisonDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> grid = style_param_grid([1e-3, 1e-1], penalty="l2", learning_rate_init=0.05,
    ...                         styles=["gradient", "decoupled"], momentum=0.0)
    >>> search = GridSearchCV(
    ...     RegularizedMLPClassifier(hidden_layer_sizes=(8,), solver="sgd",
    ...                              max_iter=20, random_state=0),
    ...     grid, cv=2).fit(X, y)
    >>> display = StyleComparisonDisplay.from_cv_results(search.cv_results_)
    >>> sorted(display.lines_)
    ['decoupled', 'gradient']
    >>> display.alphas["decoupled"].round(12).tolist()
    [0.001, 0.1]
    """

    _curve_params = ("scores", "score_stds")

    def __init__(self, *, alphas, scores, score_stds=None, score_name=None):
        self.alphas = alphas
        self.scores = scores
        self.score_stds = score_stds
        self.score_name = score_name

    def _y_label(self):
        return f"mean CV {self.score_name or 'score'}"

    @builder_taking(CV_RESULTS, _METRIC, *DRAWING_WITH_SPREAD)
    def from_cv_results(cls, given):
        """Plot the results of a search over alpha and penalty style."""
        metric = given.metric
        suffix = "score" if metric is None else metric
        display = cls._from_cv_metric(given.cv_results, suffix, score_name=metric)
        return display.plot(
            ax=given.ax,
            std_display_style=given.std_display_style,
            line_kwargs=given.line_kwargs,
        )

    @builder_taking(
        *FITTED_DATA, ALPHAS, *PENALTY_STYLES, *_SEARCH, *DRAWING_WITH_SPREAD
    )
    def from_estimator(cls, given):
        """Run a grid search over alpha and penalty style, then plot it.

        The grid is :func:`style_param_grid` for the estimator's penalty,
        ``learning_rate_init`` and, with ``solver='sgd'``, ``momentum``; fits
        that fail score NaN and leave a gap in their line.
        """
        from sklearn.model_selection import GridSearchCV

        search = GridSearchCV(
            given.estimator,
            cls._style_grid(given),
            cv=given.cv,
            scoring=given.scoring,
            n_jobs=given.n_jobs,
            error_score=np.nan,
            refit=False,
        )
        search.fit(given.X, given.y)
        display = cls.from_cv_results(
            search.cv_results_,
            ax=given.ax,
            std_display_style=given.std_display_style,
            line_kwargs=given.line_kwargs,
        )
        if isinstance(given.scoring, str):
            display.score_name = given.scoring
            display.ax_.set_ylabel(f"mean CV {given.scoring}")
        return display

    @staticmethod
    def _missing_column_message(key, metrics):
        return (
            f"cv_results has no {key!r} column. Its metrics are: {metrics}. "
            "With multi-metric scoring, pass metric=NAME."
        )
