"""The optional compiled loops are bitwise the numpy reference code.

``sklearn_nnreg._kernels`` runs a compiled loop (Cython, ``_ckernels``) for
C-contiguous float32 or float64 arrays when the extension was built, and the
numpy reference otherwise.  Both must give the same bits, in both precisions:
loop by loop on arrays with zeros of both signs, infinities, NaN and
subnormals, and fit by fit over whole trainings.  Arrays the compiled loops
cannot take (other dtypes, mixed dtypes, strided views) get the reference's
answer; mismatched lengths and overlapping arrays a clear error.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nnreg import RegularizedMLPClassifier, _kernels
from tests._compiled import assert_same_fit

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

needs_compiled = pytest.mark.skipif(
    not _kernels.compiled_available(),
    reason="the optional extension sklearn_nnreg._ckernels was not built "
    "(install with a C compiler available: pip install -e .)",
)


DTYPES = [np.float64, np.float32]


def special_values(rng, n, dtype=np.float64):
    """Random floats with zeros of both signs, infinities, NaN, subnormals."""
    x = rng.standard_normal(n) * rng.choice([1e-3, 1.0, 1e3], size=n)
    tiny = np.finfo(dtype).smallest_subnormal
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, tiny, -3 * tiny])
    where = rng.choice(n, size=min(n, 40), replace=False)
    x[where] = rng.choice(specials, size=where.size)
    return x.astype(dtype)


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
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("with_step_size", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_adam_is_bitwise_the_numpy_reference(seed, with_step_size, dtype):
    rng = np.random.default_rng(seed)
    n = 1003  # not a multiple of any vector width
    grad = special_values(rng, n, dtype)
    m = (rng.standard_normal(n) * 0.1).astype(dtype)
    v = (np.abs(rng.standard_normal(n)) * 0.01).astype(dtype)
    v[:5] = 0.0
    delta, denominator, step = (np.empty(n, dtype) for _ in range(3))

    def adam(grad, m, v, delta, denominator, step):
        _kernels.adam(
            grad,
            m,
            v,
            delta,
            denominator,
            0.9,
            0.999,
            np.float64(3e-3),
            1e-8,
            step if with_step_size else None,
        )

    compiled, reference = both_paths(adam, grad, m, v, delta, denominator, step)
    for a, b in zip(compiled[:4], reference[:4], strict=True):
        assert_same_bits(a, b)  # grad untouched, m, v and delta equal
    assert_same_bits(compiled[0], grad)
    if with_step_size:
        assert_same_bits(compiled[5], reference[5])
        finite = np.isfinite(reference[2])
        expected = 3e-3 / (np.sqrt(reference[2][finite]) + dtype(1e-8))
        np.testing.assert_allclose(compiled[5][finite], expected, rtol=1e-6)


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(3))
def test_bias_relu_is_the_numpy_reference(seed, dtype):
    rng = np.random.default_rng(seed)
    z = special_values(rng, 37 * 13, dtype).reshape(37, 13)
    b = special_values(rng, 13, dtype)
    zeros = np.zeros_like(z)
    (z_c, b_c, _), (z_n, b_n, _) = both_paths(_kernels.bias_relu, z, b, zeros)
    # Equal as numbers (a zero's sign may differ: max(-0.0, 0.0) is either).
    np.testing.assert_array_equal(z_c, z_n)
    assert_same_bits(b_c, b)
    assert (z_c[~np.isnan(z_c)] >= 0).all()


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_add_is_bitwise_the_numpy_reference(dtype):
    rng = np.random.default_rng(0)
    z = special_values(rng, 37 * 13, dtype).reshape(37, 13)
    b = special_values(rng, 13, dtype)
    (z_c, b_c), (z_n, b_n) = both_paths(_kernels.bias_add, z, b)
    assert_same_bits(z_c, z_n)
    assert_same_bits(b_c, b)


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shape", [(256, 256), (7, 13), (5, 37), (2, 1), (1, 5), (256, 1), (37, 1), (9, 1)]
)
def test_column_sums_are_bitwise_the_numpy_reference(shape, dtype):
    rng = np.random.default_rng(0)
    delta = special_values(rng, shape[0] * shape[1], dtype).reshape(shape)
    delta[:, 0] *= 1e4  # sums whose order shows in their rounding
    if shape[1] > 1:
        delta[:, -1] = -0.0  # numpy's sum of -0s is +0 (it starts from +0)
    out = np.empty(shape[1], dtype)
    (d_c, out_c), (d_n, out_n) = both_paths(_kernels.column_sums, delta, out)
    assert_same_bits(out_c, out_n)
    assert_same_bits(d_c, delta)
    assert_same_bits(out_n, np.add.reduce(delta, axis=0))
    if shape[1] > 1:
        # the rows taken in order, from +0 (a single contiguous column is
        # summed pairwise instead)
        expected = dtype(0) + delta[0]
        for row in delta[1:]:
            expected = expected + row
        assert_same_bits(out_n, expected)
        assert np.signbit(out_c[-1]) == np.False_


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
def test_a_single_column_is_summed_in_numpys_pairwise_order(dtype):
    """A (n, 1) delta (a binary classifier's or a single-output regressor's
    output layer) is one contiguous run, which numpy sums pairwise, not
    row after row: every batch size from 1 to 300 gives numpy's bits."""
    rng = np.random.default_rng(1)
    for n in range(1, 301):
        column = rng.standard_normal((n, 1)) * 10 ** rng.uniform(-4, 4, (n, 1))
        column = column.astype(dtype)
        (_, out_c), (_, out_n) = both_paths(
            _kernels.column_sums, column, np.empty(1, dtype)
        )
        assert_same_bits(out_c, out_n)
        assert_same_bits(out_c, np.add.reduce(column, axis=0))


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_sums_of_a_batch_of_one_are_numpys(dtype):
    from sklearn_nnreg._network import _column_sums

    row = np.array([[-0.0, 0.0, -2.5, np.nan, -np.inf]], dtype)
    out = np.empty(5, dtype)
    _column_sums(row, out)
    assert_same_bits(out, np.add.reduce(row, axis=0))
    assert not np.signbit(out[0])


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(3))
def test_relu_backward_is_the_numpy_reference(seed, dtype):
    rng = np.random.default_rng(seed)
    a = np.maximum(special_values(rng, 77 * 13, dtype), 0.0).reshape(77, 13)
    a.flat[rng.choice(a.size, 300, replace=False)] = 0.0
    delta = special_values(rng, a.size, dtype).reshape(a.shape)
    masks = (np.empty(a.shape, dtype=bool), np.empty(a.shape, dtype))

    def relu_backward(a, delta):
        _kernels.relu_backward(a, delta, masks)

    (a_c, d_c), (a_n, d_n) = both_paths(relu_backward, a, delta)
    np.testing.assert_array_equal(d_c, d_n)
    keep = a != 0
    np.testing.assert_array_equal(d_c[keep], delta[keep])
    assert (d_c[~keep & np.isfinite(delta)] == 0).all()


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
def test_axpy_is_bitwise_the_numpy_reference(dtype):
    rng = np.random.default_rng(0)
    y, x = special_values(rng, 999, dtype), special_values(rng, 999, dtype)

    def axpy(y, x):
        _kernels.axpy(y, -0.37, x)

    (y_c, x_c), (y_n, x_n) = both_paths(axpy, y, x)
    assert_same_bits(y_c, y_n)
    assert_same_bits(x_c, x)


