"""StyleComparisonDisplay: the cross-validated score against alpha, per style."""

import numpy as np

from ._curves import _StyleCurvesDisplay
from ._docs import _fill_doc


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
    ax_ : matplotlib Axes
        The axes of the plot.
    figure_ : matplotlib Figure
        The figure of the plot.

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

    @classmethod
    @_fill_doc
    def from_cv_results(
        cls,
        cv_results,
        *,
        metric=None,
        ax=None,
        std_display_style="fill_between",
        line_kwargs=None,
    ):
        """Plot the results of a search over alpha and penalty style.

        Parameters
        ----------
        cv_results : dict or sequence of dict
            ``GridSearchCV.cv_results_`` of a search over a
            :func:`style_param_grid` grid, or several of them (e.g. one
            search per style), whose rows are pooled.
        metric : str, default=None
            With multi-metric scoring, the metric to show (the key of
            ``scoring``); None uses ``mean_test_score``.
        {drawing_with_spread}

        Returns
        -------
        display : StyleComparisonDisplay
            The plotted display.
        """
        suffix = "score" if metric is None else metric
        display = cls._from_cv_metric(cv_results, suffix, score_name=metric)
        return display.plot(
            ax=ax, std_display_style=std_display_style, line_kwargs=line_kwargs
        )

    @classmethod
    @_fill_doc
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        alphas,
        penalty=None,
        styles=None,
        cv=None,
        scoring=None,
        n_jobs=None,
        ax=None,
        std_display_style="fill_between",
        line_kwargs=None,
    ):
        """Run a grid search over alpha and penalty style, then plot it.

        The grid is :func:`style_param_grid` for the estimator's penalty,
        ``learning_rate_init`` and, with ``solver='sgd'``, ``momentum``; fits
        that fail score NaN and leave a gap in their line.

        Parameters
        ----------
        {estimator_data}
        alphas : sequence of float
            The alphas in objective units.
        {penalty_styles}
        cv : int, cross-validation generator or iterable, default=None
            As in :class:`~sklearn.model_selection.GridSearchCV`.
        scoring : str or callable, default=None
            One score, as in ``GridSearchCV``; the estimator's ``score`` when
            None.
        n_jobs : int, default=None
            Parallel fits.
        {drawing_with_spread}

        Returns
        -------
        display : StyleComparisonDisplay
            The plotted display.
        """
        from sklearn.model_selection import GridSearchCV

        grid = cls._style_grid(estimator, alphas, styles, penalty)
        search = GridSearchCV(
            estimator,
            grid,
            cv=cv,
            scoring=scoring,
            n_jobs=n_jobs,
            error_score=np.nan,
            refit=False,
        )
        search.fit(X, y)
        display = cls.from_cv_results(
            search.cv_results_,
            ax=ax,
            std_display_style=std_display_style,
            line_kwargs=line_kwargs,
        )
        if isinstance(scoring, str):
            display.score_name = scoring
            display.ax_.set_ylabel(f"mean CV {scoring}")
        return display

    @staticmethod
    def _missing_column_message(key, metrics):
        return (
            f"cv_results has no {key!r} column. Its metrics are: {metrics}. "
            "With multi-metric scoring, pass metric=NAME."
        )
