"""Plots of penalty styles, following scikit-learn's Display API.

Each display is built with a ``from_estimator`` or ``from_cv_results``
class method that computes what it shows and then calls ``plot``; ``plot``
can be called again on other axes.  After plotting, ``ax_`` (or ``axes_``)
and ``figure_`` hold the matplotlib objects.

matplotlib is an optional dependency: install it with
``pip install "sklearn_nnreg[plot]"``.  This module imports it only when a
display draws, so importing ``sklearn_nnreg.plot`` never needs it.

Alphas are shown in *objective units*, the weight of the penalty in
``L + alpha R`` (the unit of ``penalty_style='gradient'``), so that the
same x means the same lambda for every style; see
:func:`sklearn_nnreg.common_alpha`.
"""

from collections.abc import Mapping

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone

from ._grid import _param, common_alpha, style_param_grid
from ._scoring import _final_estimator
from ._translate import STYLE_CONVENTIONS

__all__ = [
    "STYLE_COLORS",
    "SparsityPathDisplay",
    "StyleComparisonDisplay",
    "WeightHistogramDisplay",
]

#: The colour of each penalty style, the same in every display.
STYLE_COLORS = {
    "gradient": "C0",
    "decoupled": "C1",
    "multiplicative": "C2",
    "proximal": "C3",
    "cumulative": "C4",
}
_STYLE_MARKERS = {
    "gradient": "o",
    "decoupled": "s",
    "multiplicative": "^",
    "proximal": "D",
    "cumulative": "v",
}
ALPHA_LABEL = "alpha (objective units: mean loss + alpha * R)"


def _pyplot(caller):
    """``matplotlib.pyplot``, or an ImportError that names the extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs matplotlib, an optional dependency of sklearn_nnreg. "
            'Install it with: pip install "sklearn_nnreg[plot]"'
        ) from exc
    return plt


def _new_axes(caller, ax):
    if ax is None:
        _, ax = _pyplot(caller).subplots()
    return ax


# ------------------------------------------------------------- shared helpers
def _as_cv_results_list(cv_results):
    if isinstance(cv_results, Mapping):
        return [cv_results]
    results = list(cv_results)
    if not results or not all(isinstance(r, Mapping) for r in results):
        raise TypeError(
            "cv_results must be a GridSearchCV.cv_results_ dict or a non-empty "
            "sequence of them (e.g. one search per style)."
        )
    return results


def _cv_column(result, key):
    if key not in result:
        metrics = sorted(
            k[len("mean_test_") :] for k in result if k.startswith("mean_test_")
        )
        found = ", ".join(metrics) if metrics else "none"
        raise KeyError(key, found)
    return np.asarray(result[key], dtype=float)


def _merge_cv_results(cv_results, keys):
    """``params`` and the columns ``keys`` of one or more cv_results_ dicts."""
    params, columns = [], {key: [] for key in keys}
    for result in _as_cv_results_list(cv_results):
        if "params" not in result:
            raise ValueError(
                "cv_results has no 'params'; pass GridSearchCV.cv_results_."
            )
        params.extend(result["params"])
        for key in keys:
            columns[key].append(_cv_column(result, key))
    merged = {key: np.concatenate(parts) for key, parts in columns.items()}
    merged["params"] = params
    return merged


def _curves_by_style(params, alphas, columns):
    """Group rows by style and sort by alpha: ``{style: (alphas, *columns)}``."""
    rows = {}
    for i, p in enumerate(params):
        rows.setdefault(_param(p, "penalty_style"), []).append(i)
    curves = {}
    for style, index in rows.items():
        index = np.asarray(index)
        order = np.argsort(alphas[index], kind="stable")
        index = index[order]
        x = alphas[index]
        if len(np.unique(x)) < len(x):
            raise ValueError(
                f"several candidates of style {style!r} share an alpha: the search "
                "varied another parameter too. Plot a search over alpha and "
                "penalty_style only (a style_param_grid grid), or keep one value "
                "of the other parameters."
            )
        curves[style] = (x, *(col[index] for col in columns))
    ordered = [s for s in STYLE_CONVENTIONS if s in curves]
    ordered += [s for s in curves if s not in ordered]
    return {style: curves[style] for style in ordered}


def _set_alpha_scale(ax, alphas):
    values = np.concatenate([np.asarray(a, dtype=float) for a in alphas])
    positive = values[values > 0]
    if positive.size == 0:
        return
    if positive.size == values.size:
        ax.set_xscale("log")
    else:
        ax.set_xscale("symlog", linthresh=float(positive.min()))


def _classifier_prefix(estimator):
    """The parameter prefix of the final step (``'a__b__'`` for pipelines)."""
    prefix = ""
    while hasattr(estimator, "steps"):
        name, estimator = estimator.steps[-1]
        prefix += name + "__"
    return prefix


def _grid_for(estimator, alphas, styles, penalty):
    """style_param_grid for ``estimator``'s penalty, rate and solver."""
    clf = _final_estimator(estimator)
    penalty = penalty if penalty is not None else getattr(clf, "penalty", None)
    if penalty is None:
        raise ValueError(
            "The estimator has penalty=None; pass penalty='l1', 'l2' or "
            "'elasticnet' (or set it on the estimator)."
        )
    solver = getattr(clf, "solver", "adam")
    if styles is None and solver == "lbfgs":
        # lbfgs takes no steps: the step rules have no meaning there.
        styles = ("gradient", "proximal", "cumulative")
    return style_param_grid(
        alphas,
        penalty=penalty,
        styles=styles,
        learning_rate_init=clf.learning_rate_init,
        l1_ratio=getattr(clf, "l1_ratio", 0.5),
        momentum=clf.momentum if solver == "sgd" else 0.0,
        prefix=_classifier_prefix(estimator),
    )


