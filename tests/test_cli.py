"""The ``nnreg`` command line: demo, compare, and one-line errors."""

import json
import re
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
        assert 0 <= row["test_score"] <= 1 and 0 <= row["zero_share"] <= 1
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
        (["compare", "--search", "halving"], "invalid choice: 'halving'"),
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
    # and why, in the style's own words: an L2 shrink has no L1 form
    assert "L1 multiplicative: penalty_style='multiplicative'" in out
    assert "L2 shrink; it has no form for penalty='l1'" in out
    assert "94.0% train / 55.0% test" in out and "67.5%" in out
    assert "±" in out  # two seeds: mean and spread


# ------------------------------------------------------------------ bad input
# Issue 12's table: each ends with exit 2, one line, no traceback, and before
# any fit runs (``no_search`` makes a fit an error).
@pytest.fixture
def no_search(monkeypatch):
    from sklearn_nnreg._cli import compare, demo

    def fail(*args, **kwargs):
        raise AssertionError("a fit ran before the bad input was refused")

    monkeypatch.setattr(compare, "search_style", fail)
    monkeypatch.setattr(demo, "demo_fit", fail)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--cv", "1"], "--cv: expected an integer >= 2 and <= 1000, got 1"),
        (["compare", "--n-jobs", "0"], "--n-jobs: expected a positive number"),
        (
            ["compare", "--test-size", "0"],
            "--test-size: expected a positive number < 1, got 0",
        ),
        (
            ["compare", "--test-size", "1"],
            "--test-size: expected a positive number < 1, got 1",
        ),
        (["compare", "--test-size", "-0.1"], "< 1, got -0.1"),
        (["compare", "--test-size", "nan"], "expected a finite number"),
        (
            ["compare", "--test-size", "0.99"],
            "fewer than the 3 CV folds; lower --test-size or --cv",
        ),
        (
            ["compare", "--penalty", "elasticnet", "--l1-ratio", "2"],
            "--l1-ratio: expected a number >= 0 and <= 1, got 2",
        ),
        (
            ["compare", "--learning-rate-init", "-1"],
            "--learning-rate-init: expected a positive number, got -1",
        ),
        (["compare", "--momentum", "1"], "--momentum: expected a number >= 0 and < 1"),
        (["compare", "--seed", "-1"], "--seed: expected an integer >= 0"),
        (["compare", "--alphas", "1e-3,inf"], "finite and non-negative"),
        (["demo", "--lam", "-1"], "--lam: expected a number >= 0, got -1"),
        (["demo", "--seeds", "0"], "--seeds: expected a positive integer"),
        (["demo", "--seed", str(2**32 - 1), "--seeds", "2"], "past the largest"),
    ],
)
def test_out_of_range_options_are_refused_before_any_fit(
    capsys, no_search, argv, message
):
    assert message in _error_line(capsys, argv)


@pytest.mark.parametrize("option, name", [("--json", "out.json"), ("--plot", "p.png")])
def test_unwritable_output_paths_are_refused_before_the_search(
    tmp_path, capsys, no_search, option, name
):
    path = tmp_path / "missing" / name
    line = _error_line(capsys, ["compare", "--dataset", "iris", option, str(path)])
    assert "does not exist; create it first" in line
    line = _error_line(capsys, ["compare", "--dataset", "iris", option, str(tmp_path)])
    assert "is a folder" in line


def test_plot_format_matplotlib_cannot_write_is_refused_before_the_search(
    tmp_path, capsys, no_search
):
    pytest.importorskip("matplotlib")
    argv = ["compare", "--dataset", "iris", "--plot", str(tmp_path / "p.xyz")]
    assert "cannot write .xyz files" in _error_line(capsys, argv)


def _csv(tmp_path, rows):
    path = tmp_path / "data.csv"
    path.write_text("\n".join(["a,b,label", *rows]) + "\n")
    return ["compare", "--csv", str(path), "--target", "label"]


def test_csv_with_empty_target_cells_is_refused(tmp_path, capsys, no_search):
    rows = [f"{i},{i % 3},{'x' if i % 2 else 'y'}" for i in range(20)]
    rows[4] = "4,1,"
    rows[9] = "9,0,"
    line = _error_line(capsys, _csv(tmp_path, rows))
    assert "target column 'label' has 2 missing labels (line 6, 11)" in line


