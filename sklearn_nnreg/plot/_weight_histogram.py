"""WeightHistogramDisplay: histograms of each layer's weights, side by side."""

import numpy as np

from .._scoring import _final_estimator
from ._common import _pyplot
from ._docs import _fill_doc


def _default_name(estimator):
    clf = _final_estimator(estimator)
    style = getattr(clf, "penalty_style", None)
    penalty = getattr(clf, "penalty", None)
    if style is None:
        return type(clf).__name__
    if penalty is None:
        return "no penalty"
    return f"{penalty} {style}, alpha={clf.alpha:.3g}"


@_fill_doc
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

    {example_iris}
    >>> from sklearn_nnreg.plot import WeightHistogramDisplay
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

    @_fill_doc
    def plot(self, ax=None, *, bins=30, log=False, hist_kwargs=None):
        """Draw the histograms.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            ``n_layers * n_estimators`` axes (any shape, filled row by row:
            a row per layer); a single Axes when there is one layer and one
            estimator.  A new figure when None.
        {histogram}

        Returns
        -------
        display : WeightHistogramDisplay
            The display, with ``axes_``, ``hist_``, ``zero_bars_`` and
            ``figure_`` set.
        """
        n_layers, n_est = self._check_shape()
        layers = list(range(n_layers)) if self.layers is None else list(self.layers)
        axes = _histogram_axes(ax, n_layers, n_est)
        self.hist_ = np.empty((n_layers, n_est), dtype=object)
        self.zero_bars_ = np.empty((n_layers, n_est), dtype=object)
        for i in range(n_layers):
            layer = [np.ravel(np.asarray(w[i], dtype=float)) for w in self.weights]
            edges = _shared_bin_edges(layer, bins)
            for j, w in enumerate(layer):
                self.hist_[i, j], self.zero_bars_[i, j] = _draw_histogram(
                    axes[i, j], w, edges, log, hist_kwargs
                )
        _label_axes(axes, self.names, layers)
        self.axes_ = axes
        self.ax_ = axes
        self.figure_ = axes[0, 0].figure
        return self

    def _check_shape(self):
        """``(n_layers, n_estimators)``, once the weights and names agree."""
        n_est = len(self.weights)
        n_layers = len(self.weights[0])
        if any(len(w) != n_layers for w in self.weights):
            raise ValueError("every estimator needs the same number of layers.")
        if len(self.names) != n_est:
            raise ValueError(f"{len(self.names)} names for {n_est} estimators.")
        return n_layers, n_est

    @classmethod
    @_fill_doc
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
            :class:`~sklearn_nnreg.RegularizedMLPRegressor`, scikit-learn's
            MLPs or pipelines ending in one (anything with ``coefs_``); all
            with the same number of layers.
        names : list of str, default=None
            Column titles; by default penalty, style and alpha.
        layers : list of int, default=None
            Indices into ``coefs_`` of the layers to show; all when None.
        ax : matplotlib Axes or array-like of Axes, default=None
            See :meth:`plot`.
        {histogram}

        Returns
        -------
        display : WeightHistogramDisplay
            The plotted display.
        """
        estimators = (
            list(estimator) if isinstance(estimator, list | tuple) else [estimator]
        )
        finals = _fitted_networks(estimators)
        layers = _checked_layers(layers, len(finals[0].coefs_))
        if names is None:
            names = [_default_name(e) for e in estimators]
        weights = [[e.coefs_[i] for i in layers] for e in finals]
        display = cls(weights=weights, names=list(names), layers=layers)
        return display.plot(ax=ax, bins=bins, log=log, hist_kwargs=hist_kwargs)


def _fitted_networks(estimators):
    """The final step of each estimator, once all have the same layer count."""
    if not estimators:
        raise ValueError("estimator: pass at least one fitted estimator.")
    finals = [_final_estimator(e) for e in estimators]
    for e in finals:
        if not hasattr(e, "coefs_"):
            raise ValueError(
                f"{type(e).__name__} is not fitted or has no coefs_: pass "
                "fitted MLP estimators (or pipelines ending in one)."
            )
    n_layers = len(finals[0].coefs_)
    if any(len(e.coefs_) != n_layers for e in finals):
        raise ValueError(
            "every estimator needs the same number of layers; got "
            f"{[len(e.coefs_) for e in finals]}."
        )
    return finals


def _checked_layers(layers, n_layers):
    layers = list(range(n_layers)) if layers is None else list(layers)
    if any(not -n_layers <= i < n_layers for i in layers):
        raise ValueError(f"layers must index coefs_ (0..{n_layers - 1}).")
    return layers


def _histogram_axes(ax, n_layers, n_est):
    """A ``(n_layers, n_est)`` array of axes: new ones, or ``ax`` reshaped."""
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
        return axes
    axes = np.asarray(ax, dtype=object)
    if axes.size != n_layers * n_est:
        raise ValueError(
            f"ax needs {n_layers} x {n_est} axes (layers x estimators); "
            f"got {axes.size}."
        )
    return axes.reshape(n_layers, n_est)


def _shared_bin_edges(layer, bins):
    """Bins over the non-zero weights of one layer in every estimator."""
    nonzero = np.concatenate([w[w != 0] for w in layer])
    span = (nonzero.min(), nonzero.max()) if nonzero.size else (-1.0, 1.0)
    return np.histogram_bin_edges(nonzero, bins=bins, range=span)


def _draw_histogram(ax, w, edges, log, hist_kwargs):
    """The bars of the non-zero weights ``w`` and the bar of its exact zeros."""
    width = edges[1] - edges[0]
    counts, _ = np.histogram(w[w != 0], bins=edges)
    kwargs = {
        "color": "0.6",
        "edgecolor": "0.3",
        "linewidth": 0.5,
        "label": "non-zero weights",
    }
    kwargs.update(hist_kwargs or {})
    hist = ax.bar(edges[:-1], counts, width=width, align="edge", log=log, **kwargs)
    n_zero = int(np.sum(w == 0))
    # Half a bin wide, in its own colour: the spike of exact zeros stands
    # out from the bin of small weights around it.
    zero_bar = ax.bar(
        [0.0],
        [n_zero],
        width=width / 2,
        color="C3",
        log=log,
        label=f"exactly zero: {n_zero / w.size:.0%}",
    )
    ax.legend(fontsize="small", loc="upper right")
    return hist, zero_bar


def _label_axes(axes, names, layers):
    """Estimator names on top, layer indices on the left, 'weight' below."""
    n_layers = axes.shape[0]
    for (i, j), ax in np.ndenumerate(axes):
        if i == 0:
            ax.set_title(names[j], fontsize="medium")
        if i == n_layers - 1:
            ax.set_xlabel("weight")
        if j == 0:
            ax.set_ylabel(f"layer {layers[i]}: count")
