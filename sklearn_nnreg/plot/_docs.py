"""Parameter descriptions that several displays share, written once.

A docstring line that is only ``{name}`` is replaced by the block ``name``
below (by :func:`sklearn_nnreg._docstrings.fill_doc`), at that line's
indentation, when the module is imported; the built docs and ``help()``
show the full text.
"""

from .._docstrings import fill_doc

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
    "ax": """\
ax : matplotlib Axes, default=None
    Axes to draw on; a new figure when None.""",
    "std_line": """\
std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
    How to show one standard deviation over the folds, when there is one.
line_kwargs : dict, default=None
    Passed to ``ax.plot`` for every line.""",
    "line_kwargs": """\
line_kwargs : dict, default=None
    Passed to ``ax.plot`` for every line.""",
    "histogram": """\
bins : int, default=30
    Number of bins, shared by the estimators in each layer.
log : bool, default=False
    Logarithmic counts.
hist_kwargs : dict, default=None
    Passed to ``ax.bar`` for the histogram bars.""",
}


def _fill_doc(func):
    """``func`` with each ``{name}`` line of its docstring replaced."""
    return fill_doc(func, _BLOCKS)
