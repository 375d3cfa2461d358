"""sklearn_nnreg.plot: the displays, sparsity_scorer and ``nnreg compare --plot``.

The tests that draw are skipped when matplotlib (the ``plot`` extra) is not
installed; the tests of the missing-matplotlib behaviour always run.
"""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_nnreg.plot as plot_package
from sklearn_nnreg import (
    RegularizedMLPClassifier,
    sparsity_scorer,
    style_param_grid,
    translate_alpha,
)
from sklearn_nnreg._cli import main
from sklearn_nnreg._styles import STYLES, Gradient
from sklearn_nnreg.plot import (
    ALPHA_LABEL,
    STYLE_COLORS,
    SparsityPathDisplay,
    StructureDisplay,
    StyleComparisonDisplay,
    WeightHistogramDisplay,
)
from sklearn_nnreg.plot._curves import _objective_styles

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    HAS_MATPLOTLIB = True
except ImportError:
    HAS_MATPLOTLIB = False

needs_matplotlib = pytest.mark.skipif(
    not HAS_MATPLOTLIB,
    reason='matplotlib is not installed (pip install "sklearn_nnreg[plot]")',
)
pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

LR = 0.1


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _fake_cv_results(alphas, scores, stds, prefix="clf__", extra=None):
    """A cv_results_ dict over style_param_grid rows, listed out of order."""
    params, means, sds = [], [], []
    for style in ("decoupled", "gradient", "multiplicative"):
        for alpha, score, sd in zip(alphas, scores[style], stds[style], strict=True):
            value = translate_alpha(
                alpha,
                penalty="l2",
                source="gradient",
                target=style,
                learning_rate_init=LR,
            )
            row = {
                prefix + "penalty": "l2",
                prefix + "penalty_style": style,
                prefix + "alpha": value,
                prefix + "learning_rate_init": LR,
            }
            params.append(row)
            means.append(score)
            sds.append(sd)
    order = np.random.RandomState(0).permutation(len(params))
    result = {
        "params": [params[i] for i in order],
        "mean_test_score": np.array(means)[order],
        "std_test_score": np.array(sds)[order],
    }
    for key, values in (extra or {}).items():
        result[key] = np.asarray(values)[order]
    return result


ALPHAS = [1e-3, 1e-2, 1e-1]
SCORES = {
    "gradient": [0.8, 0.85, 0.7],
    "decoupled": [0.81, 0.84, 0.72],
    "multiplicative": [0.79, 0.83, 0.6],
}
STDS = {
    "gradient": [0.01, 0.02, 0.03],
    "decoupled": [0.0, 0.01, 0.0],
    "multiplicative": [0.02, 0.02, 0.02],
}


# ------------------------------------------------------------ without matplotlib
def test_module_imports_and_plot_fails_clearly_without_matplotlib():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["matplotlib"] = None  # as if not installed
        sys.modules["matplotlib.pyplot"] = None
        import numpy as np
        from sklearn_nnreg.plot import StyleComparisonDisplay
        d = StyleComparisonDisplay(alphas={"gradient": np.array([1.0])},
                                   scores={"gradient": np.array([0.5])})
        try:
            d.plot()
        except ImportError as exc:
            print("IMPORTERROR:", exc)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "IMPORTERROR: StyleComparisonDisplay.plot needs matplotlib" in proc.stdout
    assert 'pip install "sklearn_nnreg[plot]"' in proc.stdout