def step_sizes(rng, n, dtype):
    """Per-coordinate steps as adam's: positive, spread over decades."""
    return (1e-3 * 10.0 ** rng.uniform(-2, 2, size=n)).astype(dtype)


SHARES = {"l1": (1.0, 0.0), "l2": (0.0, 1.0), "elasticnet": (0.3, 0.7)}


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("per_coordinate", [False, True], ids=["sgd", "adam"])
@pytest.mark.parametrize("penalty", list(SHARES))
def test_soft_threshold_is_bitwise_the_numpy_reference(penalty, per_coordinate, dtype):
    rng = np.random.default_rng(1)
    n = 1001
    w = special_values(rng, n, dtype) * dtype(1e-2)
    h = step_sizes(rng, n, dtype) if per_coordinate else 0.037
    l1, l2 = SHARES[penalty]

    def prox(w):
        _kernels.soft_threshold(w, h, 0.5, l1, l2, [])

    (w_c,), (w_n,) = both_paths(prox, w)
    assert_same_bits(w_c, w_n)
    if l1:  # the point of the proximal step: exact zeros, never a sign flip
        assert 0 < np.sum(w_c == 0) < n - 40
        moved = np.isfinite(w) & (w_c != 0)
        assert (np.sign(w_c[moved]) == np.sign(w[moved])).all()


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("per_coordinate", [False, True], ids=["sgd", "adam"])
def test_cumulative_l2_shrink_is_bitwise_the_numpy_reference(per_coordinate, dtype):
    rng = np.random.default_rng(2)
    n = 1001
    w, delta = special_values(rng, n, dtype), special_values(rng, n, dtype)
    h = step_sizes(rng, n, dtype) * dtype(1e3) if per_coordinate else 0.37

    def shrink(delta, w):
        _kernels.l2_shrink(delta, w, h, 2.0, 0.7, [])

    (d_c, w_c), (d_n, w_n) = both_paths(shrink, delta, w)
    assert_same_bits(d_c, d_n)
    assert_same_bits(w_c, w)
    assert not np.array_equal(d_c, delta, equal_nan=True)


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("per_coordinate", [False, True], ids=["sgd", "adam"])
def test_cumulative_pull_is_bitwise_the_numpy_reference(per_coordinate, dtype):
    rng = np.random.default_rng(3)
    n = 1001
    w = special_values(rng, n, dtype) * dtype(1e-2)
    if per_coordinate:
        h, u = step_sizes(rng, n, dtype), np.abs(rng.standard_normal(n)) * 1e-3
    else:
        h, u = 0.01, np.full(n, 2e-3)
    # What each weight already received: toward zero, at most u; its debts.
    q = -np.sign(np.nan_to_num(w)) * u * rng.uniform(0, 1, n)
    owed = np.stack([u + q, u - q]).astype(dtype)

    def pull(w, owed):
        _kernels.cumulative_pull(w, owed, h, 0.5, 0.8, [])

    (w_c, owed_c), (w_n, owed_n) = both_paths(pull, w, owed)
    assert_same_bits(w_c, w_n)
    assert_same_bits(owed_c, owed_n)
    assert 0 < np.sum(w_c == 0) < n - 40
    moved = np.isfinite(w) & (w_c != 0)
    assert (np.sign(w_c[moved]) == np.sign(w[moved])).all()
    assert (np.abs(w_c[moved]) <= np.abs(w[moved])).all()
    # Both debts grew by the step's shrink and were settled by what each
    # weight took: +taken for a positive weight's, -taken for a negative's
    # (each a rounding of the weights' dtype at most).
    finite = np.isfinite(w)
    grow = (h if per_coordinate else np.full(n, h)) * 0.5 * 0.8
    taken = w_c.astype(np.float64) - w.astype(np.float64)
    before = owed.astype(np.float64)
    eps = np.finfo(dtype).eps
    for row, sign in [(0, 1), (1, -1)]:
        want = before[row] + grow + sign * taken
        scale = np.abs(before[row]) + grow + np.abs(taken) + np.abs(w)
        error = np.abs(owed_c[row].astype(np.float64) - want)
        assert (error[finite] <= 4 * eps * scale[finite]).all()


