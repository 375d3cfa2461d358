"""Which task a target is: what ``nnreg compare`` will ask before fitting."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris

from sklearn_nnreg._tasks import ESTIMATORS, SCORING, infer_task


def test_a_continuous_target_is_regression():
    _, y = load_diabetes(return_X_y=True)
    task, reason = infer_task(y / 7.0)
    assert task == "regression" and "non-integral" in reason
    assert ESTIMATORS[task].__name__ == "RegularizedMLPRegressor"
    assert SCORING[task] == "r2"


def test_an_integer_target_with_many_values_is_regression():
    _, y = load_diabetes(return_X_y=True)  # integral values, 214 distinct
    task, reason = infer_task(y.astype(int))
    assert task == "regression" and "214 distinct values" in reason


@pytest.mark.parametrize(
    "y", [load_iris(return_X_y=True)[1], np.array(["a", "b", "c"] * 10)]
)
def test_labels_and_few_integers_are_classification(y):
    task, reason = infer_task(y)
    assert task == "classification" and "3 classes" in reason
    assert SCORING[task] == "accuracy"
