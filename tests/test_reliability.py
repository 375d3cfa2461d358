"""Nothing silently wrong: divergence, interrupts, zero weights, stale state,
class weights and the drop-in corners where we differed from MLPClassifier."""

import copy
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier
from sklearn.utils.validation import check_is_fitted

from sklearn_nnreg import RegularizedMLPClassifier, TrainingDivergedError
from sklearn_nnreg._trainer import StochasticTrainer

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    # Overflow on the way to a TrainingDivergedError is expected.
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
]

X, Y = make_classification(150, 6, n_informative=4, n_classes=3, random_state=0)
CLASSES = [0, 1, 2]


def small(**params):
    defaults = dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    return RegularizedMLPClassifier(**{**defaults, **params})


def weights(est):
    return [a.copy() for a in est.coefs_ + est.intercepts_]


def continue_as(est, template):
    """``template`` (its parameters) holding ``est``'s fitted state."""
    fitted = {
        k: v for k, v in est.__dict__.items() if k.endswith("_") or k.startswith("_")
    }
    template.__dict__.update(copy.deepcopy(fitted))
    return template


def assert_same_weights(a, b):
    for x, y in zip(weights(a), weights(b), strict=True):
        assert_array_equal(x, y)


# --------------------------------------------- 1. divergence is never a fit
def test_a_blown_up_partial_fit_raises_and_keeps_the_previous_model():
    est = small(hidden_layer_sizes=(8,), solver="sgd")
    est.partial_fit(X, Y, classes=CLASSES)
    est.partial_fit(X, Y)
    proba, kept = est.predict_proba(X), weights(est)
    with pytest.raises(TrainingDivergedError, match="not finite"):
        est.partial_fit(X * 1e200, Y)
    assert_array_equal(est.predict_proba(X), proba)
    for before, after in zip(kept, weights(est), strict=True):
        assert_array_equal(before, after)
    est.partial_fit(X, Y)  # and it goes on from the kept model
    assert np.isfinite(est.predict_proba(X)).all()


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_a_fit_whose_outputs_overflow_raises(solver):
    est = small(hidden_layer_sizes=(8,), solver=solver, max_iter=1)
    with pytest.raises(TrainingDivergedError, match="StandardScaler"):
        est.fit(X * 1e200, Y)
    with pytest.raises(NotFittedError):
        est.predict(X)


# ------------------------------------------------- 2. interrupts are clean
def _interrupt_on_call(monkeypatch, owner, name, call):
    """Make ``owner.name`` raise KeyboardInterrupt on its ``call``-th call."""
    original, calls = getattr(owner, name), []

    def interrupted(*args, **kwargs):
        calls.append(None)
        if len(calls) == call:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_an_interrupt_during_the_epochs_keeps_the_weights_so_far(monkeypatch, solver):
    reference = small(solver=solver, max_iter=2).fit(X, Y)
    _interrupt_on_call(monkeypatch, StochasticTrainer, "_epoch", 3)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        est = small(solver=solver, max_iter=10).fit(X, Y)
    assert est.n_iter_ == 2 and len(est.loss_curve_) == 2
    assert_same_weights(est, reference)
    assert est.t_ == reference.t_ and est.loss_ == reference.loss_
    assert len(est.classes_) == est.n_outputs_ == 3


def test_an_interrupted_lbfgs_refit_keeps_the_previous_model(monkeypatch):
    two = Y < 2
    est = small(solver="lbfgs", warm_start=False).fit(X[two], Y[two])
    before, kept = est.predict(X), weights(est)
    from sklearn_nnreg import _network

    _interrupt_on_call(monkeypatch, _network.Network, "loss_gradient", 3)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, Y)
    assert est.classes_.tolist() == [0, 1] and est.n_outputs_ == 1
    assert_array_equal(est.predict(X), before)
    for a, b in zip(kept, weights(est), strict=True):
        assert_array_equal(a, b)