def test_compare_plot_without_matplotlib_fails_before_the_search(
    monkeypatch, capsys, tmp_path
):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "cmp.png"
    assert main(["compare", "--dataset", "iris", "--plot", str(out)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert err == [
        'nnreg: error: --plot needs matplotlib: pip install "sklearn_nnreg[plot]"'
    ]
    assert captured.out == "" and not out.exists()


def test_sparsity_scorer_reads_the_final_step(iris):
    X, y = iris
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(6,),
        solver="lbfgs",
        penalty="l1",
        alpha=0.05,
        max_iter=200,
        random_state=0,
    )
    pipe = make_pipeline(StandardScaler(), clf).fit(X, y)
    assert sparsity_scorer(pipe, X, y) == pipe[-1].sparsity_
    assert sparsity_scorer(pipe[-1]) == pipe[-1].sparsity_ > 0
    with pytest.raises(TypeError, match="no sparsity_ attribute"):
        sparsity_scorer(MLPClassifier(max_iter=5).fit(X, y), X, y)


# ---------------------------------------------------------- StyleComparison
@needs_matplotlib
def test_style_comparison_lines_hold_common_alphas_and_scores():
    cv_results = _fake_cv_results(ALPHAS, SCORES, STDS)
    display = StyleComparisonDisplay.from_cv_results(cv_results)
    assert list(display.lines_) == ["gradient", "decoupled", "multiplicative"]
    for style, line in display.lines_.items():
        np.testing.assert_allclose(line.get_xdata(), ALPHAS, rtol=1e-9)
        np.testing.assert_allclose(line.get_ydata(), SCORES[style])
        assert line.get_color() == matplotlib.colors.to_hex(
            STYLE_COLORS[style]
        ) or matplotlib.colors.same_color(line.get_color(), STYLE_COLORS[style])
    band = display.fill_between_["gradient"].get_paths()[0].vertices
    assert band[:, 1].max() == pytest.approx(0.85 + 0.02)
    assert band[:, 1].min() == pytest.approx(0.7 - 0.03)
    ax = display.ax_
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == ALPHA_LABEL
    assert ax.get_ylabel() == "mean CV score"
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == list(display.lines_)
    assert legend.get_title().get_text() == "penalty_style"
    assert display.figure_ is ax.figure


@needs_matplotlib
def test_style_comparison_pools_several_searches_and_draws_on_given_axes():
    cv_results = _fake_cv_results(ALPHAS, SCORES, STDS)
    rows = [
        {k: (v[i] if k != "params" else [v[i]]) for k, v in cv_results.items()}
        for i in range(len(cv_results["params"]))
    ]
    single = [
        {
            "params": r["params"],
            "mean_test_score": np.atleast_1d(r["mean_test_score"]),
            "std_test_score": np.atleast_1d(r["std_test_score"]),
        }
        for r in rows
    ]
    _, ax = plt.subplots()
    display = StyleComparisonDisplay.from_cv_results(
        single, ax=ax, std_display_style="errorbar"
    )
    assert display.ax_ is ax
    assert display.fill_between_ == {}
    np.testing.assert_allclose(
        display.lines_["decoupled"].get_ydata(), SCORES["decoupled"]
    )
    assert set(display.errorbar_) == {"gradient", "decoupled", "multiplicative"}


@needs_matplotlib
def test_style_comparison_multimetric_and_missing_metric():
    extra = {"mean_test_f1": [0.5] * 9, "std_test_f1": [0.1] * 9}
    cv_results = _fake_cv_results(ALPHAS, SCORES, STDS, extra=extra)
    multi = {k: v for k, v in cv_results.items() if "score" not in k}
    display = StyleComparisonDisplay.from_cv_results(multi, metric="f1")
    np.testing.assert_allclose(display.lines_["gradient"].get_ydata(), [0.5] * 3)
    assert display.ax_.get_ylabel() == "mean CV f1"
    with pytest.raises(ValueError, match="metrics are: f1.*metric=NAME"):
        StyleComparisonDisplay.from_cv_results(multi)


@needs_matplotlib
def test_style_comparison_refuses_rows_that_vary_another_parameter():
    cv_results = _fake_cv_results(ALPHAS, SCORES, STDS)
    doubled = {
        k: (list(v) * 2 if k == "params" else np.concatenate([v, v]))
        for k, v in cv_results.items()
    }
    with pytest.raises(ValueError, match="share an alpha"):
        StyleComparisonDisplay.from_cv_results(doubled)


@needs_matplotlib
def test_style_comparison_zero_alpha_uses_symlog():
    display = StyleComparisonDisplay(
        alphas={"gradient": np.array([0.0, 1e-3, 1e-2])},
        scores={"gradient": np.array([0.9, 0.91, 0.8])},
    ).plot(std_display_style=None)
    assert display.ax_.get_xscale() == "symlog"
    assert display.fill_between_ == {}
    with pytest.raises(ValueError, match="std_display_style"):
        display.plot(std_display_style="band")


@needs_matplotlib
def test_style_comparison_from_estimator_runs_the_style_grid(iris):
    X, y = iris
    pipe = make_pipeline(
        StandardScaler(),
        RegularizedMLPClassifier(
            hidden_layer_sizes=(6,),
            solver="sgd",
            momentum=0.0,
            learning_rate_init=LR,
            max_iter=15,
            penalty="l2",
            random_state=0,
        ),
    )
    display = StyleComparisonDisplay.from_estimator(
        pipe,
        X,
        y,
        alphas=[1e-3, 1e-1],
        cv=2,
        scoring="accuracy",
        styles=["gradient", "multiplicative"],
    )
    assert list(display.lines_) == ["gradient", "multiplicative"]
    for line in display.lines_.values():
        np.testing.assert_allclose(line.get_xdata(), [1e-3, 1e-1], rtol=1e-9)
        assert np.all((line.get_ydata() > 0.3) & (line.get_ydata() <= 1))
    # Plain sgd, constant rate: gradient and multiplicative give the same
    # weights at the same lambda, so the same scores.
    np.testing.assert_allclose(
        display.scores["gradient"], display.scores["multiplicative"], atol=1e-12
    )
    assert display.ax_.get_ylabel() == "mean CV accuracy"


# --------------------------------------------------------------- Sparsity
@needs_matplotlib
def test_sparsity_path_from_estimator_matches_direct_fits(iris):
    X, y = iris
    base = dict(
        hidden_layer_sizes=(8,),
        solver="sgd",
        penalty="l1",
        batch_size=10,
        learning_rate_init=0.05,
        max_iter=20,
        random_state=0,
    )
    clf = RegularizedMLPClassifier(**base)
    display = SparsityPathDisplay.from_estimator(
        clf,
        X,
        y,
        alphas=[1e-3, 1e-2, 1e-1],
        styles=["gradient", "proximal"],
    )
    np.testing.assert_array_equal(display.lines_["gradient"].get_ydata(), 0.0)
    proximal = display.lines_["proximal"].get_ydata()
    assert np.all(np.diff(proximal) >= 0) and proximal[-1] > 0.3
    direct = RegularizedMLPClassifier(
        **base, penalty_style="proximal", alpha=1e-2, momentum=0.9
    ).fit(X, y)
    assert proximal[1] == direct.sparsity_
    assert display.ax_.get_ylabel() == "share of weights exactly zero"
    assert display.ax_.get_ylim() == (-0.02, 1.02)
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == [
        "gradient",
        "proximal",
    ]


@needs_matplotlib
def test_sparsity_path_lbfgs_defaults_to_the_objective_styles(iris):
    X, y = iris
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(6,),
        solver="lbfgs",
        penalty="l1",
        max_iter=150,
        random_state=0,
    )
    display = SparsityPathDisplay.from_estimator(clf, X, y, alphas=[1e-3, 0.1])
    assert list(display.lines_) == ["gradient", "proximal", "cumulative"]
    # One objective under lbfgs: the three styles give the same weights.
    for style in ("proximal", "cumulative"):
        np.testing.assert_array_equal(
            display.sparsity[style], display.sparsity["gradient"]
        )
    assert display.sparsity["gradient"][1] > display.sparsity["gradient"][0]


