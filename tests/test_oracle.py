"""Oracle tests: penalty='l2', penalty_style='gradient' is MLPClassifier.

scikit-learn's MLPClassifier minimises, per minibatch of B samples (B = n for
lbfgs, sum of the batch's sample weights when weighted),
``L + alpha_sk / (2 B) * sum w**2``; ours minimises ``L + alpha * 1/2 sum w**2``.
So ``alpha = alpha_sk / B`` must give the same iterates, draw for draw, when
every minibatch has the same B.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_SAMPLES = 60
ALPHA_SK = 0.3  # large enough for the penalty to matter
RTOL = 1e-6
ATOL = 1e-10


def make_data(target):
    if target == "multilabel":
        X, y = make_multilabel_classification(
            n_samples=N_SAMPLES, n_features=5, n_classes=3, random_state=0
        )
    else:
        X, y = make_classification(
            n_samples=N_SAMPLES,
            n_features=5,
            n_informative=3,
            n_classes=2 if target == "binary" else 3,
            random_state=0,
        )
    return StandardScaler().fit_transform(X), y


TARGETS = ["binary", "multiclass", "multilabel"]
target_param = pytest.mark.parametrize("target", TARGETS)


def pair(alpha_divisor, alpha_sk=ALPHA_SK, **params):
    """(ours, sklearn's) with the same parameters and matching alphas."""
    common = dict(hidden_layer_sizes=(5, 4), random_state=0)
    common.update(params)
    theirs = MLPClassifier(alpha=alpha_sk, **common)
    ours = RegularizedMLPClassifier(
        alpha=alpha_sk / alpha_divisor,
        penalty="l2",
        penalty_style="gradient",
        **common,
    )
    return ours, theirs


def assert_same_model(ours, theirs, rtol=RTOL, atol=ATOL):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    for a, b in zip(ours.coefs_, theirs.coefs_, strict=True):
        assert a.dtype == b.dtype
        assert_allclose(a, b, rtol=rtol, atol=atol)
    for a, b in zip(ours.intercepts_, theirs.intercepts_, strict=True):
        assert_allclose(a, b, rtol=rtol, atol=atol)
    if hasattr(theirs, "loss_curve_"):
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=rtol)
        if theirs.best_loss_ is None:
            assert ours.best_loss_ is None
        else:
            assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=rtol)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=rtol)


# ------------------------------------------------------------------ lbfgs
# Both objectives agree to the last few bits, but L-BFGS-B's line searches
# amplify such rounding differences: after ~50 iterations (fewer on relu's
# kinks) the two trajectories can part.  So the iterate comparisons stop
# early, and the runs to convergence use a penalty strong enough to converge
# in a few dozen iterations, on smooth activations.
@target_param
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_lbfgs_matches_mlp_classifier_with_alpha_over_n_samples(target, activation):
    X, y = make_data(target)
    ours, theirs = pair(N_SAMPLES, solver="lbfgs", activation=activation, max_iter=15)
    ours.fit(X, y)
    theirs.fit(X, y)
    assert_same_model(ours, theirs)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-6)


@target_param
@pytest.mark.parametrize("activation", ["tanh", "logistic", "identity"])
def test_lbfgs_stops_at_the_same_iteration_on_tol(target, activation):
    X, y = make_data(target)
    ours, theirs = pair(
        N_SAMPLES,
        alpha_sk=6.0,
        solver="lbfgs",
        activation=activation,
        max_iter=200,
        tol=1e-4,
    )
    ours.fit(X, y)
    theirs.fit(X, y)
    assert theirs.n_iter_ < 200  # tol, not max_iter, ended the fit
    assert_same_model(ours, theirs)


# ------------------------------------------------------ sgd and adam
BATCH = 20  # divides N_SAMPLES: every minibatch has 20 samples

