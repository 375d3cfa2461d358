"""The estimator inside scikit-learn's machinery, its fitted attributes, pickles."""

import io
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier

pd = pytest.importorskip("pandas")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=90,
        n_features=6,
        n_informative=4,
        n_classes=3,
        n_clusters_per_class=1,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def small(**params):
    defaults = dict(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    return RegularizedMLPClassifier(**{**defaults, **params})


CONFIGS = {
    "sgd-gradient-l2": dict(solver="sgd", learning_rate_init=0.1, batch_size=30),
    "adam-proximal-l1": dict(
        solver="adam",
        learning_rate_init=0.05,
        penalty="l1",
        alpha=1e-3,
        penalty_style="proximal",
    ),
    "sgd-cumulative-elasticnet-early-stopping": dict(
        solver="sgd",
        learning_rate_init=0.1,
        penalty="elasticnet",
        alpha=1e-3,
        penalty_style="cumulative",
        early_stopping=True,
        validation_fraction=0.2,
    ),
    "adam-multiplicative": dict(
        solver="adam",
        penalty_style="multiplicative",
        alpha=0.999,
        learning_rate_init=0.05,
    ),
    "lbfgs": dict(solver="lbfgs", alpha=1e-3),
}
config = pytest.mark.parametrize("params", CONFIGS.values(), ids=CONFIGS.keys())


def assert_same_weights(a, b):
    for x, y in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(x, y)


# ------------------------------------------------------ meta-estimators
def test_pipeline_equals_scaling_by_hand(data):
    X, y = data
    X = X * 10 + 3
    pipe = make_pipeline(StandardScaler(), small(solver="adam")).fit(X, y)
    scaler = StandardScaler().fit(X)
    by_hand = small(solver="adam").fit(scaler.transform(X), y)
    X_scaled = scaler.transform(X)
    assert_array_equal(pipe.predict_proba(X), by_hand.predict_proba(X_scaled))
    assert pipe.score(X, y) == by_hand.score(X_scaled, y)


def test_grid_search_in_parallel_matches_sequential_search(data):
    X, y = data
    grid = {"penalty_style": ["gradient", "proximal"], "alpha": [1e-4, 1e-2]}
    est = small(solver="sgd", learning_rate_init=0.1, penalty="l1")
    parallel = GridSearchCV(est, grid, cv=3, n_jobs=2).fit(X, y)
    sequential = GridSearchCV(est, grid, cv=3, n_jobs=1).fit(X, y)
    assert_array_equal(
        parallel.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
    )
    assert parallel.best_params_ == sequential.best_params_
    best = parallel.best_estimator_
    assert {k: best.get_params()[k] for k in grid} == parallel.best_params_
    assert_same_weights(best, clone(est).set_params(**parallel.best_params_).fit(X, y))


@config
def test_cross_val_score_equals_manual_folds(data, params):
    X, y = data
    est = small(**params)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(est, X, y, cv=cv)
    manual = [
        clone(est).fit(X[train], y[train]).score(X[test], y[test])
        for train, test in cv.split(X, y)
    ]
    assert_array_equal(scores, manual)


def test_clone_copies_parameters_and_drops_fitted_state(data):
    X, y = data
    params = dict(
        solver="sgd",
        penalty="elasticnet",
        l1_ratio=0.3,
        alpha=0.02,
        penalty_style="cumulative",
        penalize_intercepts=True,
        loss="squared_error",
        hidden_layer_sizes=(3, 2),
    )
    est = small(**params).fit(X, y)
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "coefs_")
    assert not hasattr(copy, "_fit_state")
    assert_same_weights(copy.fit(X, y), est)


def test_partial_fit_is_only_offered_by_stochastic_solvers():
    assert hasattr(small(solver="sgd"), "partial_fit")
    assert hasattr(small(solver="adam"), "partial_fit")
    assert not hasattr(small(solver="lbfgs"), "partial_fit")
    assert hasattr(MLPClassifier(solver="sgd"), "partial_fit")
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")


# ---------------------------------------------------------------- pickles
class _RecordingUnpickler(pickle.Unpickler):
    """Records every (module, name) global a pickle refers to."""

    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self.globals = set()

    def find_class(self, module, name):
        self.globals.add((module, name))
        return super().find_class(module, name)


def _plain(value):
    return value is None or isinstance(value, str | int | float | np.ndarray)


