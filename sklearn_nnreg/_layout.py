"""One flat parameter vector with per-layer views.

All weights come first (layer by layer, row-major), then all intercepts, the
order ``MLPClassifier`` packs them in for L-BFGS.  The penalized part of the
vector is therefore one contiguous slice: ``params[:n_coef]``, or the whole
vector when intercepts are penalized too.
"""

from itertools import pairwise

import numpy as np


class Layout:
    """Offsets of every layer's weights and intercepts in a flat vector.

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input first, output last.
    """

    def __init__(self, layer_units):
        self.layer_units = tuple(int(u) for u in layer_units)
        self.coef_shapes = list(pairwise(self.layer_units))
        self.coef_slices = []
        start = 0
        for fan_in, fan_out in self.coef_shapes:
            self.coef_slices.append(slice(start, start + fan_in * fan_out))
            start += fan_in * fan_out
        self.n_coef = start
        self.intercept_slices = []
        for fan_out in self.layer_units[1:]:
            self.intercept_slices.append(slice(start, start + fan_out))
            start += fan_out
        self.size = start

    @property
    def n_layers(self):
        return len(self.layer_units)

    def coefs(self, flat):
        """Per-layer weight matrices, as views into ``flat``."""
        return [
            flat[s].reshape(shape)
            for s, shape in zip(self.coef_slices, self.coef_shapes, strict=True)
        ]

    def intercepts(self, flat):
        """Per-layer intercept vectors, as views into ``flat``."""
        return [flat[s] for s in self.intercept_slices]

    def penalized_slice(self, penalize_intercepts=False):
        """The slice of the flat vector that the penalty acts on."""
        return slice(None) if penalize_intercepts else slice(0, self.n_coef)

    def pack(self, coefs, intercepts, dtype):
        """Copy per-layer arrays into a new flat vector."""
        flat = np.empty(self.size, dtype=dtype)
        for view, array in zip(self.coefs(flat), coefs, strict=True):
            view[...] = array
        for view, array in zip(self.intercepts(flat), intercepts, strict=True):
            view[...] = array
        return flat
