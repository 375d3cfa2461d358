"""The L1 styles' compiled step bound to a fit's arrays (``_kernels.bind_l1_step``).

A proximal or cumulative fit binds its penalized weights (and cumulative's
debts) once and then passes only the step size at each step.  The bound step
must give the bits of the wrappers' numpy reference, in both precisions, with
one step size or one per weight; arrays the loops do not take are declined
(the numpy path runs), and bad step sizes or mismatched arrays are refused
with an error that names them.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_nnreg import RegularizedMLPClassifier, _kernels
from tests._compiled import REQUIRES_COMPILED

pytestmark = REQUIRES_COMPILED

DTYPES = [np.float64, np.float32]
# (l1, l2) of the proximal steps: L1 alone, the elastic net, L2 alone.
PROXIMAL = {"l1": (1.0, 0.0), "en": (0.4, 0.6), "l2": (0.0, 1.0)}


def weights(rng, n, dtype):
    """Small weights of both signs, with zeros of both signs, infinities, NaN
    and subnormals."""
    w = rng.standard_normal(n) * 1e-2
    tiny = np.finfo(dtype).smallest_subnormal
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, tiny, -3 * tiny]
    w[rng.choice(n, size=len(specials), replace=False)] = specials
    return w.astype(dtype)


def step_sizes(rng, n, dtype, per_coordinate):
    if not per_coordinate:
        return 0.05
    return (np.abs(rng.standard_normal(n)) * 0.05).astype(dtype)


def cumulative_state(n, dtype):
    """Fresh debts: what each weight owes while positive, while negative."""
    return np.zeros((2, n), dtype)


def assert_same_bits(a, b):
    assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def run_steps(w, owed, steps, alpha, l1, l2, bound):
    """Norms returned by several steps, through the bound step or the wrapper."""
    step = None
    if bound:
        step = _kernels.bind_l1_step(w, owed, alpha, l1, l2, bool(l1))
        assert step is not None
    norms = []
    for h in steps:
        if bound:
            norms.append(step.step(h))
        elif owed is None:
            norms.append(_kernels.soft_threshold(w, h, alpha, l1, l2, [], bool(l1)))
        else:
            norms.append(_kernels.cumulative_pull(w, owed, h, alpha, l1, [], True))
    return norms


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("per_coordinate", [False, True], ids=["sgd", "adam"])
@pytest.mark.parametrize("kind", ["cumulative", *PROXIMAL])
def test_bound_step_is_bitwise_the_numpy_reference(kind, per_coordinate, dtype):
    rng = np.random.default_rng(0)
    n = 1003
    w = weights(rng, n, dtype)
    steps = [step_sizes(rng, n, dtype, per_coordinate) for _ in range(4)]
    l1, l2 = PROXIMAL.get(kind, (0.8, 0.0))
    outcomes = []
    for bound in (True, False):
        w_run = w.copy()
        owed = cumulative_state(n, dtype) if kind == "cumulative" else None
        with _kernels.use_compiled(bound):
            norms = run_steps(w_run, owed, steps, 0.3, l1, l2, bound)
        outcomes.append((w_run, owed, norms))
    (w_b, owed_b, norms_b), (w_n, owed_n, norms_n) = outcomes
    assert_same_bits(w_b, w_n)
    if kind == "cumulative":
        assert_same_bits(owed_b, owed_n)
    np.testing.assert_array_equal(norms_b, norms_n)  # NaN == NaN here
    if not l1:
        assert norms_b == [None] * len(steps)
    # The steps did something: weights moved, exact zeros made (with L1).
    finite = np.isfinite(w)
    assert not np.array_equal(w_b[finite], w[finite])
    if l1:
        assert np.sum(w_b == 0) > np.sum(w == 0)


@pytest.mark.parametrize(
    "make",
    [
        lambda w: w.astype(np.int64),
        lambda w: w.astype(">f8"),
        lambda w: np.repeat(w, 2)[::2],
        lambda w: w.reshape(-1, 1),
    ],
    ids=["int64", "big-endian", "strided", "2-d"],
)
def test_bind_declines_weights_the_loops_do_not_take(make):
    w = make(np.linspace(-1, 1, 10))
    assert _kernels.bind_l1_step(w, None, 0.1, 1.0, 0.0, True) is None


def test_bind_declines_cumulative_debts_of_another_dtype_or_strided():
    w = np.linspace(-1, 1, 10, dtype=np.float32)
    for owed in [
        np.zeros((2, 10)),
        np.zeros((2, 20), np.float32)[:, ::2],
        np.zeros((10, 2), np.float32).T,
        np.zeros(20, np.float32),
    ]:
        assert _kernels.bind_l1_step(w, owed, 0.1, 1.0, 0.0, True) is None


def test_bind_declines_when_the_compiled_loops_are_off():
    with _kernels.use_compiled(False):
        assert _kernels.bind_l1_step(np.ones(4), None, 1, 1, 0, True) is None


@pytest.mark.parametrize("dtype", DTYPES)
def test_bound_step_refuses_mismatched_and_shared_arrays(dtype):
    w = np.linspace(-1, 1, 10).astype(dtype)
    with _kernels.use_compiled(True):
        for shape in [(2, 9), (3, 10), (1, 10)]:
            with pytest.raises(
                ValueError,
                match=rf"owed has shape \({shape[0]}, {shape[1]}\), "
                r"expected \(2, 10\)",
            ):
                _kernels.bind_l1_step(w, np.zeros(shape, dtype), 0.1, 1, 0, True)
        shared = np.zeros(30, dtype)
        with pytest.raises(ValueError, match="share memory"):
            _kernels.bind_l1_step(
                shared[:10], shared[5:25].reshape(2, 10), 0.1, 1, 0, True
            )
        bound = _kernels.bind_l1_step(w, np.zeros((2, 10), dtype), 0.1, 1, 0, True)
        with pytest.raises(ValueError, match="step_size has length 9, expected 10"):
            bound.step(np.ones(9, dtype))
        owed = np.zeros((2, 10), dtype)
        bound = _kernels.bind_l1_step(w, owed, 0.1, 1, 0, True)
        with pytest.raises(ValueError, match="share memory"):
            bound.step(owed[1])
    # Refused before any weight moved.
    np.testing.assert_array_equal(w, np.linspace(-1, 1, 10).astype(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "make",
    [
        lambda s: s.astype(np.float32 if s.dtype == np.float64 else np.float64),
        lambda s: np.repeat(s, 2)[::2],
        lambda s: s.reshape(-1, 1),
    ],
    ids=["other dtype", "strided", "2-d"],
)
@pytest.mark.parametrize("kind", ["proximal", "cumulative"])
def test_bound_step_names_the_step_size_it_cannot_take(kind, make, dtype):
    w = np.linspace(-1, 1, 10).astype(dtype)
    owed = np.zeros((2, 10), dtype) if kind == "cumulative" else None
    with _kernels.use_compiled(True):
        bound = _kernels.bind_l1_step(w, owed, 0.1, 1.0, 0.0, True)
    with pytest.raises(ValueError, match="step_size must be a C-contiguous 1-d"):
        bound.step(make(np.full(10, 0.1, dtype)))
    np.testing.assert_array_equal(w, np.linspace(-1, 1, 10).astype(dtype))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("style", ["proximal", "cumulative"])
def test_a_fit_binds_its_l1_step_once_and_never_calls_the_wrappers(
    style, solver, monkeypatch
):
    """The per-step cost at batch size 1: one bound call per step, not the
    wrapper's array checks (the wrappers raise here if called)."""
    binds = []
    bind = _kernels.bind_l1_step

    def counting_bind(*args):
        binds.append(args[0].shape)
        return bind(*args)

    def refuse(*args, **kwargs):
        raise AssertionError("the per-step wrapper was called")

    monkeypatch.setattr(_kernels, "bind_l1_step", counting_bind)
    monkeypatch.setattr(_kernels, "soft_threshold", refuse)
    monkeypatch.setattr(_kernels, "cumulative_pull", refuse)
    X, y = make_classification(60, 5, n_informative=3, random_state=0)
    est = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,),
        solver=solver,
        penalty="l1",
        penalty_style=style,
        alpha=1e-3,
        batch_size=5,
        max_iter=3,
        random_state=0,
    )
    with _kernels.use_compiled(True):
        est.fit(X, y)
    assert binds == [(5 * 4 + 4 * 1,)]  # one bind, of the penalized weights
    assert est.n_iter_ == 3
