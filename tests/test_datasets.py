"""``sklearn_nnreg.datasets``: load_csv and the classic student's settings."""

import numpy as np
import pytest

from sklearn_nnreg import RegularizedMLPClassifier
from sklearn_nnreg.datasets import (
    load_csv,
    make_teacher_classification,
    teacher_student_params,
)


def _write(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return path


def test_load_csv_reads_features_in_file_order_and_labels_as_strings(tmp_path):
    path = _write(tmp_path, "a,kind,b\n1.5,x,2\n\n-3,y,4e-1\n")
    X, y = load_csv(path, "kind")
    np.testing.assert_array_equal(X, [[1.5, 2.0], [-3.0, 0.4]])
    assert X.dtype == np.float64 and list(y) == ["x", "y"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "is empty"),
        ("a,kind\n", "has a header but no data rows"),
        ("a,b\n1,2\n", "target column 'kind' is not in"),
        ("kind\nx\n", "no feature columns besides 'kind'"),
        ("a,kind\n1,x\n2\n", "line 3 has 1 fields, its header 2"),
        ("a,kind\n1,x\nred,y\n", "feature column 'a' is not numeric (line 3: 'red')"),
        ("a,kind\n1,x\ninf,y\n", "feature column 'a' has an infinite value (line 3"),
        ("a,kind\n1,x\n2, \n3,\n4,\n5,\n", "has 4 missing labels (line 3, 4, 5, ...)"),
        ("a,kind\n1,x\n,y\nNaN,x\n", "'a' has 2 missing value(s) (first on line 3)"),
        ("a,kind\n1,x\nnull,y\n", "impute them (e.g. sklearn.impute.SimpleImputer"),
    ],
)
def test_load_csv_refuses_bad_content_naming_column_and_line(tmp_path, text, message):
    with pytest.raises(ValueError) as info:
        load_csv(_write(tmp_path, text), "kind")
    assert message in str(info.value)


def test_load_csv_lets_an_unreadable_file_raise_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_csv(tmp_path / "nope.csv", "kind")


def test_load_csv_refuses_a_binary_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe\x00a,b\n")
    with pytest.raises(ValueError, match="not a readable CSV file"):
        load_csv(path, "b")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_teacher_student_params_train_for_exactly_max_iter_epochs():
    X, y = make_teacher_classification(40, random_state=0)
    params = teacher_student_params(max_iter=3)
    clf = RegularizedMLPClassifier(**params, random_state=0).fit(X, y)
    assert clf.n_iter_ == 3 and clf.t_ == 3 * 40  # one item per step
    assert params["hidden_layer_sizes"] == (8,) and params["activation"] == "tanh"


def test_teacher_student_params_refuse_a_bad_max_iter():
    with pytest.raises(ValueError, match="max_iter must be a positive integer"):
        teacher_student_params(0)
