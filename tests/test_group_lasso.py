"""The group penalties: their math, their style rules, and a fit's optimality.

``R(W) = l1 * sum|w| + group * sum_g sqrt(p_g) ||w_g||`` with the groups the
rows of every weight matrix (the outgoing weights of each input and hidden
unit); ``'group_lasso'`` is ``(l1, group) = (0, 1)``, ``'sparse_group_lasso'``
``(l1_ratio, 1 - l1_ratio)``.
"""

import warnings

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nnreg import RegularizedMLPClassifier, style_param_grid, translate_alpha
from sklearn_nnreg._layout import Layout
from sklearn_nnreg._network import Network
from sklearn_nnreg._penalties import GROUP_PENALTIES, make_penalty
from sklearn_nnreg._styles import styles_accepting

SHAPES = [(3, 4), (4, 2)]  # 3 input groups of 4 weights, 4 hidden of 2
N_COEF = 3 * 4 + 4 * 2


def groups_of(w):
    """The groups of a flat weight vector laid out as SHAPES, and sqrt(p_g)."""
    first, second = w[:12].reshape(3, 4), w[12:].reshape(4, 2)
    return [(row, 2.0) for row in first] + [(row, np.sqrt(2.0)) for row in second]


def reference_value(w, l1, group):
    norms = sum(weight * np.linalg.norm(row) for row, weight in groups_of(w))
    return l1 * np.abs(w).sum() + group * norms


def shares(name, l1_ratio):
    return (0.0, 1.0) if name == "group_lasso" else (l1_ratio, 1.0 - l1_ratio)


def group_slices():
    return [slice(4 * i, 4 * i + 4) for i in range(3)] + [
        slice(12 + 2 * i, 14 + 2 * i) for i in range(4)
    ]


def brute_force_prox(u, steps, l1, group):
    """argmin_v sum (v - u)**2 / (2 steps) + R(v), minimised group by group.

    R separates over the groups, so each small group is minimised on its own
    (Powell, from several starts, 0 among them): the minimiser and its value.
    """
    steps = np.broadcast_to(steps, u.shape)
    solution, total = np.empty_like(u), 0.0
    options = dict(xtol=1e-12, ftol=1e-15, maxiter=100_000)
    for part in group_slices():
        u_g, a_g = u[part], steps[part]
        weight = np.sqrt(u_g.size)

        def objective(v, u_g=u_g, a_g=a_g, weight=weight):
            fit = np.sum((v - u_g) ** 2 / (2 * a_g))
            return fit + l1 * np.abs(v).sum() + group * weight * np.linalg.norm(v)

        starts = [u_g, np.zeros_like(u_g), 0.5 * u_g]
        results = [
            minimize(objective, x0, method="Powell", options=options) for x0 in starts
        ]
        best = min(results, key=lambda result: result.fun)
        if objective(np.zeros_like(u_g)) <= best.fun:
            best.x, best.fun = np.zeros_like(u_g), objective(np.zeros_like(u_g))
        solution[part] = best.x
        total += best.fun
    return solution, total


def prox_objective(v, u, steps, l1, group):
    return np.sum((v - u) ** 2 / (2 * steps)) + reference_value(v, l1, group)


@pytest.mark.parametrize("name", GROUP_PENALTIES)
def test_value_is_the_documented_formula(name):
    rng = np.random.default_rng(0)
    w = rng.normal(size=N_COEF)
    w[4:8] = 0.0  # one zero group
    penalty = make_penalty(name, 0.3, SHAPES)
    expected = reference_value(w, *shares(name, 0.3))
    np.testing.assert_allclose(penalty.value(w), expected, rtol=1e-12)
    l1, group = shares(name, 0.3)
    assert (penalty.l1, penalty.l2, penalty.group) == (l1, 0.0, group)


@pytest.mark.parametrize("name", GROUP_PENALTIES)
def test_gradient_matches_finite_differences_away_from_zero(name):
    rng = np.random.default_rng(1)
    penalty = make_penalty(name, 0.3, SHAPES)
    w = rng.uniform(0.2, 1.0, N_COEF) * rng.choice([-1, 1], N_COEF)
    out = np.full(N_COEF, 0.5)
    penalty.add_gradient(w, out, 2.0)
    eps, numeric = 1e-6, np.empty(N_COEF)
    for i in range(N_COEF):
        step = np.zeros(N_COEF)
        step[i] = eps
        numeric[i] = (penalty.value(w + step) - penalty.value(w - step)) / (2 * eps)
    np.testing.assert_allclose(out - 0.5, 2.0 * numeric, rtol=1e-6, atol=1e-8)