class _StyleCurvesDisplay:
    """One line per penalty style against alpha in objective units."""

    _ylabel = ""

    def _plot_curves(self, ax, values, stds, std_display_style, line_kwargs, ylabel):
        ax = _new_axes(type(self).__name__ + ".plot", ax)
        if std_display_style not in ("fill_between", "errorbar", None):
            raise ValueError(
                "std_display_style must be 'fill_between', 'errorbar' or None; "
                f"got {std_display_style!r}."
            )
        self.lines_, self.fill_between_, self.errorbar_ = {}, {}, {}
        for style, x in self.alphas.items():
            kwargs = {
                "color": STYLE_COLORS.get(style),
                "marker": _STYLE_MARKERS.get(style, "o"),
                "label": style,
            }
            kwargs.update(line_kwargs or {})
            y = np.asarray(values[style], dtype=float)
            std = None if stds is None else stds.get(style)
            if std is not None and std_display_style == "errorbar":
                container = ax.errorbar(x, y, yerr=std, capsize=3, **kwargs)
                self.errorbar_[style] = container
                self.lines_[style] = container.lines[0]
                continue
            (self.lines_[style],) = ax.plot(x, y, **kwargs)
            if std is not None and std_display_style == "fill_between":
                self.fill_between_[style] = ax.fill_between(
                    x, y - std, y + std, alpha=0.2, color=self.lines_[style].get_color()
                )
        _set_alpha_scale(ax, list(self.alphas.values()))
        ax.set_xlabel(ALPHA_LABEL)
        ax.set_ylabel(ylabel)
        ax.legend(title="penalty_style")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


