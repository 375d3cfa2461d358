"""The L1 styles' after-step inside the bound optimizer pass.

``_kernels.bind_adam`` / ``bind_sgd`` take a style's bound after-step
(``_kernels.bind_l1_step`` on the penalized prefix of the weights) and run it
on each weight right after its update, in the same pass: adam's step sizes
are used there and not written, and the new ``sum |w|`` is summed leaf by
leaf of numpy's pairwise order.  The result must be the bits of the unfused
steps (the optimizer's pass, then the after-step's), NaN, infinities and -0
included; a fit takes that path when the style offers its after-step
(``Style.bound_after_step``), and never past a subclass's own ``after_step``.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_nnreg import RegularizedMLPClassifier, _kernels, _styles, _trainer
from tests._compiled import REQUIRES_COMPILED, assert_same_bits, assert_same_fit

pytestmark = REQUIRES_COMPILED

DTYPES = [np.float64, np.float32]
BETAS, EPSILON = (0.9, 0.999), 1e-8
# (l1, l2, cumulative): the after-steps that fuse.
AFTER_STEPS = {
    "proximal l1": (1.0, 0.0, False),
    "proximal l2": (0.0, 1.0, False),
    "proximal elastic net": (0.3, 0.7, False),
    "cumulative l1": (1.0, 0.0, True),
}
# sgd's (momentum, nesterov)
MOMENTA = {"plain": (0.0, False), "heavy ball": (0.9, False), "nesterov": (0.9, True)}


@pytest.fixture(autouse=True)
def compiled_loops():
    with _kernels.use_compiled(True):
        yield


def weights(rng, n, dtype):
    """grad, m (or velocity), v and weights, with infinities, NaN and zeros of
    both signs in the weights and the gradient."""
    grad, w = rng.standard_normal((2, n)) * 0.01
    grad[:4] = [np.inf, -np.inf, np.nan, -0.0]
    w[4:12] = [np.inf, np.nan, -0.0, 0.0, -np.inf, 1e-12, -1e-12, 0.0]
    m = rng.standard_normal(n) * 1e-3
    v = np.abs(rng.standard_normal(n)) * 1e-4
    return [a.astype(dtype) for a in (grad, m, v, w)]


def l1_state(k, cumulative, dtype):
    """Cumulative's debts (None for proximal)."""
    return np.zeros((2, k), dtype) if cumulative else None


def bind_optimizer(solver, arrays, update, after_step, momentum):
    grad, m, v, w = arrays
    if solver == "adam":
        step_size = None if after_step is not None else np.empty_like(w)
        bound = _kernels.bind_adam(
            grad, m, v, update, step_size, w, 0, None, BETAS, EPSILON, after_step
        )
        return bound, step_size
    velocity = m if momentum[0] else None
    bound = _kernels.bind_sgd(
        grad, velocity, update, w, 0, None, *momentum, after_step=after_step
    )
    return bound, None


def run_steps(solver, arrays, k, after, fused, momentum=(0.0, False)):
    """Steps at changing rates, fused or not; returns the norms and the debts."""
    l1, l2, cumulative = AFTER_STEPS[after]
    w = arrays[3]
    owed = l1_state(k, cumulative, w.dtype)
    l1_step = _kernels.bind_l1_step(w[:k], owed, 0.05, l1, l2, bool(l1))
    update = np.empty_like(w)
    bound, step_size = bind_optimizer(
        solver, arrays, update, l1_step if fused else None, momentum
    )
    norms = []
    for rate in (1e-2, 3e-2, 5e-3, 2e-2):
        scalar = rate / (1.0 - momentum[0]) if momentum[0] else rate
        if fused:
            norm = bound.step(rate) if solver == "adam" else bound.step(rate, scalar)
        else:
            bound.step(rate)
            size = step_size[:k] if solver == "adam" else scalar
            norm = l1_step.step(size)
        norms.append(norm)
    return norms, owed


def assert_fused_is_unfused(solver, after, dtype, k, n, momentum=(0.0, False)):
    arrays = weights(np.random.default_rng(k), n, dtype)
    copies = [a.copy() for a in arrays]
    with np.errstate(all="ignore"):
        fused = run_steps(solver, arrays, k, after, True, momentum)
        unfused = run_steps(solver, copies, k, after, False, momentum)
    for got, want in zip(arrays, copies, strict=True):
        assert_same_bits(got, want)
    if AFTER_STEPS[after][0]:  # the norms, bit for bit (NaN: a NaN weight)
        assert_same_bits(np.array(fused[0]), np.array(unfused[0]))
    else:
        assert fused[0] == unfused[0] == [None] * 4
    for got, want in zip(fused[1:], unfused[1:], strict=True):
        if want is not None:
            assert_same_bits(got, want)
    start = weights(np.random.default_rng(k), n, dtype)[3]
    assert np.isnan(arrays[3][5]) and np.sum(arrays[3] != start) > n // 2
    return arrays[3][:k], fused[0]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("after", AFTER_STEPS)
