"""Fused elementwise loops of the training step, with their numpy references.

Each function here computes what its numpy reference computes, bit for bit.
For float64 arrays it runs the compiled loop of ``_ckernels`` when that
optional extension was built (``pip install`` builds it when a C compiler is
available); otherwise, and for float32, it runs the numpy reference.  The
compiled loops make one pass over memory where numpy makes one per operation:
on benchmark (b) that is about a tenth of a training step.

``use_compiled(False)`` turns the compiled loops off (the tests compare both
paths); so does the environment variable ``SKLEARN_NNREG_PURE_NUMPY=1`` at
import time.
"""

import os
from contextlib import contextmanager

import numpy as np

try:  # pragma: no cover - depends on the build
    from . import _ckernels
except ImportError:  # pragma: no cover - depends on the build
    _ckernels = None

_state = {
    "compiled": _ckernels is not None and not os.environ.get("SKLEARN_NNREG_PURE_NUMPY")
}


def compiled_available():
    """Whether the compiled extension was built and imported."""
    return _ckernels is not None


@contextmanager
def use_compiled(enabled):
    """Within the block, use the compiled loops (if built) or not."""
    previous = _state["compiled"]
    _state["compiled"] = bool(enabled) and _ckernels is not None
    try:
        yield
    finally:
        _state["compiled"] = previous


_FLOAT64 = np.dtype(np.float64)


def _compiled(a, b):
    """Whether to run the compiled loop on float64 arrays a and b (and the
    others of the call, which have the same dtype by construction)."""
    # ``is``: numpy's native float64 descriptor is a singleton; any other
    # (byte-swapped, say) just takes the numpy path.
    return _state["compiled"] and a.dtype is _FLOAT64 and b.dtype is _FLOAT64


def _contiguous(z, b):
    # The training buffers always are; intercepts set by hand may not be.
    return z.flags.c_contiguous and b.flags.c_contiguous


def adam(grad, m, v, delta, denominator, beta_1, beta_2, rate, epsilon):
    """Adam's moments and step, as scikit-learn's Adam computes them.

    ``m <- beta_1 m + (1 - beta_1) grad``,
    ``v <- beta_2 v + (1 - beta_2) grad**2`` and
    ``delta <- rate m / (sqrt(v) + epsilon)``.  ``denominator`` is scratch
    shaped like the others; it holds ``sqrt(v) + epsilon`` afterwards only
    when the return value is True.
    """
    if _compiled(grad, m):
        _ckernels.adam(grad, m, v, delta, beta_1, beta_2, rate, epsilon)
        return False
    m *= beta_1
    np.multiply(grad, 1 - beta_1, out=delta)
    m += delta
    v *= beta_2
    np.multiply(grad, grad, out=delta)
    delta *= 1 - beta_2
    v += delta
    np.sqrt(v, out=denominator)
    denominator += epsilon
    np.multiply(m, rate, out=delta)
    delta /= denominator
    return True


def bias_relu(z, b, zeros):
    """``z <- max(z + b, 0)`` in place; ``zeros`` is an array of zeros like z."""
    if _compiled(z, b) and _contiguous(z, b):
        _ckernels.bias_relu(z, b)
        return
    z += b
    # Against an array of zeros np.maximum takes numpy's contiguous SIMD loop:
    # 2x faster than against the scalar 0.
    np.maximum(z, zeros, out=z)


def bias_add(z, b):
    """``z <- z + b`` in place, b added to every row."""
    if _compiled(z, b) and _contiguous(z, b):
        _ckernels.bias_add(z, b)
        return
    z += b


def column_sums(delta, out):
    """``out <- delta.sum(axis=0)``, the rows added one after the other.

    numpy's reduction down the rows of a C-ordered array adds them in order,
    and so does the compiled loop.  (A BLAS ``ones @ delta`` would be as fast
    on numpy's path but runs on BLAS threads, which on a busy machine wait for
    each other at every call.)
    """
    if _compiled(delta, out) and delta.flags.c_contiguous:
        _ckernels.column_sums(out, delta)
        return
    np.add.reduce(delta, axis=0, out=out)


def relu_backward(a, delta, masks):
    """``delta <- delta * (a != 0)``; ``masks`` is a (bool, float) pair of
    scratch arrays shaped like a."""
    if _compiled(a, delta):
        _ckernels.relu_backward(delta, a)
        return
    # Multiplying by the mask is 5x faster than ``delta[a == 0] = 0`` (boolean
    # indexing).  It differs only in the sign of the zeros it writes, and where
    # delta is already infinite (inf * 0 is nan), which only a diverging fit
    # has.  The mask is copied to floats first: a bool operand would make the
    # multiplication allocate a buffer to cast it in, at every step.
    mask, floats = masks
    np.not_equal(a, 0, out=mask)
    np.copyto(floats, mask)
    np.multiply(delta, floats, out=delta)


def axpy(y, alpha, x, scratch=None):
    """``y <- y + alpha * x`` in place; ``scratch`` (numpy path) is like x."""
    if _compiled(y, x):
        _ckernels.axpy(y, float(alpha), x)
        return
    y += np.multiply(x, alpha, out=scratch)
