"""Bad parameters, bad combinations, bad data and divergence."""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_nnreg import RegularizedMLPClassifier, TrainingDivergedError

pd = pytest.importorskip("pandas")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
# Overflow on the way to a TrainingDivergedError is expected.
diverging = pytest.mark.filterwarnings("ignore::RuntimeWarning")


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=60, n_features=5, n_informative=3, random_state=0
    )
    return X, y


def small(**params):
    defaults = dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    return RegularizedMLPClassifier(**{**defaults, **params})


# --------------------------------------------------------- parameter checks
@pytest.mark.parametrize(
    "param, value",
    [
        ("penalty", "l3"),
        ("penalty", "L2"),
        ("penalty_style", "weight_decay"),
        ("alpha", -1e-3),
        ("alpha", "big"),
        ("l1_ratio", 1.5),
        ("l1_ratio", -0.1),
        ("loss", "hinge"),
        ("penalize_intercepts", "yes"),
        ("solver", "newton"),
        ("activation", "softplus"),
        ("learning_rate", "cosine"),
        ("learning_rate_init", 0.0),
        ("momentum", 1.5),
        ("batch_size", 0),
        ("max_iter", 0),
        ("validation_fraction", 1.0),
        ("beta_1", 1.0),
        ("epsilon", 0.0),
        ("n_iter_no_change", 0),
        ("hidden_layer_sizes", 0),
    ],
)
def test_invalid_parameter_is_refused_naming_the_parameter(data, param, value):
    X, y = data
    est = small(**{param: value})
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter") as info:
        est.fit(X, y)
    assert isinstance(info.value, ValueError)


def test_invalid_parameter_is_refused_by_partial_fit_too(data):
    X, y = data
    est = small(solver="sgd", penalty_style="weight_decay")
    with pytest.raises(InvalidParameterError, match="'penalty_style' parameter"):
        est.partial_fit(X, y, classes=np.unique(y))


def test_non_positive_hidden_layer_size_in_a_tuple_is_refused(data):
    X, y = data
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        small(hidden_layer_sizes=(4, 0)).fit(X, y)


# ------------------------------------------------------ combination checks
# (params, regex the message must match: says why, and what to use instead)
BAD_COMBINATIONS = {
    "multiplicative-l1": (
        dict(solver="sgd", penalty="l1", penalty_style="multiplicative", alpha=0.99),
        r"multiplicative.*L2 shrink.*Use penalty='l2'",
    ),
    "multiplicative-elasticnet": (
        dict(
            solver="sgd",
            penalty="elasticnet",
            penalty_style="multiplicative",
            alpha=0.99,
        ),
        r"multiplicative.*L1 part.*Use penalty='l2'",
    ),
    "cumulative-l2": (
        dict(solver="sgd", penalty="l2", penalty_style="cumulative"),
        r"cumulative.*needs an L1 part.*Use penalty='l1'",
    ),
    "cumulative-elasticnet-without-l1": (
        dict(
            solver="adam",
            penalty="elasticnet",
            l1_ratio=0.0,
            penalty_style="cumulative",
        ),
        r"cumulative.*l1_ratio=0.0 has none.*Use penalty='l1'",
    ),
    "lbfgs-decoupled": (
        dict(solver="lbfgs", penalty="l2", penalty_style="decoupled"),
        r"lbfgs.*takes no steps.*use penalty_style='gradient'",
    ),
    "lbfgs-multiplicative": (
        dict(solver="lbfgs", penalty="l2", penalty_style="multiplicative", alpha=0.99),
        r"lbfgs.*takes no steps.*use penalty_style='gradient'",
    ),
    "decoupled-l2-shrink-1": (
        dict(solver="sgd", penalty="l2", penalty_style="decoupled", alpha=1.0),
        r"decoupled.*>= 1.*Use alpha \* \(L2 share\) < 1",
    ),
    "decoupled-elasticnet-shrink-above-1": (
        dict(
            solver="adam",
            penalty="elasticnet",
            l1_ratio=0.5,
            alpha=2.5,
            penalty_style="decoupled",
        ),
        r"decoupled.*= 1\.25 .*>= 1.*Use alpha",
    ),
    "multiplicative-alpha-0": (
        dict(solver="sgd", penalty="l2", penalty_style="multiplicative", alpha=0.0),
        r"multiplicative.*\(0, 1\]; got alpha=0\.0.*1 - learning_rate \* lambda",
    ),
    "multiplicative-alpha-1.5": (
        dict(solver="sgd", penalty="l2", penalty_style="multiplicative", alpha=1.5),
        r"multiplicative.*\(0, 1\]; got alpha=1\.5",
    ),
}