def test_float32_takes_the_compiled_loops_and_odd_arrays_do_not(monkeypatch):
    calls = []
    monkeypatch.setattr(_kernels, "_ckernels", _Recorder(calls))
    monkeypatch.setitem(_kernels._state, "compiled", True)
    a = np.ones(8, dtype=np.float32)
    _kernels.axpy(a, 2.0, np.ones(8, dtype=np.float32))
    assert calls == ["axpy"]
    np.testing.assert_array_equal(a, 3.0)
    # Mixed dtypes, strided views and other dtypes take the numpy path.
    _kernels.axpy(np.ones(8), 2.0, np.ones(8, dtype=np.float32))
    _kernels.axpy(np.ones(8), 2.0, np.ones(16)[::2])
    _kernels.axpy(np.ones(8, dtype=np.float16), 2.0, np.ones(8, dtype=np.float16))
    assert calls == ["axpy"]


class _Recorder:
    def __init__(self, calls):
        self.calls = calls

    def axpy(self, y, alpha, x):
        self.calls.append("axpy")
        y += alpha * x


def _wrapper_calls(n=12, rows=3):
    """Each wrapper as a function of its arrays, with valid float64 arrays."""
    rng = np.random.default_rng(0)

    def f(*shape):
        return rng.standard_normal(shape)

    def adam(g, m, v, d, s):
        _kernels.adam(g, m, v, d, np.empty_like(d), 0.9, 0.999, 1e-3, 1e-8, s)

    return {
        "adam": (adam, [f(n), f(n) * 0.1, np.abs(f(n)), f(n), f(n)]),
        "bias_relu": (
            lambda z, b: _kernels.bias_relu(z, b, np.zeros_like(z)),
            [f(rows, n), f(n)],
        ),
        "bias_add": (_kernels.bias_add, [f(rows, n), f(n)]),
        "column_sums": (_kernels.column_sums, [f(rows, n), f(n)]),
        "relu_backward": (
            lambda a, d: _kernels.relu_backward(
                a, d, (np.empty(a.shape, bool), np.empty(a.shape, d.dtype))
            ),
            [np.maximum(f(rows, n), 0), f(rows, n)],
        ),
        "axpy": (lambda y, x: _kernels.axpy(y, 0.3, x), [f(n), f(n)]),
        "soft_threshold": (
            lambda w, h: _kernels.soft_threshold(w, h, 0.5, 0.3, 0.7, []),
            [f(n), np.abs(f(n))],
        ),
        "l2_shrink": (
            lambda d, w, h: _kernels.l2_shrink(d, w, h, 0.5, 0.7, []),
            [f(n), f(n), np.abs(f(n))],
        ),
        "cumulative_pull": (
            lambda w, owed, h: _kernels.cumulative_pull(w, owed, h, 0.5, 0.3, []),
            [f(n), np.abs(f(2, n)) * 0.1, np.abs(f(n))],
        ),
        "delta_and_pick": (
            lambda o, y, d, p: _kernels.delta_and_pick(o, y, d, p, 0.25, 0.1, 0.9),
            [
                np.abs(f(rows, n)) / 2,
                (f(rows, n) > 0).astype(float),
                f(rows, n),
                f(rows * n),
            ],
        ),
    }


