"""RegularizedMLPRegressor's behaviour.

The first part restates, in our own words, what scikit-learn's
``test_mlp.py`` asks of ``MLPRegressor`` (a worked example, partial_fit
against fit, early stopping, several outputs, the Poisson loss); the rest
covers what the regressor adds or refuses.
"""

import io
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import (
    RegularizedMLPClassifier,
    RegularizedMLPRegressor,
    TrainingDivergedError,
    sparsity_scorer,
)
from sklearn_nnreg._styles import STYLES

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X[:150])
    y = y[:150]
    return X, (y - y.mean()) / y.std()


@pytest.fixture(scope="module")
def small():
    X, y = make_regression(60, 4, noise=0.5, random_state=0)
    return X, y / y.std()


# ----------------------------------------------- scikit-learn's own behaviours
@pytest.mark.parametrize("activation", ["identity", "tanh", "relu", "logistic"])
def test_lbfgs_fits_a_regression_well_with_every_activation(diabetes, activation):
    X, y = diabetes
    reg = RegularizedMLPRegressor(
        solver="lbfgs",
        hidden_layer_sizes=20,
        activation=activation,
        alpha=1e-4,
        max_iter=300,
        random_state=1,
    ).fit(X, y)
    # A linear model explains about half the variance; a network more.
    expected = 0.45 if activation == "identity" else 0.7
    assert reg.score(X, y) > expected
    assert reg.predict(X).shape == (len(y),)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_partial_fit_epochs_equal_fit_with_full_batches(small, momentum):
    X, y = small
    params = dict(
        solver="sgd",
        learning_rate_init=0.01,
        batch_size=X.shape[0],
        momentum=momentum,
        random_state=1,
        hidden_layer_sizes=(5,),
    )
    fitted = RegularizedMLPRegressor(max_iter=30, tol=0, **params).fit(X, y)
    stepwise = RegularizedMLPRegressor(**params)
    for _ in range(30):
        stepwise.partial_fit(X, y)
    np.testing.assert_allclose(stepwise.predict(X), fitted.predict(X), rtol=1e-12)


def test_early_stopping_keeps_the_best_r2_and_stops_early(small):
    X, y = small
    tol = 0.2
    reg = RegularizedMLPRegressor(
        tol=tol, max_iter=3000, solver="sgd", early_stopping=True, random_state=0
    ).fit(X, y)
    assert reg.n_iter_ < reg.max_iter
    assert reg.best_loss_ is None
    scores = reg.validation_scores_
    assert max(scores) == reg.best_validation_score_
    assert reg.best_validation_score_ + tol > scores[-2]
    assert reg.best_validation_score_ + tol > scores[-1]
    # The validation score is the R² of the held-out part.
    assert all(score <= 1.0 for score in scores)
    plain = RegularizedMLPRegressor(
        tol=tol, max_iter=3000, solver="sgd", random_state=0
    ).fit(X, y)
    assert plain.validation_scores_ is None
    assert plain.best_validation_score_ is None
    assert plain.best_loss_ is not None


def test_several_outputs_are_fitted_and_predicted_as_columns():
    X, y = make_regression(n_samples=200, n_targets=5, random_state=11)
    reg = RegularizedMLPRegressor(
        solver="lbfgs", hidden_layer_sizes=50, max_iter=200, tol=1e-2, random_state=1
    ).fit(X, y)
    assert reg.n_outputs_ == 5
    assert reg.predict(X).shape == (200, 5)
    assert reg.score(X, y) > 0.9


def test_poisson_without_hidden_nonlinearity_is_the_poisson_glm():
    rng = np.random.default_rng(0)
    X = np.linspace(0, 1, 100).reshape(-1, 1)
    y = rng.poisson(np.exp(X[:, 0] + 1))
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    # One identity hidden unit: a linear predictor under the exp link.
    params = dict(
        hidden_layer_sizes=(1,),
        activation="identity",
        penalty=None,
        solver="lbfgs",
        tol=1e-7,
        random_state=1,
    )
    poisson = RegularizedMLPRegressor("poisson", **params).fit(X, y)
    assert poisson.out_activation_ == "exp"
    np.testing.assert_allclose(poisson.predict(X), glm.predict(X), rtol=1e-4)
    squared = RegularizedMLPRegressor("squared_error", **params).fit(X, y)
    assert not np.allclose(squared.predict(X), glm.predict(X), rtol=1e-4)


def test_partial_fit_refuses_early_stopping(small):
    X, y = small
    reg = RegularizedMLPRegressor(early_stopping=True, max_iter=5, random_state=0)
    reg.fit(X, y)
    with pytest.raises(ValueError, match="partial_fit does not support early_stop"):
        reg.partial_fit(X, y)


