"""Pruning hidden units, and feature selection with the group lasso."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel

from sklearn_nnreg import RegularizedMLPClassifier
from sklearn_nnreg._heads import make_head
from sklearn_nnreg._network import forward
from sklearn_nnreg._prune import prune_units


@pytest.fixture(scope="module")
def data():
    return make_classification(
        120, 20, n_informative=3, n_redundant=0, n_classes=3, random_state=0
    )


@pytest.fixture(scope="module")
def fitted(data):
    est = RegularizedMLPClassifier(
        (16, 8),
        solver="adam",
        learning_rate_init=0.005,
        max_iter=100,
        batch_size=120,
        penalty="group_lasso",
        penalty_style="proximal",
        alpha=0.01,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*data)


def outputs(coefs, intercepts, X, activation="relu"):
    return forward(coefs, intercepts, X, activation, make_head("log_loss", "softmax"))


def test_prune_removes_the_units_with_a_zero_group_and_keeps_predictions(data, fitted):
    X, _ = data
    dead = [int((~c.any(axis=1)).sum()) for c in fitted.coefs_[1:]]
    assert sum(dead) > 0  # the fit zeroed some hidden units' groups
    pruned = fitted.prune()
    assert pruned is not fitted
    assert sum(pruned.hidden_layer_sizes) < sum(fitted.hidden_layer_sizes)
    assert [c.shape[1] for c in pruned.coefs_[:-1]] == list(pruned.hidden_layer_sizes)
    assert pruned.coefs_[0].shape[0] == X.shape[1]  # inputs are never removed
    np.testing.assert_allclose(
        pruned.predict_proba(X), fitted.predict_proba(X), rtol=0, atol=1e-12
    )
    assert fitted.hidden_layer_sizes == (16, 8)  # the original is unchanged
    assert all(c.shape[1] == n for c, n in zip(fitted.coefs_, (16, 8, 3), strict=True))


def test_a_pruned_model_keeps_no_unit_with_a_zero_group(fitted):
    pruned = fitted.prune()
    for incoming, outgoing in zip(pruned.coefs_[:-1], pruned.coefs_[1:], strict=True):
        assert outgoing.any(axis=1).all()
        assert incoming.any(axis=0).all()


def test_constant_units_are_folded_into_the_next_intercepts():
    rng = np.random.default_rng(0)
    coefs = [rng.normal(size=(4, 5)), rng.normal(size=(5, 3)), rng.normal(size=(3, 2))]
    intercepts = [rng.normal(size=5), rng.normal(size=3), rng.normal(size=2)]
    coefs[0][:, 1] = 0.0  # unit 1 of layer 1 is constant: relu(b)
    intercepts[0][1] = 0.7
    coefs[1][3] = 0.0  # unit 3 of layer 1 is dead: nothing goes out
    coefs[1][:, 2] = 0.0  # unit 2 of layer 2: its only inputs...
    coefs[0][:, 4] = 0.0  # ... include a constant unit, folded first
    X = rng.normal(size=(20, 4))
    before = [c.copy() for c in coefs]
    new_coefs, new_intercepts = prune_units(coefs, intercepts, "tanh")
    assert [c.shape for c in new_coefs] == [(4, 2), (2, 2), (2, 2)]
    np.testing.assert_allclose(
        outputs(new_coefs, new_intercepts, X, "tanh"),
        outputs(coefs, intercepts, X, "tanh"),
        rtol=0,
        atol=1e-12,
    )
    assert all(np.array_equal(a, b) for a, b in zip(before, coefs, strict=True))


def test_a_layer_with_nothing_left_keeps_one_silent_unit():
    rng = np.random.default_rng(1)
    coefs = [rng.normal(size=(3, 4)), np.zeros((4, 2))]
    intercepts = [rng.normal(size=4), rng.normal(size=2)]
    new_coefs, new_intercepts = prune_units(coefs, intercepts, "relu")
    assert [c.shape for c in new_coefs] == [(3, 1), (1, 2)]
    assert not new_coefs[1].any()
    X = rng.normal(size=(5, 3))
    np.testing.assert_allclose(
        outputs(new_coefs, new_intercepts, X), outputs(coefs, intercepts, X)
    )


def test_a_pruned_model_can_be_trained_further(data, fitted):
    pruned = fitted.prune()
    pruned.set_params(warm_start=True, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pruned.fit(*data)
    assert [c.shape[1] for c in pruned.coefs_[:-1]] == list(pruned.hidden_layer_sizes)


def test_feature_importances_are_the_input_group_norms(fitted):
    expected = [np.linalg.norm(row) for row in fitted.coefs_[0]]
    np.testing.assert_allclose(fitted.feature_importances_, expected)
    assert (fitted.feature_importances_ == 0).any()


def test_select_from_model_keeps_exactly_the_inputs_with_a_group(data, fitted):
    X, _ = data
    selector = SelectFromModel(fitted, threshold=1e-12, prefit=True)
    kept = selector.get_support()
    np.testing.assert_array_equal(kept, fitted.coefs_[0].any(axis=1))
    assert 0 < kept.sum() < X.shape[1]
    assert selector.transform(X).shape[1] == kept.sum()
