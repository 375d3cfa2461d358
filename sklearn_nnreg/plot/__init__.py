"""Plots of penalty styles, following scikit-learn's Display API.

Each display is built with a ``from_estimator`` or ``from_cv_results``
class method that computes what it shows and then calls ``plot``; ``plot``
can be called again on other axes.  After plotting, ``ax_`` (or ``axes_``)
and ``figure_`` hold the matplotlib objects.

matplotlib is an optional dependency: install it with
``pip install "sklearn_nnreg[plot]"``.  This package imports it only when a
display draws, so importing ``sklearn_nnreg.plot`` never needs it.

Alphas are shown in *objective units*, the weight of the penalty in
``L + alpha R`` (the unit of ``penalty_style='gradient'``), so that the
same x means the same lambda for every style; see
:func:`sklearn_nnreg.common_alpha`.
"""

# ALPHA_LABEL: importable as before, though not in __all__ (the x label).
from ._common import ALPHA_LABEL as ALPHA_LABEL
from ._common import STYLE_COLORS as _STYLE_COLORS
from ._sparsity_path import SparsityPathDisplay
from ._structure import StructureDisplay
from ._style_comparison import StyleComparisonDisplay
from ._weight_histogram import WeightHistogramDisplay

#: The colour of each penalty style, the same in every display: the
#: matplotlib colour cycle (``'C0'``, ``'C1'``, ...) in the order of the
#: style registry, so ``'gradient'`` is ``'C0'`` and ``'cumulative'``
#: ``'C4'``.  A read-only mapping; recolour a display with ``line_kwargs``.
STYLE_COLORS = _STYLE_COLORS

__all__ = [
    "STYLE_COLORS",
    "SparsityPathDisplay",
    "StructureDisplay",
    "StyleComparisonDisplay",
    "WeightHistogramDisplay",
]