# ----------------------------------------------------------- style comparison
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

    def __init__(self, *, alphas, scores, score_stds=None, score_name=None):
        self.alphas = alphas
        self.scores = scores
        self.score_stds = score_stds
        self.score_name = score_name

    def plot(self, ax=None, *, std_display_style="fill_between", line_kwargs=None):
        """Draw the lines.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
            How to show one standard deviation of the score over the folds.
        line_kwargs : dict, default=None
            Passed to ``ax.plot`` for every line.

        Returns
        -------
        display : StyleComparisonDisplay
            The display, with ``lines_``, ``ax_`` and ``figure_`` set.
        """
        name = self.score_name or "score"
        return self._plot_curves(
            ax,
            self.scores,
            self.score_stds,
            std_display_style,
            line_kwargs,
            f"mean CV {name}",
        )

    @classmethod
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
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
            How to show one standard deviation of the score over the folds.
        line_kwargs : dict, default=None
            Passed to ``ax.plot`` for every line.

        Returns
        -------
        display : StyleComparisonDisplay
            The plotted display.
        """
        suffix = "score" if metric is None else metric
        keys = [f"mean_test_{suffix}", f"std_test_{suffix}"]
        try:
            merged = _merge_cv_results(cv_results, keys)
        except KeyError as exc:
            raise ValueError(
                f"cv_results has no {exc.args[0]!r} column. Its metrics are: "
                f"{exc.args[1]}. With multi-metric scoring, pass metric=NAME."
            ) from None
        alphas = common_alpha(merged)
        curves = _curves_by_style(merged["params"], alphas, [merged[k] for k in keys])
        display = cls(
            alphas={s: c[0] for s, c in curves.items()},
            scores={s: c[1] for s, c in curves.items()},
            score_stds={s: c[2] for s, c in curves.items()},
            score_name=metric,
        )
        return display.plot(
            ax=ax, std_display_style=std_display_style, line_kwargs=line_kwargs
        )

    @classmethod
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
        estimator : estimator
            A :class:`~sklearn_nnreg.RegularizedMLPClassifier` or a pipeline
            ending in one (not fitted; it is cloned).
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Labels.
        alphas : sequence of float
            The alphas in objective units.
        penalty : {'l1', 'l2', 'elasticnet'}, default=None
            The penalty; the estimator's when None.
        styles : sequence of str, default=None
            The styles; all that can express the penalty when None (with
            ``solver='lbfgs'``, the three objective styles).
        cv : int, cross-validation generator or iterable, default=None
            As in :class:`~sklearn.model_selection.GridSearchCV`.
        scoring : str or callable, default=None
            One score, as in ``GridSearchCV``; the estimator's ``score`` when
            None.
        n_jobs : int, default=None
            Parallel fits.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
            How to show one standard deviation of the score over the folds.
        line_kwargs : dict, default=None
            Passed to ``ax.plot`` for every line.

        Returns
        -------
        display : StyleComparisonDisplay
            The plotted display.
        """
        from sklearn.model_selection import GridSearchCV

        _pyplot("StyleComparisonDisplay.from_estimator")  # fail before fitting
        grid = _grid_for(estimator, alphas, styles, penalty)
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


