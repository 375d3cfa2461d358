"""Compiled loops bound once to the trainer's arrays (``_kernels.bind``).

The network binds its per-layer loops (intercepts, relu, intercept
gradients) to its buffers and to the parameter and gradient vectors, so that
a step runs them without the wrappers' per-call checks.  A bound loop must
compute what the wrapper computes, only arrays the compiled loops take may
be bound, and the network must rebind when it is given other vectors.
"""

import numpy as np
import pytest

from sklearn_nnreg import _kernels
from sklearn_nnreg._layout import Layout
from sklearn_nnreg._network import Network

needs_compiled = pytest.mark.skipif(
    not _kernels.compiled_available(),
    reason="the optional extension sklearn_nnreg._ckernels was not built",
)


@pytest.fixture
def compiled_on():
    """The compiled loops on, even in a run on the numpy fallback
    (SKLEARN_NNREG_PURE_NUMPY), where ``bind`` binds nothing."""
    with _kernels.use_compiled(True):
        yield


@needs_compiled
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_bound_loop_computes_what_its_wrapper_computes(dtype, compiled_on):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((3, 5)).astype(dtype)
    b = rng.standard_normal(5).astype(dtype)
    expected = z.copy()
    bound = _kernels.bind("bias_relu", z, b)
    for _ in range(2):  # the same arrays, step after step
        bound()
        _kernels.bias_relu(expected, b, np.zeros_like(expected))
    np.testing.assert_array_equal(z, expected)
    y, x = rng.standard_normal(7).astype(dtype), rng.standard_normal(7).astype(dtype)
    y_expected = y.copy()
    _kernels.bind("axpy", y)(0.5, _kernels._ckernels.memoryview_of(x))
    _kernels.axpy(y_expected, 0.5, x)
    np.testing.assert_array_equal(y, y_expected)


@needs_compiled
@pytest.mark.parametrize(
    "z, b",
    [
        (np.ones((2, 4)), np.ones(4, dtype=np.float32)),  # mixed dtypes
        (np.ones((2, 8))[:, ::2], np.ones(4)),  # not contiguous
        (np.ones((2, 4), dtype=np.float16), np.ones(4, dtype=np.float16)),
    ],
)
def test_arrays_the_loops_do_not_take_are_not_bound(z, b, compiled_on):
    assert _kernels.bind("bias_add", z, b) is None


@needs_compiled
def test_nothing_is_bound_with_the_compiled_loops_off():
    with _kernels.use_compiled(False):
        assert _kernels.bind("bias_add", np.ones((2, 4)), np.ones(4)) is None


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_the_network_rebinds_its_loops_to_new_parameter_vectors(activation):
    """A gradient at a second parameter vector is that of a fresh network
    (the first vector's bound loops are not reused)."""
    rng = np.random.default_rng(1)
    layout = Layout([4, 6, 3])
    X = rng.standard_normal((5, 4))
    Y = np.eye(3)[rng.integers(0, 3, size=5)]
    first, second = (rng.standard_normal(layout.size) for _ in range(2))
    network = Network(layout, activation, "softmax", "log_loss")
    grad = np.empty(layout.size)
    network.loss_gradient(first, X, Y, None, grad)
    loss = network.loss_gradient(second, X, Y, None, grad)
    fresh_grad = np.empty(layout.size)
    fresh = Network(layout, activation, "softmax", "log_loss")
    fresh_loss = fresh.loss_gradient(second, X, Y, None, fresh_grad)
    assert loss == fresh_loss
    np.testing.assert_array_equal(grad, fresh_grad)
    # And a new gradient vector receives the gradient.
    other_grad = np.zeros(layout.size)
    network.loss_gradient(second, X, Y, None, other_grad)
    np.testing.assert_array_equal(other_grad, fresh_grad)