def _outcome(function, arrays, compiled):
    # A strided array stays strided (a plain copy would be contiguous).
    copies = [a.copy() if a.flags.c_contiguous else _strided(a.copy()) for a in arrays]
    with _kernels.use_compiled(compiled):
        try:
            function(*copies)
        except Exception as error:  # noqa: BLE001 - the outcome is compared
            return type(error)
    return copies


def _strided(a):
    """a as a non-contiguous view of a larger array (same values)."""
    wide = np.empty(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
    wide[..., ::2] = a
    return wide[..., ::2]


ODD = {
    "float32": lambda a: a.astype(np.float32),
    "int64": lambda a: np.round(a * 10).astype(np.int64),
    "big-endian": lambda a: a.astype(">f8"),
    "strided": _strided,
}


@pytest.mark.parametrize("odd", list(ODD))
@pytest.mark.parametrize("name", list(_wrapper_calls()))
def test_wrappers_give_the_reference_answer_on_arrays_the_loops_do_not_take(name, odd):
    """One array at a time of another dtype, byte order or layout: the
    numpy reference's answer (or its error), never garbage or a TypeError
    from the compiled loop."""
    function, arrays = _wrapper_calls()[name]
    for k in range(len(arrays)):
        changed = [ODD[odd](a) if i == k else a for i, a in enumerate(arrays)]
        ours = _outcome(function, changed, compiled=True)
        reference = _outcome(function, changed, compiled=False)
        if isinstance(reference, type):
            assert ours is reference, (k, ours)
            continue
        assert not isinstance(ours, type), (k, ours)
        for a, b in zip(ours, reference, strict=True):
            np.testing.assert_array_equal(a, b)


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(_wrapper_calls()))
def test_wrappers_refuse_mismatched_lengths_and_shared_memory(name, dtype):
    # Forced on: SKLEARN_NNREG_PURE_NUMPY=1 (CI's second run) turns it off.
    with _kernels.use_compiled(True):
        _refuse_all(name, dtype)