@pytest.mark.parametrize(
    "solver, where",
    [
        ("lbfgs", "_initialize"),
        ("sgd", "_initialize"),
        ("adam", "_split_validation"),
    ],
)
def test_an_interrupt_during_set_up_leaves_a_fresh_estimator_unfitted(
    monkeypatch, solver, where
):
    _interrupt_on_call(monkeypatch, RegularizedMLPClassifier, where, 1)
    est = small(solver=solver, early_stopping=where == "_split_validation")
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, Y)
    assert not hasattr(est, "classes_") and not hasattr(est, "n_features_in_")
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


def test_an_interrupt_before_the_first_epochs_leaves_partial_fit_unfitted(
    monkeypatch,
):
    _interrupt_on_call(monkeypatch, StochasticTrainer, "_scratch", 1)
    est = small(solver="sgd")
    with pytest.raises(KeyboardInterrupt):
        est.partial_fit(X, Y, classes=CLASSES)
    assert not hasattr(est, "classes_") and not hasattr(est, "_label_binarizer")
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    est.partial_fit(X, Y, classes=CLASSES)  # a clean start afterwards
    assert est.n_outputs_ == 3


# ------------------------------------------------------ 3. zero weights
def test_a_minibatch_of_zero_weights_is_skipped_entirely():
    """No step and no penalty step: as if the batch were not there."""
    params = dict(
        solver="sgd",
        batch_size=50,
        shuffle=False,
        penalty="l1",
        penalty_style="proximal",
        alpha=0.01,
        max_iter=3,
    )
    sw = np.r_[np.zeros(50), np.ones(100)]
    skipped = small(**params).fit(X, Y, sample_weight=sw)
    without = small(**params).fit(X[50:], Y[50:], sample_weight=sw[50:])
    assert_same_weights(skipped, without)
    assert skipped.loss_curve_ == without.loss_curve_


def test_the_issue_example_with_a_half_zero_batch_fits():
    sw = np.r_[np.zeros(75), np.ones(75)]
    est = small(batch_size=50, shuffle=False).fit(X, Y, sample_weight=sw)
    assert np.isfinite(est.predict_proba(X)).all()
    # adam counts its steps: two of the three batches per epoch
    assert est._fit_state["optimizer"]["t"] == 2 * est.n_iter_


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_all_zero_sample_weights_are_refused(solver):
    with pytest.raises(ValueError, match="sample_weight"):
        small(solver=solver).fit(X, Y, sample_weight=np.zeros(len(Y)))
    zero_classes = {0: 0.0, 1: 0.0, 2: 0.0}
    with pytest.raises(ValueError, match="sample_weight"):
        small(solver=solver, class_weight=zero_classes).fit(X, Y)


def test_a_validation_split_of_zero_weights_names_both_parameters():
    sw = np.zeros(len(Y))
    sw[:3] = 1.0  # none of these lands in the held-out 10% with this seed
    est = small(solver="adam", early_stopping=True, random_state=0)
    with pytest.raises(ValueError, match="sample_weight.*validation_fraction"):
        est.fit(X, Y, sample_weight=sw)


# ----------------------------------------- 4. no stale state after set_params
CHANGES = {
    "solver": (dict(solver="sgd"), dict(solver="adam")),
    "penalty_style": (
        dict(penalty="l1", penalty_style="proximal"),
        dict(penalty="l1", penalty_style="cumulative"),
    ),
    "penalty": (
        dict(penalty="l1", penalty_style="cumulative"),
        dict(penalty="elasticnet", penalty_style="cumulative"),
    ),
    "penalize_intercepts": (
        dict(penalize_intercepts=False),
        dict(penalize_intercepts=True),
    ),
    "learning_rate_init": (
        dict(learning_rate="adaptive", n_iter_no_change=1, tol=10.0),
        dict(learning_rate="adaptive", learning_rate_init=0.01),
    ),
}


@pytest.mark.parametrize("change", [*CHANGES, "dtype"])
def test_partial_fit_after_set_params_starts_the_solver_afresh(change):
    """After a change, partial_fit continues as a one-epoch warm start does."""
    before, after = CHANGES.get(change, ({}, {}))
    est = small(solver="sgd", penalty="l1", penalty_style="cumulative")
    est.set_params(**before)
    for _ in range(3):
        est.partial_fit(X, Y, classes=CLASSES)
    warm = continue_as(est, clone(est).set_params(warm_start=True, max_iter=1, **after))
    est.set_params(**after)
    data = X.astype(np.float32) if change == "dtype" else X
    est.partial_fit(data, Y)
    warm.fit(data, Y)
    assert_same_weights(est, warm)


