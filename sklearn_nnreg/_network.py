"""Forward pass, data loss and backpropagation over a flat parameter vector.

Nothing here knows about penalties: :meth:`Network.loss_gradient` returns the
data loss (the weighted mean over samples of the per-sample loss) and fills the
flat data gradient.  It is a pure function of (params, X, Y, sample_weight)
apart from the scratch buffers it reuses between calls of the same batch size.
"""

import math
from functools import partial

import numpy as np
from scipy.special import expit

from . import _kernels
from ._heads import _softmax, make_head


def _identity(z):
    pass


def _tanh(z):
    np.tanh(z, out=z)


def _logistic(z):
    expit(z, out=z)


def _relu(z):
    # (Training uses _kernels.bias_relu, which adds the intercepts too.)
    np.maximum(z, 0, out=z)


ACTIVATIONS = {
    "identity": _identity,
    "tanh": _tanh,
    "logistic": _logistic,
    "relu": _relu,
    "softmax": _softmax,
}


# Derivatives written in terms of the activation's *output* a = f(z), which is
# what the forward pass keeps: delta <- delta * f'(z).  ``tmp`` is a scratch
# array shaped like ``a`` (boolean for relu), so that no step allocates; the
# products are the ones scikit-learn computes, so iterates stay bitwise equal.
def _identity_derivative(a, delta, tmp):
    pass


def _tanh_derivative(a, delta, tmp):
    np.multiply(a, a, out=tmp)
    np.subtract(1, tmp, out=tmp)
    delta *= tmp


def _logistic_derivative(a, delta, tmp):
    delta *= a
    np.subtract(1, a, out=tmp)
    delta *= tmp


def _relu_derivative(a, delta, tmp):
    _kernels.relu_backward(a, delta, tmp)


DERIVATIVES = {
    "identity": _identity_derivative,
    "tanh": _tanh_derivative,
    "logistic": _logistic_derivative,
    "relu": _relu_derivative,
}


# Bounds on the norm of a hidden activation's output row from a bound on its
# input row's norm and the layer's width: relu, identity and tanh never
# increase a norm (each |f(z)| <= |z|); tanh and logistic stay in the unit cube.
NORM_BOUNDS = {
    "identity": lambda norm, width: norm,
    "relu": lambda norm, width: norm,
    "tanh": lambda norm, width: min(norm, math.sqrt(width)),
    "logistic": lambda norm, width: math.sqrt(width),
}


def _norm(a):
    """The Frobenius norm of ``a``, in float64 (inf if it overflows)."""
    flat = np.asarray(a, dtype=np.float64).ravel()
    with np.errstate(over="ignore"):
        return math.sqrt(float(np.dot(flat, flat)))


def input_norm_bound(X):
    """A bound on the Euclidean norm of every row of X (dense or sparse).

    ``max |x_ij| * sqrt(n_features)``: two reductions, no copy of X.
    """
    if X.shape[0] == 0 or X.shape[1] == 0:
        return 0.0
    largest = max(abs(float(X.max())), abs(float(X.min())))
    return largest * math.sqrt(X.shape[1])


def outputs_certainly_finite(coefs, intercepts, input_bound, activation, head):
    """Whether the forward pass is finite for every row of norm <= input_bound.

    A certificate without the pass: row by row, ``|z| <= |a| ||W||_F + ||b||``
    bounds every pre-activation (and every partial sum of its product, by
    Cauchy-Schwarz), and the activations carry the bound on (``NORM_BOUNDS``).
    Finite when every layer's bound stays below the largest finite value
    (with room for rounding), and the output layer's below its head's limit.
    False means "not proven" (the caller then runs the pass); weights must
    be finite.
    """
    dtype = coefs[0].dtype
    hidden_limit = float(np.finfo(dtype).max) * 2.0**-20
    norm = input_bound
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        z = norm * _norm(W) + _norm(b)
        limit = head.finite_below(dtype) if i == last else hidden_limit
        if not z < limit:  # also False for NaN (an infinite norm times 0)
            return False
        if i < last:
            norm = NORM_BOUNDS[activation](z, W.shape[1])
    return True


