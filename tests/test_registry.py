"""The style registry is the one place that knows what a style is.

A style added to ``STYLES`` (one class) shows up everywhere that lists,
checks or translates styles; and no module outside ``_styles.py`` spells a
style's name.
"""

import ast
import pathlib
import re

import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification

from sklearn_nnreg import (
    RegularizedMLPClassifier,
    common_alpha,
    style_param_grid,
    translate_alpha,
)
from sklearn_nnreg._penalties import make_penalty
from sklearn_nnreg._styles import STYLES, Gradient, Style, styles_accepting

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "sklearn_nnreg"


def _docstring_nodes(tree):
    """Every string that stands alone as a statement: (attribute) docstrings."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def _init_defaults(tree):
    """Default values of ``__init__`` parameters: the public parameters' defaults."""
    defaults = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            for value in node.args.defaults + node.args.kw_defaults:
                if value is not None:
                    defaults.add(id(value))
    return defaults


def _style_name_literals(source, names):
    """(line, text) of each string literal that is or quotes a style name."""
    tree = ast.parse(source)
    allowed = _docstring_nodes(tree) | _init_defaults(tree)
    quoted = re.compile("|".join(rf"['\"]{re.escape(n)}['\"]" for n in names))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in allowed
        and (node.value in names or quoted.search(node.value))
    ]


def test_the_literal_check_sees_names_and_quoted_names_but_not_docstrings():
    source = '''
"""Module docstring: 'gradient'."""
X = "gradient"
def f(style="proximal"):
    """'decoupled' in a docstring."""
    return f"penalty_style='cumulative' at {style}"
class A:
    def __init__(self, penalty_style="gradient"):
        pass
'''
    found = _style_name_literals(source, set(STYLES))
    assert [line for line, _ in found] == [3, 4, 6]


def test_no_style_name_is_spelled_outside_the_style_registry():
    names = set(STYLES)
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "_styles.py":
            continue
        for line, text in _style_name_literals(path.read_text(), names):
            offenders.append(f"{relative}:{line}: {text!r}")
    assert offenders == []


# ------------------------------------------------------- a sixth style
class Twice(Gradient):
    """A toy style: the gradient style with alpha in units of 2 * lambda, L2 only."""

    name = "twice"
    label = "Twice the gradient"
    has_objective = False  # its alpha is not the objective weight

    def before_optimizer(self, w, g):
        # Halving is exact in floating point: the same step as 'gradient'.
        self.penalty.add_gradient(w, g, self.alpha / 2, self.scratch[0])

    @classmethod
    def check_penalty(cls, penalty, l1_ratio=0.5):
        if penalty != "l2":
            raise ValueError(f"penalty_style='twice' is L2 only, not {penalty!r}.")

    @classmethod
    def check_alpha(cls, alpha, penalty, l1_ratio=0.5):
        if alpha >= 1:
            raise ValueError(f"penalty_style='twice' needs alpha < 1; got {alpha}.")

    @classmethod
    def to_objective(cls, alpha, learning_rate_init=None, momentum=0.0):
        return alpha / 2

    @classmethod
    def from_objective(cls, lam, learning_rate_init=None, momentum=0.0):
        return 2 * lam


@pytest.fixture
def twice(monkeypatch):
    monkeypatch.setitem(STYLES, Twice.name, Twice)
    return Twice.name


def test_a_registered_style_is_translated(twice):
    assert translate_alpha(0.25, penalty="l2", source=twice, target="gradient") == (
        0.125
    )
    assert translate_alpha(0.125, penalty="l2", source="gradient", target=twice) == (
        0.25
    )
    # Through the objective into another style's unit.
    assert translate_alpha(
        0.2, penalty="l2", source=twice, target="decoupled", learning_rate_init=0.5
    ) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="'twice' is L2 only"):
        translate_alpha(0.1, penalty="l1", source=twice, target="gradient")


