"""Output heads: the output activation and the data loss, chosen once per fit.

A head is one (loss, output activation) pair: how the output layer turns its
pre-activations into outputs, the mean per-sample loss, ``dLoss/dz`` at the
output layer, and how held-out data is scored.  The network and the trainer
call a head's methods and never branch on a loss or activation name, so a new
output (identity with squared error, exp with Poisson, for a regressor) is a
new class here and an entry in ``HEADS``.

Every method works in place on arrays the caller owns (no step allocates)
and computes exactly what scikit-learn computes, so iterates stay bitwise
equal to ``MLPClassifier``'s.
"""

import math

import numpy as np
from scipy.special import expit, xlogy
from sklearn.metrics import r2_score

from . import _kernels

# Clipping bounds of the probabilities, [eps, 1 - eps], per float type: the
# log losses clip as scikit-learn does, so that log(0) never occurs (maximum
# then minimum is np.clip without its Python wrapper).
_CLIP = {
    np.dtype(t).char: (np.finfo(t).eps, 1 - np.finfo(t).eps)
    for t in (np.float32, np.float64)
}


def _softmax(z, scratch=None):
    """Row-wise softmax of z, in place.

    ``scratch`` (optional) is ``(zt, rows, ones)``: arrays of shapes (k, n),
    (n, 1) and (k, 1) for z of shape (n, k).  numpy reduces along a short
    contiguous axis row by row, slowly (a (256, 10) row maximum costs 12 us),
    so with scratch the maxima are taken down the columns of a contiguous
    transpose and the sums are a matrix-vector product: 2x faster in all.
    """
    if scratch is None or z.shape[0] == 1:
        # The ufunc reductions themselves: ndarray.max/sum add a Python wrapper.
        z -= np.maximum.reduce(z, axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= np.add.reduce(z, axis=1, keepdims=True)
        return
    zt, rows, ones = scratch
    _kernels.subtract_row_max(z, zt, rows)
    np.exp(z, out=z)
    np.dot(z, ones, out=rows)
    z /= rows


class Head:
    """An output layer: activation, per-sample loss, output delta, score.

    ``output`` below is the output layer after :meth:`activate`, ``Y`` the
    float targets, both of shape (n_samples, n_outputs).
    """

    #: The public ``loss`` value.
    loss = None
    #: The output activation's name (the estimator's ``out_activation_``).
    out_activation = None
    #: ``'classification'`` or ``'regression'``: which estimator uses it.
    task = "classification"

    def activation_scratch(self, n_rows, n_outputs, dtype):
        """Scratch for :meth:`activate` on a batch of ``n_rows`` (or None)."""
        return None

    def finite_below(self, dtype):
        """A bound on |pre-activation| under which every output is finite.

        Softmax (in its stable form, ``z - max z``), logistic and identity
        outputs of finite pre-activations are finite, so the bound is the
        dtype's largest value, divided by 2**20 so that the rounding of the
        products (relative n * eps at most) and softmax's ``z - max z``
        cannot reach it.
        """
        return float(np.finfo(dtype).max) * 2.0**-20

    def activate(self, z, scratch=None):
        """The output activation, in place on the pre-activations ``z``."""
        raise NotImplementedError

    def mean_loss(self, output, Y, scratch, weights=None):
        """Mean per-sample loss, or its weighted mean for ``weights`` summing to 1.

        ``scratch`` is an array shaped like ``output``.
        """
        raise NotImplementedError

    def output_delta(self, output, Y, delta):
        """``dLoss/dz`` of the output layer, per sample, into ``delta``."""
        raise NotImplementedError

    def delta_and_mean_loss(self, output, Y, delta, scratch):
        """The mean loss, and the output delta of the mean into ``delta``
        (:meth:`output_delta` divided by the number of samples)."""
        self.output_delta(output, Y, delta)
        loss = self.mean_loss(output, Y, scratch)
        if output.shape[0] > 1:  # at batch size 1 the factor is 1.0: skip it
            delta *= 1.0 / output.shape[0]
        return loss

    def score(self, output, Y, sample_weight=None):
        """The held-out score of ``output`` (higher is better)."""
        raise NotImplementedError


class _Softmax(Head):
    """One softmax over the outputs: multiclass, scored by the arg max."""

    out_activation = "softmax"

    def activation_scratch(self, n_rows, n_outputs, dtype):
        return (
            np.empty((n_outputs, n_rows), dtype=dtype),
            np.empty((n_rows, 1), dtype=dtype),
            np.ones((n_outputs, 1), dtype=dtype),
        )

    # The function itself, not a method calling it: one call per step fewer.
    activate = staticmethod(_softmax)

    def score(self, output, Y, sample_weight=None):
        correct = output.argmax(axis=1) == Y.argmax(axis=1)
        return float(np.average(correct, weights=sample_weight))


class _Logistic(Head):
    """One logistic unit per output: binary or multilabel, thresholded at 1/2."""

    out_activation = "logistic"

    def activate(self, z, scratch=None):
        expit(z, out=z)

    def score(self, output, Y, sample_weight=None):
        correct = ((output > 0.5) == (Y > 0.5)).all(axis=1)
        return float(np.average(correct, weights=sample_weight))


class _CanonicalLink(Head):
    """A loss whose output delta is ``output - target``.

    Softmax with cross-entropy and logistic with binary cross-entropy (as
    identity with squared error, or exp with Poisson deviance) are canonical
    pairs: the activation's Jacobian cancels against the loss's derivative.
    """

    def output_delta(self, output, Y, delta):
        np.subtract(output, Y, out=delta)


# The loss methods below are on every step's path: they call no helper
# functions, only numpy (sums are taken over the whole array at once, a dot
# product or one pairwise reduction as in scikit-learn's loss functions: a
# per-row reduction of a (256, 10) array costs more than the rest of the loss).
class _LogLoss(_CanonicalLink):
    """Cross-entropy of probabilities, clipped to [eps, 1 - eps] first."""

    loss = "log_loss"


class SoftmaxLogLoss(_LogLoss, _Softmax):
    """Cross-entropy ``-sum_k t_k log o_k`` of a softmax."""

    def mean_loss(self, output, Y, scratch, weights=None):
        low, high = _CLIP[scratch.dtype.char]
        np.maximum(output, low, out=scratch)
        np.minimum(scratch, high, out=scratch)
        np.log(scratch, out=scratch)
        if weights is None:
            return -float(np.vdot(scratch, Y)) / output.shape[0]
        scratch *= Y
        np.negative(scratch, out=scratch)
        return float(np.dot(weights, scratch).sum())

    def delta_and_mean_loss(self, output, Y, delta, scratch):
        # The delta with its division by n, and the true classes' clipped
        # probabilities, in one pass when compiled.  With one-hot targets
        # only those terms are not 0 * log(p): one log per sample, not per
        # class (other targets take mean_loss, every term).
        n = output.shape[0]
        low, high = _CLIP[scratch.dtype.char]
        picked = scratch.reshape(-1)
        count = _kernels.delta_and_pick(
            output, Y, delta, picked, 1.0 / n if n > 1 else None, low, high
        )
        if count < 0:
            return self.mean_loss(output, Y, scratch)
        values = picked[:count]
        np.log(values, out=values)
        return -float(np.add.reduce(values)) / n


class LogisticLogLoss(_LogLoss, _Logistic):
    """Binary cross-entropy ``-(t log o + (1 - t) log(1 - o))`` per unit."""

    def mean_loss(self, output, Y, scratch, weights=None):
        low, high = _CLIP[scratch.dtype.char]
        np.maximum(output, low, out=scratch)
        np.minimum(scratch, high, out=scratch)
        positive = np.log(scratch)
        np.subtract(1, scratch, out=scratch)
        np.log(scratch, out=scratch)
        scratch += Y * (positive - scratch)
        np.negative(scratch, out=scratch)
        if weights is None:
            return float(np.add.reduce(scratch, axis=None)) / output.shape[0]
        return float(np.dot(weights, scratch).sum())


class _SquaredError(Head):
    """``1/2 sum_k (o_k - t_k)**2``, backpropagated through the activation."""

    loss = "squared_error"

    def mean_loss(self, output, Y, scratch, weights=None):
        np.subtract(output, Y, out=scratch)
        if weights is None:
            return 0.5 * float(np.vdot(scratch, scratch)) / output.shape[0]
        scratch **= 2
        scratch *= 0.5
        return float(np.dot(weights, scratch).sum())


class SoftmaxSquaredError(_SquaredError, _Softmax):
    """Squared error of softmax outputs."""

    def output_delta(self, output, Y, delta):
        np.subtract(output, Y, out=delta)
        # d/dz_j of softmax: o_j * (e_j - sum_k o_k e_k)
        dot = np.einsum("ij,ij->i", output, delta)
        delta -= dot[:, None]
        delta *= output


class LogisticSquaredError(_SquaredError, _Logistic):
    """Squared error of logistic outputs."""

    def output_delta(self, output, Y, delta):
        np.subtract(output, Y, out=delta)
        delta *= output
        delta *= 1 - output


class _Regression(Head):
    """Real-valued outputs, scored by R² (uniform average over outputs).

    R² is what ``MLPRegressor`` scores its early-stopping validation data
    with, so the same epoch stops the same fit.
    """

    task = "regression"

    def score(self, output, Y, sample_weight=None):
        return float(r2_score(Y, output, sample_weight=sample_weight))


class IdentitySquaredError(_SquaredError, _CanonicalLink, _Regression):
    """Identity output with ``1/2 sum_k (o_k - t_k)**2`` per sample.

    The loss is summed over the outputs and averaged over samples, so its
    value and its gradient agree for several outputs too.  (``MLPRegressor``
    averages the value over outputs but sums the gradient over them.)
    """

    out_activation = "identity"

    def activate(self, z, scratch=None):
        pass  # the outputs are the pre-activations


class ExpPoisson(_CanonicalLink, _Regression):
    """Exp output (log link) with half the Poisson deviance per output unit.

    ``sum_k t_k log(t_k / o_k) - t_k + o_k`` per sample, as ``MLPRegressor``
    computes it (``t log t`` is 0 at t = 0); its derivative in the
    pre-activation is ``o - t``, the canonical link's.
    """

    loss = "poisson"
    out_activation = "exp"

    def activate(self, z, scratch=None):
        np.exp(z, out=z)

    def finite_below(self, dtype):
        # exp overflows above log(max); 1 below it leaves room for rounding.
        return math.log(float(np.finfo(dtype).max)) - 1.0

    def mean_loss(self, output, Y, scratch, weights=None):
        np.divide(Y, output, out=scratch)
        xlogy(Y, scratch, out=scratch)
        scratch -= Y
        scratch += output
        if weights is None:
            return float(np.add.reduce(scratch, axis=None)) / output.shape[0]
        return float(np.dot(weights, scratch).sum())


HEADS = {
    "log_loss": {"softmax": SoftmaxLogLoss, "logistic": LogisticLogLoss},
    "squared_error": {
        "softmax": SoftmaxSquaredError,
        "logistic": LogisticSquaredError,
        "identity": IdentitySquaredError,
    },
    "poisson": {"exp": ExpPoisson},
}
"""``{loss: {output activation: head class}}``; the keys are the public
``loss`` values and the estimator's ``out_activation_`` values."""


def make_head(loss, out_activation):
    """The head for a public ``loss`` and an output activation."""
    return HEADS[loss][out_activation]()


def losses_for(task):
    """The public ``loss`` values with a head for ``task``, in registry order."""
    return tuple(
        loss
        for loss, by_activation in HEADS.items()
        if any(head.task == task for head in by_activation.values())
    )


def regression_output(loss):
    """The output activation of a regression ``loss`` (one per loss)."""
    (activation,) = (
        name for name, head in HEADS[loss].items() if head.task == "regression"
    )
    return activation
