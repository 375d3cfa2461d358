"""Every build of the compiled loops gives the baseline build's bits.

On x86-64 the loops are built three times (``_ckernels``, and with
``-march=x86-64-v3`` / ``-march=x86-64-v4`` ``_ckernels_avx2`` /
``_ckernels_avx512``), and ``_kernels`` runs the widest one that this CPU
runs.  The wider builds vectorise the same IEEE operations in the same order,
so whole fits of every style, solver and precision must be bitwise the
baseline build's, at sizes where the vector loops (not only their remainders)
run.  The loop-by-loop comparisons with the numpy reference
(tests/test_kernels.py and the other kernel tests) run with the widest build;
CI runs them again with each narrower one (``SKLEARN_NNREG_SIMD``).
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification

from sklearn_nnreg import RegularizedMLPClassifier, _kernels
from tests._compiled import REQUIRES_COMPILED, assert_same_bits, assert_same_fit
from tests._reference_configs import CONFIGS

pytestmark = REQUIRES_COMPILED

WIDER = [name for name in _kernels.compiled_variants() if name != "baseline"]
wider_builds = pytest.mark.parametrize(
    "variant",
    WIDER
    or [pytest.param(None, marks=pytest.mark.skip(reason="no wider build runs here"))],
)

# The recorded configurations (every style, adam / sgd / L-BFGS, schedules,
# early stopping) and a tanh fit, with hidden layers wide enough for every
# vector width, a batch that is not a multiple of one, and rows that leave a
# remainder: the vector loops and their tails both run.
FITS = dict(
    CONFIGS, none_tanh_adam=dict(solver="adam", penalty=None, activation="tanh")
)
# Fits whose exact zeros (the L1 styles' point) are part of what must agree.
WITH_ZEROS = {
    "proximal_l1_adam",
    "proximal_en_sgd",
    "cumulative_l1_sgd",
    "cumulative_en_adam_intercepts",
}


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        203, 21, n_informative=8, n_classes=5, random_state=0, shift=0.3
    )
    return X, y


def _fit(variant, estimator, X, y):
    with _kernels.use_compiled(True), _kernels.use_variant(variant):
        assert _kernels.compiled_variant() == variant
        return clone(estimator).fit(X, y)


@wider_builds
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(FITS))
def test_a_wider_build_fits_the_baseline_builds_bits(data, name, dtype, variant):
    X, y = data
    estimator = RegularizedMLPClassifier(
        **dict(FITS[name], hidden_layer_sizes=(37, 19), batch_size=45, max_iter=6),
        random_state=0,
    )
    X = X.astype(dtype)
    wide = _fit(variant, estimator, X, y)
    baseline = _fit("baseline", estimator, X, y)
    if name.startswith("lbfgs"):  # no loss curve: its weights and final loss
        for got, want in zip(wide.coefs_, baseline.coefs_, strict=True):
            assert_same_bits(got, want)
        assert wide.loss_ == baseline.loss_
    else:
        assert_same_fit(wide, baseline)
    if name in WITH_ZEROS:
        assert any((c == 0).any() for c in wide.coefs_)


@wider_builds
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_wider_builds_loops_keep_the_baseline_bits_on_special_values(variant, dtype):
    """NaN of both signs, infinities, zeros of both signs and subnormals go
    through each elementwise loop as through the baseline build's."""
    rng = np.random.default_rng(0)
    n = 4099  # not a multiple of any vector width

    def values(size):
        x = rng.standard_normal(size) * rng.choice([1e-3, 1.0, 1e3], size=size)
        tiny = np.finfo(dtype).smallest_subnormal
        specials = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, tiny, -3 * tiny]
        where = rng.choice(size, size=size // 10, replace=False)
        x[where] = rng.choice(specials, size=where.size)
        return x.astype(dtype)

    z, b = values(97 * 41).reshape(97, 41), values(41)
    grad, m, v = values(n), values(n) * 0.1, np.abs(values(n)) * 0.01
    w, owed = values(n), np.abs(values(2 * n)).reshape(2, n) * 1e-3
    step = np.abs(values(n)) * 1e-2

    def run(name):
        out = {}
        with _kernels.use_compiled(True), _kernels.use_variant(name):
            zz = z.copy()
            _kernels.bias_relu(zz, b, np.zeros_like(zz))
            out["bias_relu"] = zz
            zz = z.copy()
            _kernels.bias_add(zz, b)
            out["bias_add"] = zz
            delta, a = z.copy(), np.flipud(z).copy()
            _kernels.relu_backward(a, delta, (np.empty(z.shape, bool), z.copy()))
            out["relu_backward"] = delta
            sums = np.empty(z.shape[1], dtype)
            _kernels.column_sums(z, sums)
            out["column_sums"] = sums
            arrays = [grad.copy(), m.copy(), v.copy(), np.empty_like(grad)]
            _kernels.adam(*arrays, np.empty_like(grad), 0.9, 0.999, 3e-3, 1e-8)
            out.update(adam_m=arrays[1], adam_v=arrays[2], adam_update=arrays[3])
            for kind, step_size in (("scalar", 0.37), ("per_coordinate", step)):
                ww = w.copy()
                _kernels.soft_threshold(ww, step_size, 1e-2, 0.7, 0.3, [])
                out[f"soft_threshold_{kind}"] = ww
                ww, debts = w.copy(), owed.copy()
                _kernels.cumulative_pull(ww, debts, step_size, 1e-2, 1.0, [])
                out.update({f"pull_w_{kind}": ww, f"pull_owed_{kind}": debts})
            zz = z.copy()
            _kernels.subtract_row_max(zz, None, None)
            out["subtract_row_max"] = zz
            output = np.abs(z[:, :7]) % 1
            Y = np.eye(7, dtype=dtype)[np.arange(z.shape[0]) % 7]
            delta, picked = np.empty_like(output), np.empty(output.size, dtype)
            count = _kernels.delta_and_pick(output, Y, delta, picked, 0.25, 1e-7, 1)
            out.update(delta=delta, picked=picked[:count])
            out["square_sum"] = np.array([_kernels.square_sum(w)])
            out["abs_sum"] = np.array([_kernels.abs_sum(w)])
        return out

    wide, baseline = run(variant), run("baseline")
    assert wide.keys() == baseline.keys()
    for key in baseline:
        assert_same_bits(wide[key], baseline[key])


def test_the_widest_build_this_cpu_runs_is_in_use():
    level = _kernels._cpu_level()
    assert level in (0, 1, 2)
    available = _kernels.compiled_variants()
    assert available[0] == "baseline"
    assert set(available) <= set(_kernels.SIMD_VARIANTS[: level + 1])
    if not os.environ.get("SKLEARN_NNREG_SIMD"):
        assert _kernels.compiled_variant() == available[-1]
    # What numpy found in the CPU agrees with the levels that gcc reports.
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features

    if level >= 1:
        assert features["AVX2"] and features["FMA3"]
    if level >= 2:
        assert features["AVX512_SKX"]


def test_use_variant_switches_the_loops_and_restores_them():
    before = _kernels.compiled_variant()
    with _kernels.use_variant("baseline"):
        assert _kernels.compiled_variant() == "baseline"
        assert _kernels._ckernels is _kernels._baseline
    assert _kernels.compiled_variant() == before
    with pytest.raises(ZeroDivisionError), _kernels.use_variant("baseline"):
        raise ZeroDivisionError
    assert _kernels.compiled_variant() == before


@pytest.mark.parametrize("name", ["avx1024", "", "sse"])
def test_an_unknown_or_unavailable_build_is_refused_by_name(name):
    with pytest.raises(ValueError, match="available: baseline"):
        with _kernels.use_variant(name):
            pass  # pragma: no cover


def test_the_environment_caps_the_build_and_names_what_is_allowed():
    assert _kernels._simd_cap(None) == "avx512"
    assert _kernels._simd_cap("") == "avx512"
    assert _kernels._simd_cap(" AVX2 ") == "avx2"
    assert _kernels._simd_cap("baseline") == "baseline"
    with pytest.raises(ValueError, match="use one of baseline, avx2, avx512"):
        _kernels._simd_cap("avx-512")


@pytest.mark.parametrize(
    "cap, expected",
    [("baseline", "baseline"), ("avx2", "avx2"), ("bogus", "SKLEARN_NNREG_SIMD")],
)
def test_sklearn_nnreg_simd_is_read_at_import(cap, expected):
    if expected == "avx2" and "avx2" not in _kernels.compiled_variants():
        pytest.skip("this CPU does not run the avx2 build")
    code = "from sklearn_nnreg import _kernels; print(_kernels.compiled_variant())"
    env = dict(os.environ, SKLEARN_NNREG_SIMD=cap)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    if expected == "SKLEARN_NNREG_SIMD":
        assert result.returncode != 0
        assert "SKLEARN_NNREG_SIMD='bogus' is not a build" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected
