"""Oracle equality with scikit-learn's MLPRegressor.

``MLPRegressor(alpha=a)`` adds ``1/2 a sum w**2`` to the *summed* loss of a
batch, so ``penalty='l2'``, ``penalty_style='gradient'`` with
``alpha = a / batch_size`` (sgd, adam) or ``a / n_samples`` (lbfgs) and the
same ``random_state`` trains the same weights, up to rounding: the same
draws, the same batches, the same steps.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from sklearn_nnreg import RegularizedMLPRegressor, translate_alpha

N, BATCH, ALPHA = 60, 20, 0.3
RTOL = 1e-6


def _data(loss, n_targets=1):
    X, y = make_regression(N, 5, n_targets=n_targets, noise=1.0, random_state=0)
    y = y / y.std()
    if loss == "poisson":
        y = np.round(np.abs(y) * 2)  # counts
    return X, y


def _pair(loss, solver, **params):
    params = dict(
        loss=loss,
        solver=solver,
        hidden_layer_sizes=(6,),
        batch_size=BATCH,
        max_iter=15,
        random_state=0,
        learning_rate_init=0.01,
        tol=0.0,
        n_iter_no_change=1000,
        **params,
    )
    divisor = N if solver == "lbfgs" else BATCH
    ours = RegularizedMLPRegressor(alpha=ALPHA / divisor, **params)
    theirs = MLPRegressor(alpha=ALPHA, **params)
    return ours, theirs


def _fit_both(ours, theirs, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ours.fit(X, y, **fit_params), theirs.fit(X, y, **fit_params)


def _assert_same_weights(ours, theirs, rtol=RTOL):
    pairs = zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    )
    for a, b in pairs:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_single_output_weights_match_mlp_regressor(loss, solver):
    X, y = _data(loss)
    ours, theirs = _fit_both(*_pair(loss, solver), X, y)
    _assert_same_weights(ours, theirs)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.out_activation_ == theirs.out_activation_
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=RTOL)
    # One output: the loss values agree too, penalty included.
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=RTOL)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_multi_output_weights_match_under_stochastic_solvers(loss, solver):
    X, y = _data(loss, n_targets=3)
    ours, theirs = _fit_both(*_pair(loss, solver), X, y)
    _assert_same_weights(ours, theirs)
    assert ours.predict(X).shape == (N, 3)


def test_multi_output_squared_error_sums_where_mlp_regressor_averages():
    # The documented difference: MLPRegressor's loss value averages the
    # squared error over outputs while its gradient sums over them; ours
    # sums both, so without a penalty our loss is n_outputs times theirs
    # (at the same weights, since the gradients agree).
    X, y = _data("squared_error", n_targets=3)
    ours, theirs = _pair("squared_error", "sgd")
    ours.set_params(penalty=None)
    theirs.set_params(alpha=0.0)
    _fit_both(ours, theirs, X, y)
    _assert_same_weights(ours, theirs)
    np.testing.assert_allclose(ours.loss_curve_, 3 * np.array(theirs.loss_curve_))


def test_multi_output_poisson_loss_values_agree_penalty_included():
    # The Poisson deviance is summed over outputs in both.
    X, y = _data("poisson", n_targets=2)
    ours, theirs = _fit_both(*_pair("poisson", "adam"), X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=RTOL)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_early_stopping_scores_r2_and_restores_the_same_weights(solver):
    # 40 samples left to train on: whole batches, whose penalty agrees.
    X, y = _data("squared_error")
    ours, theirs = _pair(
        "squared_error", solver, early_stopping=True, validation_fraction=1 / 3
    )
    ours.set_params(tol=1e-4, n_iter_no_change=3, max_iter=60)
    theirs.set_params(tol=1e-4, n_iter_no_change=3, max_iter=60)
    _fit_both(ours, theirs, X, y)
    np.testing.assert_allclose(
        ours.validation_scores_, theirs.validation_scores_, rtol=1e-6
    )
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_)
    _assert_same_weights(ours, theirs)


def test_partial_fit_matches_over_several_calls():
    X, y = _data("squared_error")
    ours, theirs = _pair("squared_error", "adam")
    for _ in range(4):
        ours.partial_fit(X, y)
        theirs.partial_fit(X, y)
    _assert_same_weights(ours, theirs)
    assert ours.t_ == theirs.t_


def test_lbfgs_sample_weight_matches_with_alpha_over_weight_sum():
    X, y = _data("squared_error")
    weights = np.random.default_rng(0).uniform(0.5, 2.0, N)
    ours, theirs = _pair("squared_error", "lbfgs")
    ours.set_params(alpha=ALPHA / weights.sum())
    _fit_both(ours, theirs, X, y, sample_weight=weights)
    _assert_same_weights(ours, theirs)


def test_translate_alpha_gives_the_alpha_that_matches():
    X, y = _data("squared_error")
    ours, theirs = _pair("squared_error", "sgd")
    ours.set_params(
        alpha=translate_alpha(
            ALPHA, penalty="l2", source="sklearn", target="gradient", batch_size=BATCH
        )
    )
    _fit_both(ours, theirs, X, y)
    _assert_same_weights(ours, theirs)
