"""The cumulative style keeps each weight's two debts in the weights' dtype.

Tsuruoka et al. keep u, the total shrink so far, and q[i], what weight i took;
a positive weight owes u + q[i], a negative one u - q[i].  Those differences
are small while u and q grow without end, so in float32 they lose the step's
shrink once u is some 1e4 times larger than it.  The style keeps the debts
themselves (``owed = [u + q, u - q]``), which stay small on the side that is
used: float32 is enough.  A state saved with u and q (float64, earlier
versions) is converted when a fit continues from it.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_nnreg import RegularizedMLPClassifier, _kernels

PATHS = [True, False]


def _pull_u_q(w, u, q, shrink):
    """The paper's pull with u and q in w's dtype (what the debts replace)."""
    u = u + shrink
    before = w.copy()
    positive, negative = before > 0, before < 0
    w[positive] = np.maximum(0, before - (u + q))[positive]
    w[negative] = np.minimum(0, before + (u - q))[negative]
    return u, q + (w - before)


@pytest.mark.parametrize("compiled", PATHS, ids=["compiled", "numpy"])
def test_float32_debts_keep_a_small_shrink_after_a_large_total(compiled):
    """u = 1000 already, a shrink of 1e-4 per step: the debts give the exact
    course of the weights in float32; u and q in float32 would not."""
    shrink, steps, u0 = 1e-4, 400, 1000.0
    w0 = np.array([0.5, 0.5, -0.5, -0.5, 0.0, 0.0], np.float32)
    # Pushed outward by 3x or 0.5x the shrink; the zeros by +-0.5x.
    push = np.array([3, 0.5, -3, -0.5, 0.5, -0.5]) * shrink
    # Weights that have paid everything on their side so far: a positive one
    # owes 0 while positive and 2 u while negative; a zero one u on each side.
    q = np.array([-u0, -u0, u0, u0, 0.0, 0.0])
    owed = np.stack([u0 + q, u0 - q]).astype(np.float32)
    w = w0.copy()
    u32, q32, w_uq = np.float32(u0), q.astype(np.float32), w0.copy()
    with _kernels.use_compiled(compiled):
        for _ in range(steps):
            w += push.astype(np.float32)
            _kernels.cumulative_pull(w, owed, shrink, 1.0, 1.0, [])
            w_uq += push.astype(np.float32)
            u32, q32 = _pull_u_q(w_uq, u32, q32, np.float32(shrink))
    # Exact: each weight moves by push - shrink toward its sign per step
    # (the 0.5x ones shrink), and the zeros stay.
    exact = w0 + steps * (push - np.sign(w0) * shrink)
    exact[4:] = 0
    np.testing.assert_allclose(w, exact, rtol=0, atol=2e-5)
    assert (w[4:] == 0).all()
    # The debts on the weights' own sides stay small (at most the per-step
    # shrink plus roundings), the other side holds 2 u and more.
    assert np.abs(owed[0, [0, 1]]).max() < 2 * shrink
    assert np.abs(owed[1, [2, 3]]).max() < 2 * shrink
    # u and q in float32 lose the shrink in the rounding of u + 1e-4 (ulp
    # 6e-5 at 1000): the same steps end far from the exact course.
    assert np.abs(w_uq - exact).max() > 100 * np.abs(w - exact).max()


def _fit(dtype, **params):
    X, y = make_classification(80, 6, n_informative=4, random_state=0)
    X = X.astype(dtype)
    est = RegularizedMLPClassifier(
        hidden_layer_sizes=(7,),
        penalty="l1",
        penalty_style="cumulative",
        alpha=3e-2,
        learning_rate_init=0.1 if params.get("solver") == "sgd" else 1e-3,
        batch_size=20,
        max_iter=3,
        random_state=0,
        **params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    return est, X, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_state_saved_with_u_and_q_continues_as_the_debts_do(solver, dtype):
    est, X, y = _fit(dtype, solver=solver)
    owed = est._fit_state["style"]["owed"]
    assert owed.dtype == dtype and owed.shape[0] == 2
    # The same fit as an earlier version saved it: float64 u (0-d under sgd,
    # one total for all) and q.
    old, _, _ = _fit(dtype, solver=solver)
    u = (owed[0].astype(np.float64) + owed[1]) / 2
    q = (owed[0].astype(np.float64) - owed[1]) / 2
    old._fit_state["style"] = {"u": u[0] if solver == "sgd" else u, "q": q}
    if solver == "sgd":  # one total for all weights, as saved then
        np.testing.assert_allclose(u, u[0], rtol=1e-6)
    for e in (est, old):
        e.partial_fit(X, y)
    # The conversion rounds u + q and u - q once: the continued fits agree to
    # the dtype's precision, with the same exact zeros.
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for a, b in zip(est.coefs_, old.coefs_, strict=True):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol * np.abs(a).max())
    assert sum(int((c == 0).sum()) for c in est.coefs_) > 0
    assert set(old._fit_state["style"]) == {"owed"}
    assert old._fit_state["style"]["owed"].dtype == dtype