# ------------------------------------------------------------- sparsity path
def _fit_sparsity(estimator, params, X, y, fit_params):
    model = clone(estimator).set_params(**params)
    model.fit(X, y, **fit_params)
    return float(_final_estimator(model).sparsity_)


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
    ax_ : matplotlib Axes
        The axes of the plot.
    figure_ : matplotlib Figure
        The figure of the plot.

    See Also
    --------
    StyleComparisonDisplay : The score against alpha.
    sklearn_nnreg.sparsity_scorer : Records ``sparsity_`` in a search.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_nnreg import RegularizedMLPClassifier
    >>> from sklearn_nnreg.plot import SparsityPathDisplay
    >>> X, y = load_iris(return_X_y=True)
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

    def __init__(self, *, alphas, sparsity, sparsity_stds=None):
        self.alphas = alphas
        self.sparsity = sparsity
        self.sparsity_stds = sparsity_stds

    def plot(self, ax=None, *, std_display_style="fill_between", line_kwargs=None):
        """Draw the lines.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
            How to show the standard deviation, when there is one.
        line_kwargs : dict, default=None
            Passed to ``ax.plot`` for every line.

        Returns
        -------
        display : SparsityPathDisplay
            The display, with ``lines_``, ``ax_`` and ``figure_`` set.
        """
        self._plot_curves(
            ax,
            self.sparsity,
            self.sparsity_stds,
            std_display_style,
            line_kwargs,
            "share of weights exactly zero",
        )
        self.ax_.set_ylim(-0.02, 1.02)
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        alphas,
        penalty=None,
        styles=None,
        n_jobs=None,
        fit_params=None,
        ax=None,
        line_kwargs=None,
    ):
        """Fit one clone per style and alpha, then plot their sparsity.

        Parameters
        ----------
        estimator : estimator
            A :class:`~sklearn_nnreg.RegularizedMLPClassifier` or a pipeline
            ending in one (not fitted; it is cloned).
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Labels.
        alphas : sequence of float
            The alphas in objective units (translated into each style's
            unit with :func:`~sklearn_nnreg.style_param_grid`).
        penalty : {'l1', 'l2', 'elasticnet'}, default=None
            The penalty; the estimator's when None.
        styles : sequence of str, default=None
            The styles; all that can express the penalty when None (with
            ``solver='lbfgs'``, the three objective styles).
        n_jobs : int, default=None
            Parallel fits (joblib).
        fit_params : dict, default=None
            Passed to ``fit``.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        line_kwargs : dict, default=None
            Passed to ``ax.plot`` for every line.

        Returns
        -------
        display : SparsityPathDisplay
            The plotted display.
        """
        from sklearn.model_selection import ParameterGrid

        _pyplot("SparsityPathDisplay.from_estimator")  # fail before fitting
        candidates = list(ParameterGrid(_grid_for(estimator, alphas, styles, penalty)))
        sparsity = Parallel(n_jobs=n_jobs)(
            delayed(_fit_sparsity)(estimator, p, X, y, fit_params or {})
            for p in candidates
        )
        curves = _curves_by_style(
            candidates, common_alpha({"params": candidates}), [np.asarray(sparsity)]
        )
        display = cls(
            alphas={s: c[0] for s, c in curves.items()},
            sparsity={s: c[1] for s, c in curves.items()},
        )
        return display.plot(ax=ax, line_kwargs=line_kwargs)

    @classmethod
    def from_cv_results(
        cls,
        cv_results,
        *,
        metric="sparsity",
        ax=None,
        std_display_style="fill_between",
        line_kwargs=None,
    ):
        """Plot the sparsity recorded by a search over alpha and style.

        The search must have recorded each candidate's ``sparsity_``: pass
        :func:`~sklearn_nnreg.sparsity_scorer` in a multi-metric
        ``scoring`` dict, e.g. ``scoring={'accuracy': 'accuracy',
        'sparsity': sparsity_scorer}, refit='accuracy'``.

        Parameters
        ----------
        cv_results : dict or sequence of dict
            ``GridSearchCV.cv_results_`` of a search over a
            :func:`~sklearn_nnreg.style_param_grid` grid, or several of them.
        metric : str, default='sparsity'
            The key of :func:`~sklearn_nnreg.sparsity_scorer` in ``scoring``.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
            How to show the standard deviation over the folds.
        line_kwargs : dict, default=None
            Passed to ``ax.plot`` for every line.

        Returns
        -------
        display : SparsityPathDisplay
            The plotted display.
        """
        keys = [f"mean_test_{metric}", f"std_test_{metric}"]
        try:
            merged = _merge_cv_results(cv_results, keys)
        except KeyError as exc:
            raise ValueError(
                f"cv_results has no {exc.args[0]!r} column (its metrics: "
                f"{exc.args[1]}). Record the sparsity in the search: "
                "scoring={'accuracy': 'accuracy', 'sparsity': sparsity_scorer}, "
                "refit='accuracy', with sklearn_nnreg.sparsity_scorer."
            ) from None
        curves = _curves_by_style(
            merged["params"], common_alpha(merged), [merged[k] for k in keys]
        )
        display = cls(
            alphas={s: c[0] for s, c in curves.items()},
            sparsity={s: c[1] for s, c in curves.items()},
            sparsity_stds={s: c[2] for s, c in curves.items()},
        )
        return display.plot(
            ax=ax, std_display_style=std_display_style, line_kwargs=line_kwargs
        )


# ---------------------------------------------------------- weight histograms
def _default_name(estimator):
    clf = _final_estimator(estimator)
    style = getattr(clf, "penalty_style", None)
    penalty = getattr(clf, "penalty", None)
    if style is None:
        return type(clf).__name__
    if penalty is None:
        return "no penalty"
    return f"{penalty} {style}, alpha={clf.alpha:.3g}"