def test_a_validation_set_of_one_sample_is_refused():
    X, y = make_regression(n_samples=2, n_features=5, random_state=0)
    with pytest.raises(ValueError, match="The validation set is too small"):
        RegularizedMLPRegressor(early_stopping=True, random_state=0).fit(X, y)
    assert not hasattr(RegularizedMLPRegressor(solver="lbfgs"), "partial_fit")


def test_float32_input_trains_and_predicts_in_float32(small):
    X, y = small
    params = dict(hidden_layer_sizes=(5, 3), random_state=1, max_iter=50)
    reg32 = RegularizedMLPRegressor(**params).fit(X.astype(np.float32), y)
    reg64 = RegularizedMLPRegressor(**params).fit(X, y)
    assert reg32.coefs_[0].dtype == np.float32
    assert reg32.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(
        reg32.predict(X.astype(np.float32)), reg64.predict(X), rtol=1e-3, atol=1e-3
    )


def test_unit_sample_weight_equals_no_weight_with_early_stopping(small):
    X, y = small
    params = dict(
        hidden_layer_sizes=10,
        early_stopping=True,
        tol=1e-2,
        learning_rate_init=0.01,
        batch_size=10,
        random_state=42,
    )
    weighted = RegularizedMLPRegressor(**params).fit(X, y, sample_weight=np.ones(60))
    plain = RegularizedMLPRegressor(**params).fit(X, y)
    np.testing.assert_allclose(weighted.predict(X), plain.predict(X))


# ----------------------------------------------------- what the regressor adds
@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_style_and_solver_combinations_follow_the_classifiers_rules(
    small, style, solver
):
    X, y = small
    penalty = "l2" if style == "multiplicative" else "l1"
    alpha = 0.999 if style == "multiplicative" else 1e-3
    params = dict(
        penalty=penalty,
        penalty_style=style,
        solver=solver,
        alpha=alpha,
        max_iter=5,
        random_state=0,
        hidden_layer_sizes=(4,),
    )
    y_class = (y > 0).astype(int)
    try:
        RegularizedMLPClassifier(**params).fit(X, y_class)
    except ValueError as refused:
        with pytest.raises(ValueError) as ours:
            RegularizedMLPRegressor(**params).fit(X, y)
        assert str(ours.value) == str(refused)
    else:
        reg = RegularizedMLPRegressor(**params).fit(X, y)
        assert np.isfinite(reg.predict(X)).all()


def test_proximal_l1_gives_exact_zeros_and_feature_importances(diabetes):
    X, y = diabetes
    reg = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,),
        solver="lbfgs",
        penalty="l1",
        alpha=0.05,
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    zeros = reg.coefs_[0] == 0
    assert reg.sparsity_ == pytest.approx(
        np.mean(np.concatenate([(c == 0).ravel() for c in reg.coefs_]))
    )
    assert reg.sparsity_ > 0.3
    importances = reg.feature_importances_
    assert importances.shape == (X.shape[1],)
    np.testing.assert_array_equal(importances == 0, zeros.all(axis=1))
    assert sparsity_scorer(reg) == reg.sparsity_


def test_poisson_refuses_negative_targets_and_leaves_the_model_unfitted(small):
    X, y = small
    reg = RegularizedMLPRegressor("poisson", max_iter=5)
    with pytest.raises(ValueError, match="loss='poisson' needs non-negative"):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_")


def test_warm_start_refuses_a_changed_loss(small):
    X, y = small
    counts = np.round(np.abs(y))
    reg = RegularizedMLPRegressor(max_iter=5, warm_start=True, random_state=0)
    reg.fit(X, counts)
    reg.set_params(loss="poisson")
    with pytest.raises(ValueError, match="output activation is 'identity'"):
        reg.fit(X, counts)
    assert reg.out_activation_ == "identity"
    reg.set_params(warm_start=False).fit(X, counts)
    assert reg.out_activation_ == "exp"


def test_a_column_target_is_flattened_with_a_warning(small):
    X, y = small
    reg = RegularizedMLPRegressor(max_iter=3, random_state=0)
    with pytest.warns(Warning, match="column-vector y"):
        reg.fit(X, y.reshape(-1, 1))
    assert reg.predict(X).shape == (len(y),)


