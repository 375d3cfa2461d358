"""Adam bound once per fit, fused with the step's work around it, and the
epoch's rows gathered at once.

``_kernels.bind_adam`` (``_ckernels.BoundAdam``) binds adam's arrays once;
with the flat weights it also adds an L2 decay to the gradient and
subtracts the update from the weights in the same pass.  It must give the
bits of the numpy reference (``axpy``, ``adam``, ``w -= update``) in both
precisions, NaN and infinities included; arrays it does not take are
declined.  A fit binds it once per run, and only when the style does
nothing between the optimizer and ``w -= update``.  A shuffled fit copies
each epoch's rows at once: the same batches, so the same weights.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_nnreg import RegularizedMLPClassifier, _kernels, _optimizers, _trainer
from tests._compiled import REQUIRES_COMPILED, assert_same_bits, unsuitable_arrays

pytestmark = REQUIRES_COMPILED

DTYPES = [np.float64, np.float32]


@pytest.fixture(autouse=True)
def compiled_loops():
    """The compiled loops on (also in the numpy-path pass of the suite); a
    test turns them off where it computes the reference."""
    with _kernels.use_compiled(True):
        yield


BETAS, EPSILON = (0.9, 0.999), 1e-8


def arrays(rng, n, dtype):
    """grad, m, v and weights, with infinities, NaN and zeros of both signs."""
    grad, w = rng.standard_normal((2, n))
    grad[:4] = [np.inf, -np.inf, np.nan, -0.0]
    w[4:9] = [np.inf, np.nan, -0.0, 0.0, -np.inf]
    m = rng.standard_normal(n) * 0.1
    v = np.abs(rng.standard_normal(n)) * 0.01
    return [a.astype(dtype) for a in (grad, m, v, w)]


def reference_steps(grad, m, v, w, rates, decay, with_step):
    """The numpy path: axpy on the first ``decay[0]`` weights, adam, w -= update."""
    update, den = np.empty_like(w), np.empty_like(w)
    step_size = np.empty_like(w) if with_step else None
    with _kernels.use_compiled(False):
        for rate in rates:
            g = grad.copy()
            if decay is not None:
                n, c = decay
                _kernels.axpy(g[:n], c, w[:n], np.empty(n, w.dtype))
            _kernels.adam(g, m, v, update, den, *BETAS, rate, EPSILON, step_size)
            w -= update
    return step_size


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("with_step", [False, True], ids=["", "step_size"])
@pytest.mark.parametrize("decay", [None, (700, 3e-3), (700, 0.0)])
def test_fused_adam_is_bitwise_the_numpy_step(decay, with_step, dtype):
    rng = np.random.default_rng(0)
    n, rates = 1003, [1e-3, 2e-3, 5e-4, 1e-3]
    grad, m, v, w = arrays(rng, n, dtype)
    ref = [a.copy() for a in (m, v, w)]
    ref_step = reference_steps(grad, *ref, rates, decay, with_step)
    step_size = np.empty_like(w) if with_step else None
    update = np.full_like(w, 7.0)
    w_before, grad_before = w.copy(), grad.copy()
    bound = _kernels.bind_adam(
        grad, m, v, update, step_size, w, *(decay or (0, None)), BETAS, EPSILON
    )
    for rate in rates:
        bound.step(rate)
    assert_same_bits(grad, grad_before)  # the decay is added in passing
    for got, want in zip((m, v, w), ref, strict=True):
        assert_same_bits(got, want)
    if with_step:
        assert_same_bits(step_size, ref_step)
    assert np.all(update == 7.0)  # fused: the update is not written
    assert not np.array_equal(w[10:], w_before[10:])


@pytest.mark.parametrize("dtype", DTYPES)
def test_bound_adam_without_weights_writes_the_update(dtype):
    rng = np.random.default_rng(1)
    grad, m, v, _ = arrays(rng, 257, dtype)
    m_ref, v_ref = m.copy(), v.copy()
    update, update_ref = np.empty_like(m), np.empty_like(m)
    step, step_ref = np.empty_like(m), np.empty_like(m)
    bound = _kernels.bind_adam(grad, m, v, update, step, None, 0, None, BETAS, EPSILON)
    with _kernels.use_compiled(False):
        for rate in (1e-3, 3e-3):
            bound.step(rate)
            _kernels.adam(
                grad,
                m_ref,
                v_ref,
                update_ref,
                np.empty_like(m),
                *BETAS,
                rate,
                EPSILON,
                step_ref,
            )
    for got, want in [(m, m_ref), (v, v_ref), (update, update_ref), (step, step_ref)]:
        assert_same_bits(got, want)


@unsuitable_arrays
def test_bind_adam_declines_arrays_the_loop_does_not_take(make):
    grad, m, v, w = (np.linspace(-1, 1, 10) for _ in range(4))
    for position in range(4):
        args = [grad, m, v, w]
        args[position] = make(args[position])
        g, m_, v_, w_ = args
        bound = _kernels.bind_adam(
            g, m_, v_, np.empty(10), None, w_, 0, None, BETAS, EPSILON
        )
        assert bound is None


def test_bind_adam_declines_empty_arrays_and_the_numpy_path():
    empty = np.empty(0)
    assert (
        _kernels.bind_adam(
            empty, empty, empty, empty, None, None, 0, None, BETAS, EPSILON
        )
        is None
    )
    ones = np.ones(4)
    with _kernels.use_compiled(False):
        assert (
            _kernels.bind_adam(
                ones,
                ones.copy(),
                ones.copy(),
                ones.copy(),
                None,
                None,
                0,
                None,
                BETAS,
                EPSILON,
            )
            is None
        )
        adam = _optimizers.Adam(4, np.float64, 1e-3, *BETAS, EPSILON)
        assert adam.bind_step(ones, np.empty(4), True, np.ones(4)) is None


@pytest.mark.parametrize("dtype", DTYPES)
def test_bind_adam_refuses_mismatched_and_shared_arrays(dtype):
    a = [np.zeros(10, dtype) for _ in range(4)]
    with pytest.raises(ValueError, match="v has length 9, expected 10"):
        _kernels.bind_adam(
            a[0], a[1], a[2][:9], a[3], None, None, 0, None, BETAS, EPSILON
        )
    with pytest.raises(ValueError, match="share memory"):
        _kernels.bind_adam(a[0], a[1], a[2], a[3], None, a[0], 0, None, BETAS, EPSILON)
    with pytest.raises(ValueError, match="a decay needs params"):
        _kernels.bind_adam(a[0], a[1], a[2], a[3], None, None, 5, 0.1, BETAS, EPSILON)


def _fit(X, y, compiled=True, **params):
    settings = dict(
        hidden_layer_sizes=(7,),
        solver="adam",
        batch_size=16,
        max_iter=4,
        random_state=0,
        learning_rate_init=0.01,
    )
    settings.update(params)
    with _kernels.use_compiled(compiled):
        return RegularizedMLPClassifier(**settings).fit(X, y)


# (penalty settings, whether the fit fuses adam with the step's other work)
CONFIGS = {
    "none": (dict(penalty=None), True),
    "l2 gradient": (dict(penalty="l2", penalty_style="gradient", alpha=1e-2), True),
    "l2 gradient, intercepts": (
        dict(penalty="l2", alpha=1e-2, penalize_intercepts=True),
        True,
    ),
    "l1 proximal": (dict(penalty="l1", penalty_style="proximal", alpha=1e-3), True),
    "l1 cumulative": (dict(penalty="l1", penalty_style="cumulative", alpha=1e-3), True),
    "en cumulative": (
        dict(penalty="elasticnet", penalty_style="cumulative", alpha=1e-3),
        False,
    ),
    "l1 gradient": (dict(penalty="l1", penalty_style="gradient", alpha=1e-3), False),
    "l2 decoupled": (dict(penalty="l2", penalty_style="decoupled", alpha=1e-3), False),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", CONFIGS)
def test_a_fit_binds_adam_once_and_fuses_only_where_nothing_is_between(
    config, dtype, monkeypatch
):
    params, fused = CONFIGS[config]
    binds = []
    bind = _kernels.bind_adam

    def counting_bind(grad, m, v, update, step_size, w, n_decay, decay, *rest):
        binds.append((w is not None, n_decay, decay))
        return bind(grad, m, v, update, step_size, w, n_decay, decay, *rest)

    X, y = make_classification(90, 6, n_informative=4, n_classes=3, random_state=0)
    X = X.astype(dtype)
    reference = _fit(X, y, compiled=False, **params)
    monkeypatch.setattr(_kernels, "bind_adam", counting_bind)
    est = _fit(X, y, **params)
    for got, want in zip(
        est.coefs_ + est.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert_same_bits(got, want)
    assert len(binds) == (1 if fused else 0)  # 4 epochs of 6 steps, one bind
    if fused and params.get("penalty") == "l2":
        n_coef = 6 * 7 + 7 * 3
        n_decay = n_coef + 7 + 3 if params.get("penalize_intercepts") else n_coef
        assert binds == [(True, n_decay, params["alpha"])]


def test_partial_fit_binds_again_for_each_call(monkeypatch):
    binds = []
    bind = _kernels.bind_adam
    monkeypatch.setattr(
        _kernels, "bind_adam", lambda *a: binds.append(a[1]) or bind(*a)
    )
    X, y = make_classification(40, 5, n_informative=3, random_state=0)
    est = RegularizedMLPClassifier(
        hidden_layer_sizes=(3,), batch_size=8, random_state=0
    )
    est.partial_fit(X, y, classes=[0, 1]).partial_fit(X, y)
    # Each call trains a copy of the fit state: its own m, bound again.
    assert len(binds) == 2 and binds[0] is not binds[1]
    assert est._fit_state["optimizer"]["t"] == 10


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
def test_the_epoch_gather_gives_the_batches_of_a_gather_per_batch(
    weighted, dtype, monkeypatch
):
    X, y = make_classification(90, 6, n_informative=4, n_classes=3, random_state=0)
    X = X.astype(dtype)
    sw = None
    if weighted:  # a batch of zero weights is skipped in both
        sw = np.ones(90)
        sw[np.random.default_rng(0).permutation(90)[:30]] = 0.0
    gathers = []
    take = _trainer._take_rows

    def counting_take(A, index, out):
        if isinstance(index, np.ndarray) and A is not None and A.shape[1:] == (6,):
            gathers.append(len(index))
        return take(A, index, out)

    monkeypatch.setattr(_trainer, "_take_rows", counting_take)
    fits = []
    for limit in (_trainer.EPOCH_GATHER_BYTES, 0):
        monkeypatch.setattr(_trainer, "EPOCH_GATHER_BYTES", limit)
        est = RegularizedMLPClassifier(
            hidden_layer_sizes=(7,), batch_size=16, max_iter=3, random_state=0
        )
        fits.append(est.fit(X, y, sample_weight=sw))
    # Three epochs of one gather of 90 rows, then three of six batches.
    assert gathers[:3] == [90] * 3
    assert set(gathers[3:]) == {16, 10}
    assert weighted or len(gathers) == 3 + 6 * 3
    for got, want in zip(fits[0].coefs_, fits[1].coefs_, strict=True):
        assert_same_bits(got, want)
    np.testing.assert_array_equal(fits[0].loss_curve_, fits[1].loss_curve_)


def outputs(rng, dtype, n=37, k=10):
    """Pre-activations with NaN, infinities, zeros of both signs and ties."""
    z = rng.standard_normal((n, k)) * 3
    z[0, 3], z[1, :2], z[2, 5], z[3, :] = np.nan, [np.inf, -np.inf], -np.inf, -np.inf
    z[4, :3], z[5, :] = [0.0, -0.0, 0.0], 1.5
    # NaNs of both signs, first, last, after +inf: the first one met wins.
    z[6, [0, 7]], z[7, 9], z[8, [2, 6, 8]] = (
        [-np.nan, np.nan],
        np.nan,
        [np.inf, -np.nan, np.nan],
    )
    return z.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_shift_and_whole_softmax_are_bitwise_the_numpy_path(dtype):
    from sklearn_nnreg._heads import SoftmaxLogLoss

    z = outputs(np.random.default_rng(2), dtype)
    results = []
    for compiled in (True, False):
        shifted = z.copy()
        zt, rows = np.empty(z.shape[::-1], dtype), np.empty((z.shape[0], 1), dtype)
        probabilities = z.copy()
        scratch = SoftmaxLogLoss().activation_scratch(*z.shape, dtype)
        with _kernels.use_compiled(compiled), np.errstate(all="ignore"):
            _kernels.subtract_row_max(shifted, zt, rows)
            SoftmaxLogLoss.activate(probabilities, scratch)
        results.append((shifted, probabilities))
    for got, want in zip(*results, strict=True):
        assert_same_bits(got, want)
    assert np.isnan(results[0][0][[0, 1, 3]]).any(axis=1).all()  # NaN row, inf rows
    assert np.isnan(results[0][0][6:9]).all()
    # Rows 6 and 8 meet -NaN first, row 7 +NaN: the finite values minus it.
    finite = np.isfinite(z[6:9])
    assert (np.signbit(results[0][0][6:9])[finite] == [1] * 8 + [0] * 9 + [1] * 7).all()
    assert np.all(results[0][0][9:].max(axis=1) == 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 37])
def test_delta_and_mean_loss_is_bitwise_the_numpy_path(n, dtype):
    from sklearn_nnreg._heads import SoftmaxLogLoss

    rng = np.random.default_rng(3)
    with np.errstate(all="ignore"):
        output = np.abs(outputs(rng, dtype))[-n:] / 10  # NaN, inf, 0 and > 1
    output[-1, :2] = [1.0, 1e-30]  # clipped to 1 - eps and eps
    labels = rng.integers(0, 10, n)
    labels[-1] = 1  # the true class of the last row is clipped to eps
    Y = np.eye(10, dtype=dtype)[labels]
    results = []
    for compiled in (True, False):
        delta, scratch = np.empty_like(output), np.zeros_like(output)
        with _kernels.use_compiled(compiled), np.errstate(all="ignore"):
            loss = SoftmaxLogLoss().delta_and_mean_loss(output, Y, delta, scratch)
        results.append((delta, scratch, loss))
    (d1, s1, l1), (d2, s2, l2) = results
    assert_same_bits(d1, d2)
    assert_same_bits(s1, s2)  # the logs of the true classes, then zeros
    assert l1 == l2 or (np.isnan(l1) and np.isnan(l2))
    finite = np.isfinite(output[-1])
    expected = (output[-1] - Y[-1]) / (n if n > 1 else 1)
    np.testing.assert_allclose(d1[-1][finite], expected[finite], rtol=1e-6)
    # One log per row, of its true class's clipped probability.
    eps = np.finfo(dtype).eps
    true = np.clip(output[np.arange(n), labels], eps, 1 - eps)
    with np.errstate(all="ignore"):
        assert_same_bits(s1.ravel()[:n], np.log(true))
    assert not s1.ravel()[n:].any()
    if np.isfinite(true).all():
        assert l1 == pytest.approx(-np.log(true.astype(float)).mean(), rel=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_log_loss_of_targets_not_one_hot_takes_every_term(dtype):
    """Targets other than 0 and 1 (label smoothing, say) fall back to every
    class's term, -sum_k t_k log(p_k) / n, on both paths."""
    from sklearn_nnreg._heads import SoftmaxLogLoss

    rng = np.random.default_rng(4)
    output = rng.dirichlet(np.ones(4), 9).astype(dtype)
    Y = rng.dirichlet(np.ones(4), 9).astype(dtype)
    losses = []
    for compiled in (True, False):
        delta, scratch = np.empty_like(output), np.empty_like(output)
        with _kernels.use_compiled(compiled):
            losses.append(
                SoftmaxLogLoss().delta_and_mean_loss(output, Y, delta, scratch)
            )
        np.testing.assert_allclose(delta, (output - Y) / 9, rtol=1e-6)
    expected = -(Y.astype(float) * np.log(output.astype(float))).sum() / 9
    assert losses[0] == losses[1] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_head_loops_refuse_mismatched_and_shared_arrays(dtype):
    a = np.zeros((4, 3), dtype)
    picked = np.zeros(12, dtype)
    with pytest.raises(ValueError, match=r"delta has shape \(4, 2\), expected"):
        _kernels.delta_and_pick(
            a, a.copy(), np.zeros((4, 2), dtype), picked, None, 0.1, 0.9
        )
    with pytest.raises(ValueError, match="picked has length 11, expected at least"):
        _kernels.delta_and_pick(a, a.copy(), a.copy(), picked[:11], None, 0.1, 0.9)
    with pytest.raises(ValueError, match="share memory"):
        _kernels.delta_and_pick(a, a.copy(), a, picked, None, 0.1, 0.9)
    # A strided output takes the numpy path (the same answer).
    wide = np.arange(24, dtype=dtype).reshape(4, 6) / 30
    Y = np.eye(3, dtype=dtype)[[0, 2, 1, 1]]
    delta = np.empty((4, 3), dtype)
    count = _kernels.delta_and_pick(wide[:, ::2], Y, delta, picked, 0.5, 0.1, 0.5)
    np.testing.assert_array_equal(delta, (wide[:, ::2] - Y) * dtype(0.5))
    assert count == 4
    true = wide[:, ::2][np.arange(4), [0, 2, 1, 1]]
    np.testing.assert_array_equal(picked[:4], np.clip(true, 0.1, 0.5))


def test_a_style_that_writes_its_own_hooks_is_never_fused_past():
    """A new style's after_optimizer or before_optimizer runs unless the
    class says what it does to the update or the gradient."""
    from sklearn_nnreg._styles import STYLES, Style

    class ChangesTheUpdate(Style):
        def after_optimizer(self, w, update, rate, step_size):
            update *= 2

    class ChangesTheGradient(Style):
        def before_optimizer(self, w, g):
            g *= 2

    assert not Style.changes_update and Style(None, 0, 0.1).gradient_decay() is None
    assert ChangesTheUpdate.changes_update
    assert ChangesTheGradient(None, 0, 0.1).gradient_decay() is NotImplemented
    fused = [name for name, style in STYLES.items() if not style.changes_update]
    assert "gradient" in fused and "decoupled" not in fused
