"""Docstring text that several displays share, written once.

A docstring line that is only ``{name}`` is replaced by the block ``name``
below (by :func:`sklearn_nnreg._docstrings.fill_doc`), at that line's
indentation, when the module is imported; the built docs and ``help()``
show the full text.  The builders' parameters (``from_estimator``,
``from_cv_results``) are declared, with their text, in ``_arguments``.
"""

from .._docstrings import fill_doc
from ._arguments import DRAWING, DRAWING_WITH_SPREAD


def _plot_section(*arguments):
    """The Parameters and Returns sections of a display's ``plot``."""
    entries = [argument.entry for argument in arguments]
    returns = (
        "display : object\n"
        "    The display, with ``lines_``, ``ax_`` and ``figure_`` set."
    )
    return "\n".join(
        ["Parameters", "----------", *entries, "", "Returns", "-------", returns]
    )


_BLOCKS = {
    # the plot methods: their one kind of parameter and what they return
    "plot_drawing": _plot_section(*DRAWING),
    "plot_drawing_with_spread": _plot_section(*DRAWING_WITH_SPREAD),
    # the attributes of a display drawn on one axes
    "plot_axes": """\
ax_ : matplotlib Axes
    The axes of the plot.
figure_ : matplotlib Figure
    The figure of the plot.""",
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
