"""The ``nnreg`` command line: demo, compare, and one-line errors."""

import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from sklearn_nnreg._cli import main

SMALL = ["--cv", "2", "--max-iter", "5", "--hidden", "4", "--alphas", "1e-3,1e-1"]


def _run(*args):
    """Run ``python -m sklearn_nnreg`` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "sklearn_nnreg", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _error_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("nnreg: error: ")
    return err[0]


def test_console_script_is_declared():
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts.get("nnreg") == "sklearn_nnreg._cli:main"


def test_compare_prints_a_row_per_style_and_writes_json(tmp_path):
    out = tmp_path / "result.json"
    proc = _run(
        "compare",
        "--dataset",
        "iris",
        "--styles",
        "gradient,proximal",
        "--json",
        str(out),
        *SMALL,
        "--max-iter",
        "40",
        "--learning-rate-init",
        "0.1",
    )
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.splitlines()}
    assert "gradient" in rows and "proximal" in rows
    assert "fits" in proc.stderr  # progress: fits done / total, elapsed
    result = json.loads(out.read_text())
    assert set(result["styles"]) == {"gradient", "proximal"}
    for row in result["styles"].values():
        assert row["common_alpha"] in (1e-3, 1e-1)
        assert 0 <= row["test_accuracy"] <= 1 and 0 <= row["zero_share"] <= 1
        assert row["cv_mean"] > 0.5  # iris is easy even for a tiny network


def test_compare_reports_both_units_for_decoupled(tmp_path, capsys):
    out = tmp_path / "r.json"
    argv = [
        "compare",
        "--dataset",
        "wine",
        "--styles",
        "decoupled",
        "--solver",
        "sgd",
        "--momentum",
        "0",
        "--learning-rate-init",
        "0.1",
        "--json",
        str(out),
        *SMALL,
    ]
    assert main(argv) == 0
    row = json.loads(out.read_text())["styles"]["decoupled"]
    assert row["alpha"] == pytest.approx(0.1 * row["common_alpha"])


def test_compare_reads_a_csv(tmp_path, capsys):
    path = tmp_path / "data.csv"
    lines = ["a,b,label"] + [
        f"{i % 7},{(i * 3) % 5},{'yes' if i % 7 > 3 else 'no'}" for i in range(80)
    ]
    path.write_text("\n".join(lines) + "\n")
    argv = [
        "compare",
        "--csv",
        str(path),
        "--target",
        "label",
        "--styles",
        "gradient",
        *SMALL,
    ]
    assert main(argv) == 0
    assert "gradient" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, extra, message",
    [
        (None, ["--target", "y"], "cannot read"),
        ("", ["--target", "y"], "is empty"),
        ("a,b\n1,2\n", ["--target", "y"], "target column 'y' is not in"),
        ("a,y\nfoo,1\nbar,0\n", ["--target", "y"], "feature column 'a' is not numeric"),
        ("a,y\n", ["--target", "y"], "no data rows"),
        ("a,y\n1,0\n2,1\n", [], "needs --target"),
    ],
)
def test_bad_csv_input_is_one_line_and_exit_2(
    tmp_path, capsys, content, extra, message
):
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    line = _error_line(capsys, ["compare", "--csv", str(path), *extra])
    assert message in line


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--dataset", "mnist"], "invalid choice: 'mnist'"),
        (["compare", "--styles", "weight_decay"], "unknown style 'weight_decay'"),
        (["compare", "--alphas", "a,b"], "comma-separated numbers"),
        (["compare", "--penalty", "l1", "--styles", "multiplicative"], "L2 shrink"),
        (
            [
                "compare",
                "--penalty",
                "l2",
                "--styles",
                "multiplicative",
                "--alphas",
                "500",
                "--momentum",
                "0",
            ],
            "fraction <= 0",
        ),
        (["compare", "--alphas", "-1"], "non-negative"),
        (["compare", "--target", "y"], "--target goes with --csv"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(capsys, argv, message):
    assert message in _error_line(capsys, argv)


def test_errors_never_print_a_traceback():
    proc = _run("compare", "--csv", "/nonexistent/file.csv", "--target", "y")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0


def test_demo_reports_each_style_beside_the_article(capsys):
    assert main(["demo", "--epochs", "2", "--seeds", "2"]) == 0
    out = capsys.readouterr().out
    for label in (
        "no penalty",
        "L1 gradient",
        "L1 decoupled",
        "L1 proximal",
        "L1 cumulative",
    ):
        assert label in out
    assert "no L1 form" in out  # multiplicative cannot express L1
    assert "94.0% train / 55.0% test" in out and "67.5%" in out
    assert "±" in out  # two seeds: mean and spread