def forward(coefs, intercepts, X, activation, head, buf=None):
    """Forward pass; returns the output layer's values.

    ``head`` (a :class:`~sklearn_nnreg._heads.Head`) applies the output
    activation.  ``buf`` is a :class:`_Buffers` for X's number of rows, or
    None: its preallocated arrays then hold every layer (intermediate layers
    are kept there for backpropagation), its scratch serves the activations
    and its bound loops (:meth:`_Buffers.bind`, for ``intercepts``) add the
    intercepts.  With None, new arrays are made.
    """
    if buf is None:
        dtype = np.result_type(X.dtype, coefs[0].dtype)
        activations = [None] + [
            np.empty((X.shape[0], c.shape[1]), dtype=dtype) for c in coefs
        ]
    else:
        activations = buf.activations
    activations[0] = X
    last = len(coefs) - 1
    for i in range(len(coefs)):
        out = activations[i + 1]
        _product(activations[i], coefs[i], out)
        if buf is not None:
            buf.add_intercepts[i]()  # bound to out and intercepts[i]
            if i == last:
                head.activate(out, buf.head_scratch)
            elif buf.zeros is None:  # (relu's is fused with the intercepts)
                ACTIVATIONS[activation](out)
        elif i == last:
            _kernels.bias_add(out, intercepts[i])
            head.activate(out)
        else:
            _kernels.bias_add(out, intercepts[i])
            ACTIVATIONS[activation](out)
    return activations[-1]


def _bound(loop, arrays, reference, *reference_args):
    """``loop`` bound to ``arrays`` (see ``_kernels.bind``), or else the
    wrapper ``reference`` bound to its arguments (its numpy path)."""
    return _kernels.bind(loop, *arrays) or partial(reference, *reference_args)


def _product(A, W, out):
    """``out = A @ W`` for a (possibly sparse) A."""
    # Only the input can be sparse; every later layer is a dense array.
    # (isinstance is a C-level check; sp.issparse goes through abc.)
    if isinstance(A, np.ndarray):
        np.dot(A, W, out=out)
    else:
        out[...] = A @ W


def _column_sums(delta, out):
    """``out = delta.sum(axis=0)``."""
    if delta.shape[0] == 1:
        # A batch of one: the sum is the row added to numpy's identity (+0:
        # a -0 becomes +0, as in add.reduce), without the setup of a
        # reduction (the largest per-call cost at this size).
        np.add(delta[0], 0, out=out)
    else:
        _kernels.column_sums(delta, out)


class _Buffers:
    """Activations, deltas and scratch for one batch size."""

    def __init__(self, layer_units, n_rows, dtype, activation, head):
        shapes = [(n_rows, u) for u in layer_units[1:]]
        self.activations = [None] + [np.empty(s, dtype=dtype) for s in shapes]
        self.deltas = [np.empty(s, dtype=dtype) for s in shapes]
        self.scratch = np.empty(shapes[-1], dtype=dtype)
        # One derivative scratch per hidden layer; relu's is a mask, as bools
        # and as floats (see _kernels.relu_backward).
        self.tmp = [
            (np.empty(s, dtype=bool), np.empty(s, dtype=dtype))
            if activation == "relu"
            else np.empty(s, dtype=dtype)
            for s in shapes[:-1]
        ]
        # relu's comparand (_kernels.bias_relu's numpy path), read-only so that
        # nothing can dirty it.
        self.zeros = None
        if activation == "relu":
            self.zeros = [np.zeros(s, dtype=dtype) for s in shapes[:-1]]
            for zeros in self.zeros:
                zeros.flags.writeable = False
        self.head_scratch = head.activation_scratch(n_rows, shapes[-1][1], dtype)
        self._bound_to = (None, None)

    def bind(self, intercepts, intercept_grads):
        """Bind the per-layer loops to these parameter and gradient views.

        The trainer passes the same vectors at every step, so the loops are
        bound (their arrays checked, once) when the vectors change, and a step
        calls them with no per-call checks: ``add_intercepts[i]()`` adds
        layer i's intercepts to its outputs (and applies relu when hidden
        layers are relu), ``sum_deltas[i]()`` sums its deltas into the
        intercept gradient, ``relu_backward[i]()`` masks delta ``i``.
        """
        if self._bound_to[0] is intercepts and self._bound_to[1] is intercept_grads:
            return
        outs, last = self.activations[1:], len(intercepts) - 1
        self.add_intercepts = [
            _bound("bias_relu", (z, b), _kernels.bias_relu, z, b, self.zeros[i])
            if self.zeros is not None and i < last
            else _bound("bias_add", (z, b), _kernels.bias_add, z, b)
            for i, (z, b) in enumerate(zip(outs, intercepts, strict=True))
        ]
        self.sum_deltas = [
            _bound("column_sums", (d, g), _column_sums, d, g)
            for d, g in zip(self.deltas, intercept_grads, strict=True)
        ]
        self.relu_backward = None
        if self.zeros is not None:
            self.relu_backward = [
                _bound("relu_backward", (d, a), _kernels.relu_backward, a, d, m)
                for d, a, m in zip(self.deltas, outs, self.tmp, strict=False)
            ]
        self._bound_to = (intercepts, intercept_grads)