def _refuse_all(name, dtype):
    function, arrays = _wrapper_calls()[name]
    arrays = [a.astype(dtype) for a in arrays]
    for k in range(len(arrays)):
        short = np.ascontiguousarray(arrays[k][..., :-1])
        changed = [short if i == k else a.copy() for i, a in enumerate(arrays)]
        with pytest.raises(ValueError, match=r"length|shape|must be equal"):
            function(*changed)
    # The first array (always written) given again in a same-shaped slot.
    for k in range(1, len(arrays)):
        if arrays[k].shape == arrays[0].shape and arrays[k].dtype == dtype:
            changed = [a.copy() for a in arrays]
            changed[k] = changed[0]
            with pytest.raises(ValueError, match="share memory"):
                function(*changed)


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
    "sgd relu proximal en": dict(
        solver="sgd", penalty="elasticnet", penalty_style="proximal", alpha=1e-3
    ),
    "sgd relu cumulative l1": dict(
        solver="sgd", penalty="l1", penalty_style="cumulative", alpha=1e-3
    ),
    "adam relu cumulative l1": dict(
        solver="adam", penalty="l1", penalty_style="cumulative", alpha=1e-3
    ),
}


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(FITS))
def test_whole_fits_are_bitwise_equal_with_and_without_compiled_loops(name, dtype):
    X, y = make_classification(150, 8, n_informative=5, n_classes=3, random_state=1)
    X = X.astype(dtype)
    params = dict(
        hidden_layer_sizes=(16, 8),
        batch_size=32,
        max_iter=6,
        random_state=0,
        learning_rate_init=0.01,
        tol=0.0,
        n_iter_no_change=100,
        **FITS[name],
    )
    fitted = []
    for compiled in (True, False):
        with _kernels.use_compiled(compiled):
            fitted.append(RegularizedMLPClassifier(**params).fit(X, y))
    ours, reference = fitted
    assert_same_fit(ours, reference)
    # The fit really moved (a test of equal bits on untrained weights would
    # prove nothing).
    assert ours.loss_curve_[-1] < ours.loss_curve_[0]
    assert ours.coefs_[0].dtype == dtype


def test_use_compiled_restores_the_previous_setting():
    before = _kernels._state["compiled"]
    with _kernels.use_compiled(False):
        assert _kernels._state["compiled"] is False
        with _kernels.use_compiled(True):
            assert _kernels._state["compiled"] is _kernels.compiled_available()
        assert _kernels._state["compiled"] is False
    assert _kernels._state["compiled"] == before


@pytest.mark.parametrize("odd", list(ODD))
def test_row_max_shift_of_arrays_the_loop_does_not_take_is_the_reference(odd):
    """softmax's shift (one array, shifted in place; the others are the numpy
    path's scratch) on an array of another dtype, byte order or layout."""
    z = ODD[odd](np.random.default_rng(4).standard_normal((5, 7)) * 3)
    results = []
    for compiled in (True, False):
        shifted = z.copy() if z.flags.c_contiguous else _strided(z.copy())
        zt = np.empty(z.shape[::-1], z.dtype)
        rows = np.empty((z.shape[0], 1), z.dtype)
        with _kernels.use_compiled(compiled):
            _kernels.subtract_row_max(shifted, zt, rows)
        results.append(shifted)
    np.testing.assert_array_equal(results[0], results[1])
    assert results[0].dtype == z.dtype
    np.testing.assert_array_equal(results[0].max(axis=1), np.zeros(5, z.dtype))


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("task", ["binary", "single-output regression"])
def test_single_output_fits_are_bitwise_equal_with_and_without_compiled_loops(
    task, dtype
):
    """One output unit: its intercept's gradient sums a (batch, 1) delta."""
    from sklearn_nnreg import RegularizedMLPRegressor

    X, y = make_classification(150, 8, n_informative=5, random_state=1)
    X = X.astype(dtype)
    params = dict(
        hidden_layer_sizes=(8,), batch_size=64, max_iter=5, random_state=0,
        tol=0.0, n_iter_no_change=100, learning_rate_init=0.01,
    )  # fmt: skip
    estimator = RegularizedMLPClassifier(**params)
    if task != "binary":
        estimator, y = RegularizedMLPRegressor(**params), y + X[:, 0]
    fitted = []
    for compiled in (True, False):
        with _kernels.use_compiled(compiled), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fitted.append(clone(estimator).fit(X, y))
    ours, reference = fitted
    assert_same_fit(ours, reference)
    assert ours.intercepts_[-1].shape == (1,)
