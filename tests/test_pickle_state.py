"""What GridSearchCV ships to workers, and a fitted estimator, pickle small and clean.

A fitted ``RegularizedMLPClassifier`` must hold only numpy arrays, plain
Python values and scikit-learn's ``LabelBinarizer``: no optimizer, style,
trainer or RandomState objects and no open handles, so that it pickles to
about the bytes of the arrays it has to keep (the weights, plus the
optimizer's and the style's memory for ``partial_fit``).
"""

import pickle
import warnings
from numbers import Integral, Real

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelBinarizer, StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier, style_param_grid

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X, Y = X_DIGITS[:300] / 16.0, Y_DIGITS[:300]
HIDDEN = (32,)
#: Bytes a pickle may add to its arrays: names, parameters, LabelBinarizer.
OVERHEAD = 4096

# (fit settings, how many weight-sized vectors the fitted state must keep):
# the weights, sgd's velocity, adam's m and v, the cumulative style's two
# debts per penalized weight, early stopping's best weights.
CASES = {
    "lbfgs": (dict(solver="lbfgs"), 1),
    "sgd-no-momentum": (dict(solver="sgd", momentum=0.0), 1),
    "sgd": (dict(solver="sgd"), 2),
    "adam": (dict(solver="adam"), 3),
    "adam-cumulative": (
        dict(solver="adam", penalty="l1", penalty_style="cumulative"),
        5,
    ),
    "sgd-proximal-l1": (dict(solver="sgd", penalty="l1", penalty_style="proximal"), 2),
    "adam-early-stopping": (dict(solver="adam", early_stopping=True), 4),
}


def _fit(**params):
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=HIDDEN, max_iter=8, random_state=0, **params
    )
    return clf.fit(X, Y)


def _plain_leaves(value, path="est"):
    """Yield ``(path, value)`` for every leaf; fail on anything not plain."""
    if value is None or isinstance(value, (bool, str, Integral, Real)):
        yield path, value
    elif isinstance(value, np.ndarray):
        assert value.dtype.kind in "biuf" or (
            value.dtype.kind in "OU"
            and all(isinstance(v, (str, Integral)) for v in value.ravel())
        ), f"{path}: array of dtype {value.dtype}"
        yield path, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _plain_leaves(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{path}: key {key!r} is not a string"
            yield from _plain_leaves(item, f"{path}[{key!r}]")
    elif type(value) is LabelBinarizer:
        yield from _plain_leaves(value.__dict__, f"{path}.__dict__")
    else:
        raise AssertionError(
            f"{path} is a {type(value).__module__}.{type(value).__qualname__}, "
            "not a plain value"
        )


def _param_bytes(clf):
    return sum(a.nbytes for a in clf.coefs_ + clf.intercepts_)


@pytest.mark.parametrize("case", list(CASES))
def test_fitted_state_is_only_plain_values(case):
    clf = _fit(**CASES[case][0])
    leaves = dict(_plain_leaves(clf.__dict__))
    assert any(k.startswith("est['coefs_']") for k in leaves)
    # No array shares memory with another one in a way pickle would duplicate
    # silently, and nothing is bigger than the whole weight vector (but the
    # cumulative style's debts: two rows of at most one per weight).
    n_params = sum(a.size for a in clf.coefs_ + clf.intercepts_)
    for path, leaf in leaves.items():
        if isinstance(leaf, np.ndarray):
            if path.endswith("['owed']"):
                assert leaf.shape[0] == 2 and leaf.shape[1] <= n_params, path
            else:
                assert leaf.size <= n_params, path


def test_the_walker_rejects_objects():
    """The check above can fail: a RandomState or an open file is refused."""
    with pytest.raises(AssertionError, match="RandomState"):
        list(_plain_leaves({"rng": np.random.RandomState(0)}))
    with open(__file__) as handle, pytest.raises(AssertionError, match="TextIO"):
        list(_plain_leaves([handle]))
    with pytest.raises(AssertionError, match="key 1"):
        list(_plain_leaves({1: 2.0}))


@pytest.mark.parametrize("case", list(CASES))
def test_pickle_is_about_the_bytes_of_the_kept_arrays(case):
    params, vectors = CASES[case]
    clf = _fit(**params)
    weights = _param_bytes(clf)
    arrays = sum(
        leaf.nbytes
        for path, leaf in _plain_leaves(clf.__dict__)
        if isinstance(leaf, np.ndarray) and "classes_" not in path
    )
    # The state keeps exactly the vectors it needs.
    assert weights * (vectors - 0.5) < arrays <= weights * vectors
    size = len(pickle.dumps(clf, protocol=pickle.HIGHEST_PROTOCOL))
    assert size < vectors * weights + OVERHEAD, (size, weights)
    assert size < 1.02 * arrays + OVERHEAD


def test_lbfgs_pickle_is_the_weights_and_a_little_more():
    clf = _fit(solver="lbfgs")
    size = len(pickle.dumps(clf))
    weights = _param_bytes(clf)
    assert weights < size < weights + OVERHEAD // 2


def test_what_grid_search_ships_is_small():
    """The unfitted estimator, a pipeline and the grid pickle in a few KB."""
    est = RegularizedMLPClassifier(hidden_layer_sizes=HIDDEN, random_state=0)
    pipe = make_pipeline(StandardScaler(), est)
    grid = style_param_grid(
        [1e-4, 1e-3], penalty="l1", prefix="regularizedmlpclassifier__"
    )
    search = GridSearchCV(pipe, grid, cv=3)
    assert len(pickle.dumps(clone(est))) < 2048
    assert len(pickle.dumps(pipe)) < 3072
    assert len(pickle.dumps(search)) < 4096
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X[:120], Y[:120])
    # Fitting the search leaves the shipped template unfitted and unchanged.
    assert not hasattr(est, "coefs_")
    assert len(pickle.dumps(pipe)) < 3072


def test_unpickled_estimator_predicts_and_continues_identically():
    clf = _fit(solver="adam", penalty="l1", penalty_style="cumulative")
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    for est in (clf, copy):
        est.partial_fit(X, Y)
    for a, b in zip(
        clf.coefs_ + clf.intercepts_, copy.coefs_ + copy.intercepts_, strict=True
    ):
        assert a.tobytes() == b.tobytes()
