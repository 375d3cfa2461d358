"""The L2 penalty's sum of squares: numpy's order, and taken in the step's pass.

``_kernels.square_sum`` sums ``w**2`` as numpy's ``add.reduce(w * w)`` does
(pairwise), on both paths.  A fit whose style adds an L2 gradient (the
``gradient`` style with ``penalty='l2'``) records data loss + alpha * R(w)
at every step; its fused optimizer pass (``BoundAdam``, ``BoundSGD`` with
``square_norm``) sums the squares of the weights it is about to decay, so
that the penalty value costs no pass of its own.  It must be the sum of the
weights the step starts from, bit for bit, and leave the step unchanged.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nnreg import RegularizedMLPClassifier, _kernels
from tests._compiled import REQUIRES_COMPILED, assert_same_fit

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)
needs_compiled = REQUIRES_COMPILED[1]

DTYPES = [np.float64, np.float32]
BETAS, EPSILON = (0.9, 0.999), 1e-8


def bits(x):
    return np.float64(x).tobytes()


def weights(rng, n, dtype):
    """Weights over many magnitudes (the order of the sum shows in its bits)."""
    w = rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3, n)
    return w.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_square_sum_is_numpys_pairwise_sum_on_both_paths(dtype):
    rng = np.random.default_rng(0)
    for n in [*range(0, 300, 7), 1003, 58506]:
        w = weights(rng, n, dtype)
        expected = float(np.add.reduce(w * w))
        for compiled in (True, False):
            with _kernels.use_compiled(compiled):
                got = _kernels.square_sum(w, np.empty_like(w))
            assert bits(got) == bits(expected), (n, compiled)
    with np.errstate(over="ignore", invalid="ignore"):
        special = np.array([1.0, np.inf, 2.0, np.nan] * 5, dtype)
        assert np.isnan(_kernels.square_sum(special))


def _bound_steps(optimizer, dtype, square_norm, n_decay=700):
    """Four bound steps on fresh arrays; (returned values, arrays after)."""
    rng = np.random.default_rng(1)
    n = 1003
    grad = rng.standard_normal(n).astype(dtype)
    w = weights(rng, n, dtype) * dtype(1e-3)
    state = [
        (rng.standard_normal(n) * 0.1).astype(dtype),
        (np.abs(rng.standard_normal(n)) * 0.01).astype(dtype),
    ]
    update = np.empty_like(w)
    if optimizer == "adam":
        bound = _kernels.bind_adam(
            grad, *state, update, None, w, n_decay, 3e-3, BETAS, EPSILON,
            square_norm=square_norm,
        )  # fmt: skip
    else:
        velocity = None if optimizer == "sgd" else state[0]
        state = [] if velocity is None else [velocity]
        bound = _kernels.bind_sgd(
            grad, velocity, update, w, n_decay, 3e-3, 0.9, optimizer == "nesterov",
            square_norm=square_norm,
        )  # fmt: skip
    returned, starts = [], []
    for rate in (1e-3, 2e-3, 5e-4, 1e-3):
        starts.append(w[:n_decay].copy())
        returned.append(bound.step(rate))
    return returned, starts, [w, *state]


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("optimizer", ["adam", "sgd", "momentum", "nesterov"])
def test_the_bound_pass_sums_the_squares_of_the_weights_it_starts_from(
    optimizer, dtype
):
    with _kernels.use_compiled(True):
        returned, starts, after = _bound_steps(optimizer, dtype, True)
        plain_returned, _, plain_after = _bound_steps(optimizer, dtype, False)
    # The same step, bit for bit, as without the sum...
    for got, want in zip(after, plain_after, strict=True):
        assert got.tobytes() == want.tobytes()
    assert plain_returned == [None] * 4 and after[0].dtype == dtype
    # ...and each step returns numpy's sum of squares of its starting weights.
    for value, start in zip(returned, starts, strict=True):
        assert bits(value) == bits(float(np.add.reduce(start * start)))
    assert len({bits(v) for v in returned}) == 4  # the weights moved


@needs_compiled
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_sum_of_squares_without_a_decay_is_refused(optimizer):
    a = [np.ones(5) for _ in range(5)]
    with _kernels.use_compiled(True), pytest.raises(ValueError, match="square_norm"):
        if optimizer == "adam":
            _kernels.bind_adam(*a[:4], None, a[4], 0, None, BETAS, EPSILON, None, True)
        else:
            _kernels.bind_sgd(a[0], None, a[1], a[2], 0, None, 0.0, False, None, True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_an_l2_gradient_fit_sums_its_squares_only_in_the_pass(
    solver, dtype, monkeypatch
):
    """Compiled, the recorded penalty comes from the pass (square_sum is never
    called); on the numpy path it is square_sum's, once per step: the same
    loss curve and weights, bit for bit."""
    X, y = make_classification(90, 6, n_informative=4, n_classes=3, random_state=0)
    X = X.astype(dtype)
    params = dict(
        hidden_layer_sizes=(7,), solver=solver, batch_size=16, max_iter=3,
        random_state=0, penalty="l2", alpha=1e-2, learning_rate_init=0.01,
    )  # fmt: skip
    calls = []
    square_sum = _kernels.square_sum

    def counting(w, scratch=None):
        calls.append(len(w))
        return square_sum(w, scratch)

    monkeypatch.setattr(_kernels, "square_sum", counting)
    with _kernels.use_compiled(False):
        reference = RegularizedMLPClassifier(**params).fit(X, y)
    assert len(calls) == 3 * 6  # 3 epochs of 6 steps (90 rows, batches of 16)
    if not _kernels.compiled_available():
        return
    calls.clear()
    with _kernels.use_compiled(True):
        est = RegularizedMLPClassifier(**params).fit(X, y)
    assert calls == []
    assert_same_fit(est, reference)
    data_loss = RegularizedMLPClassifier(**dict(params, penalty=None)).fit(X, y)
    assert est.loss_curve_[0] > data_loss.loss_curve_[0]  # the penalty counts