@pytest.mark.parametrize("cell", ["", "NaN", "nan", "NA"])
def test_csv_with_missing_feature_values_names_column_line_and_count(
    tmp_path, capsys, no_search, cell
):
    rows = [f"{i},{i % 3},{'x' if i % 2 else 'y'}" for i in range(40)]
    rows[31] = f"31,{cell},x"
    rows[35] = f"35,{cell},x"
    line = _error_line(capsys, _csv(tmp_path, rows))
    assert "feature column 'b' has 2 missing value(s) (first on line 33)" in line
    assert "SimpleImputer" in line and "drop those rows" in line


# ------------------------------------------------ help, version, no traceback
def test_version_prints_the_package_version(capsys):
    import sklearn_nnreg

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"nnreg {sklearn_nnreg.__version__}"


@pytest.mark.parametrize("command", ["compare", "demo"])
def test_help_shows_every_default_a_description_and_an_example(capsys, command):
    from sklearn_nnreg._cli import build_parser

    assert main([command, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"example: nnreg {command} --" in text
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for action in sub.choices[command]._actions:
        if action.dest not in ("help",) and action.default is not None:
            assert action.help, action.dest
            assert f"(default: {action.default})" in text, action.dest


@pytest.mark.slow
def test_random_argument_lists_end_in_status_0_or_2_without_a_traceback(
    tmp_path, monkeypatch
):
    """Random options and values: never an exception, never a traceback."""
    monkeypatch.chdir(tmp_path)  # a drawn '--json gradient' writes a file here
    import contextlib
    import io

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    values = st.sampled_from(
        ["-1", "0", "1", "2", "0.5", "1e-3", "nan", "inf", "x", "", "1,2",
         "gradient", "l1", "l2", "elasticnet", "adam", "iris", "wine",
         "/nonexistent/out.json", "decoupled,multiplicative"]
    )  # fmt: skip
    options = st.sampled_from(
        ["--cv", "--n-jobs", "--test-size", "--l1-ratio", "--penalty", "--alphas",
         "--styles", "--hidden", "--max-iter", "--learning-rate-init", "--solver",
         "--momentum", "--seed", "--dataset", "--json", "--target", "--csv",
         "--lam", "--l2-lam", "--epochs", "--seeds", "--bogus"]
    )  # fmt: skip
    pairs = st.lists(st.tuples(options, values), max_size=4)
    # Small data and few epochs first; drawn options may override them, but
    # only with the small values above.
    bases = st.sampled_from(
        [
            ["compare", "--dataset", "iris", "--cv", "2", "--max-iter", "2",
             "--hidden", "2", "--alphas", "0.01", "--styles", "gradient"],
            ["demo", "--epochs", "1", "--seeds", "2", "--l2-lam", "0"],
        ]
    )  # fmt: skip

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(base=bases, pairs=pairs)
    def check(base, pairs):
        argv = base + [item for pair in pairs for item in pair]
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(argv)
        assert status in (0, 2), argv
        assert "Traceback" not in err.getvalue(), argv
        if status == 2:
            errors = [ln for ln in err.getvalue().splitlines() if "error" in ln]
            assert len(errors) == 1 and errors[0].startswith("nnreg: error: "), argv

    check()


# --------------------------------------------------------- output, compare
COMPARE_SMALL = ["compare", "--dataset", "iris", *SMALL, "--learning-rate-init", "0.1"]


@pytest.fixture(scope="module")
def compare_run(tmp_path_factory):
    """One small run's table and JSON, shared by the output tests."""
    out = tmp_path_factory.mktemp("cmp") / "r.json"
    proc = _run(*COMPARE_SMALL, "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, json.loads(out.read_text()), proc.stderr


def test_table_names_the_data_and_explains_its_columns(compare_run):
    table, _, _ = compare_run
    assert "Data: iris, 150 samples x 4 features, 3 classes" in table
    assert "mean ± sd of the accuracy over the 2 folds" in table
    assert "objective: the best alpha in objective units" in table


def test_table_says_why_a_style_is_left_out(compare_run):
    table, document, _ = compare_run
    assert "left out: multiplicative: penalty_style='multiplicative'" in table
    assert "it has no form for penalty='l1'" in table
    assert "L2 shrink" in document["dropped"]["multiplicative"]


def test_best_alpha_at_the_edge_of_the_grid_is_flagged(compare_run):
    table, document, _ = compare_run
    for style, best in document["styles"].items():
        assert best["edge"] in ("smallest", "largest", None)
        if best["edge"]:
            word = best["edge"]
            assert f"* {style}: best at the {word} alpha tried" in table
    flagged = [line for line in table.splitlines() if line.endswith(" *")]
    assert len(flagged) == sum(bool(b["edge"]) for b in document["styles"].values())


def test_json_holds_every_style_alpha_row(compare_run):
    _, document, _ = compare_run
    rows = document["rows"]
    assert {(r["style"], r["common_alpha"]) for r in rows} == {
        (s, a) for s in ("gradient", "decoupled", "proximal", "cumulative")
        for a in (1e-3, 1e-1)
    }  # fmt: skip
    for row in rows:
        assert len(row["cv_scores"]) == 2
        assert row["cv_mean"] == pytest.approx(sum(row["cv_scores"]) / 2)
        assert 0 <= row["sparsity_mean"] <= 1 and row["fit_time_mean"] > 0
    assert document["data"]["n_train"] + document["data"]["n_test"] == 150


def test_json_schema_is_documented(compare_run):
    from pathlib import Path

    _, document, _ = compare_run
    docs = (Path(__file__).parents[1] / "docs" / "getting_started.rst").read_text()
    keys = set(document) | set(document["data"]) | set(document["rows"][0])
    keys |= set(next(iter(document["styles"].values()))) | set(document["settings"])
    missing = sorted(k for k in keys if f"``{k}``" not in docs)
    assert not missing, f"document these JSON keys in getting_started.rst: {missing}"
    assert f"``{document['schema']}``" in docs


def test_path_search_is_the_default_and_named_in_table_and_json(compare_run):
    table, document, _ = compare_run
    assert document["settings"]["search"] == "path"
    assert "; path search; alphas tried" in table


def test_grid_search_gives_the_same_table_json_and_plot(tmp_path):
    pytest.importorskip("matplotlib")
    out, plot = tmp_path / "g.json", tmp_path / "g.png"
    argv = [*COMPARE_SMALL, "--search", "grid", "--json", str(out), "--plot", str(plot)]
    proc = _run(*argv)
    assert proc.returncode == 0, proc.stderr
    assert "; grid search; alphas tried" in proc.stdout
    document = json.loads(out.read_text())
    assert document["settings"]["search"] == "grid"
    assert len(document["rows"]) == 8 and set(document["styles"]) == {
        "gradient", "decoupled", "proximal", "cumulative"
    }  # fmt: skip
    assert plot.stat().st_size > 0


def test_path_search_tests_each_style_refitted_along_its_path(tmp_path):
    """The test accuracy is the CV estimator's own refit along the path."""
    import numpy as np
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from sklearn_nnreg import RegularizedMLPClassifierCV

    out = tmp_path / "p.json"
    argv = [*COMPARE_SMALL, "--styles", "proximal", "--max-iter", "30"]
    assert main([*argv, "--json", str(out)]) == 0
    best = json.loads(out.read_text())["styles"]["proximal"]
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    search = RegularizedMLPClassifierCV(
        alphas=[1e-3, 1e-1], penalty_styles=["proximal"], cv=2,
        hidden_layer_sizes=(4,), solver="sgd", learning_rate_init=0.1,
        max_iter=30, random_state=0, penalty="l1",
    ).fit(scaler.transform(X_train), y_train)  # fmt: skip
    assert best["common_alpha"] == pytest.approx(search.common_alpha_)
    expected = search.score(scaler.transform(X_test), y_test)
    assert best["test_score"] == pytest.approx(expected)
    assert best["zero_share"] == pytest.approx(np.float64(search.sparsity_))


def test_progress_reports_elapsed_and_time_left(compare_run):
    _, _, err = compare_run
    assert "[16/16 fits, 0:" in err and "elapsed, ~0:00 left]" in err


def test_multiplicative_alpha_prints_apart_from_one(capsys):
    argv = ["compare", "--dataset", "iris", "--penalty", "l2", "--momentum", "0"]
    argv += ["--styles", "multiplicative", "--alphas", "1e-3", *SMALL[:6]]
    assert main(argv) == 0
    row = next(
        ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("multi")
    )
    assert row.split()[1] == "0.99999"


@pytest.mark.parametrize(
    "value, text",
    [(0.99999, "0.99999"), (0.9997, "0.9997"), (1e-05, "1e-05"), (0.001, "0.001"),
     (1.0, "1"), (0.0, "0"), (123456.0, "1.2346e+05"), (0.5, "0.5")],
)  # fmt: skip
def test_alphas_keep_enough_digits_to_tell_them_from_one(value, text):
    from sklearn_nnreg._cli.formatting import fmt_alpha

    assert fmt_alpha(value) == text


# ------------------------------------------------------------------- demo
def test_paired_gain_is_the_mean_difference_with_a_t_interval():
    from scipy import stats

    from sklearn_nnreg._cli.demo import paired_gain

    test, base = [60.0, 62.5, 55.0, 70.0], [57.5, 57.5, 55.0, 62.5]
    mean, low, high = paired_gain(test, base)
    diff = [2.5, 5.0, 0.0, 7.5]
    half = stats.t.ppf(0.975, 3) * stats.tstd(diff) / 2
    assert mean == pytest.approx(3.75)
    assert (low, high) == pytest.approx((3.75 - half, 3.75 + half))
    assert paired_gain([60.0], [55.0]) == (5.0, None, None)


def test_demo_reports_paired_gains_and_the_articles_extra_rows(capsys):
    assert main(["demo", "--epochs", "2", "--seeds", "3"]) == 0
    out = capsys.readouterr().out
    rows = {ln.split("  ")[0].strip(): ln for ln in out.splitlines()}
    assert "L1 tack-on untranslated" in rows and "L2 gradient" in rows
    assert rows["L1 tack-on untranslated"].split()[3] == "0.001"  # lambda itself
    assert "100 times too strong" in out
    for label in ("L1 gradient", "L1 tack-on untranslated", "L2 gradient"):
        assert re.search(r"[+-]\d+\.\d \[[+-]\d+\.\d, [+-]\d+\.\d\]", rows[label])
    assert "95% confidence interval" in out


def test_demo_says_in_words_when_the_interval_contains_zero(monkeypatch, capsys):
    from sklearn_nnreg._cli import demo

    def fake_fit(seed, variant, epochs):  # the L2 row gains 10 points on every seed
        test = 50.0 + seed + (10.0 if variant.penalty == "l2" else 0.0)
        test += 5.0 * (seed % 2) * (variant.penalty == "l1")
        return 90.0, test, 0.0, 0.01

    monkeypatch.setattr(demo, "demo_fit", fake_fit)
    assert main(["demo", "--seeds", "4"]) == 0
    out = capsys.readouterr().out
    words = next(ln for ln in out.splitlines() if ln.startswith("~0: for "))
    assert "L1 gradient" in words and "L2 gradient" not in words
    assert "cannot be told apart from no penalty's" in words
    l2_row = next(ln for ln in out.splitlines() if ln.startswith("L2 gradient"))
    assert "+10.0 [+10.0, +10.0]" in l2_row and "~0" not in l2_row


# ---------------------------------------------------------------- progress
class _Stream:
    def __init__(self, tty):
        self.tty, self.text = tty, ""

    def isatty(self):
        return self.tty

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_is_a_counter_line_when_stderr_is_not_a_terminal():
    from sklearn_nnreg._cli.progress import Progress

    stream = _Stream(tty=False)
    progress = Progress(4, stream=stream)
    assert progress.bar is None
    progress.update(1, "first")  # too soon after the start for a line
    assert stream.text == ""
    progress.update(3, "last")
    assert re.fullmatch(r"\[4/4 fits, 0:0\d elapsed, ~0:00 left\] last\n", stream.text)
    progress.start -= 60  # a minute ago: 1 of 2 done, so about a minute left
    progress.done = 1
    progress.total = 2
    assert "1:00 elapsed, ~1:00 left" in progress.counter_line(progress.start + 60)


def test_progress_is_a_tqdm_bar_on_a_terminal_and_a_counter_without_tqdm(
    monkeypatch,
):
    pytest.importorskip("tqdm")
    from sklearn_nnreg._cli.progress import Progress

    progress = Progress(2, stream=_Stream(tty=True))
    assert progress.bar is not None
    progress.update(2, "done")
    progress.close()
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if not installed
    assert Progress(2, stream=_Stream(tty=True)).bar is None


def test_compare_runs_the_group_lasso_on_the_styles_that_take_it(tmp_path, capsys):
    out = tmp_path / "group.json"
    argv = [
        "compare", "--dataset", "iris", "--penalty", "group_lasso", "--cv", "2",
        "--max-iter", "5", "--hidden", "4", "--alphas", "1e-4,1e-3",
        "--json", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    table = capsys.readouterr().out
    document = json.loads(out.read_text())
    assert document["settings"]["penalty"] == "group_lasso"
    ran = set(document["styles"])
    assert ran == {"gradient", "decoupled", "proximal"}
    # The others are left out with the registry's reason, not silently.
    for style in ("multiplicative", "cumulative"):
        assert f"left out: {style}:" in table and "group" in table
