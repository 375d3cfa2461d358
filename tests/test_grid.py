"""style_param_grid, common_alpha, best_alpha_per_style and the teacher data."""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import (
    RegularizedMLPClassifier,
    best_alpha_per_style,
    common_alpha,
    style_param_grid,
    translate_alpha,
)
from sklearn_nnreg.datasets import make_teacher_classification

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)


def _by_style(grid, prefix=""):
    return {g[prefix + "penalty_style"][0]: g for g in grid}


def test_rows_line_up_across_styles():
    alphas = [1e-3, 1e-2, 1e-1]
    grid = _by_style(style_param_grid(alphas, penalty="l2", learning_rate_init=0.1))
    assert set(grid) == {"gradient", "decoupled", "multiplicative", "proximal"}
    for style, entry in grid.items():
        back = [
            translate_alpha(
                a, penalty="l2", source=style, target="gradient", learning_rate_init=0.1
            )
            for a in entry["alpha"]
        ]
        np.testing.assert_allclose(back, alphas, rtol=1e-12)
        assert entry["learning_rate_init"] == [0.1]
        assert entry["penalty"] == ["l2"]


def test_invalid_combinations_are_left_out():
    l1 = _by_style(style_param_grid([1e-3], penalty="l1"))
    assert "multiplicative" not in l1 and "cumulative" in l1
    l2 = _by_style(style_param_grid([1e-3], penalty="l2"))
    assert "cumulative" not in l2
    # eta * alpha >= 1 cannot be a multiplicative keep-fraction: dropped.
    big = _by_style(
        style_param_grid([1e-3, 50.0], penalty="l2", learning_rate_init=0.1)
    )
    assert big["multiplicative"]["alpha"] == [pytest.approx(1 - 1e-4)]
    assert big["gradient"]["alpha"] == [1e-3, 50.0]


def test_elastic_net_grid_fixes_l1_ratio():
    grid = style_param_grid([1e-3], penalty="elasticnet", l1_ratio=0.3)
    assert all(g["l1_ratio"] == [0.3] for g in grid)


def test_unknown_style_and_bad_alphas_are_refused():
    with pytest.raises(ValueError, match="Unknown penalty style"):
        style_param_grid([1e-3], penalty="l2", styles=["weight_decay"])
    with pytest.raises(ValueError, match="non-negative"):
        style_param_grid([-1.0], penalty="l2")


def test_grid_search_reads_back_in_common_units():
    X, y = make_teacher_classification(90, random_state=0)
    alphas = [1e-4, 1e-2]
    prefix = "regularizedmlpclassifier__"
    grid = style_param_grid(
        alphas,
        penalty="l1",
        styles=["gradient", "decoupled", "proximal"],
        learning_rate_init=0.05,
        prefix=prefix,
    )
    pipe = make_pipeline(
        StandardScaler(),
        RegularizedMLPClassifier(
            hidden_layer_sizes=(5,),
            solver="sgd",
            momentum=0.0,
            max_iter=5,
            random_state=0,
        ),
    )
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    commons = common_alpha(search.cv_results_)
    assert commons.shape == (6,)
    np.testing.assert_allclose(sorted(commons), sorted(alphas * 3), rtol=1e-12)
    best = best_alpha_per_style(search.cv_results_)
    assert set(best) == {"gradient", "decoupled", "proximal"}
    for style, row in best.items():
        i = row["index"]
        scores = search.cv_results_["mean_test_score"]
        same_style = [
            j
            for j, p in enumerate(search.cv_results_["params"])
            if p[prefix + "penalty_style"] == style
        ]
        assert row["mean_test_score"] == max(scores[j] for j in same_style)
        assert row["common_alpha"] == pytest.approx(commons[i])
        assert row["alpha"] == search.cv_results_["params"][i][prefix + "alpha"]


# ----------------------------------------------------------- teacher data
def test_teacher_labels_are_the_argmax_of_the_teacher():
    X, y, (W1, b1, W2, b2) = make_teacher_classification(
        300, random_state=1, return_teacher=True
    )
    assert X.shape == (300, 10) and W1.shape == (10, 15) and W2.shape == (15, 4)
    assert np.abs(X).max() <= 10.0 and np.abs(X).max() > 9.0
    assert max(np.abs(W).max() for W in (W1, b1, W2, b2)) <= 9.9
    logits = np.tanh(X @ W1 + b1) @ W2 + b2
    np.testing.assert_array_equal(y, logits.argmax(axis=1))


def test_teacher_data_is_reproducible_and_sized():
    a = make_teacher_classification(
        50, n_features=3, n_hidden=4, n_classes=3, random_state=7
    )
    b = make_teacher_classification(
        50, n_features=3, n_hidden=4, n_classes=3, random_state=7
    )
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0].shape == (50, 3) and set(a[1]) <= {0, 1, 2}


@pytest.mark.parametrize(
    "kwargs", [dict(n_samples=0), dict(n_classes=1), dict(weight_range=0)]
)
def test_teacher_refuses_bad_sizes(kwargs):
    with pytest.raises(ValueError):
        make_teacher_classification(**{"n_samples": 10, **kwargs})
