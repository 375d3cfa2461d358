"""``_kernels.abs_sum``, the L1 norm of the penalty value recorded at every
step, adds in numpy's pairwise order: bitwise ``add.reduce(abs(w))``."""

import numpy as np
import pytest

from sklearn_nnreg import _kernels

needs_compiled = pytest.mark.skipif(
    not _kernels.compiled_available(),
    reason="the optional extension sklearn_nnreg._ckernels was not built",
)

# Around numpy's block of 128 and its cuts at multiples of 8, and larger.
SIZES = [*range(0, 40), 127, 128, 129, 135, 136, 255, 256, 257, 1000, 8191, 8193]
SIZES += [59658, 100003]


def _weights(rng, n, dtype):
    w = rng.standard_normal(n) * rng.choice([1e-6, 1.0, 1e6], size=n)
    return w.astype(dtype)


@needs_compiled
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_abs_sum_is_bitwise_numpys_sum_of_abs(dtype):
    rng = np.random.default_rng(0)
    with _kernels.use_compiled(True):
        for n in SIZES:
            w = _weights(rng, n, dtype)
            expected = float(np.add.reduce(np.abs(w)))
            assert _kernels.abs_sum(w) == expected, n
            assert _kernels.abs_sum(w, np.empty_like(w)) == expected, n


@needs_compiled
def test_abs_sum_keeps_nan_and_inf():
    w = np.array([1.0, -np.inf, 2.0, 0.0, -0.0] * 30)
    with _kernels.use_compiled(True):
        assert _kernels.abs_sum(w) == np.inf
        w[7] = np.nan
        assert np.isnan(_kernels.abs_sum(w))


@pytest.mark.parametrize(
    "odd",
    [
        lambda w: w.astype(">f8"),
        lambda w: np.round(w * 10).astype(np.int64),
        lambda w: np.repeat(w, 2)[::2],  # strided
    ],
    ids=["big-endian", "int64", "strided"],
)
def test_abs_sum_of_arrays_the_loop_does_not_take_is_numpys(odd):
    w = odd(_weights(np.random.default_rng(1), 300, np.float64))
    with _kernels.use_compiled(True):
        assert _kernels.abs_sum(w) == float(np.add.reduce(np.abs(w)))


def _steps(rng, n, dtype):
    """Each L1 step loop as a function(w, with_norm) on fresh state."""
    h = np.abs(rng.standard_normal(n)).astype(dtype)
    q = rng.standard_normal(n) * 0.01
    owed = np.stack([0.02 + q, 0.02 - q]).astype(dtype)  # u = 0.02
    return {
        "prox scalar": lambda w, norm: _kernels.soft_threshold(
            w, 0.1, 0.5, 1.0, 0.0, [], with_norm=norm
        ),
        "prox elastic net": lambda w, norm: _kernels.soft_threshold(
            w, 0.1, 0.5, 0.3, 0.7, [], with_norm=norm
        ),
        "prox per coordinate": lambda w, norm: _kernels.soft_threshold(
            w, h.copy(), 0.5, 1.0, 0.0, [], with_norm=norm
        ),
        "cumulative scalar": lambda w, norm: _kernels.cumulative_pull(
            w, owed.copy(), 0.1, 0.5, 1.0, [], with_norm=norm
        ),
        "cumulative per coordinate": lambda w, norm: _kernels.cumulative_pull(
            w, owed.copy(), h.copy(), 0.5, 1.0, [], with_norm=norm
        ),
    }


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "numpy"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [0, 5, 300])
def test_an_l1_step_returns_numpys_sum_of_abs_of_the_new_weights(n, dtype, compiled):
    """The next step's penalty value comes from the step itself: it must be
    the sum numpy would compute on the weights the step left."""
    rng = np.random.default_rng(n)
    w0 = _weights(rng, n, dtype)
    with _kernels.use_compiled(compiled):
        for name, step in _steps(rng, n, dtype).items():
            plain, fused = w0.copy(), w0.copy()
            assert step(plain, False) is None, name
            norm = step(fused, True)
            assert fused.tobytes() == plain.tobytes(), name
            assert norm == float(np.add.reduce(np.abs(plain))), name
