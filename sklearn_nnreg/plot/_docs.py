"""Parameter descriptions that several displays share, written once.

A docstring line that is only ``{name}`` is replaced by the block ``name``
below (by :func:`sklearn_nnreg._docstrings.fill_doc`), at that line's
indentation, when the module is imported; the built docs and ``help()``
show the full text.
"""

from .._docstrings import fill_doc

_AX = """\
ax : matplotlib Axes, default=None
    Axes to draw on; a new figure when None."""
_LINE_KWARGS = """\
line_kwargs : dict, default=None
    Passed to ``ax.plot`` for every line."""
_STD_DISPLAY_STYLE = """\
std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
    How to show one standard deviation over the folds, when there is one."""
_CLONE_FITS = """\
n_jobs : int, default=None
    Parallel fits (joblib).
fit_params : dict, default=None
    Passed to ``fit``."""


def _plot_section(*entries):
    """The Parameters and Returns sections of a display's ``plot``."""
    returns = (
        "display : object\n"
        "    The display, with ``lines_``, ``ax_`` and ``figure_`` set."
    )
    return "\n".join(
        ["Parameters", "----------", *entries, "", "Returns", "-------", returns]
    )


_BLOCKS = {
    "estimator_data": """\
estimator : estimator
    A :class:`~sklearn_nnreg.RegularizedMLPClassifier` or
    :class:`~sklearn_nnreg.RegularizedMLPRegressor`, or a pipeline ending
    in one (not fitted; it is cloned).
X : array-like of shape (n_samples, n_features)
    Training data.
y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    Labels, or regression targets.""",
    "penalty_styles": """\
penalty : {'l1', 'l2', 'elasticnet'}, default=None
    The penalty; the estimator's when None.
styles : sequence of str, default=None
    The styles; all that can express the penalty when None (with
    ``solver='lbfgs'``, the styles with an objective).""",
    # how a method draws: the axes and the lines (with the folds' spread)
    "drawing": "\n".join([_AX, _LINE_KWARGS]),
    "drawing_with_spread": "\n".join([_AX, _STD_DISPLAY_STYLE, _LINE_KWARGS]),
    # from_estimator of the displays that fit one clone per point
    "clone_fits_drawing": "\n".join([_CLONE_FITS, _AX, _LINE_KWARGS]),
    # the plot methods: their one kind of parameter and what they return
    "plot_drawing": _plot_section(_AX, _LINE_KWARGS),
    "plot_drawing_with_spread": _plot_section(_AX, _STD_DISPLAY_STYLE, _LINE_KWARGS),
    # the data of an example with the classifier
    "example_iris": """\
Examples
--------
>>> from sklearn.datasets import load_iris
>>> from sklearn_nnreg import RegularizedMLPClassifier
>>> X, y = load_iris(return_X_y=True)""",
    "histogram": """\
bins : int, default=30
    Number of bins, shared by the estimators in each layer.
log : bool, default=False
    Logarithmic counts.
hist_kwargs : dict, default=None
    Passed to ``ax.bar`` for the histogram bars.""",
}


def _fill_doc(func):
    """``func`` (or a class) with each ``{name}`` line of its docstring replaced."""
    return fill_doc(func, _BLOCKS)
