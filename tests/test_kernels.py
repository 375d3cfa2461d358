"""The optional compiled loops are bitwise the numpy reference code.

``sklearn_nnreg._kernels`` runs a compiled loop for float64 arrays when the
extension ``_ckernels`` was built, and the numpy reference otherwise.  Both
must give the same bits: loop by loop on arrays with zeros of both signs,
infinities, NaN and subnormals, and fit by fit over whole trainings.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nnreg import RegularizedMLPClassifier, _kernels

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

needs_compiled = pytest.mark.skipif(
    not _kernels.compiled_available(),
    reason="the optional extension sklearn_nnreg._ckernels was not built "
    "(install with a C compiler available: pip install -e .)",
)


def special_values(rng, n):
    """Random doubles with zeros of both signs, infinities, NaN, subnormals."""
    x = rng.standard_normal(n) * rng.choice([1e-3, 1.0, 1e3], size=n)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -1e-310])
    where = rng.choice(n, size=min(n, 40), replace=False)
    x[where] = rng.choice(specials, size=where.size)
    return x


def both_paths(function, *arrays, **kwargs):
    """Run ``function`` on copies of ``arrays``, compiled and numpy."""
    results = []
    for compiled in (True, False):
        copies = [a.copy() for a in arrays]
        with _kernels.use_compiled(compiled):
            function(*copies, **kwargs)
        results.append(copies)
    return results


def assert_same_bits(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


@needs_compiled
@pytest.mark.parametrize("seed", range(3))
def test_adam_is_bitwise_the_numpy_reference(seed):
    rng = np.random.default_rng(seed)
    n = 1003  # not a multiple of any vector width
    grad = special_values(rng, n)
    m = rng.standard_normal(n) * 0.1
    v = np.abs(rng.standard_normal(n)) * 0.01
    v[:5] = 0.0
    delta, denominator = np.empty(n), np.empty(n)
    compiled, reference = both_paths(
        _kernels.adam, grad, m, v, delta, denominator,
        beta_1=0.9, beta_2=0.999, rate=3e-3, epsilon=1e-8,
    )
    for a, b in zip(compiled[:4], reference[:4], strict=True):
        assert_same_bits(a, b)  # grad untouched, m, v and delta equal
    assert_same_bits(compiled[0], grad)


@needs_compiled
@pytest.mark.parametrize("seed", range(3))
def test_bias_relu_is_the_numpy_reference(seed):
    rng = np.random.default_rng(seed)
    z = special_values(rng, 37 * 13).reshape(37, 13)
    b = special_values(rng, 13)
    zeros = np.zeros_like(z)
    (z_c, b_c, _), (z_n, b_n, _) = both_paths(_kernels.bias_relu, z, b, zeros)
    # Equal as numbers (a zero's sign may differ: max(-0.0, 0.0) is either).
    np.testing.assert_array_equal(z_c, z_n)
    assert_same_bits(b_c, b)
    assert (z_c[~np.isnan(z_c)] >= 0).all()


@needs_compiled
def test_bias_add_is_bitwise_the_numpy_reference():
    rng = np.random.default_rng(0)
    z = special_values(rng, 37 * 13).reshape(37, 13)
    b = special_values(rng, 13)
    (z_c, b_c), (z_n, b_n) = both_paths(_kernels.bias_add, z, b)
    assert_same_bits(z_c, z_n)
    assert_same_bits(b_c, b)


@needs_compiled
@pytest.mark.parametrize("shape", [(256, 256), (7, 13), (2, 1), (1, 5)])
def test_column_sums_are_bitwise_the_numpy_reference(shape):
    rng = np.random.default_rng(0)
    delta = special_values(rng, shape[0] * shape[1]).reshape(shape)
    delta[:, 0] *= 1e12  # sums whose order shows in their rounding
    out = np.empty(shape[1])
    (d_c, out_c), (d_n, out_n) = both_paths(_kernels.column_sums, delta, out)
    assert_same_bits(out_c, out_n)
    assert_same_bits(d_c, delta)
    # and both are the sum of the rows taken in order
    expected = delta[0].copy()
    for row in delta[1:]:
        expected = expected + row
    assert_same_bits(out_n, expected)


def test_non_contiguous_intercepts_take_the_numpy_path():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((5, 4))
    b = rng.standard_normal(8)[::2]  # a strided view
    expected = z + b
    _kernels.bias_add(z, b)
    assert_same_bits(z, expected)


@needs_compiled
@pytest.mark.parametrize("seed", range(3))
def test_relu_backward_is_the_numpy_reference(seed):
    rng = np.random.default_rng(seed)
    a = np.maximum(special_values(rng, 1001), 0.0)
    a[rng.choice(a.size, 300, replace=False)] = 0.0
    delta = special_values(rng, a.size)
    masks = (np.empty(a.shape, dtype=bool), np.empty(a.shape))

    def relu_backward(a, delta):
        _kernels.relu_backward(a, delta, masks)

    (a_c, d_c), (a_n, d_n) = both_paths(relu_backward, a, delta)
    np.testing.assert_array_equal(d_c, d_n)
    keep = a != 0
    np.testing.assert_array_equal(d_c[keep], delta[keep])
    assert (d_c[~keep & np.isfinite(delta)] == 0).all()


@needs_compiled
def test_axpy_is_bitwise_the_numpy_reference():
    rng = np.random.default_rng(0)
    y, x = special_values(rng, 999), special_values(rng, 999)
    def axpy(y, x):
        _kernels.axpy(y, -0.37, x)

    (y_c, x_c), (y_n, x_n) = both_paths(axpy, y, x)
    assert_same_bits(y_c, y_n)
    assert_same_bits(x_c, x)


@needs_compiled
def test_compiled_loops_check_their_arguments():
    from sklearn_nnreg import _ckernels

    a, b = np.zeros(4), np.zeros(5)
    with pytest.raises(ValueError, match="differ in length"):
        _ckernels.axpy(a, 1.0, b)
    with pytest.raises(ValueError, match="differ in length"):
        _ckernels.relu_backward(a, b)
    with pytest.raises(ValueError, match="differ in length"):
        _ckernels.adam(a, a.copy(), a.copy(), b, 0.9, 0.999, 1e-3, 1e-8)
    with pytest.raises(ValueError, match="shapes do not match"):
        _ckernels.bias_relu(np.zeros((2, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="shapes do not match"):
        _ckernels.bias_add(np.zeros((2, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="shapes do not match"):
        _ckernels.column_sums(np.zeros(4), np.zeros((2, 3)))
    # A strided view is no contiguous buffer: refused, never read wrongly.
    with pytest.raises((TypeError, ValueError, BufferError)):
        _ckernels.axpy(np.zeros((4, 4))[:, 0], 1.0, a)
    read_only = np.zeros(4)
    read_only.flags.writeable = False
    with pytest.raises((ValueError, BufferError, TypeError)):
        _ckernels.axpy(read_only, 1.0, a)


def test_float32_never_takes_the_compiled_loops(monkeypatch):
    calls = []
    monkeypatch.setattr(_kernels, "_ckernels", _Recorder(calls))
    monkeypatch.setitem(_kernels._state, "compiled", True)
    a = np.ones(8, dtype=np.float32)
    _kernels.axpy(a, 2.0, np.ones(8, dtype=np.float32))
    assert calls == []
    np.testing.assert_array_equal(a, 3.0)
    _kernels.axpy(np.ones(8), 2.0, np.ones(8))
    assert calls == ["axpy"]


class _Recorder:
    def __init__(self, calls):
        self.calls = calls

    def axpy(self, y, alpha, x):
        self.calls.append("axpy")
        y += alpha * x


FITS = {
    "adam relu l2": dict(solver="adam", penalty="l2", alpha=1e-3),
    "adam relu proximal l1": dict(
        solver="adam", penalty="l1", penalty_style="proximal", alpha=1e-3
    ),
    "adam relu cumulative en": dict(
        solver="adam", penalty="elasticnet", penalty_style="cumulative", alpha=1e-3
    ),
    "sgd nesterov relu l2": dict(solver="sgd", penalty="l2", alpha=1e-3),
    "adam tanh l2 squared": dict(
        solver="adam", activation="tanh", loss="squared_error", alpha=1e-3
    ),
    "adam relu l2 penalized intercepts": dict(
        solver="adam", alpha=1e-2, penalize_intercepts=True
    ),
}


@needs_compiled
@pytest.mark.parametrize("name", list(FITS))
def test_whole_fits_are_bitwise_equal_with_and_without_compiled_loops(name):
    X, y = make_classification(150, 8, n_informative=5, n_classes=3, random_state=1)
    params = dict(
        hidden_layer_sizes=(16, 8), batch_size=32, max_iter=6, random_state=0,
        learning_rate_init=0.01, tol=0.0, n_iter_no_change=100, **FITS[name],
    )
    fitted = []
    for compiled in (True, False):
        with _kernels.use_compiled(compiled):
            fitted.append(RegularizedMLPClassifier(**params).fit(X, y))
    ours, reference = fitted
    for a, b in zip(
        ours.coefs_ + ours.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert_same_bits(a, b)
    assert ours.loss_curve_ == reference.loss_curve_
    # The fit really moved (a test of equal bits on untrained weights would
    # prove nothing).
    assert ours.loss_curve_[-1] < ours.loss_curve_[0]


def test_use_compiled_restores_the_previous_setting():
    before = _kernels._state["compiled"]
    with _kernels.use_compiled(False):
        assert _kernels._state["compiled"] is False
        with _kernels.use_compiled(True):
            assert _kernels._state["compiled"] is _kernels.compiled_available()
        assert _kernels._state["compiled"] is False
    assert _kernels._state["compiled"] == before
