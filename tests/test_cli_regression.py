"""``nnreg compare`` on a regression target: --task, --dataset diabetes, R²."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPRegressor
from sklearn_nnreg._cli import main

SMALL = ["--cv", "2", "--max-iter", "5", "--hidden", "4", "--alphas", "1e-3,1e-1"]
DIABETES = [
    "compare", "--dataset", "diabetes", *SMALL, "--styles", "gradient,proximal",
    "--search", "grid",
]  # fmt: skip


def _error_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("nnreg: error: ")
    return err[0]


@pytest.fixture
def no_search(monkeypatch):
    from sklearn_nnreg._cli import compare

    def fail(*args, **kwargs):
        raise AssertionError("a fit ran before the bad input was refused")

    monkeypatch.setattr(compare, "search_style", fail)
    monkeypatch.setattr(compare, "_search_path", fail)


@pytest.fixture(scope="module")
def diabetes_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reg") / "r.json"
    import contextlib
    import io

    table = io.StringIO()
    with contextlib.redirect_stdout(table), contextlib.redirect_stderr(io.StringIO()):
        assert main([*DIABETES, "--json", str(out)]) == 0
    return table.getvalue(), json.loads(out.read_text())


def test_diabetes_is_detected_as_regression_and_said_so(diabetes_run):
    table, document = diabetes_run
    assert "Data: diabetes, 442 samples x 10 features, a numeric target" in table
    assert "Task: regression, detected: the target is numeric with 214" in table
    header = next(line for line in table.splitlines() if line.startswith("style"))
    assert "CV R²" in header and "test R²" in header and "acc" not in header
    assert "mean ± sd of the R² over the 2 folds" in table
    assert document["data"]["task"] == "regression"
    assert document["data"]["metric"] == "r2"
    assert document["data"]["n_classes"] is None
    assert document["settings"]["task"] == "regression"


def test_held_out_score_is_r2_of_the_regressor_on_the_standardised_target(
    diabetes_run,
):
    _, document = diabetes_run
    best = document["styles"]["proximal"]
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0
    )
    mean, sd = y_train.mean(), y_train.std()
    model = make_pipeline(
        StandardScaler(),
        RegularizedMLPRegressor(
            hidden_layer_sizes=(4,), solver="sgd", learning_rate_init=0.01,
            max_iter=5, random_state=0, penalty="l1",
            penalty_style="proximal", alpha=best["alpha"],
        ),
    ).fit(X_train, (y_train - mean) / sd)  # fmt: skip
    expected = model.score(X_test, (y_test - mean) / sd)
    assert best["test_score"] == pytest.approx(expected, rel=1e-12)
    # R² does not depend on the target's unit: the same as in the data's unit.
    unscaled = 1 - np.sum((mean + sd * model.predict(X_test) - y_test) ** 2) / np.sum(
        (y_test - y_test.mean()) ** 2
    )
    assert best["test_score"] == pytest.approx(unscaled, rel=1e-9)


def test_csv_with_a_numeric_target_runs_a_regression(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=60)
    path = tmp_path / "data.csv"
    rows = [",".join(f"{v:.6f}" for v in (*x, t)) for x, t in zip(X, y, strict=True)]
    path.write_text("a,b,c,price\n" + "\n".join(rows) + "\n")
    out = tmp_path / "r.json"
    argv = ["compare", "--csv", str(path), "--target", "price", *SMALL]
    argv += ["--styles", "gradient", "--json", str(out)]
    assert main(argv) == 0
    document = json.loads(out.read_text())
    assert document["data"]["task"] == "regression"
    assert "non-integral numbers" in document["data"]["task_reason"]
    assert document["settings"]["target"] == "price"


def test_a_class_target_stays_classification(capsys):
    argv = ["compare", "--dataset", "iris", *SMALL, "--styles", "gradient"]
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "Task: classification, detected: the target has 3 classes" in table
    assert "CV acc" in table and "R²" not in table


def test_explicit_regression_on_class_codes_says_what_auto_would_do(tmp_path):
    out = tmp_path / "r.json"
    argv = ["compare", "--dataset", "iris", "--task", "regression", *SMALL]
    argv += ["--styles", "gradient", "--json", str(out)]
    assert main(argv) == 0
    data = json.loads(out.read_text())["data"]
    assert data["task"] == "regression" and data["metric"] == "r2"
    assert data["task_reason"].startswith("--task regression (auto would choose")


@pytest.mark.parametrize(
    "content, task, message",
    [
        ("a,kind\n1,x\n2,y\n3,x\n", "regression", "needs a numeric target"),
        ("a,y\n1,0.5\n2,1.25\n3,0.75\n", "classification", "needs class labels"),
        ("a,y\n1,2\n2,2\n3,2\n", "regression", "the target is constant"),
    ],
)
def test_a_target_the_task_cannot_fit_is_refused_before_any_fit(
    tmp_path, capsys, no_search, content, task, message
):
    path = tmp_path / "data.csv"
    path.write_text(content)
    target = content.split("\n")[0].split(",")[1]
    argv = ["compare", "--csv", str(path), "--target", target, "--task", task]
    assert message in _error_line(capsys, argv)


def test_too_few_samples_for_the_folds_is_refused(tmp_path, capsys, no_search):
    path = tmp_path / "data.csv"
    path.write_text("a,y\n" + "".join(f"{i},{i * 0.37:.2f}\n" for i in range(8)))
    argv = ["compare", "--csv", str(path), "--target", "y", "--cv", "4"]
    assert "cannot fill 4 CV folds" in _error_line(capsys, argv)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--task", "ranking"], "invalid choice: 'ranking'"),
        (["demo", "--task", "regression"], "unrecognized arguments: --task"),
        (["demo", "--dataset", "diabetes"], "unrecognized arguments"),
    ],
)
def test_bad_task_arguments_are_one_line(capsys, argv, message):
    assert message in _error_line(capsys, argv)


def test_path_search_on_a_regression_uses_the_regressor_path(tmp_path, capsys):
    out = tmp_path / "path.json"
    argv = [*DIABETES[:-2], "--search", "path", "--json", str(out)]
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "path search" in table and "CV R²" in table
    document = json.loads(out.read_text())
    assert document["settings"]["search"] == "path"
    assert document["data"]["metric"] == "r2"
    for style in ("gradient", "proximal"):
        score = document["styles"][style]["test_score"]
        assert np.isfinite(score) and score <= 1