@needs_matplotlib
def test_sparsity_path_from_cv_results_with_sparsity_scorer(iris):
    X, y = iris
    grid = style_param_grid(
        [1e-3, 1e-1],
        penalty="l1",
        styles=["gradient", "proximal"],
        learning_rate_init=0.05,
        momentum=0.0,
    )
    search = GridSearchCV(
        RegularizedMLPClassifier(
            hidden_layer_sizes=(8,),
            solver="sgd",
            batch_size=10,
            max_iter=15,
            random_state=0,
        ),
        grid,
        cv=2,
        scoring={"accuracy": "accuracy", "sparsity": sparsity_scorer},
        refit="accuracy",
    ).fit(X, y)
    display = SparsityPathDisplay.from_cv_results(search.cv_results_)
    res = search.cv_results_
    for style, line in display.lines_.items():
        rows = [i for i, p in enumerate(res["params"]) if p["penalty_style"] == style]
        np.testing.assert_allclose(line.get_ydata(), res["mean_test_sparsity"][rows])
    assert display.sparsity["proximal"][-1] > 0
    assert set(display.fill_between_) == {"gradient", "proximal"}
    # The same search also feeds the score display, by metric name.
    score = StyleComparisonDisplay.from_cv_results(res, metric="accuracy")
    np.testing.assert_allclose(
        score.scores["proximal"], res["mean_test_accuracy"][[2, 3]]
    )
    without = {k: v for k, v in res.items() if "sparsity" not in k}
    with pytest.raises(ValueError, match="sparsity_scorer"):
        SparsityPathDisplay.from_cv_results(without)