class WeightHistogramDisplay:
    """Histograms of each layer's connection weights, estimators side by side.

    One row per layer, one column per estimator; the weights of a layer
    share bins and axes across the estimators.  Weights that are exactly
    zero are drawn as a separate bar at 0 (labelled with their share), so
    the spike of a proximal or cumulative L1 fit stands out from a gradient
    L1 fit, whose weights are small but not zero.

    Parameters
    ----------
    weights : list of list of ndarray
        ``weights[j][i]``: the connection weights of layer ``i`` of
        estimator ``j`` (any shape; flattened).
    names : list of str
        The name of each estimator (column titles).
    layers : list of int, default=None
        The index of each layer shown, for the row labels; ``0..n-1`` when
        None.

    Attributes
    ----------
    hist_ : ndarray of matplotlib BarContainer of shape (n_layers, n_estimators)
        The histogram of the non-zero weights on each axes.
    zero_bars_ : ndarray of matplotlib BarContainer of shape \
(n_layers, n_estimators)
        The bar of the exact zeros on each axes.
    axes_ : ndarray of matplotlib Axes of shape (n_layers, n_estimators)
        The axes, a row per layer and a column per estimator.
    ax_ : ndarray of matplotlib Axes
        The same array as ``axes_``.
    figure_ : matplotlib Figure
        The figure of the plot.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_nnreg import RegularizedMLPClassifier
    >>> from sklearn_nnreg.plot import WeightHistogramDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> fits = [
    ...     RegularizedMLPClassifier(hidden_layer_sizes=(8,), solver="sgd",
    ...                              penalty="l1", alpha=0.1, penalty_style=s,
    ...                              learning_rate_init=0.05, batch_size=10,
    ...                              max_iter=30, random_state=0).fit(X, y)
    ...     for s in ("gradient", "proximal")]
    >>> display = WeightHistogramDisplay.from_estimator(fits)
    >>> display.axes_.shape
    (2, 2)
    >>> int(display.zero_bars_[0, 0][0].get_height())  # gradient: no exact zero
    0
    >>> int(display.zero_bars_[0, 1][0].get_height()) > 0  # proximal: a spike
    True
    """

    def __init__(self, *, weights, names, layers=None):
        self.weights = weights
        self.names = names
        self.layers = layers

    def plot(self, ax=None, *, bins=30, log=False, hist_kwargs=None):
        """Draw the histograms.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            ``n_layers * n_estimators`` axes (any shape, filled row by row:
            a row per layer); a single Axes when there is one layer and one
            estimator.  A new figure when None.
        bins : int, default=30
            Number of bins, shared by the estimators in each layer.
        log : bool, default=False
            Logarithmic counts.
        hist_kwargs : dict, default=None
            Passed to ``ax.bar`` for the histogram bars.

        Returns
        -------
        display : WeightHistogramDisplay
            The display, with ``axes_``, ``hist_``, ``zero_bars_`` and
            ``figure_`` set.
        """
        n_est = len(self.weights)
        n_layers = len(self.weights[0])
        if any(len(w) != n_layers for w in self.weights):
            raise ValueError("every estimator needs the same number of layers.")
        if len(self.names) != n_est:
            raise ValueError(f"{len(self.names)} names for {n_est} estimators.")
        layers = list(range(n_layers)) if self.layers is None else list(self.layers)
        if ax is None:
            plt = _pyplot("WeightHistogramDisplay.plot")
            _, axes = plt.subplots(
                n_layers,
                n_est,
                figsize=(3.2 * n_est + 0.8, 2.4 * n_layers + 0.6),
                squeeze=False,
                sharey="row",
                sharex="row",
                constrained_layout=True,
            )
        else:
            axes = np.asarray(ax, dtype=object)
            if axes.size != n_layers * n_est:
                raise ValueError(
                    f"ax needs {n_layers} x {n_est} axes (layers x estimators); "
                    f"got {axes.size}."
                )
            axes = axes.reshape(n_layers, n_est)
        self.hist_ = np.empty((n_layers, n_est), dtype=object)
        self.zero_bars_ = np.empty((n_layers, n_est), dtype=object)
        for i in range(n_layers):
            layer = [np.ravel(np.asarray(w[i], dtype=float)) for w in self.weights]
            nonzero = np.concatenate([w[w != 0] for w in layer])
            span = (nonzero.min(), nonzero.max()) if nonzero.size else (-1.0, 1.0)
            edges = np.histogram_bin_edges(nonzero, bins=bins, range=span)
            width = edges[1] - edges[0]
            for j, w in enumerate(layer):
                a = axes[i, j]
                counts, _ = np.histogram(w[w != 0], bins=edges)
                kwargs = {
                    "color": "0.6",
                    "edgecolor": "0.3",
                    "linewidth": 0.5,
                    "label": "non-zero weights",
                }
                kwargs.update(hist_kwargs or {})
                self.hist_[i, j] = a.bar(
                    edges[:-1], counts, width=width, align="edge", log=log, **kwargs
                )
                n_zero = int(np.sum(w == 0))
                self.zero_bars_[i, j] = a.bar(
                    [0.0],
                    [n_zero],
                    width=width / 2,
                    color="C3",
                    log=log,
                    label=f"exactly zero: {n_zero / w.size:.0%}",
                )
                a.legend(fontsize="small", loc="upper right")
                if i == 0:
                    a.set_title(self.names[j], fontsize="medium")
                if i == n_layers - 1:
                    a.set_xlabel("weight")
                if j == 0:
                    a.set_ylabel(f"layer {layers[i]}: count")
        self.axes_ = axes
        self.ax_ = axes
        self.figure_ = axes[0, 0].figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        names=None,
        layers=None,
        ax=None,
        bins=30,
        log=False,
        hist_kwargs=None,
    ):
        """Plot the weights of one or more fitted estimators.

        Parameters
        ----------
        estimator : estimator or list of estimators
            Fitted :class:`~sklearn_nnreg.RegularizedMLPClassifier`,
            :class:`~sklearn.neural_network.MLPClassifier` or pipelines
            ending in one (anything with ``coefs_``); all with the same
            number of layers.
        names : list of str, default=None
            Column titles; by default penalty, style and alpha.
        layers : list of int, default=None
            Indices into ``coefs_`` of the layers to show; all when None.
        ax : matplotlib Axes or array-like of Axes, default=None
            See :meth:`plot`.
        bins : int, default=30
            Number of bins per layer.
        log : bool, default=False
            Logarithmic counts.
        hist_kwargs : dict, default=None
            Passed to ``ax.bar`` for the histogram bars.

        Returns
        -------
        display : WeightHistogramDisplay
            The plotted display.
        """
        estimators = (
            list(estimator) if isinstance(estimator, list | tuple) else [estimator]
        )
        if not estimators:
            raise ValueError("estimator: pass at least one fitted estimator.")
        finals = [_final_estimator(e) for e in estimators]
        for e in finals:
            if not hasattr(e, "coefs_"):
                raise ValueError(
                    f"{type(e).__name__} is not fitted or has no coefs_: pass "
                    "fitted MLP classifiers (or pipelines ending in one)."
                )
        n_layers = len(finals[0].coefs_)
        if any(len(e.coefs_) != n_layers for e in finals):
            raise ValueError(
                "every estimator needs the same number of layers; got "
                f"{[len(e.coefs_) for e in finals]}."
            )
        layers = list(range(n_layers)) if layers is None else list(layers)
        if any(not -n_layers <= i < n_layers for i in layers):
            raise ValueError(f"layers must index coefs_ (0..{n_layers - 1}).")
        if names is None:
            names = [_default_name(e) for e in estimators]
        weights = [[e.coefs_[i] for i in layers] for e in finals]
        display = cls(weights=weights, names=list(names), layers=layers)
        return display.plot(ax=ax, bins=bins, log=log, hist_kwargs=hist_kwargs)