@pytest.mark.parametrize(
    "params, message", BAD_COMBINATIONS.values(), ids=BAD_COMBINATIONS.keys()
)
def test_bad_combination_raises_value_error_saying_what_to_use(data, params, message):
    X, y = data
    est = small(**params)
    with pytest.raises(ValueError, match=re.compile(message, re.DOTALL)):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")
    if params["solver"] != "lbfgs":
        with pytest.raises(ValueError, match=re.compile(message, re.DOTALL)):
            small(**params).partial_fit(X, y, classes=np.unique(y))


@pytest.mark.parametrize(
    "params",
    [
        # elastic net L2 share 1.5 * 0.5 = 0.75 < 1
        dict(penalty="elasticnet", l1_ratio=0.5, alpha=1.5, penalty_style="decoupled"),
        # no L2 part, so no shrink-factor limit
        dict(penalty="l1", alpha=1.0, penalty_style="decoupled"),
        dict(penalty="l1", penalty_style="cumulative"),
        dict(penalty="elasticnet", l1_ratio=0.1, penalty_style="cumulative"),
        dict(penalty="l2", alpha=1.0, penalty_style="multiplicative"),
    ],
    ids=repr,
)
def test_boundary_combinations_are_accepted(data, params):
    X, y = data
    est = small(solver="sgd", **params).fit(X, y)
    assert np.isfinite(est.coefs_[0]).all()


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", penalty_style="multiplicative", alpha=0.0),
        dict(solver="sgd", penalty_style="multiplicative", alpha=1.5),
        dict(solver="adam", penalty_style="cumulative", l1_ratio=0.0),
        dict(solver="sgd", penalty_style="decoupled", alpha=5.0),
        dict(solver="lbfgs", penalty_style="decoupled"),
        dict(solver="lbfgs", penalty_style="multiplicative", alpha=0.0),
    ],
    ids=repr,
)
def test_no_combination_check_applies_without_a_penalty(data, params):
    X, y = data
    est = small(penalty=None, **params)
    with warnings.catch_warnings():
        # (the last filter added is matched first)
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    unpenalized = small(penalty="l2", alpha=0.0, solver=params["solver"]).fit(X, y)
    # penalty=None trains exactly as a zero penalty does.
    for a, b in zip(est.coefs_, unpenalized.coefs_, strict=True):
        assert_array_equal(a, b)


def test_multiplicative_alpha_below_one_half_warns(data):
    X, y = data
    est = small(solver="sgd", penalty="l2", penalty_style="multiplicative", alpha=0.3)
    with pytest.warns(UserWarning, match="alpha=0.3 keeps less than half"):
        est.fit(X, y)


def test_multiplicative_alpha_close_to_one_does_not_warn(data):
    X, y = data
    est = small(solver="sgd", penalty="l2", penalty_style="multiplicative", alpha=0.97)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    others = [
        w
        for w in caught
        if issubclass(w.category, UserWarning)
        and not issubclass(w.category, ConvergenceWarning)
    ]
    assert others == []


# --------------------------------------------------------------- bad data
@pytest.mark.parametrize(
    "bad, message", [(np.nan, "Input X contains NaN"), (np.inf, "Input X contains inf")]
)
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_non_finite_input_is_refused(data, bad, message, solver):
    X, y = data
    X = X.copy()
    X[3, 2] = bad
    with pytest.raises(ValueError, match=message):
        small(solver=solver).fit(X, y)


def test_non_finite_input_is_refused_at_predict(data):
    X, y = data
    est = small().fit(X, y)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        est.predict(X_bad)


# -------------------------------------------------------------- divergence
DIVERGING = {
    "huge-inputs": (dict(solver="sgd"), 1e200, "learning_rate_init"),
    "huge-inputs-minibatches": (
        dict(solver="sgd", batch_size=10),
        1e200,
        "learning_rate_init",
    ),
    # alpha * learning_rate = 10: each L2 step flips and grows every weight
    # ninefold, until the penalty overflows.
    "penalty-step-too-big": (
        dict(
            solver="sgd",
            momentum=0.0,
            learning_rate_init=1.0,
            alpha=10.0,
            max_iter=1000,
            n_iter_no_change=np.inf,
        ),
        1.0,
        "alpha",
    ),
}


@diverging
@pytest.mark.parametrize(
    "params, scale, knob", DIVERGING.values(), ids=DIVERGING.keys()
)
def test_divergence_raises_and_leaves_an_unfitted_estimator_unfitted(
    data, params, scale, knob
):
    X, y = data
    est = small(**params)
    with pytest.raises(TrainingDivergedError) as info:
        est.fit(X * scale, y)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert re.search(r"epoch \d+", message)
    assert f"Lower {knob}" in message or f"or {knob}" in message
    with pytest.raises(NotFittedError):
        est.predict(X)
    assert not hasattr(est, "coefs_")


