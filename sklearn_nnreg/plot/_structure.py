"""StructureDisplay: hidden units and inputs kept against alpha (group lasso)."""

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone

from .._scoring import _final_estimator
from .._styles import STYLES
from ._arguments import (
    ALPHAS,
    CLONE_FITS,
    DRAWING,
    FITTED_DATA,
    builder_taking,
)
from ._common import ALPHA_LABEL, _new_axes
from ._docs import _fill_doc

_ALPHAS = ALPHAS.described(
    """
    The alphas in objective units, translated into the unit of the
    estimator's ``penalty_style``.
    """
)


def _fit_structure(estimator, alpha, X, y, fit_params):
    """Units kept per hidden layer, inputs kept and inputs, after one fit."""
    model = clone(estimator)
    network = _final_estimator(model)
    style = STYLES[network.penalty_style]
    network.set_params(
        alpha=style.from_objective(alpha, network.learning_rate_init, network.momentum)
    )
    model.fit(X, y, **fit_params)
    network = _final_estimator(model)
    pruned = network.prune()
    # A layer pruned to nothing keeps one silent unit (all weights zero).
    units = [c.shape[0] if c.any() else 0 for c in pruned.coefs_[1:]]
    inputs = network.coefs_[0]
    return units, int(inputs.any(axis=1).sum()), inputs.shape[0]


@_fill_doc
class StructureDisplay:
    """Hidden units and inputs a network keeps, against alpha.

    Under ``penalty='group_lasso'`` or ``'sparse_group_lasso'`` with
    ``penalty_style='proximal'``, whole groups go exactly to zero: a hidden
    unit whose outgoing weights are all zero is removed by
    :meth:`~sklearn_nnreg.RegularizedMLPClassifier.prune`, and an input whose
    first-layer row is zero is dropped by
    :class:`~sklearn.feature_selection.SelectFromModel`.  This display draws
    the units kept in each hidden layer (after pruning) and the inputs kept,
    one line each, along a path of alphas.  Build it with
    :meth:`from_estimator`.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The alphas in objective units, increasing.
    units_kept : ndarray of shape (n_alphas, n_hidden_layers)
        Units of each hidden layer left after pruning, at each alpha.
    inputs_kept : ndarray of shape (n_alphas,)
        Inputs with a non-zero group, at each alpha.
    hidden_layer_sizes : tuple of int
        The unpruned network's hidden layer sizes (for the legend).
    n_features : int
        The number of inputs (for the legend).

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        The line of the inputs (``'inputs'``) and of each hidden layer
        (``'hidden layer 1'``, ...).
    {plot_axes}

    See Also
    --------
    SparsityPathDisplay : The share of zero weights against alpha.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_nnreg import RegularizedMLPClassifier
    >>> from sklearn_nnreg.plot import StructureDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = RegularizedMLPClassifier(
    ...     (8,), solver="adam", learning_rate_init=0.02, max_iter=100,
    ...     batch_size=150, penalty="group_lasso", penalty_style="proximal",
    ...     random_state=0)
    >>> display = StructureDisplay.from_estimator(clf, X, y, alphas=[1e-4, 0.02])
    >>> display.units_kept[:, 0].tolist(), display.inputs_kept.tolist()
    ([8, 4], [4, 3])
    """

    def __init__(
        self, *, alphas, units_kept, inputs_kept, hidden_layer_sizes, n_features
    ):
        self.alphas = alphas
        self.units_kept = units_kept
        self.inputs_kept = inputs_kept
        self.hidden_layer_sizes = hidden_layer_sizes
        self.n_features = n_features

    @_fill_doc
    def plot(self, ax=None, *, line_kwargs=None):
        """Draw one line for the inputs and one per hidden layer.

        {plot_drawing}
        """
        ax = _new_axes("StructureDisplay", ax)
        line_kwargs = line_kwargs or {}
        curves = {f"inputs (of {self.n_features})": self.inputs_kept}
        for layer, size in enumerate(self.hidden_layer_sizes):
            curves[f"hidden layer {layer + 1} (of {size})"] = self.units_kept[:, layer]
        self.lines_ = {}
        for label, counts in curves.items():
            kwargs = {"marker": "o", "label": label, **line_kwargs}
            (line,) = ax.plot(self.alphas, counts, **kwargs)
            self.lines_[label.split(" (of")[0]] = line
        ax.set_xscale("log")
        ax.set_xlabel(ALPHA_LABEL)
        ax.set_ylabel("units kept")
        ax.set_ylim(bottom=0)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @builder_taking(*FITTED_DATA, _ALPHAS, *CLONE_FITS, *DRAWING)
    def from_estimator(cls, given):
        """Fit one clone per alpha, then plot the units and inputs kept."""
        alphas = np.sort(np.asarray(given.alphas, dtype=float))
        fit_params = given.fit_params or {}
        results = Parallel(n_jobs=given.n_jobs)(
            delayed(_fit_structure)(
                given.estimator, alpha, given.X, given.y, fit_params
            )
            for alpha in alphas
        )
        network = _final_estimator(given.estimator)
        sizes = network.hidden_layer_sizes
        sizes = tuple(sizes) if hasattr(sizes, "__iter__") else (sizes,)
        display = cls(
            alphas=alphas,
            units_kept=np.array([units for units, _, _ in results]),
            inputs_kept=np.array([inputs for _, inputs, _ in results]),
            hidden_layer_sizes=sizes,
            n_features=results[0][2],
        )
        return display.plot(ax=given.ax, line_kwargs=given.line_kwargs)