STOCHASTIC = {
    "sgd-nesterov-constant-shuffle": dict(
        solver="sgd",
        learning_rate_init=0.05,
        momentum=0.9,
        nesterovs_momentum=True,
        learning_rate="constant",
        shuffle=True,
    ),
    "sgd-momentum-constant-no-shuffle": dict(
        solver="sgd",
        learning_rate_init=0.05,
        momentum=0.9,
        nesterovs_momentum=False,
        learning_rate="constant",
        shuffle=False,
    ),
    "sgd-plain-invscaling": dict(
        solver="sgd",
        learning_rate_init=0.5,
        momentum=0.0,
        learning_rate="invscaling",
        power_t=0.25,
        shuffle=True,
    ),
    "sgd-nesterov-adaptive": dict(
        solver="sgd",
        learning_rate_init=0.2,
        momentum=0.5,
        learning_rate="adaptive",
        tol=1e-2,
        n_iter_no_change=2,
        shuffle=True,
    ),
    "adam-shuffle": dict(solver="adam", learning_rate_init=0.02, shuffle=True),
    "adam-no-shuffle": dict(
        solver="adam",
        learning_rate_init=0.02,
        shuffle=False,
        beta_1=0.8,
    ),
}
stochastic_param = pytest.mark.parametrize(
    "params", STOCHASTIC.values(), ids=STOCHASTIC.keys()
)


@target_param
@stochastic_param
def test_stochastic_solvers_match_mlp_classifier_with_alpha_over_batch_size(
    target, params
):
    X, y = make_data(target)
    ours, theirs = pair(BATCH, batch_size=BATCH, max_iter=25, **params)
    ours.fit(X, y)
    theirs.fit(X, y)
    assert_same_model(ours, theirs)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-6)


def test_adaptive_schedule_lowers_the_rate_as_mlp_classifier_does():
    X, y = make_data("multiclass")
    ours, theirs = pair(
        BATCH, batch_size=BATCH, max_iter=60, **STOCHASTIC["sgd-nesterov-adaptive"]
    )
    ours.fit(X, y)
    theirs.fit(X, y)
    assert theirs._optimizer.learning_rate < theirs.learning_rate_init
    assert ours._fit_state["optimizer"]["learning_rate"] == pytest.approx(
        theirs._optimizer.learning_rate, rel=1e-12
    )
    assert_same_model(ours, theirs)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@target_param
def test_tol_stops_the_fit_at_the_same_epoch(solver, target):
    X, y = make_data(target)
    ours, theirs = pair(
        BATCH,
        solver=solver,
        batch_size=BATCH,
        learning_rate_init=0.05,
        max_iter=300,
        tol=1e-3,
        n_iter_no_change=3,
    )
    ours.fit(X, y)
    theirs.fit(X, y)
    assert theirs.n_iter_ < 300  # stopped by tol
    assert_same_model(ours, theirs)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@target_param
def test_early_stopping_matches_scores_stop_and_restored_weights(solver, target):
    X, y = make_data(target)
    # 20% held out: 48 training samples in batches of 16
    ours, theirs = pair(
        16,
        solver=solver,
        batch_size=16,
        learning_rate_init=0.05,
        max_iter=200,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=4,
    )
    ours.fit(X, y)
    theirs.fit(X, y)
    assert theirs.n_iter_ < 200  # stopped early
    assert ours.validation_scores_ == theirs.validation_scores_
    assert ours.best_validation_score_ == theirs.best_validation_score_
    assert_same_model(ours, theirs)
    # The weights kept are those of the best epoch, not the last: a run cut
    # off right after the best epoch (same trajectory) ends on them.
    best_epoch = int(np.argmax(ours.validation_scores_)) + 1
    assert best_epoch < ours.n_iter_
    cut = clone(ours).set_params(max_iter=best_epoch).fit(X, y)
    for a, b in zip(
        cut.coefs_ + cut.intercepts_, ours.coefs_ + ours.intercepts_, strict=True
    ):
        assert_array_equal(a, b)