class Network:
    """A fully connected network with a fixed layout and activations.

    Parameters
    ----------
    layout : Layout
        Where each layer's weights and intercepts sit in the flat vector.
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.
    out_activation : {'softmax', 'logistic'}
        Output activation.
    loss : {'log_loss', 'squared_error'}
        Per-sample loss on the output units.

    Attributes
    ----------
    head : Head
        The output activation and loss, chosen once from the two names.
    """

    def __init__(self, layout, activation, out_activation, loss):
        self.layout = layout
        self.activation = activation
        self.head = make_head(loss, out_activation)
        self._buffers = {}
        self._view_cache = {}

    def _get_buffers(self, n_rows, dtype):
        key = (n_rows, dtype)
        buf = self._buffers.get(key)
        if buf is None:
            if len(self._buffers) >= 4:
                self._buffers.clear()
            buf = _Buffers(
                self.layout.layer_units, n_rows, dtype, self.activation, self.head
            )
            self._buffers[key] = buf
        return buf

    def _views(self, flat):
        """Per-layer ``(coefs, intercepts)`` views of ``flat``, cached per array.

        The trainer passes the same parameter and gradient vectors at every
        step, and at batch size 1 rebuilding their views costs about as much
        as the products.  The entry holds ``flat`` itself, so its id cannot be
        reused by another array while it is cached.
        """
        entry = self._view_cache.get(id(flat))
        if entry is None or entry[0] is not flat:
            if len(self._view_cache) >= 4:
                self._view_cache.clear()
            entry = (flat, self.layout.coefs(flat), self.layout.intercepts(flat))
            self._view_cache[id(flat)] = entry
        return entry[1], entry[2]

    def predict_output(self, flat, X):
        """The output units' values (probabilities) for X, a new array."""
        return forward(
            self.layout.coefs(flat),
            self.layout.intercepts(flat),
            X,
            self.activation,
            self.head,
        )

    def outputs_finite(self, flat, X):
        """Whether the outputs on X are finite (``flat`` must be finite).

        Proven by :func:`outputs_certainly_finite` when it can be (a few
        norms), else checked by a forward pass over X.
        """
        coefs, intercepts = self.layout.coefs(flat), self.layout.intercepts(flat)
        bound = input_norm_bound(X)
        if outputs_certainly_finite(
            coefs, intercepts, bound, self.activation, self.head
        ):
            return True
        return bool(np.isfinite(self.predict_output(flat, X)).all())

    def loss_gradient(self, flat, X, Y, sample_weight, grad):
        """Data loss at ``flat``; its gradient is written into ``grad``.

        Parameters
        ----------
        flat : ndarray of shape (layout.size,)
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs), float targets
        sample_weight : ndarray of shape (n_samples,) or None
        grad : ndarray of shape (layout.size,), overwritten

        Returns
        -------
        loss : float
            Mean (or sample-weighted mean) of the per-sample loss.
        """
        n = X.shape[0]
        buf = self._get_buffers(n, flat.dtype)
        coefs, intercepts = self._views(flat)
        buf.bind(intercepts, self._views(grad)[1])
        head = self.head
        output = forward(coefs, intercepts, X, self.activation, head, buf)
        delta = buf.deltas[-1]
        if sample_weight is None:
            loss = head.delta_and_mean_loss(output, Y, delta, buf.scratch)
        else:
            head.output_delta(output, Y, delta)
            # Weights normalised to sum to one turn sums into weighted means.
            scale = (sample_weight / sample_weight.sum()).astype(flat.dtype)
            loss = head.mean_loss(output, Y, buf.scratch, scale)
            delta *= scale[:, None]
        self._backprop(coefs, buf, grad)
        return loss

    def _backprop(self, coefs, buf, grad):
        coef_grads, intercept_grads = self._views(grad)
        derivative = DERIVATIVES[self.activation]
        relu_backward = buf.relu_backward
        for i in range(len(coefs) - 1, 0, -1):
            delta = buf.deltas[i]
            np.dot(buf.activations[i].T, delta, out=coef_grads[i])
            buf.sum_deltas[i]()
            np.dot(delta, coefs[i].T, out=buf.deltas[i - 1])
            if relu_backward is not None:
                relu_backward[i - 1]()
            else:
                derivative(buf.activations[i], buf.deltas[i - 1], buf.tmp[i - 1])
        # The input layer: possibly sparse, and no delta to pass below it.
        X, delta = buf.activations[0], buf.deltas[0]
        if isinstance(X, np.ndarray):
            np.dot(X.T, delta, out=coef_grads[0])
        else:
            coef_grads[0][...] = X.T @ delta
        buf.sum_deltas[0]()
