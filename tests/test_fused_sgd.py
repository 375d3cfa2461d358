"""sgd bound once per fit, fused with the step's work around it.

``SGD.bind_step`` (``_kernels.bind_sgd``, ``_ckernels.BoundSGD``) binds the
gradient, velocity and weights once; its step reads the learning rate at
each call and, given the weights, adds an L2 decay to the gradient and
subtracts the update in the same pass.  It must give the bits of the numpy
path (``axpy``, ``SGD.direction``, ``w -= update``) in both precisions,
without momentum, with heavy-ball and with Nesterov momentum, NaN,
infinities and signed zeros included; arrays it does not take are declined.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_nnreg import RegularizedMLPClassifier, _kernels, _optimizers
from tests._compiled import REQUIRES_COMPILED, assert_same_bits, unsuitable_arrays

pytestmark = REQUIRES_COMPILED

DTYPES = [np.float64, np.float32]
# (momentum, nesterov): none, heavy ball, Nesterov
MOMENTA = {"plain": (0.0, False), "heavy ball": (0.9, False), "nesterov": (0.7, True)}
RATES = [0.1, 0.03, 0.0123456789, 0.05]  # the schedules change it between steps


@pytest.fixture(autouse=True)
def compiled_loops():
    """The compiled loops on (also in the numpy-path pass of the suite)."""
    with _kernels.use_compiled(True):
        yield


def sgd_with_state(n, dtype, momentum, nesterov, rng):
    """An SGD whose velocity holds values (NaN, infinities, -0 among them)."""
    sgd = _optimizers.SGD(n, dtype, RATES[0], "constant", momentum, nesterov, 0.5)
    if sgd.velocity is not None:
        velocity = rng.standard_normal(n)
        velocity[9:13] = [np.nan, -np.inf, -0.0, 0.0]
        sgd.set_state({"learning_rate": RATES[0], "velocity": velocity.astype(dtype)})
    return sgd


def numpy_steps(sgd, grad, w, decay):
    """The numpy path: axpy on the first ``decay[0]`` weights, direction, w -= u."""
    update, sizes = np.empty_like(w), []
    with _kernels.use_compiled(False):
        for rate in RATES:
            sgd.learning_rate = rate
            g = grad.copy()
            if decay is not None:
                _kernels.axpy(g[: decay[0]], decay[1], w[: decay[0]])
            sizes.append(sgd.direction(g, update))
            w -= update
    return sizes


def case(dtype, momenta, seed=0, n=1003):
    rng = np.random.default_rng(seed)
    grad, w = rng.standard_normal((2, n))
    grad[:4] = [np.inf, -np.inf, np.nan, -0.0]
    w[4:9] = [np.inf, np.nan, -0.0, 0.0, -np.inf]
    grad, w = grad.astype(dtype), w.astype(dtype)
    sgds = [sgd_with_state(n, dtype, *momenta, np.random.default_rng(seed + 1))]
    sgds.append(sgd_with_state(n, dtype, *momenta, np.random.default_rng(seed + 1)))
    return grad, w, sgds


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("momenta", MOMENTA.values(), ids=MOMENTA)
@pytest.mark.parametrize("decay", [None, (700, 3e-3), (700, 0.0)])
def test_bound_sgd_is_bitwise_the_numpy_step(decay, momenta, dtype):
    grad, w, (sgd, reference) = case(dtype, momenta)
    w_ref, grad_before = w.copy(), grad.copy()
    want_sizes = numpy_steps(reference, grad, w_ref, decay)
    update = np.full_like(w, 7.0)
    step = sgd.bind_step(grad, update, True, w, decay)
    sizes = []
    for rate in RATES:
        sgd.learning_rate = rate
        sizes.append(step())
    assert sizes == want_sizes
    assert_same_bits(w, w_ref)
    if sgd.velocity is not None:
        assert_same_bits(sgd.velocity, reference.velocity)
    assert_same_bits(grad, grad_before)  # the decay is added in passing
    if momenta == MOMENTA["heavy ball"]:  # its update goes through memory
        assert_same_bits(update, -sgd.velocity)
    else:
        assert np.all(update == 7.0)  # fused: the update is not written
    assert np.isnan(w[2]) and np.isfinite(w[20:]).all()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("momenta", MOMENTA.values(), ids=MOMENTA)
def test_bound_sgd_without_weights_writes_the_update(momenta, dtype):
    grad, _, (sgd, reference) = case(dtype, momenta, seed=3, n=257)
    update, update_ref = np.empty_like(grad), np.empty_like(grad)
    step = sgd.bind_step(grad, update, False)
    for rate in RATES:
        sgd.learning_rate = reference.learning_rate = rate
        size = step()
        with _kernels.use_compiled(False):
            assert size == reference.direction(grad, update_ref)
        assert_same_bits(update, update_ref)
    if sgd.velocity is not None:
        assert_same_bits(sgd.velocity, reference.velocity)


@unsuitable_arrays
def test_bind_sgd_declines_arrays_the_loop_does_not_take(make):
    for position in range(4):
        args = [np.linspace(-1, 1, 10) for _ in range(4)]
        args[position] = make(args[position])
        assert _kernels.bind_sgd(*args, 0, None, 0.9, True) is None


def test_bind_sgd_declines_empty_arrays_and_the_numpy_path():
    empty = np.empty(0)
    assert _kernels.bind_sgd(empty, None, empty, None, 0, None, 0.0, False) is None
    sgd = _optimizers.SGD(4, np.float64, 0.1, "constant", 0.9, True, 0.5)
    with _kernels.use_compiled(False):
        assert sgd.bind_step(np.ones(4), np.empty(4), True, np.ones(4)) is None
    assert sgd.bind_step(np.ones(4), np.empty(4), True, np.ones(4)) is not None


@pytest.mark.parametrize("dtype", DTYPES)
def test_bind_sgd_refuses_mismatched_and_shared_arrays(dtype):
    a = [np.zeros(10, dtype) for _ in range(4)]
    with pytest.raises(ValueError, match="velocity has length 9, expected 10"):
        _kernels.bind_sgd(a[0], a[1][:9], a[2], a[3], 0, None, 0.9, False)
    with pytest.raises(ValueError, match="share memory"):
        _kernels.bind_sgd(a[0], a[1], a[2], a[0], 0, None, 0.9, False)
    with pytest.raises(ValueError, match="a decay needs params"):
        _kernels.bind_sgd(a[0], a[1], a[2], None, 5, 0.1, 0.9, False)


# (settings, whether the fit fuses sgd with the step's other work)
FITS = {
    "l2 gradient, batch 1": (
        dict(penalty="l2", penalty_style="gradient", batch_size=1, momentum=0.0),
        True,
    ),
    "invscaling nesterov": (
        dict(penalty="l2", learning_rate="invscaling", power_t=0.3),
        True,
    ),
    "adaptive heavy ball, l1 proximal": (
        dict(
            penalty="l1",
            penalty_style="proximal",
            learning_rate="adaptive",
            nesterovs_momentum=False,
            tol=1e9,
            n_iter_no_change=2,
        ),
        True,
    ),
    "l2 decoupled": (dict(penalty="l2", penalty_style="decoupled"), False),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", FITS)
def test_a_sgd_fit_binds_once_and_gives_the_numpy_weights(config, dtype, monkeypatch):
    params, fused = FITS[config]
    settings = dict(hidden_layer_sizes=(7,), solver="sgd", batch_size=16, max_iter=4)
    settings.update(random_state=0, learning_rate_init=0.05, alpha=1e-2, **params)
    X, y = make_classification(60, 6, n_informative=4, n_classes=3, random_state=0)
    X = X.astype(dtype)
    with _kernels.use_compiled(False):
        reference = RegularizedMLPClassifier(**settings).fit(X, y)
    binds, bind = [], _kernels.bind_sgd
    monkeypatch.setattr(_kernels, "bind_sgd", lambda *a: binds.append(a) or bind(*a))
    est = RegularizedMLPClassifier(**settings).fit(X, y)
    for got, want in zip(
        est.coefs_ + est.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert_same_bits(got, want)
    np.testing.assert_array_equal(est.loss_curve_, reference.loss_curve_)
    assert len(binds) == (1 if fused else 0)
    if params.get("learning_rate") in ("invscaling", "adaptive"):
        # The rate changed during the fit: the bound step read it each time.
        rate = est._fit_state["optimizer"]["learning_rate"]
        assert rate == reference._fit_state["optimizer"]["learning_rate"] < 0.05
