"""RegularizedMLPClassifierCV: the warm-started path against independent fits."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_nnreg import (
    RegularizedMLPClassifier,
    RegularizedMLPClassifierCV,
    _path,
    style_param_grid,
)
from sklearn_nnreg._path import POINT_MAX_ITER, PathPoint, PointBudget, walk_path
from sklearn_nnreg._state import FitState

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
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def _weights(est):
    return est.coefs_ + est.intercepts_


@pytest.mark.parametrize("style", ["gradient", "decoupled", "proximal", "cumulative"])
def test_a_single_alpha_path_is_a_plain_fit(data, style):
    X, y = data
    search = RegularizedMLPClassifierCV(
        alphas=[1e-3], penalty_styles=[style], cv=3, **SETTINGS
    ).fit(X, y)
    alpha = search.alpha_
    plain = RegularizedMLPClassifier(**SETTINGS, penalty_style=style, alpha=alpha)
    plain.fit(X, y)
    ours = _weights(search.best_estimator_)
    for mine, theirs in zip(ours, _weights(plain), strict=True):
        assert_array_equal(mine, theirs)
    assert search.best_estimator_.get_params() == plain.get_params()
    assert_array_equal(search.predict_proba(X), plain.predict_proba(X))


def test_cold_path_scores_equal_grid_search(data):
    X, y = data
    lambdas, styles = [1e-4, 1e-3, 1e-2], ["gradient", "decoupled", "proximal"]
    folds = StratifiedKFold(3)
    search = RegularizedMLPClassifierCV(
        alphas=lambdas, penalty_styles=styles, cv=folds, refit=False, **SETTINGS
    )
    search._warm_path = False  # the private switch: every point a cold fit
    search.fit(X, y)
    grid = GridSearchCV(
        RegularizedMLPClassifier(**SETTINGS),
        style_param_grid(lambdas, penalty="l1", styles=styles, learning_rate_init=0.02),
        cv=folds,
    ).fit(X, y)
    ours = _scores_by_candidate(search.cv_results_, 3)
    theirs = _scores_by_candidate(grid.cv_results_, 3)
    assert ours.keys() == theirs.keys() and len(ours) == 9
    for key, scores in ours.items():
        assert_array_equal(scores, theirs[key])


def _scores_by_candidate(results, n_splits):
    return {
        (p["penalty_style"], p["alpha"]): [
            results[f"split{k}_test_score"][i] for k in range(n_splits)
        ]
        for i, p in enumerate(results["params"])
    }


def test_warm_points_after_the_trunk_are_capped_and_differ_from_cold(data):
    X, y = data
    search = RegularizedMLPClassifierCV(
        alphas=[1e-4, 1e-3, 1e-2],
        penalty_styles=["proximal"],
        cv=3,
        refit=False,
        **{**SETTINGS, "max_iter": 200, "tol": 0.0},
    ).fit(X, y)
    n_iter = search.cv_results_["mean_n_iter"]
    assert n_iter[0] == 200  # the trunk: a full cold fit
    assert np.all(n_iter[1:] == POINT_MAX_ITER)


def test_the_stopping_counter_restarts_at_each_point(data):
    X, y = data
    trunk = RegularizedMLPClassifier(
        **SETTINGS, penalty_style="proximal", alpha=1e-4, n_iter_no_change=2
    ).fit(X, y)
    points = [PathPoint("proximal", 1e-4, 1e-4), PathPoint("proximal", 1e-1, 1e-1)]
    estimator = RegularizedMLPClassifier(**SETTINGS, n_iter_no_change=2)
    fits = list(walk_path(estimator, trunk, points, X, y))
    # The stronger alpha raises the objective above the trunk's best loss; a
    # carried counter and best loss would stop it after 1 epoch.
    assert fits[1][1].n_iter_ > 3
    assert fits[0][1] is trunk


def test_path_point_state_keeps_the_optimizer_and_resets_stopping():
    config = (("solver", "adam"), ("optimizer", (0.1,)), ("penalty_style", "a"))
    other_style = (("solver", "adam"), ("optimizer", (0.1,)), ("penalty_style", "b"))
    state = FitState(
        no_improvement_count=7,
        best_loss=0.1,
        config=config,
        optimizer={"t": 5},
        style={"u": 1.0},
    )
    same = state.for_path_point(config, {"t": 0}, {"u": 0.0}, early_stopping=False)
    assert (same.optimizer, same.style) == ({"t": 5}, {"u": 1.0})
    assert same.no_improvement_count == 0 and same.best_loss == np.inf
    moved = state.for_path_point(other_style, {"t": 0}, {"u": 0.0}, False)
    assert (moved.optimizer, moved.style) == ({"t": 5}, {"u": 0.0})
    assert moved.config == other_style
    new_rate = (("solver", "adam"), ("optimizer", (0.2,)), ("penalty_style", "a"))
    assert state.for_path_point(new_rate, {"t": 0}, {}, False).optimizer == {"t": 0}
    assert state.no_improvement_count == 7  # the stored state is not modified


def test_the_optimizer_memory_carries_along_the_path(data):
    X, y = data
    trunk = RegularizedMLPClassifier(
        **SETTINGS, penalty_style="gradient", alpha=1e-4
    ).fit(X, y)
    points = [PathPoint("proximal", 1e-4, 1e-4)]
    ((_, est, _),) = walk_path(
        RegularizedMLPClassifier(**SETTINGS), trunk, points, X, y
    )
    steps_per_epoch = 1  # 80 samples < batch_size 200: one step per epoch
    assert est._fit_state["optimizer"]["t"] == (
        trunk._fit_state["optimizer"]["t"] + est.n_iter_ * steps_per_epoch
    )


def test_a_warm_point_trains_on_from_the_shrunk_weights(data):
    X, y = data
    trunk = RegularizedMLPClassifier(
        **SETTINGS, penalty_style="gradient", alpha=1e-4
    ).fit(X, y)
    before = [coef.copy() for coef in trunk.coefs_]
    point = PathPoint("proximal", 1e-3, 1e-3)
    budget = PointBudget(max_iter=7, n_iter_no_change=3, shrink=0.5)
    ((_, est, _),) = walk_path(
        RegularizedMLPClassifier(**SETTINGS), trunk, [point], X, y, budget=budget
    )
    expected = pickle.loads(pickle.dumps(trunk))
    for coef in expected.coefs_:
        coef *= 0.5  # the weights only: the intercepts carry over unchanged
    expected.set_params(
        penalty_style="proximal",
        alpha=1e-3,
        warm_start=True,
        max_iter=7,
        n_iter_no_change=3,
    )._continue_path(X, y)
    for ours, theirs in zip(_weights(est), _weights(expected), strict=True):
        assert_array_equal(ours, theirs)
    for coef, old in zip(trunk.coefs_, before, strict=True):
        assert_array_equal(coef, old)  # the trunk itself is not shrunk


def test_a_point_after_an_all_zero_layer_starts_cold(data):
    X, y = data
    estimator = RegularizedMLPClassifier(**SETTINGS)
    strong, stronger = PathPoint("proximal", 5.0, 5.0), PathPoint("proximal", 6.0, 6.0)
    trunk = clone(estimator).set_params(penalty_style="proximal", alpha=5.0).fit(X, y)
    assert not np.any(trunk.coefs_[0])  # the premise: a dead first layer
    fits = list(walk_path(estimator, trunk, [strong, stronger], X, y))
    cold = clone(estimator).set_params(penalty_style="proximal", alpha=6.0).fit(X, y)
    assert fits[1][1].n_iter_ == cold.n_iter_
    for ours, theirs in zip(_weights(fits[1][1]), _weights(cold), strict=True):
        assert_array_equal(ours, theirs)


def test_fitted_attributes_and_choice(data):
    X, y = data
    search = RegularizedMLPClassifierCV(alphas=3, cv=3, **SETTINGS).fit(X, y)
    results = search.cv_results_
    assert_array_equal(search.alphas_, np.logspace(-5, -2, 3))
    styles = {p["penalty_style"] for p in results["params"]}
    assert styles == {"gradient", "decoupled", "proximal", "cumulative"}
    best = search.best_index_
    assert results["rank_test_score"][best] == 1
    assert search.best_score_ == np.max(results["mean_test_score"])
    assert search.penalty_style_ == results["params"][best]["penalty_style"]
    assert search.alpha_ == results["params"][best]["alpha"]
    assert search.common_alpha_ in search.alphas_
    assert_array_equal(search.classes_, np.unique(y))
    assert_array_equal(search.coefs_[0], search.best_estimator_.coefs_[0])
    assert search.best_estimator_.max_iter == SETTINGS["max_iter"]
    assert not search.best_estimator_.warm_start
    assert_array_equal(search.predict(X), search.best_estimator_.predict(X))
    for key in (
        "mean_test_sparsity",
        "std_test_sparsity",
        "mean_n_iter",
        "mean_fit_time",
        "std_score_time",
        "param_alpha",
        "param_penalty_style",
        "split2_test_score",
    ):
        assert len(results[key]) == len(results["params"])


def test_both_curve_displays_draw_cv_results_unchanged(data):
    pytest.importorskip("matplotlib")
    from sklearn_nnreg.plot import SparsityPathDisplay, StyleComparisonDisplay

    X, y = data
    search = RegularizedMLPClassifierCV(
        alphas=[1e-4, 1e-2],
        penalty_styles=["gradient", "proximal"],
        cv=2,
        refit=False,
        **SETTINGS,
    ).fit(X, y)
    results = search.cv_results_
    scores = StyleComparisonDisplay.from_cv_results(results)
    sparsity = SparsityPathDisplay.from_cv_results(results)
    for i, style in enumerate(["gradient", "proximal"]):
        rows = slice(2 * i, 2 * i + 2)
        assert_array_equal(scores.scores[style], results["mean_test_score"][rows])
        assert_array_equal(
            sparsity.sparsity[style], results["mean_test_sparsity"][rows]
        )
        assert_array_equal(scores.alphas[style], [1e-4, 1e-2])


def test_the_first_points_fit_time_is_the_trunks(data, monkeypatch):
    # A clock that only the fits move: a cold fit takes 100 s, a warm one 1 s.
    now = [0.0]
    monkeypatch.setattr(_path, "perf_counter", lambda: now[0])
    cold_fit, warm_fit = _path.fit_point_cold, _path._continue

    def cold(*args):
        now[0] += 100.0
        return cold_fit(*args)

    def warm(*args):
        now[0] += 1.0
        return warm_fit(*args)

    monkeypatch.setattr(_path, "fit_point_cold", cold)
    monkeypatch.setattr(_path, "_continue", warm)
    X, y = data
    search = RegularizedMLPClassifierCV(
        alphas=[1e-4, 1e-3],
        penalty_styles=["gradient", "proximal"],
        cv=3,
        refit=False,
        **SETTINGS,
    ).fit(X, y)
    # Rows: (gradient, 1e-4) is the trunk itself; the others continue warm.
    assert_array_equal(search.cv_results_["mean_fit_time"], [100.0, 1.0, 1.0, 1.0])


def test_parallel_folds_and_styles_give_the_same_results(data):
    X, y = data
    params = dict(
        alphas=[1e-4, 1e-2],
        penalty_styles=["gradient", "proximal"],
        cv=2,
        refit=False,
        **SETTINGS,
    )
    serial = RegularizedMLPClassifierCV(**params).fit(X, y).cv_results_
    parallel = RegularizedMLPClassifierCV(**params, n_jobs=2).fit(X, y).cv_results_
    assert_array_equal(serial["split1_test_score"], parallel["split1_test_score"])
    assert_array_equal(serial["mean_test_sparsity"], parallel["mean_test_sparsity"])


def test_pipeline_clone_and_pickle(data):
    X, y = data
    pipe = make_pipeline(
        StandardScaler(),
        RegularizedMLPClassifierCV(
            alphas=[1e-3], penalty_styles=["proximal"], cv=2, **SETTINGS
        ),
    ).fit(X, y)
    restored = pickle.loads(pickle.dumps(pipe))
    assert_array_equal(restored.predict_proba(X), pipe.predict_proba(X))
    copy = clone(pipe[-1])
    assert copy.get_params() == pipe[-1].get_params()
    assert not hasattr(copy, "cv_results_")


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(penalty=None), "penalty=None has no alpha to tune"),
        (dict(penalty_styles=["bogus"]), "Unknown penalty style 'bogus'"),
        (dict(penalty_styles=["multiplicative"]), "penalty='l2'"),
        (dict(penalty_styles=[]), "penalty_styles is empty"),
        (dict(penalty_styles=["gradient", "gradient"]), "lists a style twice"),
        (dict(alphas=[1e-3, -1.0]), "non-negative objective weights"),
        (dict(solver="lbfgs", penalty_styles=["decoupled"]), "solver='lbfgs'"),
    ],
)
def test_bad_settings_are_refused_with_the_fix(data, params, message):
    X, y = data
    search = RegularizedMLPClassifierCV(**{**SETTINGS, "cv": 2, **params})
    with pytest.raises(ValueError, match=message):
        search.fit(X, y)


def test_a_style_that_can_express_no_alpha_is_refused(data):
    X, y = data
    search = RegularizedMLPClassifierCV(
        alphas=[1e3],
        penalty_styles=["multiplicative"],
        cv=2,
        **{**SETTINGS, "penalty": "l2"},
    )
    with pytest.raises(ValueError, match="can express none of the alphas"):
        search.fit(X, y)


def test_refit_false_keeps_no_model(data):
    X, y = data
    search = RegularizedMLPClassifierCV(
        alphas=[1e-3], penalty_styles=["proximal"], cv=2, refit=False, **SETTINGS
    ).fit(X, y)
    assert search.penalty_style_ == "proximal"
    with pytest.raises(NotFittedError, match="refit=False"):
        search.predict(X)


def test_verbose_prints_a_line_per_fold_and_style(data, capsys):
    X, y = data
    RegularizedMLPClassifierCV(
        alphas=[1e-3],
        penalty_styles=["gradient", "proximal"],
        cv=2,
        refit=False,
        verbose=1,
        **SETTINGS,
    ).fit(X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if "[path]" in line]
    assert len(lines) == 4


CHECKED = RegularizedMLPClassifierCV(
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
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def test_refit_rows_matches_the_refit_of_the_chosen_row(data):
    """``nnreg compare`` tests each style's best row with ``_refit_rows``."""
    X, y = data
    search = RegularizedMLPClassifierCV(
        alphas=[1e-4, 1e-3, 1e-2], penalty_styles=["gradient", "proximal"], cv=2,
        **SETTINGS,
    ).fit(X, y)  # fmt: skip
    models = search._refit_rows([search.best_index_, 0], X, y)
    chosen = models[search.best_index_]
    for mine, theirs in zip(
        _weights(chosen), _weights(search.best_estimator_), strict=True
    ):
        assert_array_equal(mine, theirs)
    assert models[0].penalty_style == "gradient" and models[0].alpha == 1e-4