# --------------------------------------------------------- WeightHistogram
@needs_matplotlib
def test_weight_histograms_count_every_weight_and_the_exact_zeros(iris):
    X, y = iris
    fits = [
        RegularizedMLPClassifier(
            hidden_layer_sizes=(10,),
            solver="sgd",
            penalty="l1",
            alpha=0.05,
            penalty_style=style,
            batch_size=10,
            learning_rate_init=0.05,
            max_iter=20,
            random_state=0,
        ).fit(X, y)
        for style in ("gradient", "proximal")
    ]
    display = WeightHistogramDisplay.from_estimator(fits, bins=12)
    assert display.axes_.shape == (2, 2)
    assert display.ax_ is display.axes_
    for i in range(2):
        edges = [np.array([p.get_x() for p in display.hist_[i, j]]) for j in range(2)]
        np.testing.assert_allclose(edges[0], edges[1])  # shared bins per layer
        assert len(edges[0]) == 12
        for j, est in enumerate(fits):
            w = est.coefs_[i]
            heights = [p.get_height() for p in display.hist_[i, j]]
            assert sum(heights) == np.count_nonzero(w)
            (zero_bar,) = display.zero_bars_[i, j]
            assert zero_bar.get_height() == np.sum(w == 0)
            assert zero_bar.get_x() + zero_bar.get_width() / 2 == pytest.approx(0)
            legend = display.axes_[i, j].get_legend()
            labels = [t.get_text() for t in legend.get_texts()]
            assert labels == [
                "non-zero weights",
                f"exactly zero: {np.mean(w == 0):.0%}",
            ]
    assert display.zero_bars_[0, 0][0].get_height() == 0  # gradient: none
    assert display.zero_bars_[0, 1][0].get_height() > 10  # proximal: a spike
    assert [a.get_title() for a in display.axes_[0]] == [
        "l1 gradient, alpha=0.05",
        "l1 proximal, alpha=0.05",
    ]
    assert display.axes_[1, 0].get_xlabel() == "weight"
    assert display.axes_[1, 0].get_ylabel() == "layer 1: count"


@needs_matplotlib
def test_weight_histograms_pipeline_layers_names_and_errors(iris):
    X, y = iris
    pipe = make_pipeline(
        StandardScaler(),
        RegularizedMLPClassifier(hidden_layer_sizes=(5, 4), max_iter=5, random_state=0),
    ).fit(X, y)
    mlp = MLPClassifier(hidden_layer_sizes=(5, 4), max_iter=5, random_state=0).fit(X, y)
    _, ax = plt.subplots(1, 2)
    display = WeightHistogramDisplay.from_estimator(
        [pipe, mlp], layers=[2], names=["ours", "sklearn"], ax=ax
    )
    assert display.axes_.shape == (1, 2) and display.axes_[0, 1] is ax[1]
    assert display.axes_[0, 0].get_ylabel() == "layer 2: count"
    assert sum(p.get_height() for p in display.hist_[0, 1]) == mlp.coefs_[2].size
    assert [a.get_title() for a in display.axes_[0]] == ["ours", "sklearn"]
    with pytest.raises(ValueError, match="not fitted or has no coefs_"):
        WeightHistogramDisplay.from_estimator(RegularizedMLPClassifier())
    with pytest.raises(ValueError, match="same number of layers"):
        short = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5).fit(X, y)
        WeightHistogramDisplay.from_estimator([mlp, short])
    with pytest.raises(ValueError, match="layers must index"):
        WeightHistogramDisplay.from_estimator(mlp, layers=[3])
    with pytest.raises(ValueError, match="ax needs 1 x 2 axes"):
        WeightHistogramDisplay.from_estimator([mlp, mlp], layers=[0], ax=ax[0])


