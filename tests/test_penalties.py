"""Penalties: value, (sub)gradient and proximal operator, from their formulas.

``R(w) = l1 * sum|w| + l2 * 1/2 * sum w**2`` with (l1, l2) = (1, 0) for 'l1',
(0, 1) for 'l2' and (l1_ratio, 1 - l1_ratio) for 'elasticnet'.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_nnreg._penalties import ELEMENTWISE_PENALTIES as PENALTIES
from sklearn_nnreg._penalties import Penalty, make_penalty

SETTINGS = settings(max_examples=50, deadline=None)

finite = st.floats(-10.0, 10.0, allow_subnormal=False)
vectors = hnp.arrays(np.float64, st.integers(1, 20), elements=finite)
ratios = st.floats(0.0, 1.0)
names = st.sampled_from(PENALTIES)
thresholds = st.floats(0.0, 5.0)


def shares(name, l1_ratio):
    return {"l1": (1.0, 0.0), "l2": (0.0, 1.0)}.get(name, (l1_ratio, 1.0 - l1_ratio))


def prox_objective(p, w, t, l1, l2):
    """1/2 (p - w)^2 + t R(p), elementwise."""
    return 0.5 * (p - w) ** 2 + t * (l1 * np.abs(p) + 0.5 * l2 * p**2)


def test_make_penalty_none_is_no_penalty():
    assert make_penalty(None) is None


@pytest.mark.parametrize("name", PENALTIES)
@SETTINGS
@given(w=vectors, l1_ratio=ratios)
def test_value_is_the_documented_formula(name, w, l1_ratio):
    penalty = make_penalty(name, l1_ratio)
    l1_sum, l2_half = np.abs(w).sum(), 0.5 * (w**2).sum()
    expected = {
        "l1": l1_sum,
        "l2": l2_half,
        "elasticnet": l1_ratio * l1_sum + (1 - l1_ratio) * l2_half,
    }[name]
    np.testing.assert_allclose(penalty.value(w), expected, rtol=1e-12, atol=1e-300)
    assert (penalty.l1, penalty.l2) == shares(name, l1_ratio)


@pytest.mark.parametrize("name", PENALTIES)
@SETTINGS
@given(w=vectors, l1_ratio=ratios, scale=st.floats(0.0, 3.0), data=st.data())
def test_add_gradient_accumulates_scaled_subgradient(name, w, l1_ratio, scale, data):
    penalty = make_penalty(name, l1_ratio)
    l1, l2 = shares(name, l1_ratio)
    start = data.draw(hnp.arrays(np.float64, w.shape, elements=finite), label="out")
    out = start.copy()
    penalty.add_gradient(w, out, scale)
    # sign(0) = 0: the L1 part contributes nothing at w == 0.
    expected = start + scale * (l1 * np.sign(w) + l2 * w)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", PENALTIES)
@SETTINGS
@given(
    w=hnp.arrays(np.float64, st.integers(1, 10), elements=st.floats(0.1, 10.0)),
    signs=st.lists(st.booleans(), min_size=10, max_size=10),
    l1_ratio=ratios,
)
def test_add_gradient_is_derivative_of_value_away_from_zero(name, w, signs, l1_ratio):
    w = np.where(signs[: w.size], w, -w)
    penalty = make_penalty(name, l1_ratio)
    grad = np.zeros_like(w)
    penalty.add_gradient(w, grad, 1.0)
    step = 1e-6
    numeric = np.empty_like(w)
    for i in range(w.size):
        up, down = w.copy(), w.copy()
        up[i] += step
        down[i] -= step
        numeric[i] = (penalty.value(up) - penalty.value(down)) / (2 * step)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", PENALTIES)
@SETTINGS
@given(w=vectors, t=thresholds, l1_ratio=ratios)
def test_prox_satisfies_subgradient_optimality(name, w, t, l1_ratio):
    """0 is in p - w + t dR(p): the result minimises 1/2 (p - w)^2 + t R(p)."""
    penalty = make_penalty(name, l1_ratio)
    l1, l2 = shares(name, l1_ratio)
    p = w.copy()
    penalty.prox(p, t)
    nonzero = p != 0
    residual = p - w + t * (l1 * np.sign(p) + l2 * p)
    np.testing.assert_allclose(residual[nonzero], 0.0, atol=1e-12 * (1 + t) * 10)
    # At p == 0 the subdifferential of |p| is [-1, 1]: need |w| <= t * l1.
    assert np.all(np.abs(w[~nonzero]) <= t * l1 * (1 + 1e-12) + 1e-300)
    # Shrinks toward zero and never flips a sign.
    assert np.all(np.abs(p) <= np.abs(w))
    assert np.all(p * w >= 0)


@pytest.mark.parametrize("name", PENALTIES)
@SETTINGS
@given(w=finite, t=thresholds, l1_ratio=ratios)
def test_prox_beats_brute_force_scalar_minimisation(name, w, t, l1_ratio):
    penalty = make_penalty(name, l1_ratio)
    l1, l2 = shares(name, l1_ratio)
    p = np.array([w])
    penalty.prox(p, t)
    # The minimiser lies between 0 and w; search a fine grid around it.
    grid = np.linspace(-abs(w) - 1.0, abs(w) + 1.0, 20001)
    best = prox_objective(grid, w, t, l1, l2).min()
    assert prox_objective(p[0], w, t, l1, l2) <= best + 1e-12 * (1 + abs(w) ** 2)
    # and the grid point nearest to p is within one grid spacing of it
    argbest = grid[np.argmin(prox_objective(grid, w, t, l1, l2))]
    assert abs(argbest - p[0]) <= 2 * (grid[1] - grid[0])


@SETTINGS
@given(w=vectors, t=thresholds)
def test_l1_prox_is_soft_threshold_with_exact_zeros(w, t):
    p = w.copy()
    make_penalty("l1").prox(p, t)
    small = np.abs(w) <= t
    assert np.all(p[small] == 0.0)
    assert np.all(p[~small] != 0.0)
    np.testing.assert_array_equal(np.sign(p[~small]), np.sign(w[~small]))
    np.testing.assert_allclose(
        p, np.sign(w) * np.maximum(np.abs(w) - t, 0.0), rtol=1e-15, atol=0
    )


@SETTINGS
@given(w=vectors, t=thresholds, l1_ratio=st.floats(0.01, 1.0))
def test_elasticnet_prox_is_threshold_then_divide(w, t, l1_ratio):
    p = w.copy()
    make_penalty("elasticnet", l1_ratio).prox(p, t)
    thresholded = np.sign(w) * np.maximum(np.abs(w) - t * l1_ratio, 0.0)
    expected = thresholded / (1.0 + t * (1.0 - l1_ratio))
    np.testing.assert_allclose(p, expected, rtol=1e-14, atol=0)
    assert np.all(p[np.abs(w) <= t * l1_ratio] == 0.0)


@SETTINGS
@given(w=vectors, t=thresholds)
def test_l2_prox_divides_and_never_zeroes(w, t):
    p = w.copy()
    make_penalty("l2").prox(p, t)
    np.testing.assert_allclose(p, w / (1.0 + t), rtol=1e-15, atol=0)
    assert np.all((p == 0) == (w == 0))


@pytest.mark.parametrize("name", PENALTIES)
@SETTINGS
@given(data=st.data(), l1_ratio=ratios)
def test_prox_accepts_per_coordinate_threshold(name, data, l1_ratio):
    w = data.draw(vectors, label="w")
    t = data.draw(
        hnp.arrays(np.float64, w.shape, elements=thresholds), label="threshold"
    )
    penalty = make_penalty(name, l1_ratio)
    p = w.copy()
    penalty.prox(p, t)
    for i in range(w.size):
        scalar = w[i : i + 1].copy()
        penalty.prox(scalar, float(t[i]))
        assert p[i] == scalar[0]


@pytest.mark.parametrize("name", PENALTIES)
@SETTINGS
@given(w=vectors, l1_ratio=ratios)
def test_prox_with_zero_threshold_is_identity(name, w, l1_ratio):
    p = w.copy()
    make_penalty(name, l1_ratio).prox(p, 0.0)
    np.testing.assert_array_equal(p, w)


def test_penalty_with_no_shares_is_zero_everywhere():
    penalty = Penalty(0.0, 0.0)
    w = np.array([-2.0, 0.0, 3.0])
    assert penalty.value(w) == 0.0
    out = np.ones(3)
    penalty.add_gradient(w, out, 5.0)
    np.testing.assert_array_equal(out, np.ones(3))
    p = w.copy()
    penalty.prox(p, 4.0)
    np.testing.assert_array_equal(p, w)
