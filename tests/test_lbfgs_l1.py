"""L1 and elastic net under L-BFGS, class_weight and feature selection."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier
from sklearn_nnreg._layout import Layout
from sklearn_nnreg._network import Network
from sklearn_nnreg._penalties import make_penalty

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)


@pytest.fixture(scope="module")
def informative_and_noise():
    """4 informative columns followed by 8 columns of pure noise."""
    X, y = make_classification(
        400,
        12,
        n_informative=4,
        n_redundant=0,
        n_repeated=0,
        shuffle=False,
        class_sep=1.5,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def _objective(est, X, y):
    """Mean log loss + alpha * R at the fitted weights, computed afresh."""
    layout = Layout([X.shape[1], *[c.shape[1] for c in est.coefs_]])
    flat = layout.pack(est.coefs_, est.intercepts_, np.float64)
    net = Network(layout, est.activation, est.out_activation_, est.loss)
    Y = est._label_binarizer.transform(y).astype(float)
    loss = net.loss_gradient(flat, X, Y, None, np.empty_like(flat))
    penalty = make_penalty(est.penalty, est.l1_ratio)
    return loss + est.alpha * penalty.value(flat[: layout.n_coef])


def _lbfgs(**params):
    base = dict(
        hidden_layer_sizes=(8,),
        solver="lbfgs",
        penalty="l1",
        alpha=0.02,
        max_iter=400,
        tol=1e-8,
        random_state=0,
    )
    base.update(params)
    return RegularizedMLPClassifier(**base)


@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
def test_lbfgs_l1_gives_exact_zeros(informative_and_noise, penalty):
    X, y = informative_and_noise
    est = _lbfgs(penalty=penalty).fit(X, y)
    zeros = sum(int((c == 0).sum()) for c in est.coefs_)
    assert zeros > 0
    assert est.sparsity_ == pytest.approx(zeros / sum(c.size for c in est.coefs_))
    assert est.score(X, y) > 0.8


def test_objective_styles_agree_under_lbfgs(informative_and_noise):
    X, y = informative_and_noise
    fits = [
        _lbfgs(penalty_style=s).fit(X, y)
        for s in ("gradient", "proximal", "cumulative")
    ]
    for other in fits[1:]:
        for a, b in zip(fits[0].coefs_, other.coefs_, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("style", ["decoupled", "multiplicative"])
def test_step_styles_still_refuse_lbfgs(informative_and_noise, style):
    X, y = informative_and_noise
    with pytest.raises(ValueError, match="no objective"):
        _lbfgs(penalty="l2", alpha=0.9, penalty_style=style).fit(X, y)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_lbfgs_objective_is_at_most_the_stochastic_proximal_one(
    informative_and_noise, solver
):
    X, y = informative_and_noise
    exact = _lbfgs().fit(X, y)
    stochastic = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,),
        solver=solver,
        penalty="l1",
        alpha=0.02,
        penalty_style="proximal",
        learning_rate_init=0.05 if solver == "sgd" else 0.01,
        max_iter=150,
        random_state=0,
    ).fit(X, y)
    assert _objective(exact, X, y) <= _objective(stochastic, X, y) + 1e-9


def test_lbfgs_l1_solution_is_a_stationary_point(informative_and_noise):
    """Optimality of L + alpha R: zero weights have |dL/dw| <= alpha, non-zero
    ones dL/dw = -alpha sign(w) (to L-BFGS-B's tolerance)."""
    X, y = informative_and_noise
    est = _lbfgs(max_iter=2000, tol=1e-10).fit(X, y)
    layout = Layout([X.shape[1], 8, 1])
    flat = layout.pack(est.coefs_, est.intercepts_, np.float64)
    grad = np.empty_like(flat)
    Network(layout, est.activation, "logistic", "log_loss").loss_gradient(
        flat, X, y[:, None].astype(float), None, grad
    )
    w, g = flat[: layout.n_coef], grad[: layout.n_coef]
    zero = w == 0
    assert np.all(np.abs(g[zero]) <= est.alpha + 1e-4)
    np.testing.assert_allclose(g[~zero], -est.alpha * np.sign(w[~zero]), atol=5e-3)


# ------------------------------------------------------------ class_weight
@pytest.mark.parametrize("solver", ["lbfgs", "sgd"])
def test_class_weight_equals_doubling_that_class_sample_weights(solver):
    X, y = make_classification(120, 5, n_classes=3, n_informative=3, random_state=1)
    params = dict(
        hidden_layer_sizes=(4,),
        solver=solver,
        max_iter=20,
        random_state=0,
        learning_rate_init=0.01,
    )
    a = RegularizedMLPClassifier(class_weight={2: 2.0}, **params).fit(X, y)
    b = RegularizedMLPClassifier(**params).fit(
        X, y, sample_weight=np.where(y == 2, 2.0, 1.0)
    )
    for ca, cb in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_array_equal(ca, cb)


def test_balanced_class_weight_uses_compute_class_weight():
    X, y = make_classification(90, 4, weights=[0.8, 0.2], random_state=2)
    params = dict(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=30, random_state=0)
    counts = np.bincount(y)
    expected = (len(y) / (2 * counts))[y]
    a = RegularizedMLPClassifier(class_weight="balanced", **params).fit(X, y)
    b = RegularizedMLPClassifier(**params).fit(X, y, sample_weight=expected)
    for ca, cb in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_allclose(ca, cb, rtol=1e-12)


def test_balanced_class_weight_is_refused_by_partial_fit():
    X, y = make_classification(40, 4, random_state=0)
    est = RegularizedMLPClassifier(class_weight="balanced", solver="sgd")
    with pytest.raises(ValueError, match="not supported for partial_fit"):
        est.partial_fit(X, y, classes=[0, 1])


# -------------------------------------------------------- feature selection
def test_feature_importances_are_row_norms_and_zero_for_cut_inputs(
    informative_and_noise,
):
    X, y = informative_and_noise
    est = _lbfgs(alpha=0.05).fit(X, y)
    np.testing.assert_allclose(
        est.feature_importances_, np.sqrt((est.coefs_[0] ** 2).sum(axis=1))
    )
    cut = np.all(est.coefs_[0] == 0, axis=1)
    assert np.array_equal(est.feature_importances_ == 0, cut)


def test_select_from_model_drops_the_noise_columns(informative_and_noise):
    X, y = informative_and_noise
    selector = SelectFromModel(_lbfgs(alpha=0.02), threshold=1e-12)
    pipe = make_pipeline(
        selector,
        RegularizedMLPClassifier(
            hidden_layer_sizes=(8,), solver="lbfgs", max_iter=300, random_state=0
        ),
    )
    pipe.fit(X, y)
    kept = pipe[0].get_support()
    assert kept[:4].all(), kept  # every informative column stays
    assert not kept[4:].any(), kept  # every noise column goes
    assert pipe.score(X, y) > 0.85


def test_sgd_l1_zeroes_weights_long_before_whole_inputs(informative_and_noise):
    """Why the docstring sends feature selection to lbfgs: at the same alpha,
    proximal sgd has many zero weights but cuts off fewer whole inputs."""
    X, y = informative_and_noise
    sgd = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,),
        solver="sgd",
        penalty="l1",
        alpha=0.02,
        penalty_style="proximal",
        learning_rate_init=0.05,
        max_iter=100,
        random_state=0,
    ).fit(X, y)
    exact = _lbfgs(alpha=0.02).fit(X, y)
    rows_cut = lambda est: int(np.all(est.coefs_[0] == 0, axis=1).sum())  # noqa: E731
    assert sgd.sparsity_ > 0
    assert rows_cut(exact) > rows_cut(sgd)


def test_feature_importances_need_a_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        RegularizedMLPClassifier().feature_importances_  # noqa: B018