# ---------------------------------------------------------- sample weights
@target_param
def test_lbfgs_sample_weight_matches_with_alpha_over_weight_sum(target):
    X, y = make_data(target)
    sw = np.random.RandomState(0).uniform(0.2, 3.0, N_SAMPLES)
    ours, theirs = pair(sw.sum(), solver="lbfgs", max_iter=15)
    ours.fit(X, y, sample_weight=sw)
    theirs.fit(X, y, sample_weight=sw)
    assert_same_model(ours, theirs)
    unweighted = RegularizedMLPClassifier(**ours.get_params()).fit(X, y)
    assert not np.allclose(unweighted.coefs_[0], ours.coefs_[0])


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@target_param
def test_stochastic_sample_weight_matches_when_batches_weigh_the_same(solver, target):
    X, y = make_data(target)
    # Without shuffling, every batch holds the same weights (in order), so
    # every batch's weight sum is the same B and alpha = alpha_sk / B.
    pattern = np.random.RandomState(0).uniform(0.2, 3.0, BATCH)
    sw = np.tile(pattern, N_SAMPLES // BATCH)
    ours, theirs = pair(
        pattern.sum(),
        solver=solver,
        batch_size=BATCH,
        shuffle=False,
        learning_rate_init=0.05,
        max_iter=20,
    )
    ours.fit(X, y, sample_weight=sw)
    theirs.fit(X, y, sample_weight=sw)
    assert_same_model(ours, theirs)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_shuffled_sample_weight_matches_without_penalty(solver):
    X, y = make_data("multiclass")
    sw = np.random.RandomState(1).uniform(0.0, 2.0, N_SAMPLES)
    ours, theirs = pair(
        1.0,
        solver=solver,
        batch_size=BATCH,
        shuffle=True,
        learning_rate_init=0.05,
        max_iter=20,
    )
    ours.set_params(alpha=0.0)
    theirs.set_params(alpha=0.0)
    ours.fit(X, y, sample_weight=sw)
    theirs.fit(X, y, sample_weight=sw)
    assert_same_model(ours, theirs)


def test_early_stopping_with_sample_weight_matches():
    X, y = make_data("multiclass")
    sw = np.random.RandomState(2).uniform(0.2, 3.0, N_SAMPLES)
    ours, theirs = pair(
        1.0,
        solver="adam",
        batch_size=16,
        max_iter=100,
        learning_rate_init=0.05,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=4,
    )
    ours.set_params(alpha=0.0)
    theirs.set_params(alpha=0.0)
    ours.fit(X, y, sample_weight=sw)
    theirs.fit(X, y, sample_weight=sw)
    assert ours.validation_scores_ == theirs.validation_scores_
    assert_same_model(ours, theirs)


# ----------------------------------------------------------------- float32
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@target_param
def test_float32_input_trains_in_float32_close_to_mlp_classifier(solver, target):
    X, y = make_data(target)
    X32 = X.astype(np.float32)
    ours, theirs = pair(
        BATCH, solver=solver, batch_size=BATCH, learning_rate_init=0.05, max_iter=15
    )
    ours.fit(X32, y)
    theirs.fit(X32, y)
    for coef in ours.coefs_ + ours.intercepts_:
        assert coef.dtype == np.float32
    assert ours.predict_proba(X32).dtype == np.float32
    assert_same_model(ours, theirs, rtol=1e-3, atol=1e-4)
    assert_array_equal(ours.predict(X32), theirs.predict(X32))


# ---------------------------------------------- partial_fit and warm_start
@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", momentum=0.9, learning_rate_init=0.05),
        dict(
            solver="sgd",
            momentum=0.0,
            learning_rate="invscaling",
            learning_rate_init=0.5,
        ),
        dict(solver="adam", learning_rate_init=0.02),
    ],
    ids=["sgd-momentum", "sgd-invscaling", "adam"],
)
@target_param
def test_partial_fit_matches_over_several_calls(params, target):
    X, y = make_data(target)
    ours, theirs = pair(10, batch_size=10, **params)
    chunks = [slice(0, 30), slice(30, 60), slice(10, 40), slice(0, 60)]
    # classes is required on the first call, and ignored for multilabel y
    classes = np.unique(y) if target != "multilabel" else np.arange(y.shape[1])
    for i, rows in enumerate(chunks):
        kwargs = {"classes": classes} if i == 0 else {}
        ours.partial_fit(X[rows], y[rows], **kwargs)
        theirs.partial_fit(X[rows], y[rows], **kwargs)
        assert_same_model(ours, theirs)
    assert len(ours.loss_curve_) == len(chunks)


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", learning_rate_init=0.05, batch_size=BATCH),
        dict(solver="adam", learning_rate_init=0.02, batch_size=BATCH),
    ],
    ids=["sgd", "adam"],
)
@target_param
def test_warm_start_matches_over_several_fits(params, target):
    X, y = make_data(target)
    ours, theirs = pair(BATCH, warm_start=True, max_iter=5, **params)
    for _ in range(3):
        ours.fit(X, y)
        theirs.fit(X, y)
        assert_same_model(ours, theirs)
    assert len(ours.loss_curve_) == 15


@target_param
def test_lbfgs_warm_start_matches(target):
    X, y = make_data(target)
    ours, theirs = pair(N_SAMPLES, solver="lbfgs", warm_start=True, max_iter=8)
    for _ in range(2):
        ours.fit(X, y)
        theirs.fit(X, y)
        assert_same_model(ours, theirs)