def test_gradient_of_a_zero_group_is_zero():
    penalty = make_penalty("group_lasso", coef_shapes=SHAPES)
    w = np.ones(N_COEF)
    w[12:14] = 0.0  # the first hidden unit's group
    out = np.zeros(N_COEF)
    penalty.add_gradient(w, out, 1.0)
    assert not out[12:14].any()
    np.testing.assert_allclose(out[:4], 2.0 * w[:4] / np.linalg.norm(w[:4]))


@pytest.mark.parametrize("name", GROUP_PENALTIES)
@pytest.mark.parametrize("seed", range(4))
def test_scalar_prox_is_the_minimiser(name, seed):
    rng = np.random.default_rng(seed)
    penalty = make_penalty(name, 0.3, SHAPES)
    u, step = rng.normal(size=N_COEF), rng.uniform(0.1, 0.8)
    v = u.copy()
    penalty.prox(v, step)
    expected, minimum = brute_force_prox(u, step, *shares(name, 0.3))
    assert prox_objective(v, u, step, *shares(name, 0.3)) <= minimum + 1e-10
    np.testing.assert_allclose(v, expected, atol=1e-5)


@pytest.mark.parametrize("name", GROUP_PENALTIES)
@pytest.mark.parametrize("seed", range(6))
def test_metric_prox_is_the_minimiser_in_the_diagonal_metric(name, seed):
    rng = np.random.default_rng(seed)
    penalty = make_penalty(name, 0.3, SHAPES)
    u = rng.normal(size=N_COEF)
    steps = rng.uniform(0.02, 1.0, N_COEF) ** 2  # a wide spread, as adam's
    v = u.copy()
    penalty.prox(v, steps.copy())
    expected, minimum = brute_force_prox(u, steps, *shares(name, 0.3))
    assert prox_objective(v, u, steps, *shares(name, 0.3)) <= minimum + 1e-10
    np.testing.assert_allclose(v, expected, atol=1e-5)


def test_metric_prox_zeroes_a_group_exactly_at_its_bound():
    """v_g = 0 exactly when ||u_g / a_g|| <= sqrt(p_g) (group lasso)."""
    penalty = make_penalty("group_lasso", coef_shapes=SHAPES)
    rng = np.random.default_rng(3)
    steps = rng.uniform(0.1, 1.0, N_COEF)
    direction = rng.normal(size=N_COEF)
    ratio = np.array([np.linalg.norm(r) for r, _ in groups_of(direction / steps)])
    weights = np.array([w for _, w in groups_of(direction)])
    scale = np.repeat(weights / ratio, [4, 4, 4, 2, 2, 2, 2])
    inside, outside = direction * scale * 0.999, direction * scale * 1.001
    penalty.prox(inside, steps)
    penalty.prox(outside, steps)
    assert not inside.any()
    assert all(np.linalg.norm(row) > 0 for row, _ in groups_of(outside))


def test_metric_prox_does_not_collapse_the_steps():
    """A group the metric prox keeps is zeroed with its largest step everywhere."""
    penalty = make_penalty("group_lasso", coef_shapes=[(1, 2), (2, 1)])
    u, steps = np.array([1.0, 0.01, 0.0, 0.0]), np.array([0.1, 10.0, 1.0, 1.0])
    v = u.copy()
    penalty.prox(v, steps.copy())
    assert v[0] > 0.5  # the coordinate with the small step barely moves
    collapsed = u.copy()
    penalty.prox(collapsed, np.full(4, steps[:2].max()))
    assert not collapsed[:2].any()