@diverging
def test_divergence_in_first_partial_fit_leaves_estimator_unfitted(data):
    X, y = data
    est = small(solver="sgd", batch_size=10)
    with pytest.raises(TrainingDivergedError, match=r"epoch 1\b"):
        est.partial_fit(X * 1e200, y, classes=np.unique(y))
    with pytest.raises(NotFittedError):
        est.predict(X)
    # and the estimator can still start afresh
    est.partial_fit(X, y, classes=np.unique(y))
    assert np.isfinite(est.predict_proba(X)).all()


@diverging
@pytest.mark.parametrize("method", ["warm_start", "partial_fit"])
def test_divergence_keeps_the_previous_finite_model(data, method):
    X, y = data
    est = small(solver="sgd", batch_size=10, warm_start=method == "warm_start")
    est.fit(X, y)
    coefs = [c.copy() for c in est.coefs_]
    intercepts = [b.copy() for b in est.intercepts_]
    proba = est.predict_proba(X)
    state = {k: getattr(est, k) for k in ("n_iter_", "t_", "loss_")}
    curve = list(est.loss_curve_)
    velocity = est._fit_state["optimizer"]["velocity"].copy()

    with pytest.raises(TrainingDivergedError):
        if method == "warm_start":
            est.fit(X * 1e200, y)
        else:
            est.partial_fit(X * 1e200, y)

    for before, after in zip(
        coefs + intercepts, est.coefs_ + est.intercepts_, strict=True
    ):
        assert_array_equal(before, after)
    assert_array_equal(est.predict_proba(X), proba)
    assert {k: getattr(est, k) for k in state} == state
    assert est.loss_curve_ == curve
    assert_array_equal(est._fit_state["optimizer"]["velocity"], velocity)

    # Training continues from the kept model as if the failure never happened.
    reference = clone(est).fit(X, y)
    if method == "warm_start":
        est.fit(X, y)
        reference.fit(X, y)
    else:
        est.partial_fit(X, y)
        reference.partial_fit(X, y)
    assert est.t_ == reference.t_
    assert est.loss_curve_ == reference.loss_curve_
    for a, b in zip(est.coefs_, reference.coefs_, strict=True):
        assert_array_equal(a, b)


@diverging
def test_lbfgs_divergence_leaves_an_unfitted_estimator_unfitted(data):
    X, y = data
    est = small(solver="lbfgs")
    with pytest.raises(ValueError, match="non-finite"):
        est.fit(X * 1e200, y)
    with pytest.raises(NotFittedError):
        est.predict(X)


# ----------------------------------------------- inputs are never modified
FIT_CONFIGS = {
    "sgd-shuffle": dict(solver="sgd", batch_size=16),
    "adam-early-stopping": dict(
        solver="adam", early_stopping=True, validation_fraction=0.2
    ),
    "lbfgs": dict(solver="lbfgs"),
    "proximal-l1": dict(
        solver="sgd", penalty="l1", penalty_style="proximal", batch_size=10
    ),
    "cumulative-float32": dict(solver="adam", penalty="l1", penalty_style="cumulative"),
}


@pytest.mark.parametrize("params", FIT_CONFIGS.values(), ids=FIT_CONFIGS.keys())
@pytest.mark.parametrize("container", ["numpy", "numpy-float32", "pandas"])
def test_fit_does_not_modify_callers_data(data, params, container):
    X, y = data
    sample_weight = np.linspace(0.5, 2.0, X.shape[0])
    if container == "pandas":
        X_in = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
        y_in = pd.Series(y, name="target")
        sw_in = pd.Series(sample_weight)
    else:
        dtype = np.float32 if container == "numpy-float32" else np.float64
        X_in, y_in, sw_in = X.astype(dtype), y.copy(), sample_weight.copy()
    X_copy, y_copy, sw_copy = X_in.copy(), y_in.copy(), sw_in.copy()

    est = small(**params).fit(X_in, y_in, sample_weight=sw_in)
    est.predict_proba(X_in)
    if params["solver"] != "lbfgs" and not params.get("early_stopping"):
        est.partial_fit(X_in, y_in, sample_weight=sw_in)

    if container == "pandas":
        pd.testing.assert_frame_equal(X_in, X_copy)
        pd.testing.assert_series_equal(y_in, y_copy)
        pd.testing.assert_series_equal(sw_in, sw_copy)
    else:
        assert X_in.dtype == X_copy.dtype
        assert_array_equal(X_in, X_copy)
        assert_array_equal(y_in, y_copy)
        assert_array_equal(sw_in, sw_copy)
