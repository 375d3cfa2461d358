"""RegularizedMLPRegressorCV: the classifier CV's path search, for regression."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_nnreg import RegularizedMLPRegressor, RegularizedMLPRegressorCV

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SETTINGS = dict(
    hidden_layer_sizes=(8,),
    solver="adam",
    learning_rate_init=0.02,
    max_iter=60,
    penalty="l1",
    random_state=0,
)


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(
        n_samples=90, n_features=5, n_informative=3, noise=5.0, random_state=0
    )
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def _weights(est):
    return est.coefs_ + est.intercepts_


@pytest.mark.parametrize("style", ["gradient", "proximal"])
def test_a_single_alpha_path_is_a_plain_fit(data, style):
    X, y = data
    search = RegularizedMLPRegressorCV(
        alphas=[1e-3], penalty_styles=[style], cv=3, **SETTINGS
    ).fit(X, y)
    plain = RegularizedMLPRegressor(**SETTINGS, penalty_style=style, alpha=1e-3)
    plain.fit(X, y)
    for mine, theirs in zip(
        _weights(search.best_estimator_), _weights(plain), strict=True
    ):
        assert_array_equal(mine, theirs)
    assert search.best_estimator_.get_params() == plain.get_params()
    assert_array_equal(search.predict(X), plain.predict(X))


def test_scores_are_r2_on_unshuffled_kfold(data):
    X, y = data
    search = RegularizedMLPRegressorCV(
        alphas=[1e-3], penalty_styles=["gradient"], cv=3, refit=False, **SETTINGS
    ).fit(X, y)
    # The same model on the same folds, scored with R² by hand.
    for fold, (train, test) in enumerate(KFold(3).split(X)):
        model = RegularizedMLPRegressor(**SETTINGS, alpha=1e-3).fit(X[train], y[train])
        expected = model.score(X[test], y[test])
        assert search.cv_results_[f"split{fold}_test_score"][0] == expected


def test_fitted_attributes_and_choice(data):
    X, y = data
    search = RegularizedMLPRegressorCV(
        alphas=[1e-4, 1e-2], penalty_styles=["gradient", "proximal"], cv=2, **SETTINGS
    ).fit(X, y)
    results = search.cv_results_
    best = search.best_index_
    assert len(results["params"]) == 4
    assert results["rank_test_score"][best] == 1
    assert search.best_score_ == np.max(results["mean_test_score"])
    assert search.penalty_style_ == results["params"][best]["penalty_style"]
    assert search.alpha_ == results["params"][best]["alpha"]
    assert search.common_alpha_ in search.alphas_
    assert search.n_splits_ == 2
    assert not hasattr(search, "classes_")
    assert search.out_activation_ == "identity" and search.n_outputs_ == 1
    assert_array_equal(search.coefs_[0], search.best_estimator_.coefs_[0])
    assert_array_equal(search.predict(X), search.best_estimator_.predict(X))
    assert search.score(X, y) == search.best_estimator_.score(X, y)


def test_several_outputs_and_poisson(data):
    X, y = data
    Y = np.column_stack([y, -y])
    multi = RegularizedMLPRegressorCV(
        alphas=[1e-3], penalty_styles=["proximal"], cv=2, **SETTINGS
    ).fit(X, Y)
    assert multi.predict(X).shape == (len(X), 2)
    counts = np.round(np.exp(y))
    poisson = RegularizedMLPRegressorCV(
        alphas=[1e-3], penalty_styles=["proximal"], cv=2, loss="poisson", **SETTINGS
    ).fit(X, counts)
    assert poisson.out_activation_ == "exp"
    assert (poisson.predict(X) > 0).all()
    with pytest.raises(ValueError, match="loss='poisson' needs non-negative"):
        clone(poisson).fit(X, y)


def test_pipeline_clone_and_pickle(data):
    X, y = data
    pipe = make_pipeline(
        StandardScaler(),
        RegularizedMLPRegressorCV(
            alphas=[1e-3], penalty_styles=["proximal"], cv=2, **SETTINGS
        ),
    ).fit(X, y)
    restored = pickle.loads(pickle.dumps(pipe))
    assert_array_equal(restored.predict(X), pipe.predict(X))
    copy = clone(pipe[-1])
    assert copy.get_params() == pipe[-1].get_params()
    assert not hasattr(copy, "cv_results_")


def test_bad_settings_name_the_regressor_and_the_fix(data):
    X, y = data
    search = RegularizedMLPRegressorCV(**{**SETTINGS, "penalty": None, "cv": 2})
    with pytest.raises(ValueError, match="fit a RegularizedMLPRegressor directly"):
        search.fit(X, y)
    with pytest.raises(ValueError, match="could not convert|numeric"):
        RegularizedMLPRegressorCV(**SETTINGS).fit(X, np.array(["a", "b"] * 45))


def test_refit_false_keeps_no_model(data):
    X, y = data
    search = RegularizedMLPRegressorCV(
        alphas=[1e-3], penalty_styles=["proximal"], cv=2, refit=False, **SETTINGS
    ).fit(X, y)
    with pytest.raises(NotFittedError, match="refit=False"):
        search.predict(X)


CHECKED = RegularizedMLPRegressorCV(
    alphas=[1e-4, 1e-2],
    penalty_styles=["gradient", "proximal"],
    cv=2,
    hidden_layer_sizes=(8,),
    learning_rate_init=0.05,
    max_iter=40,
    penalty="l1",
    random_state=0,
)


@parametrize_with_checks([CHECKED])
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)