@pytest.mark.parametrize("k, n", [(1003, 1100), (6, 12), (130, 130)])
def test_fused_adam_after_step_is_bitwise_the_unfused_steps(k, n, after, dtype):
    w, norms = assert_fused_is_unfused("adam", after, dtype, k, n)
    if AFTER_STEPS[after][0]:  # the NaN weight makes the norm NaN
        assert np.isnan(norms[-1]) and np.isnan(np.abs(w).sum())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("after", AFTER_STEPS)
@pytest.mark.parametrize("momentum", MOMENTA)
@pytest.mark.parametrize("k, n", [(1003, 1100), (130, 130)])
def test_fused_sgd_after_step_is_bitwise_the_unfused_steps(
    k, n, momentum, after, dtype
):
    assert_fused_is_unfused("sgd", after, dtype, k, n, MOMENTA[momentum])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_the_fused_norm_is_numpys_pairwise_sum_of_finite_weights(solver, dtype):
    rng = np.random.default_rng(5)
    grad, m, v, w = (rng.standard_normal(3001).astype(dtype) for _ in range(4))
    v = np.abs(v)
    l1_step = _kernels.bind_l1_step(w[:2999], None, 1e-3, 1.0, 0.0, True)
    bound, _ = bind_optimizer(
        solver, (grad, m, v, w), np.empty_like(w), l1_step, (0.9, False)
    )
    norm = bound.step(1e-2) if solver == "adam" else bound.step(1e-2, 1e-1)
    assert norm == np.abs(w[:2999]).sum()  # numpy's own pairwise order
    assert norm != np.abs(w[:2999]).astype(np.float64).sum() or dtype == np.float64


# ------------------------------------------------------------- the checks
def test_the_bind_refuses_an_after_step_it_cannot_fuse():
    rng = np.random.default_rng(0)
    grad, m, v, w = weights(rng, 50, np.float64)
    update = np.empty_like(w)

    def bind(after_step, step_size=None, solver="adam", decay=(0, None)):
        if solver == "sgd":
            return _kernels.bind_sgd(grad, m, update, w, *decay, 0.9, False, after_step)
        return _kernels.bind_adam(
            grad, m, v, update, step_size, w, *decay, BETAS, EPSILON, after_step
        )

    def l1_step(weights, owed=None):
        return _kernels.bind_l1_step(weights, owed, 0.1, 1.0, 0.0, True)

    with pytest.raises(ValueError, match="first weights of params"):
        bind(l1_step(w[1:20]))  # not a prefix
    with pytest.raises(ValueError, match="first weights of params"):
        bind(l1_step(w[:20].copy()))  # other memory
    with pytest.raises(ValueError, match="first weights of params"):
        bind(l1_step(w[:20].astype(np.float32)))  # another dtype
    with pytest.raises(ValueError, match="share memory"):
        bind(l1_step(w[:20], grad[:40].reshape(2, 20)))  # the debts are the gradient
    with pytest.raises(ValueError, match="share memory"):
        bind(l1_step(w[:20], m[:40].reshape(2, 20)), solver="sgd")  # the velocity
    with pytest.raises(ValueError, match="step_size=None"):
        bind(l1_step(w[:20]), step_size=np.empty_like(w))
    with pytest.raises(ValueError, match="decay"):
        bind(l1_step(w[:20]), decay=(20, 0.1))
    with pytest.raises(TypeError):
        bind(object())
    assert bind(None) is not None and bind(l1_step(w[:50])) is not None


# ------------------------------------------------------------ in a fit
FITS = {
    "proximal l1 adam": dict(penalty="l1", penalty_style="proximal"),
    "proximal elasticnet adam": dict(penalty="elasticnet", penalty_style="proximal"),
    "proximal l2 sgd": dict(penalty="l2", penalty_style="proximal", solver="sgd"),
    "cumulative l1 adam": dict(penalty="l1", penalty_style="cumulative"),
    "cumulative l1 sgd nesterov": dict(
        penalty="l1",
        penalty_style="cumulative",
        solver="sgd",
        learning_rate="invscaling",
    ),
    "proximal l1 sgd heavy ball, intercepts": dict(
        penalty="l1",
        penalty_style="proximal",
        solver="sgd",
        nesterovs_momentum=False,
        penalize_intercepts=True,
        learning_rate="adaptive",
        n_iter_no_change=1,
    ),
}


