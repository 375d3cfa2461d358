"""The shared base of the displays that draw one line per style against alpha."""

from collections.abc import Mapping

import numpy as np

from .._grid import _param, common_alpha, style_param_grid
from .._scoring import _final_estimator
from .._styles import STYLES
from ._common import _STYLE_MARKERS, ALPHA_LABEL, STYLE_COLORS, _new_axes, _pyplot
from ._docs import _fill_doc

_STD_DISPLAY_STYLES = ("fill_between", "errorbar", None)


# ------------------------------------------------------------ cv_results rows
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


def _in_registry_order(styles):
    """``styles`` in the order of the style registry, unknown names last."""
    ordered = [s for s in STYLES if s in styles]
    return ordered + [s for s in styles if s not in ordered]


def _curves_by_style(params, alphas, columns):
    """Group rows by style and sort by alpha: ``{style: (alphas, *columns)}``."""
    rows = {}
    for i, p in enumerate(params):
        rows.setdefault(_param(p, "penalty_style"), []).append(i)
    curves = {}
    for style, index in rows.items():
        index = np.asarray(index)
        index = index[np.argsort(alphas[index], kind="stable")]
        x = alphas[index]
        if len(np.unique(x)) < len(x):
            raise ValueError(
                f"several candidates of style {style!r} share an alpha: the search "
                "varied another parameter too. Plot a search over alpha and "
                "penalty_style only (a style_param_grid grid), or keep one value "
                "of the other parameters."
            )
        curves[style] = (x, *(col[index] for col in columns))
    return {style: curves[style] for style in _in_registry_order(curves)}


# ------------------------------------------------------------- the style grid
def _classifier_prefix(estimator):
    """The parameter prefix of the final step (``'a__b__'`` for pipelines)."""
    prefix = ""
    while hasattr(estimator, "steps"):
        name, estimator = estimator.steps[-1]
        prefix += name + "__"
    return prefix


def _objective_styles():
    """The registered styles whose alpha weighs a penalty in the objective."""
    return tuple(name for name, style in STYLES.items() if style.has_objective)


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
        styles = _objective_styles()
    return style_param_grid(
        alphas,
        penalty=penalty,
        styles=styles,
        learning_rate_init=clf.learning_rate_init,
        l1_ratio=getattr(clf, "l1_ratio", 0.5),
        momentum=clf.momentum if solver == "sgd" else 0.0,
        prefix=_classifier_prefix(estimator),
    )


# --------------------------------------------------------------- the drawing
def _set_alpha_scale(ax, alphas):
    values = np.concatenate([np.asarray(a, dtype=float) for a in alphas])
    positive = values[values > 0]
    if positive.size == 0:
        return
    if positive.size == values.size:
        ax.set_xscale("log")
    else:
        ax.set_xscale("symlog", linthresh=float(positive.min()))


class _StyleCurvesDisplay:
    """One line per penalty style against alpha in objective units.

    A subclass names, in ``_curve_params``, its constructor parameters that
    hold the values and their standard deviations (``{style: ndarray}``);
    ``_missing_column_message`` explains a cv_results_ without its metric.
    """

    _curve_params = ()
    #: ``ax.set_ylim`` of ``plot``; None leaves matplotlib's.
    _y_limits = None

    # ------------------------------------------------------------ building
    @classmethod
    def _from_curves(cls, curves, names, **params):
        """A display of ``{style: (alphas, *columns)}``, column i as ``names[i]``."""
        for position, name in enumerate(names, start=1):
            params[name] = {s: c[position] for s, c in curves.items()}
        return cls(alphas={s: c[0] for s, c in curves.items()}, **params)

    @classmethod
    def _from_cv_metric(cls, cv_results, metric, **params):
        """A display of the mean and std of ``metric`` in each style's rows."""
        keys = [f"mean_test_{metric}", f"std_test_{metric}"]
        try:
            merged = _merge_cv_results(cv_results, keys)
        except KeyError as exc:
            raise ValueError(cls._missing_column_message(*exc.args)) from None
        curves = _curves_by_style(
            merged["params"], common_alpha(merged), [merged[k] for k in keys]
        )
        return cls._from_curves(curves, cls._curve_params, **params)

    @classmethod
    def _style_grid(cls, given):
        """The grid of ``from_estimator`` (its arguments ``given``).

        Without matplotlib, this fails before any fit.
        """
        _pyplot(cls.__name__ + ".from_estimator")
        return _grid_for(given.estimator, given.alphas, given.styles, given.penalty)

    @staticmethod
    def _missing_column_message(key, metrics):
        return f"cv_results has no {key!r} column (its metrics: {metrics})."

    # ------------------------------------------------------------- drawing
    @_fill_doc
    def plot(self, ax=None, *, std_display_style="fill_between", line_kwargs=None):
        """Draw the lines.

        {plot_drawing_with_spread}
        """
        values, stds = (getattr(self, name) for name in self._curve_params)
        self._plot_curves(
            ax, values, stds, std_display_style, line_kwargs, self._y_label()
        )
        if self._y_limits is not None:
            self.ax_.set_ylim(*self._y_limits)
        return self

    def _y_label(self):
        """The label of the y axis."""
        raise NotImplementedError

    def _plot_curves(self, ax, values, stds, std_display_style, line_kwargs, ylabel):
        ax = _new_axes(type(self).__name__ + ".plot", ax)
        if std_display_style not in _STD_DISPLAY_STYLES:
            raise ValueError(
                "std_display_style must be 'fill_between', 'errorbar' or None; "
                f"got {std_display_style!r}."
            )
        self.lines_, self.fill_between_, self.errorbar_ = {}, {}, {}
        for style, x in self.alphas.items():
            std = None if stds is None else stds.get(style)
            self._draw_style(
                ax, style, x, values[style], std, std_display_style, line_kwargs
            )
        _set_alpha_scale(ax, list(self.alphas.values()))
        ax.set_xlabel(ALPHA_LABEL)
        ax.set_ylabel(ylabel)
        ax.legend(title="penalty_style")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _draw_style(self, ax, style, x, y, std, std_display_style, line_kwargs):
        """The line of one style, with its band or error bars."""
        kwargs = {
            "color": STYLE_COLORS.get(style),
            "marker": _STYLE_MARKERS.get(style, "o"),
            "label": style,
        }
        kwargs.update(line_kwargs or {})
        y = np.asarray(y, dtype=float)
        if std is not None and std_display_style == "errorbar":
            container = ax.errorbar(x, y, yerr=std, capsize=3, **kwargs)
            self.errorbar_[style] = container
            self.lines_[style] = container.lines[0]
            return
        (self.lines_[style],) = ax.plot(x, y, **kwargs)
        if std is not None and std_display_style == "fill_between":
            self.fill_between_[style] = ax.fill_between(
                x, y - std, y + std, alpha=0.2, color=self.lines_[style].get_color()
            )