def test_prox_keeps_float32():
    penalty = make_penalty("sparse_group_lasso", 0.5, SHAPES)
    w = np.random.default_rng(0).normal(size=N_COEF).astype(np.float32)
    expected = w.astype(np.float64)
    steps = np.full(N_COEF, 0.2)
    penalty.prox(w, steps)
    make_penalty("sparse_group_lasso", 0.5, SHAPES).prox(expected, steps)
    assert w.dtype == np.float32
    np.testing.assert_allclose(w, expected, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------- style rules
@pytest.mark.parametrize("penalty", GROUP_PENALTIES)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (dict(penalty_style="cumulative"), "penalty_style='proximal'"),
        (dict(penalty_style="multiplicative", alpha=0.99), "'proximal'"),
        (dict(solver="lbfgs"), "solver='adam' or 'sgd'"),
        (dict(solver="lbfgs", penalty_style="decoupled"), "solver='adam' or 'sgd'"),
        (dict(penalize_intercepts=True), "penalize_intercepts=False"),
    ],
)
def test_unsupported_combinations_are_refused_with_the_fix(penalty, params, message):
    X, y = make_classification(30, 4, random_state=0)
    est = RegularizedMLPClassifier(penalty=penalty, **params)
    with pytest.raises(ValueError, match=penalty) as error:
        est.fit(X, y)
    assert message in str(error.value)


def test_translate_alpha_and_grid_accept_the_group_penalties():
    lam = translate_alpha(
        1e-4,
        penalty="group_lasso",
        source="decoupled",
        target="proximal",
        learning_rate_init=0.01,
    )
    assert lam == pytest.approx(1e-2)
    with pytest.raises(ValueError, match="Keras has no 'group_lasso'"):
        translate_alpha(1e-3, penalty="group_lasso", source="keras", target="gradient")
    grid = style_param_grid([1e-3], penalty="sparse_group_lasso", l1_ratio=0.2)
    assert [g["penalty_style"] for g in grid] == [
        ["gradient"],
        ["decoupled"],
        ["proximal"],
    ]
    assert all(g["l1_ratio"] == [0.2] for g in grid)


# ------------------------------------------------------------- a full fit
def data_gradient(est, X, y):
    """The data gradient at the fitted weights, and the network's layout."""
    layout = Layout([X.shape[1], *est.hidden_layer_sizes, est.n_outputs_])
    network = Network(layout, est.activation, est.out_activation_, est.loss)
    flat = layout.pack(est.coefs_, est.intercepts_, np.float64)
    Y = est._label_binarizer.transform(y).astype(np.float64)
    grad = np.empty_like(flat)
    network.loss_gradient(flat, X, Y, None, grad)
    return layout.coefs(grad)


@pytest.mark.slow
def test_zero_groups_satisfy_the_optimality_bound_after_a_long_fit():
    """At a minimum, a zero group's data gradient is at most alpha sqrt(p_g)."""
    X, y = make_classification(
        150, 10, n_informative=3, n_redundant=0, n_classes=3, random_state=0
    )
    alpha = 0.02
    est = RegularizedMLPClassifier(
        (12,),
        solver="adam",
        batch_size=150,
        learning_rate_init=0.01,
        max_iter=2000,
        tol=0,
        n_iter_no_change=np.inf,
        penalty="group_lasso",
        penalty_style="proximal",
        alpha=alpha,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    n_zero = 0
    for coef, grad in zip(est.coefs_, data_gradient(est, X, y), strict=True):
        zero = ~coef.any(axis=1)
        n_zero += zero.sum()
        bound = alpha * np.sqrt(coef.shape[1])
        assert np.all(np.linalg.norm(grad[zero], axis=1) <= 1.25 * bound)
    assert 0 < n_zero < sum(c.shape[0] for c in est.coefs_)


def test_proximal_group_lasso_at_alpha_zero_changes_nothing():
    X, y = make_classification(60, 5, random_state=0)
    common = dict(hidden_layer_sizes=(6,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        penalized = RegularizedMLPClassifier(
            **common, penalty="group_lasso", penalty_style="proximal", alpha=0.0
        ).fit(X, y)
        plain = RegularizedMLPClassifier(**common, penalty=None).fit(X, y)
    for a, b in zip(penalized.coefs_, plain.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("penalty", GROUP_PENALTIES)
def test_the_registry_lists_the_styles_and_solvers_that_apply(penalty):
    for solver in ("sgd", "adam"):
        assert styles_accepting(penalty, solver) == (
            "gradient",
            "decoupled",
            "proximal",
        )
    assert styles_accepting(penalty, "lbfgs") == ()
    assert styles_accepting("l1", "lbfgs") == ("gradient", "proximal", "cumulative")