def _fit(X, y, **params):
    settings = dict(
        hidden_layer_sizes=(9,), batch_size=16, max_iter=5, random_state=0, alpha=1e-3
    )
    settings.update(params)
    return RegularizedMLPClassifier(**settings).fit(X, y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fit", FITS)
def test_a_fit_fuses_the_after_step_and_gives_the_unfused_weights(
    fit, dtype, monkeypatch
):
    X, y = make_classification(90, 6, n_informative=4, n_classes=3, random_state=0)
    X = X.astype(dtype)
    style = _styles.STYLES[FITS[fit]["penalty_style"]]
    with monkeypatch.context() as unfused:
        unfused.setattr(style, "bound_after_step", lambda self, w: NotImplemented)
        reference = _fit(X, y, **FITS[fit])
    binds, norms, after_steps = [], [], []
    bind_adam, bind_sgd, step = (
        _kernels.bind_adam,
        _kernels.bind_sgd,
        _trainer.StochasticTrainer._step,
    )

    def checking_step(self, *args):
        loss = step(self, *args)
        w = self._penalized[1]
        norms.append(
            (self._l1_norm, None if not self.penalty.l1 else float(np.abs(w).sum()))
        )
        return loss

    monkeypatch.setattr(
        _kernels, "bind_adam", lambda *a: binds.append(a[-1]) or bind_adam(*a)
    )
    monkeypatch.setattr(
        _kernels, "bind_sgd", lambda *a: binds.append(a[-1]) or bind_sgd(*a)
    )
    monkeypatch.setattr(_trainer.StochasticTrainer, "_step", checking_step)
    monkeypatch.setattr(style, "after_step", lambda *a: after_steps.append(1))
    est = _fit(X, y, **FITS[fit])
    assert_same_fit(est, reference)
    assert len(binds) == 1 and binds[0] is not None  # bound once, with the after-step
    assert not after_steps  # the style's own after_step never ran
    assert len(norms) == 6 * 5 and all(got == want for got, want in norms)


def test_a_style_that_writes_its_own_after_step_is_never_fused_past(monkeypatch):
    calls = []

    class CountingProximal(_styles.Proximal):
        def after_step(self, w, step_size):
            calls.append(step_size)
            return super().after_step(w, step_size)

    class SaysItIsAnOperator(CountingProximal):
        bound_after_step = _styles.Proximal.bound_after_step

    w = np.zeros(4)
    assert CountingProximal.bound_after_step is not _styles.Proximal.bound_after_step
    assert CountingProximal(None, 0.1, 0.1).bound_after_step(w) is NotImplemented
    assert _styles.Style(None, 0, 0.1).bound_after_step(w) is None
    assert SaysItIsAnOperator.bound_after_step is _styles.Proximal.bound_after_step
    X, y = make_classification(40, 5, n_informative=3, random_state=0)
    monkeypatch.setitem(_styles.STYLES, "proximal", CountingProximal)
    est = _fit(X, y, penalty="l1", penalty_style="proximal", max_iter=2)
    assert len(calls) == 2 * 3 and isinstance(calls[0], np.ndarray)
    monkeypatch.setitem(_styles.STYLES, "proximal", _styles.Proximal)
    assert_same_bits(
        est.coefs_[0],
        _fit(X, y, penalty="l1", max_iter=2, penalty_style="proximal").coefs_[0],
    )


def test_a_style_with_a_decay_before_its_after_step_is_not_fused(monkeypatch):
    class DecayedProximal(_styles.Proximal):
        def before_optimizer(self, w, g):
            g += 0.01 * w

        def gradient_decay(self):
            return 0.01

    fused, bind = [], _trainer.StochasticTrainer._bind_fused_step

    def spy(self, *args):
        bind(self, *args)
        fused.append((self._fused_step is not None, self._fuses_after_step))

    monkeypatch.setattr(_trainer.StochasticTrainer, "_bind_fused_step", spy)
    monkeypatch.setitem(_styles.STYLES, "proximal", DecayedProximal)
    X, y = make_classification(40, 5, n_informative=3, random_state=0)
    est = _fit(X, y, penalty="l1", penalty_style="proximal", max_iter=2, alpha=0.05)
    assert fused == [(True, False)]  # the decay fused, the after-step after it
    # The soft-threshold ran after the pass: exact zeros.
    assert np.all(np.isfinite(est.coefs_[0])) and np.any(est.coefs_[0] == 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fit", ["cumulative l1 adam", "proximal elasticnet adam"])
def test_a_fit_of_many_blocks_gives_the_numpy_paths_weights(fit, dtype):
    """3424 penalized weights: the pass recurses several levels above its
    blocks of 512 (the fits above have at most 100), and L1 makes exact
    zeros on the way; compiled and numpy paths give the same bits."""
    X, y = make_classification(120, 20, n_informative=8, n_classes=3, random_state=2)
    X = X.astype(dtype)
    params = dict(hidden_layer_sizes=(64, 32), batch_size=40, max_iter=3, alpha=1e-2)
    params.update(FITS[fit])
    fitted = []
    for compiled in (True, False):
        with _kernels.use_compiled(compiled):
            fitted.append(_fit(X, y, **params))
    assert sum(c.size for c in fitted[0].coefs_) == 3424
    assert sum(int((c == 0).sum()) for c in fitted[0].coefs_) > 100
    assert_same_fit(*fitted)