@config
def test_pickle_round_trip_predicts_identically_and_holds_only_plain_state(
    data, params
):
    X, y = data
    est = small(**params).fit(X, y)
    blob = pickle.dumps(est)
    unpickler = _RecordingUnpickler(blob)
    restored = unpickler.load()

    assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    assert_array_equal(restored.predict(X), est.predict(X))
    for module, name in unpickler.globals:
        assert not module.startswith("numpy.random"), (module, name)
        assert "RandomState" not in name and "Generator" not in name
        if module.startswith("sklearn_nnreg"):
            # no optimizer, style, network, trainer or penalty objects
            assert (module, name) == (
                "sklearn_nnreg._classifier",
                "RegularizedMLPClassifier",
            )
    if params["solver"] != "lbfgs":
        state = est._fit_state
        assert isinstance(state, dict)
        assert isinstance(state["optimizer"], dict)
        assert isinstance(state["style"], dict)
        for value in [*state["optimizer"].values(), *state["style"].values()]:
            assert _plain(value), type(value)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_training_continues_identically_after_unpickling(data, solver):
    X, y = data
    params = dict(
        solver=solver,
        penalty="l1",
        penalty_style="cumulative",
        alpha=1e-3,
        batch_size=30,
    )
    est = small(**params).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    for _ in range(2):
        est.partial_fit(X, y)
        restored.partial_fit(X, y)
    assert_same_weights(restored, est)
    assert restored.loss_curve_ == est.loss_curve_
    assert restored.t_ == est.t_


# ------------------------------------------------------ reproducibility
@config
def test_same_random_state_gives_identical_fits(data, params):
    X, y = data
    first = small(**params).fit(X, y)
    second = small(**params).fit(X, y)
    assert_same_weights(first, second)
    if params["solver"] != "lbfgs":
        assert first.loss_curve_ == second.loss_curve_
    other = small(**params, random_state=1).fit(X, y)
    assert not np.array_equal(first.coefs_[0], other.coefs_[0])


def test_random_state_instance_seeded_alike_gives_identical_fits(data):
    X, y = data
    first = small(solver="sgd", random_state=np.random.RandomState(3)).fit(X, y)
    second = small(solver="sgd", random_state=np.random.RandomState(3)).fit(X, y)
    assert_same_weights(first, second)


# ------------------------------------------------------ fitted attributes
def _public_fitted(est):
    return {k for k in vars(est) if k.endswith("_") and not k.startswith("_")}


TARGETS = ["binary", "multiclass", "multilabel"]


def _target(kind, X, y):
    if kind == "binary":
        return (y > 0).astype(int)
    if kind == "multiclass":
        return y
    return np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)


# lbfgs saturates some probabilities to exactly 0: log gives -inf, as in
# MLPClassifier.predict_log_proba.
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd"),
        dict(solver="adam", early_stopping=True),
        dict(solver="lbfgs"),
    ],
    ids=["sgd", "adam-early-stopping", "lbfgs"],
)
def test_fitted_attributes_are_those_of_mlp_classifier_plus_sparsity(
    data, params, target
):
    X, y = data
    y = _target(target, X, y)
    ours = small(**params).fit(X, y)
    theirs = MLPClassifier(
        hidden_layer_sizes=(6,), max_iter=20, random_state=0, **params
    ).fit(X, y)
    assert _public_fitted(ours) == _public_fitted(theirs) | {"sparsity_"}
    for name in ("n_layers_", "n_outputs_", "out_activation_", "n_features_in_"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert_array_equal(ours.classes_, theirs.classes_)
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in theirs.intercepts_]
    assert 1 <= ours.n_iter_ <= ours.max_iter
    if params["solver"] == "lbfgs":
        assert ours.t_ == theirs.t_ == 0
    else:
        n_train = X.shape[0] if not params.get("early_stopping") else 81
        assert ours.t_ == ours.n_iter_ * n_train  # 10% held out: 81 of 90
        assert len(ours.loss_curve_) == ours.n_iter_
        assert ours.loss_ == ours.loss_curve_[-1]
        if params.get("early_stopping"):
            assert ours.best_loss_ is None
            assert len(ours.validation_scores_) == ours.n_iter_
            assert ours.best_validation_score_ == max(ours.validation_scores_)
        else:
            assert ours.best_loss_ == min(ours.loss_curve_)
            assert ours.validation_scores_ is None
            assert ours.best_validation_score_ is None
    proba = ours.predict_proba(X)
    assert proba.shape == (X.shape[0], len(ours.classes_))
    assert_allclose(np.exp(ours.predict_log_proba(X)), proba)
    assert ours.predict(X).shape == np.shape(y)