def test_partial_fit_with_the_same_configuration_keeps_the_solver_state():
    est = small(solver="sgd", penalty="l1", penalty_style="cumulative")
    est.partial_fit(X, Y, classes=CLASSES)
    warm = continue_as(est, clone(est).set_params(warm_start=True, max_iter=1))
    est.partial_fit(X, Y)
    warm.fit(X, Y)
    assert not np.array_equal(est.coefs_[0], warm.coefs_[0])


def test_switching_early_stopping_on_for_a_warm_start_restarts_its_books():
    est = small(solver="adam", warm_start=True).fit(X, Y)
    est.set_params(early_stopping=True).fit(X, Y)
    assert len(est.validation_scores_) == est.n_iter_
    assert est.best_loss_ is None


# --------------------------------------------------------- 5. class_weight
@pytest.mark.parametrize(
    "class_weight",
    [
        {0: -0.1, 1: 1, 2: 1},
        {0: np.nan},
        {0: np.inf},
        {0: 1, 1: 1, 2: 1, 5: 2.0},
        {"a": 1.0},
    ],
)
def test_bad_class_weights_are_refused(class_weight):
    with pytest.raises(ValueError, match="class_weight"):
        small(class_weight=class_weight).fit(X, Y)
    with pytest.raises(ValueError, match="class_weight"):
        small(solver="sgd", class_weight=class_weight).partial_fit(
            X, Y, classes=CLASSES
        )


def test_a_huge_class_weight_is_a_valid_weight():
    """1e300 is finite and positive: a weight, not an error of ours."""
    est = small(solver="sgd", class_weight={0: 1e300}).fit(X, Y)
    assert np.isfinite(est.predict_proba(X)).all()


# ------------------------------------------------------ 6. drop-in parity
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_a_single_class_is_fitted_and_predicted_as_mlp_classifier_does(solver):
    y = np.full(len(Y), 7)
    est = small(solver=solver).fit(X, y)
    assert est.classes_.tolist() == [7]
    assert_array_equal(est.predict(X), y)
    assert_array_equal(est.predict_proba(X), np.ones((len(Y), 1)))
    assert_array_equal(est.predict_log_proba(X), np.zeros((len(Y), 1)))
    theirs = MLPClassifier(
        hidden_layer_sizes=(4,), max_iter=5, solver=solver, random_state=0, alpha=0.0
    )
    ours = small(solver=solver, alpha=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.fit(X, y)
        ours.fit(X, y)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    for a, b in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_a_single_class_partial_fit():
    est = small(solver="sgd").partial_fit(X, np.zeros(len(Y)), classes=[0.0])
    assert_array_equal(est.predict(X), np.zeros(len(Y)))
    assert est.predict_proba(X).shape == (len(Y), 1)


def test_a_too_small_class_is_named_as_mlp_classifier_names_it():
    y = np.zeros(len(Y), dtype=int)
    y[0] = 1
    errors = []
    for est in (
        small(early_stopping=True),
        MLPClassifier(early_stopping=True, max_iter=2),
    ):
        with pytest.raises(ValueError) as info:
            est.fit(X, y)
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    assert "'True'" in errors[0]


def test_none_in_y_is_named():
    y = Y.astype(str).astype(object)
    y[3] = None
    with pytest.raises(ValueError, match="y contains None"):
        small().fit(X, y)


def test_early_stopping_without_a_validation_fraction_is_named():
    with pytest.raises(ValueError, match="validation_fraction"):
        small(early_stopping=True, validation_fraction=0.0).fit(X, Y)


def test_persist_load_takes_one_trusted_name_as_a_string(tmp_path):
    sio = pytest.importorskip("skops.io")
    from fractions import Fraction

    from sklearn_nnreg import persist

    path = tmp_path / "m.skops"
    sio.dump({"model": small().fit(X, Y), "extra": Fraction(1, 3)}, path)
    loaded = persist.load(path, trusted="fractions.Fraction")
    assert loaded["extra"] == Fraction(1, 3)
