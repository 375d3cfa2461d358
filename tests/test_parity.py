"""Drop-in parity: sample weights, sparse input, multilabel, float32, verbose,
partial_fit state, and every style under the sgd learning-rate schedules."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_nnreg import RegularizedMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

STYLE_PENALTY = {
    "gradient": ("l1", 1e-3),
    "decoupled": ("l2", 1e-4),
    "multiplicative": ("l2", 0.9999),
    "proximal": ("l1", 1e-3),
    "cumulative": ("elasticnet", 1e-3),
}


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(80, 6, n_classes=3, n_informative=4, random_state=0)
    return X, y


def _est(**params):
    base = dict(
        hidden_layer_sizes=(5,),
        max_iter=8,
        random_state=0,
        tol=0.0,
        n_iter_no_change=1000,
        learning_rate_init=0.01,
    )
    base.update(params)
    return RegularizedMLPClassifier(**base)


def _assert_same_weights(a, b, **tol):
    for ca, cb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        np.testing.assert_allclose(ca, cb, **(tol or dict(rtol=0, atol=0)))


def test_weight_two_equals_the_sample_twice_under_lbfgs(data):
    X, y = data
    twice = np.r_[np.arange(len(y)), [0, 5, 7]]
    weights = np.ones(len(y))
    weights[[0, 5, 7]] = 2.0
    a = _est(solver="lbfgs", penalty="l2", alpha=1e-3).fit(X, y, sample_weight=weights)
    b = _est(solver="lbfgs", penalty="l2", alpha=1e-3).fit(X[twice], y[twice])
    _assert_same_weights(a, b, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_sparse_input_trains_the_same_weights_as_dense(data, fmt, solver):
    X, y = data
    X = X.copy()
    X[X < 0.3] = 0.0  # make it genuinely sparse
    dense = _est(solver=solver).fit(X, y)
    sparse = _est(solver=solver).fit(sp.csr_matrix(X).asformat(fmt), y)
    _assert_same_weights(dense, sparse, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), rtol=1e-10
    )


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_multilabel_matches_mlpclassifier(solver):
    X, Y = make_multilabel_classification(60, 5, n_classes=3, random_state=0)
    n = len(X) if solver == "lbfgs" else 20
    ours = _est(solver=solver, batch_size=20, alpha=1e-2 / n).fit(X, Y)
    theirs = MLPClassifier(
        hidden_layer_sizes=(5,),
        max_iter=8,
        random_state=0,
        tol=0.0,
        n_iter_no_change=1000,
        learning_rate_init=0.01,
        solver=solver,
        batch_size=20,
        alpha=1e-2,
    ).fit(X, Y)
    assert ours.out_activation_ == "logistic" and ours.n_outputs_ == 3
    for a, b in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_float32_trains_and_predicts_in_float32(data, solver):
    X, y = data
    est = _est(solver=solver).fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in est.coefs_ + est.intercepts_)
    assert est.predict_proba(X.astype(np.float32)).dtype == np.float32
    ref = _est(solver=solver).fit(X, y)
    _assert_same_weights(est, ref, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("style", sorted(STYLE_PENALTY))
@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_every_style_runs_under_every_schedule(data, style, schedule):
    X, y = data
    penalty, alpha = STYLE_PENALTY[style]
    est = _est(
        solver="sgd",
        learning_rate=schedule,
        penalty=penalty,
        alpha=alpha,
        penalty_style=style,
        learning_rate_init=0.05,
        max_iter=30,
        tol=1e-3,
        n_iter_no_change=2,
    ).fit(X, y)
    assert np.isfinite(est.loss_curve_).all()
    if schedule != "invscaling":  # invscaling decays too fast to learn here
        assert est.score(X, y) > 0.5


def test_step_scaled_styles_use_the_current_scheduled_rate(data):
    """Cumulative's running total u grows by h * alpha per step, with h the
    invscaling rate eta_0 / (t + 1)**power_t of that epoch divided by
    (1 - momentum), the velocity's steady-state step."""
    X, y = data
    eta0, alpha, power_t, mu = 0.05, 1e-3, 0.5, 0.5
    est = _est(
        solver="sgd",
        momentum=mu,
        learning_rate="invscaling",
        power_t=power_t,
        learning_rate_init=eta0,
        penalty="l1",
        penalty_style="cumulative",
        alpha=alpha,
        batch_size=len(y),
        max_iter=3,
    ).fit(X, y)
    n = len(y)
    rates = [eta0] + [eta0 / (k * n + 1) ** power_t for k in (1, 2)]
    np.testing.assert_allclose(
        _total_shrink(est), alpha * sum(rates) / (1 - mu), rtol=1e-12
    )


def _total_shrink(est):
    """Cumulative's total shrink u of each weight: the mean of its debts
    u + q and u - q."""
    owed = est._fit_state["style"]["owed"]
    return (owed[0] + owed[1]) / 2


def test_verbose_prints_epochs_loss_and_zero_share(data, capsys):
    X, y = data
    _est(
        solver="sgd",
        penalty="l1",
        alpha=1e-2,
        penalty_style="proximal",
        max_iter=3,
        verbose=True,
    ).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    epochs = [line for line in lines if line.startswith("Iteration")]
    assert len(epochs) == 3
    assert "loss = " in epochs[0] and "exact zeros = " in epochs[0]


def test_partial_fit_carries_cumulative_state_and_warm_start_resets_it(data):
    X, y = data
    params = dict(
        solver="sgd",
        penalty="l1",
        penalty_style="cumulative",
        alpha=1e-3,
        shuffle=False,
        batch_size=80,
    )
    inc = _est(**params)
    inc.partial_fit(X, y, classes=np.unique(y))
    u_first = _total_shrink(inc)
    assert np.ptp(u_first) <= 1e-12 * u_first.max()  # one total for all under sgd
    inc.partial_fit(X, y)
    # u is the running total of the L1 pull: one step per call here.
    np.testing.assert_allclose(_total_shrink(inc), 2 * u_first, rtol=1e-12)
    # Two epochs of fit equal two partial_fit calls (same steps, same state).
    both = _est(max_iter=2, **params).fit(X, y)
    _assert_same_weights(inc, both, rtol=1e-12, atol=1e-14)
    warm = _est(max_iter=1, warm_start=True, **params).fit(X, y)
    warm.fit(X, y)
    np.testing.assert_allclose(_total_shrink(warm), u_first, rtol=1e-12)