def test_feature_names_in_is_set_from_a_dataframe_only(data):
    X, y = data
    columns = [f"x{i}" for i in range(X.shape[1])]
    est = small(solver="adam").fit(pd.DataFrame(X, columns=columns), y)
    assert_array_equal(est.feature_names_in_, columns)
    assert est.n_features_in_ == X.shape[1]
    assert not hasattr(small(solver="adam").fit(X, y), "feature_names_in_")
    with pytest.warns(UserWarning, match="feature names"):
        est.predict(X)


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", penalty="l1", penalty_style="proximal", alpha=0.02),
        dict(solver="adam", penalty="l1", penalty_style="cumulative", alpha=0.01),
        dict(solver="sgd", penalty="l2", alpha=0.01),
        dict(solver="sgd", penalty="l1", penalty_style="gradient", alpha=0.01),
    ],
    ids=["proximal", "cumulative", "l2", "l1-gradient"],
)
def test_sparsity_is_the_fraction_of_exactly_zero_connection_weights(data, params):
    X, y = data
    est = small(**params, learning_rate_init=0.1, hidden_layer_sizes=(8,)).fit(X, y)
    weights = np.concatenate([c.ravel() for c in est.coefs_])
    assert est.sparsity_ == np.mean(weights == 0)
    exact_zero_styles = ("proximal", "cumulative")
    if params.get("penalty_style") in exact_zero_styles:
        assert est.sparsity_ > 0
    else:
        assert est.sparsity_ == 0


# ----------------------------------------------- what loss_curve_ records
def _penalty_value(est, penalty, l1_ratio):
    weights = list(est.coefs_)
    if est.penalize_intercepts:
        weights += est.intercepts_
    w = np.concatenate([a.ravel() for a in weights])
    l1, l2 = np.abs(w).sum(), 0.5 * np.dot(w, w)
    return {"l1": l1, "l2": l2, "elasticnet": l1_ratio * l1 + (1 - l1_ratio) * l2}[
        penalty
    ]


LOSS_CURVE_CASES = {
    # style: (params, whether loss_curve_ holds data loss + alpha * R)
    "gradient-l2-sgd": (dict(solver="sgd", penalty="l2", alpha=0.05), True),
    "gradient-l2-adam": (dict(solver="adam", penalty="l2", alpha=0.05), True),
    "proximal-l1": (
        dict(solver="sgd", penalty="l1", alpha=0.01, penalty_style="proximal"),
        True,
    ),
    "proximal-l1-intercepts": (
        dict(
            solver="adam",
            penalty="l1",
            alpha=0.01,
            penalty_style="proximal",
            penalize_intercepts=True,
        ),
        True,
    ),
    "cumulative-elasticnet": (
        dict(
            solver="sgd",
            penalty="elasticnet",
            l1_ratio=0.3,
            alpha=0.01,
            penalty_style="cumulative",
        ),
        True,
    ),
    "decoupled-l2": (
        dict(solver="sgd", penalty="l2", alpha=0.05, penalty_style="decoupled"),
        False,
    ),
    "multiplicative-l2": (
        dict(solver="sgd", penalty="l2", alpha=0.9, penalty_style="multiplicative"),
        False,
    ),
}


@pytest.mark.parametrize(
    "params, objective", LOSS_CURVE_CASES.values(), ids=LOSS_CURVE_CASES.keys()
)
def test_loss_curve_records_objective_or_data_loss_by_style(data, params, objective):
    X, y = data
    # Full batch, no shuffling: an epoch is one step, and its recorded value
    # is the loss at the weights before that step.
    est = small(
        **params,
        batch_size=X.shape[0],
        shuffle=False,
        max_iter=1,
        warm_start=True,
        learning_rate_init=0.05,
    ).fit(X, y)
    data_loss = log_loss(y, est.predict_proba(X), labels=est.classes_)
    penalty = est.alpha * _penalty_value(est, params["penalty"], est.l1_ratio)
    assert penalty > 1e-3  # large enough to tell the two apart

    est.fit(X, y)  # warm start: one more step, from the weights above
    assert len(est.loss_curve_) == 2
    expected = data_loss + penalty if objective else data_loss
    assert est.loss_curve_[-1] == pytest.approx(expected, rel=1e-9)
    assert est.loss_ == est.loss_curve_[-1]


def test_loss_curve_is_the_batch_size_weighted_mean_of_batch_losses(data):
    X, y = data
    # Batches of 40, 40 and 10 samples with shuffle=False: the epoch's value is
    # the size-weighted mean of the three batch values, each taken before
    # that batch's step.  Replay the three steps with partial_fit on one batch
    # each, which records exactly one batch value per call.
    params = dict(
        solver="sgd",
        penalty="l2",
        alpha=0.05,
        batch_size=40,
        shuffle=False,
        max_iter=1,
        momentum=0.0,
    )
    epoch = small(**params).fit(X, y)
    replay = small(**params).set_params(batch_size="auto")  # one batch per call
    batch_values = []
    for start in (0, 40, 80):
        rows = slice(start, start + 40)
        replay.partial_fit(X[rows], y[rows], classes=np.unique(y))
        batch_values.append(replay.loss_curve_[-1])
    sizes = [40, 40, 10]
    mean = np.average(batch_values, weights=sizes)
    assert epoch.loss_curve_[0] == pytest.approx(mean, rel=1e-12)
    assert_allclose(epoch.coefs_[0], replay.coefs_[0], rtol=1e-12)