# ------------------------------------------------------------ nnreg compare
@needs_matplotlib
def test_compare_writes_the_style_comparison_plot(tmp_path, monkeypatch, capsys):
    shown = {}
    original = StyleComparisonDisplay.from_cv_results.__func__

    def spy(cls, cv_results, **kwargs):
        display = original(cls, cv_results, **kwargs)
        shown["display"] = display
        return display

    monkeypatch.setattr(StyleComparisonDisplay, "from_cv_results", classmethod(spy))
    out = tmp_path / "cmp.png"
    argv = [
        "compare",
        "--dataset",
        "iris",
        "--styles",
        "gradient,proximal",
        "--cv",
        "2",
        "--max-iter",
        "10",
        "--hidden",
        "4",
        "--alphas",
        "1e-3,1e-1",
        "--learning-rate-init",
        "0.1",
        "--plot",
        str(out),
    ]
    assert main(argv) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"plot written to {out}" in capsys.readouterr().err
    display = shown["display"]
    assert list(display.lines_) == ["gradient", "proximal"]
    for line in display.lines_.values():
        np.testing.assert_allclose(line.get_xdata(), [1e-3, 1e-1], rtol=1e-9)
    title = "iris (150 x 4): penalty=l1, solver=sgd, 2-fold CV"  # names the shape
    assert display.ax_.get_title() == title
    assert display.ax_.get_ylabel().startswith("mean CV accuracy")


@needs_matplotlib
def test_compare_plot_to_unwritable_path_is_a_usage_error(tmp_path, capsys):
    out = tmp_path / "missing-dir" / "cmp.png"
    argv = [
        "compare",
        "--dataset",
        "iris",
        "--styles",
        "gradient",
        "--cv",
        "2",
        "--max-iter",
        "3",
        "--hidden",
        "3",
        "--alphas",
        "1e-3",
        "--plot",
        str(out),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    # Refused before the search: one line, no progress before it.
    assert len(err) == 1 and err[0].startswith("nnreg: error: --plot ")
    assert err[0].endswith("does not exist; create it first")


# ------------------------------------------------- styles from the registry
class _ToyStyle(Gradient):
    """A sixth style, registered by the tests below only: an objective style
    (alpha is an objective weight) that no plot code names."""


def _register_toy(monkeypatch, name="toy", style=_ToyStyle):
    monkeypatch.setitem(STYLES, name, style)
    return list(STYLES).index(name)


def test_palette_follows_the_registry_and_keeps_the_five_colours(monkeypatch):
    assert dict(STYLE_COLORS) == {
        "gradient": "C0",
        "decoupled": "C1",
        "multiplicative": "C2",
        "proximal": "C3",
        "cumulative": "C4",
    }
    position = _register_toy(monkeypatch)
    assert list(STYLE_COLORS) == list(STYLES)
    assert STYLE_COLORS["toy"] == f"C{position}" == "C5"
    assert STYLE_COLORS.get("not a style") is None


def test_lbfgs_default_styles_are_the_registered_objective_styles(monkeypatch):
    class NoObjective(_ToyStyle):
        has_objective = False

    _register_toy(monkeypatch)
    _register_toy(monkeypatch, "toy_without_objective", NoObjective)
    assert _objective_styles() == ("gradient", "proximal", "cumulative", "toy")


@needs_matplotlib
def test_a_registered_style_gets_its_own_colour_and_marker(monkeypatch):
    _register_toy(monkeypatch)
    x = np.array([1e-3, 1e-2])
    display = StyleComparisonDisplay(
        alphas={"gradient": x, "toy": x},
        scores={"gradient": np.array([0.8, 0.7]), "toy": np.array([0.6, 0.5])},
    ).plot()
    toy = display.lines_["toy"]
    assert matplotlib.colors.same_color(toy.get_color(), "C5")
    others = [STYLE_COLORS[s] for s in STYLES if s != "toy"]
    assert not any(matplotlib.colors.same_color(toy.get_color(), c) for c in others)
    assert toy.get_marker() not in {display.lines_["gradient"].get_marker(), "o"}
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels == ["gradient", "toy"]


@needs_matplotlib
def test_a_registered_style_gets_a_line_from_cv_results(monkeypatch):
    _register_toy(monkeypatch)
    rows, means = [], []
    for style, score in (("toy", 0.6), ("proximal", 0.7), ("gradient", 0.8)):
        for alpha in ALPHAS[::-1]:
            rows.append(
                {
                    "penalty": "l2",
                    "penalty_style": style,
                    "alpha": alpha,
                    "learning_rate_init": LR,
                }
            )
            means.append(score + alpha)
    cv_results = {
        "params": rows,
        "mean_test_score": np.array(means),
        "std_test_score": np.zeros(len(rows)),
    }
    display = StyleComparisonDisplay.from_cv_results(cv_results)
    assert list(display.lines_) == ["gradient", "proximal", "toy"]
    toy = display.lines_["toy"]
    np.testing.assert_allclose(toy.get_xdata(), ALPHAS)
    np.testing.assert_allclose(toy.get_ydata(), 0.6 + np.array(ALPHAS))
    assert matplotlib.colors.same_color(toy.get_color(), STYLE_COLORS["toy"])
    assert not matplotlib.colors.same_color(toy.get_color(), STYLE_COLORS["gradient"])


def test_no_plot_module_names_a_style():
    """Only the registry names styles (docstrings aside)."""
    package = Path(plot_package.__file__).parent
    named = {}
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(
                node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
            )
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        literals = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ]
        found = sorted({s for s in literals if s in STYLES})
        if found:
            named[path.name] = found
    assert len(list(package.glob("*.py"))) >= 5
    assert not named, f"style names spelled out in plot code: {named}"


