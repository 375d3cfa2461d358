"""Safe persistence: fitted estimators round-trip through skops.io exactly."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier, RegularizedMLPRegressor, persist

sio = pytest.importorskip(
    "skops.io", reason='skops is not installed: pip install "sklearn_nnreg[persist]"'
)
from skops.io.exceptions import UntrustedTypesFoundException  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_ALL, Y_ALL = load_digits(return_X_y=True)
X, Y = X_ALL[:240] / 16.0, Y_ALL[:240]
X_MORE, Y_MORE = X_ALL[240:400] / 16.0, Y_ALL[240:400]
LABELS = np.array(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    dtype=object,
)

CASES = {
    "sgd": dict(solver="sgd", penalty="l2"),
    "adam": dict(solver="adam", penalty="elasticnet", penalty_style="proximal"),
    "lbfgs": dict(solver="lbfgs", penalty="l1"),
    "sgd-cumulative": dict(solver="sgd", penalty="l1", penalty_style="cumulative"),
    "adam-cumulative": dict(
        solver="adam", penalty="elasticnet", penalty_style="cumulative"
    ),
    "adam-early-stopping": dict(solver="adam", early_stopping=True),
}
STOCHASTIC = [
    c
    for c, p in CASES.items()
    if p["solver"] != "lbfgs" and not p.get("early_stopping")
]


def _fit(case, y=Y):
    return RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), max_iter=6, random_state=0, **CASES[case]
    ).fit(X, y)


def _assert_same_state(a, b, path="est"):
    """Equal values of equal types, arrays bitwise, recursively."""
    assert type(a) is type(b), f"{path}: {type(a)} != {type(b)}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        if a.dtype.kind == "O":
            assert a.tolist() == b.tolist(), path
        else:
            assert a.tobytes() == b.tobytes(), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _assert_same_state(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same_state(x, y, f"{path}[{i}]")
    elif hasattr(a, "__dict__"):
        _assert_same_state(vars(a), vars(b), f"{path}.__dict__")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), path
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


CLASSIFIER = "sklearn_nnreg._classifier.RegularizedMLPClassifier"


def _round_trip(est):
    return sio.loads(sio.dumps(est), trusted=persist.trusted_types())


def test_trusted_types_name_the_estimator_classes():
    names = persist.trusted_types()
    assert names == [
        "sklearn_nnreg._classifier.RegularizedMLPClassifier",
        "sklearn_nnreg._regressor.RegularizedMLPRegressor",
    ]
    classes = []
    for full_name in names:
        module, _, name = full_name.rpartition(".")
        classes.append(getattr(__import__(module, fromlist=[name]), name))
    assert classes == [RegularizedMLPClassifier, RegularizedMLPRegressor]


@pytest.mark.parametrize("case", list(CASES))
def test_only_the_estimator_class_needs_trust(case):
    """skops trusts everything in the fitted state: arrays, plain values, sklearn."""
    clf = _fit(case)
    assert sio.get_untrusted_types(data=sio.dumps(clf)) == [CLASSIFIER]


@pytest.mark.parametrize("case", list(CASES))
def test_round_trip_keeps_state_and_predictions(case):
    clf = _fit(case)
    loaded = _round_trip(clf)
    _assert_same_state(clf.__dict__, loaded.__dict__)
    assert loaded.predict(X_MORE).tolist() == clf.predict(X_MORE).tolist()
    assert loaded.predict_proba(X_MORE).tobytes() == clf.predict_proba(X_MORE).tobytes()


def test_the_state_check_can_fail():
    clf = _fit("adam")
    other = _fit("adam")
    other.partial_fit(X, Y)
    with pytest.raises(AssertionError):
        _assert_same_state(clf.__dict__, other.__dict__)


@pytest.mark.parametrize("case", STOCHASTIC)
def test_partial_fit_continues_identically_after_loading(case):
    clf = _fit(case)
    loaded = _round_trip(clf)
    for est in (clf, loaded):
        est.partial_fit(X_MORE, Y_MORE)
        est.partial_fit(X, Y)
    _assert_same_state(clf.__dict__, loaded.__dict__)
    # and that is not trivially so: the continued fit moved the weights
    assert clf.coefs_[0].tobytes() != _fit(case).coefs_[0].tobytes()


def test_cumulative_style_state_survives():
    clf = _fit("sgd-cumulative")
    owed = clf._fit_state["style"]["owed"]
    # The style's memory is not trivial: the debts differ between weights.
    assert owed.shape == (2, clf.coefs_[0].size + clf.coefs_[1].size)
    assert len(np.unique(owed[0])) > 10 and len(np.unique(owed[1])) > 10
    loaded = _round_trip(clf)
    loaded_owed = loaded._fit_state["style"]["owed"]
    assert loaded_owed.dtype == owed.dtype and loaded_owed.tobytes() == owed.tobytes()


def test_string_labels_and_a_pipeline(tmp_path):
    pipe = make_pipeline(
        StandardScaler(),
        RegularizedMLPClassifier(
            hidden_layer_sizes=(8,),
            max_iter=5,
            random_state=0,
            penalty="l1",
            penalty_style="proximal",
            solver="sgd",
        ),
    )
    pipe.fit(X, LABELS[Y])
    path = tmp_path / "pipe.skops"
    persist.dump(pipe, path)
    assert sio.get_untrusted_types(file=path) == [CLASSIFIER]
    loaded = persist.load(path)
    assert loaded.predict(X_MORE).tolist() == pipe.predict(X_MORE).tolist()
    assert loaded[-1].classes_.tolist() == sorted(LABELS.tolist())


def test_untrusted_file_is_refused():
    clf = _fit("sgd")
    data = sio.dumps(clf)
    with pytest.raises(UntrustedTypesFoundException):
        sio.loads(data)  # nothing trusted: the estimator class is refused
    # persist.load trusts only the library's types, not anything else
    from fractions import Fraction

    payload = sio.dumps({"model": clf, "extra": Fraction(1, 3)})
    with pytest.raises(UntrustedTypesFoundException, match="Fraction"):
        sio.loads(payload, trusted=persist.trusted_types())
    trusted = [*persist.trusted_types(), "fractions.Fraction"]
    loaded = sio.loads(payload, trusted=trusted)
    assert loaded["extra"] == Fraction(1, 3)


def test_pickle_still_works_beside_skops():
    clf = _fit("adam-cumulative")
    via_pickle = pickle.loads(pickle.dumps(clf))
    via_skops = _round_trip(clf)
    _assert_same_state(via_pickle.__dict__, via_skops.__dict__)


def test_a_fitted_regressor_needs_only_its_own_class_trusted():
    reg = RegularizedMLPRegressor(
        "poisson",
        hidden_layer_sizes=(4,),
        max_iter=5,
        random_state=0,
        penalty="l1",
        penalty_style="cumulative",
    ).fit(X, Y)
    data = sio.dumps(reg)
    assert sio.get_untrusted_types(data=data) == [
        "sklearn_nnreg._regressor.RegularizedMLPRegressor"
    ]
    loaded = sio.loads(data, trusted=persist.trusted_types())
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert loaded.out_activation_ == "exp"