def test_non_numeric_targets_are_refused(small):
    X, _ = small
    with pytest.raises(ValueError):
        RegularizedMLPRegressor(max_iter=3).fit(X, np.array(["a", "b"] * 30))


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_sparse_input_trains_the_same_weights_as_dense(small, solver):
    X, y = small
    params = dict(solver=solver, max_iter=10, random_state=0, hidden_layer_sizes=(5,))
    dense = RegularizedMLPRegressor(**params).fit(X, y)
    sparse = RegularizedMLPRegressor(**params).fit(sp.csr_matrix(X), y)
    for a, b in zip(dense.coefs_, sparse.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_divergence_raises_and_keeps_the_previous_model(small):
    X, y = small
    reg = RegularizedMLPRegressor(
        solver="sgd", max_iter=5, random_state=0, hidden_layer_sizes=(5,)
    ).fit(X, y)
    before = [c.copy() for c in reg.coefs_]
    reg.set_params(learning_rate_init=50.0, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(TrainingDivergedError, match="learning_rate_init"):
            reg.fit(X, y * 1e3)
    for a, b in zip(before, reg.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_input_data_is_never_modified(small):
    X, y = small
    X_copy, y_copy, w = X.copy(), y.copy(), np.ones(len(y))
    RegularizedMLPRegressor(max_iter=3, random_state=0).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(w, 1.0)


def test_verbose_prints_the_loss_of_each_epoch(small, capsys):
    X, y = small
    RegularizedMLPRegressor(max_iter=3, verbose=True, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("Iteration") == 3 and "loss = " in out


def test_pickle_clone_and_grid_search(small):
    X, y = small
    reg = RegularizedMLPRegressor(max_iter=5, random_state=0, hidden_layer_sizes=(4,))
    reg.fit(X, y)
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))
    assert clone(reg).get_params() == reg.get_params()
    search = GridSearchCV(clone(reg), {"alpha": [1e-4, 1e-1]}, cv=2).fit(X, y)
    assert set(search.cv_results_["param_alpha"]) == {1e-4, 1e-1}


def test_the_first_positional_parameter_is_loss_as_in_mlp_regressor():
    reg = RegularizedMLPRegressor("poisson", (3,))
    assert reg.loss == "poisson" and reg.hidden_layer_sizes == (3,)
    ours = RegularizedMLPRegressor().get_params()
    theirs = MLPRegressor().get_params()
    for name, value in theirs.items():
        assert ours[name] == value, name


def test_persists_through_skops(small):
    pytest.importorskip("skops")
    from sklearn_nnreg import persist

    X, y = small
    reg = RegularizedMLPRegressor(max_iter=5, random_state=0).fit(X, y)
    buffer = io.BytesIO()
    persist.dump(reg, buffer)
    buffer.seek(0)
    loaded = persist.load(buffer)
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


# ------------------------------------------- the reliability guarantees hold
def _interrupt_on_call(monkeypatch, owner, name, call):
    original, calls = getattr(owner, name), []

    def interrupted(*args, **kwargs):
        calls.append(None)
        if len(calls) == call:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)


def test_an_interrupt_during_the_epochs_keeps_the_weights_so_far(small, monkeypatch):
    from sklearn_nnreg._trainer import StochasticTrainer

    X, y = small
    params = dict(hidden_layer_sizes=(4,), random_state=0, tol=0)
    reference = RegularizedMLPRegressor(max_iter=2, **params).fit(X, y)
    _interrupt_on_call(monkeypatch, StochasticTrainer, "_epoch", 3)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        reg = RegularizedMLPRegressor(max_iter=10, **params).fit(X, y)
    assert reg.n_iter_ == 2
    np.testing.assert_array_equal(reg.predict(X), reference.predict(X))


def test_an_interrupted_lbfgs_refit_keeps_the_previous_model(small, monkeypatch):
    from sklearn_nnreg._network import Network

    X, y = small
    reg = RegularizedMLPRegressor(solver="lbfgs", max_iter=20, random_state=0)
    before = reg.fit(X, y).predict(X)
    _interrupt_on_call(monkeypatch, Network, "loss_gradient", 3)
    with pytest.raises(KeyboardInterrupt):
        reg.fit(X, 2 * y)
    np.testing.assert_array_equal(reg.predict(X), before)


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_all_zero_sample_weights_are_refused(small, solver):
    X, y = small
    with pytest.raises(ValueError, match="sample_weight .* is zero for every"):
        RegularizedMLPRegressor(solver=solver).fit(X, y, sample_weight=np.zeros(60))


def test_a_poisson_fit_whose_outputs_overflow_raises(small):
    X, y = small
    counts = np.round(np.abs(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(TrainingDivergedError, match="not finite|non-finite"):
            RegularizedMLPRegressor("poisson", max_iter=3, random_state=0).fit(
                X * 1e4, counts
            )