# ------------------------------------------------------------- the regressor
@needs_matplotlib
def test_the_displays_take_a_regressor_and_score_it_by_r2():
    from sklearn.datasets import make_regression

    from sklearn_nnreg import RegularizedMLPRegressor

    X, y = make_regression(80, 4, noise=0.5, random_state=0)
    y = y / y.std()
    reg = RegularizedMLPRegressor(
        hidden_layer_sizes=(6,),
        solver="lbfgs",
        penalty="l1",
        max_iter=100,
        random_state=0,
    )
    comparison = StyleComparisonDisplay.from_estimator(
        reg, X, y, alphas=[1e-4, 1.0], cv=2, styles=["gradient", "proximal"]
    )
    # lbfgs: both styles minimise the same objective, so the same R².
    np.testing.assert_allclose(
        comparison.scores["gradient"], comparison.scores["proximal"], rtol=1e-9
    )
    assert comparison.scores["gradient"][0] > 0.9  # R², not an accuracy
    path = SparsityPathDisplay.from_estimator(
        reg, X, y, alphas=[1e-4, 1.0], styles=["gradient"]
    )
    assert path.lines_["gradient"].get_ydata()[-1] > 0.5
    histogram = WeightHistogramDisplay.from_estimator(reg.fit(X, y), bins=5)
    assert histogram.weights[0][0] is reg.coefs_[0]
    plt.close("all")


# -------------------------------------------------------------- Structure
@needs_matplotlib
def test_structure_display_counts_units_and_inputs_of_direct_fits(iris):
    X, y = iris
    base = dict(
        hidden_layer_sizes=(8, 4),
        solver="adam",
        learning_rate_init=0.02,
        max_iter=60,
        batch_size=150,
        penalty="group_lasso",
        penalty_style="proximal",
        random_state=0,
    )
    clf = make_pipeline(StandardScaler(), RegularizedMLPClassifier(**base))
    display = StructureDisplay.from_estimator(clf, X, y, alphas=[0.03, 1e-4])
    assert display.alphas.tolist() == [1e-4, 0.03]
    direct = RegularizedMLPClassifier(**base, alpha=0.03).fit(X, y)
    pruned = direct.prune()
    assert display.units_kept[1].tolist() == [c.shape[0] for c in pruned.coefs_[1:]]
    assert display.inputs_kept[1] == direct.coefs_[0].any(axis=1).sum()
    assert display.units_kept[1].sum() < display.units_kept[0].sum()
    assert set(display.lines_) == {"inputs", "hidden layer 1", "hidden layer 2"}
    np.testing.assert_array_equal(
        display.lines_["hidden layer 2"].get_ydata(), display.units_kept[:, 1]
    )
    assert display.ax_.get_xscale() == "log"
    assert display.ax_.get_xlabel() == ALPHA_LABEL
    plt.close(display.figure_)


@needs_matplotlib
def test_structure_display_translates_alpha_into_the_style_unit(iris):
    X, y = iris
    clf = RegularizedMLPClassifier(
        (6,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.05,
        max_iter=30,
        batch_size=150,
        penalty="group_lasso",
        penalty_style="decoupled",
        random_state=0,
    )
    display = StructureDisplay.from_estimator(clf, X, y, alphas=[0.5])
    direct = clone(clf).set_params(alpha=0.5 * 0.05).fit(X, y)
    assert display.inputs_kept[0] == direct.coefs_[0].any(axis=1).sum()
    assert display.units_kept[0, 0] == direct.prune().hidden_layer_sizes[0]
    plt.close(display.figure_)
