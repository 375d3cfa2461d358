"""Forward pass, data loss and backpropagation over a flat parameter vector.

Nothing here knows about penalties: :meth:`Network.loss_gradient` returns the
data loss (the weighted mean over samples of the per-sample loss) and fills the
flat data gradient.  It is a pure function of (params, X, Y, sample_weight)
apart from the scratch buffers it reuses between calls of the same batch size.
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit


def _identity(z):
    pass


def _tanh(z):
    np.tanh(z, out=z)


def _logistic(z):
    expit(z, out=z)


def _relu(z):
    np.maximum(z, 0, out=z)


def _softmax(z):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "identity": _identity,
    "tanh": _tanh,
    "logistic": _logistic,
    "relu": _relu,
    "softmax": _softmax,
}


# Derivatives written in terms of the activation's *output* a = f(z), which is
# what the forward pass keeps: delta <- delta * f'(z).
def _identity_derivative(a, delta):
    pass


def _tanh_derivative(a, delta):
    delta *= 1 - a**2


def _logistic_derivative(a, delta):
    delta *= a
    delta *= 1 - a


def _relu_derivative(a, delta):
    delta[a == 0] = 0


DERIVATIVES = {
    "identity": _identity_derivative,
    "tanh": _tanh_derivative,
    "logistic": _logistic_derivative,
    "relu": _relu_derivative,
}


def _per_sample_loss(loss, out_activation, output, Y, scratch):
    """Per-sample loss, shape (n_samples,), computed in ``scratch``."""
    if loss == "squared_error":
        np.subtract(output, Y, out=scratch)
        scratch **= 2
        return 0.5 * scratch.sum(axis=1)
    # Clip as scikit-learn does, so that log(0) never occurs.
    eps = np.finfo(output.dtype).eps
    np.clip(output, eps, 1 - eps, out=scratch)
    if out_activation == "softmax":
        np.log(scratch, out=scratch)
        scratch *= Y
        return -scratch.sum(axis=1)
    # One logistic unit per output: y log p + (1 - y) log(1 - p), summed.
    positive = np.log(scratch)
    np.subtract(1, scratch, out=scratch)
    np.log(scratch, out=scratch)
    scratch += Y * (positive - scratch)
    return -scratch.sum(axis=1)


def _output_delta(loss, out_activation, output, Y, delta):
    """dLoss/dz for the output layer, per sample, into ``delta``."""
    np.subtract(output, Y, out=delta)
    if loss == "log_loss":
        # Canonical link: softmax + cross-entropy and logistic + binary
        # cross-entropy both give output - target.
        return
    # Squared error on the output units: chain through their Jacobian.
    if out_activation == "softmax":
        # d/dz_j of softmax: o_j * (e_j - sum_k o_k e_k)
        dot = np.einsum("ij,ij->i", output, delta)
        delta -= dot[:, None]
        delta *= output
    else:
        delta *= output
        delta *= 1 - output


def forward(coefs, intercepts, X, activation, out_activation, activations=None):
    """Forward pass; returns the output layer's values.

    ``activations`` is a list with one preallocated array per layer after the
    input (the first entry is replaced by X); new arrays are made when it is
    None.  Intermediate layers are kept there for backpropagation.
    """
    if activations is None:
        dtype = np.result_type(X.dtype, coefs[0].dtype)
        activations = [None] + [
            np.empty((X.shape[0], c.shape[1]), dtype=dtype) for c in coefs
        ]
    activations[0] = X
    last = len(coefs) - 1
    for i, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        out = activations[i + 1]
        if sp.issparse(activations[i]):
            out[...] = activations[i] @ coef
        else:
            np.dot(activations[i], coef, out=out)
        out += intercept
        ACTIVATIONS[out_activation if i == last else activation](out)
    return activations[-1]


class _Buffers:
    """Activations, deltas and scratch for one batch size."""

    def __init__(self, layer_units, n_rows, dtype):
        self.activations = [None] + [
            np.empty((n_rows, u), dtype=dtype) for u in layer_units[1:]
        ]
        self.deltas = [np.empty((n_rows, u), dtype=dtype) for u in layer_units[1:]]
        self.scratch = np.empty((n_rows, layer_units[-1]), dtype=dtype)


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
    """

    def __init__(self, layout, activation, out_activation, loss):
        self.layout = layout
        self.activation = activation
        self.out_activation = out_activation
        self.loss = loss
        self._buffers = {}

    def _get_buffers(self, n_rows, dtype):
        key = (n_rows, np.dtype(dtype))
        if key not in self._buffers:
            if len(self._buffers) >= 4:
                self._buffers.clear()
            self._buffers[key] = _Buffers(self.layout.layer_units, n_rows, dtype)
        return self._buffers[key]

    def predict_output(self, flat, X):
        """The output units' values (probabilities) for X, a new array."""
        return forward(
            self.layout.coefs(flat),
            self.layout.intercepts(flat),
            X,
            self.activation,
            self.out_activation,
        )

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
        output = forward(
            self.layout.coefs(flat),
            self.layout.intercepts(flat),
            X,
            self.activation,
            self.out_activation,
            buf.activations,
        )
        losses = _per_sample_loss(self.loss, self.out_activation, output, Y, buf.scratch)
        # Weights normalised to sum to one turn sums into (weighted) means.
        if sample_weight is None:
            loss = float(losses.sum()) / n
            scale = 1.0 / n
        else:
            scale = (sample_weight / sample_weight.sum()).astype(flat.dtype)[:, None]
            loss = float(np.dot(losses, scale[:, 0]))
        delta = buf.deltas[-1]
        _output_delta(self.loss, self.out_activation, output, Y, delta)
        delta *= scale
        self._backprop(flat, buf, grad)
        return loss

    def _backprop(self, flat, buf, grad):
        coefs = self.layout.coefs(flat)
        coef_grads = self.layout.coefs(grad)
        intercept_grads = self.layout.intercepts(grad)
        derivative = DERIVATIVES[self.activation]
        for i in range(len(coefs) - 1, -1, -1):
            delta, below = buf.deltas[i], buf.activations[i]
            if sp.issparse(below):
                coef_grads[i][...] = below.T @ delta
            else:
                np.dot(below.T, delta, out=coef_grads[i])
            delta.sum(axis=0, out=intercept_grads[i])
            if i > 0:
                np.dot(delta, coefs[i].T, out=buf.deltas[i - 1])
                derivative(buf.activations[i], buf.deltas[i - 1])