def test_a_registered_style_is_in_the_grids(twice):
    grid = style_param_grid([1e-3, 0.75], penalty="l2", learning_rate_init=0.1)
    rows = {g["penalty_style"][0]: g["alpha"] for g in grid}
    assert list(rows)[-1] == twice
    # 2 * 0.75 >= 1 is refused by the style's own check_alpha: left out.
    assert rows[twice] == [2e-3]
    only = style_param_grid([1e-3], penalty="l2", styles=[twice])
    assert only[0]["penalty_style"] == [twice]
    assert style_param_grid([1e-3], penalty="l1", styles=[twice]) == []
    cv_results = {
        "params": [
            {
                "penalty_style": twice,
                "penalty": "l2",
                "alpha": 0.5,
                "learning_rate_init": 0.1,
            }
        ]
    }
    assert common_alpha(cv_results).tolist() == [0.25]


def test_a_registered_style_trains_in_the_estimator(twice):
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    common = dict(hidden_layer_sizes=(3,), solver="sgd", max_iter=3, random_state=0)
    with pytest.warns(Warning):  # (ConvergenceWarning: 3 epochs)
        ours = RegularizedMLPClassifier(penalty_style=twice, alpha=2e-2, **common).fit(
            X, y
        )
        reference = RegularizedMLPClassifier(alpha=1e-2, **common).fit(X, y)
    for a, b in zip(ours.coefs_, reference.coefs_, strict=True):
        assert_array_equal(a, b)
    with pytest.raises(ValueError, match="'twice' is L2 only"):
        RegularizedMLPClassifier(penalty="l1", penalty_style=twice, **common).fit(X, y)
    assert twice in styles_accepting("l2") and twice not in styles_accepting("l1")
    assert STYLES[twice].label == "Twice the gradient"


# ------------------------------------------------- the registry's answers
def test_every_style_names_itself_and_has_a_label():
    for name, style in STYLES.items():
        assert style.name == name
        assert isinstance(style.label, str) and style.label


@pytest.mark.parametrize("name", list(STYLES))
def test_to_and_from_objective_are_inverse(name):
    style = STYLES[name]
    for lam in (0.0, 1e-3, 0.5):
        alpha = style.from_objective(lam, learning_rate_init=0.1, momentum=0.5)
        back = style.to_objective(alpha, learning_rate_init=0.1, momentum=0.5)
        assert back == pytest.approx(lam, abs=1e-15)


def test_which_styles_take_which_penalty_and_solver():
    assert styles_accepting("l1") == ("gradient", "decoupled", "proximal", "cumulative")
    assert styles_accepting("l2") == (
        "gradient",
        "decoupled",
        "multiplicative",
        "proximal",
    )
    assert styles_accepting("elasticnet", l1_ratio=0.0) == (
        "gradient",
        "decoupled",
        "proximal",
    )
    assert styles_accepting("l1", solver="lbfgs") == (
        "gradient",
        "proximal",
        "cumulative",
    )
    # No penalty: every style is a no-op, so every style takes it.
    assert styles_accepting(None) == tuple(STYLES)


def test_check_refuses_with_the_reason_and_passes_without_a_penalty():
    with pytest.raises(ValueError, match="lbfgs.*takes no steps"):
        STYLES["decoupled"].check("l2", 1e-3, "lbfgs")
    with pytest.raises(ValueError, match="needs an L1 part"):
        STYLES["cumulative"].check("l2", 1e-3, "sgd")
    with pytest.raises(ValueError, match="flip the sign"):
        STYLES["decoupled"].check("elasticnet", 2.0, "sgd", l1_ratio=0.5)
    STYLES["decoupled"].check("elasticnet", 1.9, "sgd", l1_ratio=0.5)
    STYLES["decoupled"].check(None, 5.0, "lbfgs")


def test_divergence_hint_follows_the_style():
    assert STYLES["multiplicative"].alpha_can_diverge is False
    assert all(
        style.alpha_can_diverge
        for name, style in STYLES.items()
        if name != "multiplicative"
    )
    assert Style.alpha_note(0.1) is None
    assert "less than half" in STYLES["multiplicative"].alpha_note(0.3)


def test_the_penalty_shares_the_decoupled_bound_uses():
    # alpha * (L2 share): the elastic net's L2 share is 1 - l1_ratio.
    assert make_penalty("elasticnet", 0.25).l2 == 0.75
    with pytest.raises(ValueError, match=r"= 1\.5 of itself"):
        STYLES["decoupled"].check_alpha(2.0, "elasticnet", 0.25)
    STYLES["decoupled"].check_alpha(1.3, "elasticnet", 0.25)
