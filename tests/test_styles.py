"""Penalty styles: the step of each ``penalty_style``, checked against its math.

Hook-level tests drive a style and an optimizer the way
``StochasticTrainer._step`` does; estimator-level tests fit
``RegularizedMLPClassifier`` and compare weights with a plain numpy
re-implementation of the formulas in the class docstring.
"""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.preprocessing import LabelBinarizer

from sklearn_nnreg import RegularizedMLPClassifier
from sklearn_nnreg._layout import Layout
from sklearn_nnreg._network import Network
from sklearn_nnreg._optimizers import SGD, Adam
from sklearn_nnreg._penalties import make_penalty
from sklearn_nnreg._styles import STYLES

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ETA = 0.1
EPOCHS = 4
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-8
SETTINGS = settings(max_examples=30, deadline=None)

# Which penalties each style accepts.
STYLE_PENALTIES = [
    ("gradient", "l1"),
    ("gradient", "l2"),
    ("gradient", "elasticnet"),
    ("decoupled", "l1"),
    ("decoupled", "l2"),
    ("decoupled", "elasticnet"),
    ("multiplicative", "l2"),
    ("proximal", "l1"),
    ("proximal", "l2"),
    ("proximal", "elasticnet"),
    ("cumulative", "l1"),
    ("cumulative", "elasticnet"),
]


def _data(n_samples=30, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n_samples, n_features))
    y = np.digitize(X[:, 0] + 0.5 * X[:, 1] - 0.3 * X[:, 2], [-0.5, 0.5])
    return X, y


X_SMALL, Y_SMALL = _data()


def sgd_classifier(**params):
    """Plain constant-rate sgd whose stopping rule cannot fire before max_iter."""
    max_iter = params.pop("max_iter", EPOCHS)
    defaults = dict(
        hidden_layer_sizes=(5,),
        activation="tanh",
        solver="sgd",
        momentum=0.0,
        learning_rate="constant",
        learning_rate_init=ETA,
        batch_size=10,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=max_iter,
        random_state=0,
    )
    defaults.update(params)
    return RegularizedMLPClassifier(**defaults)


def assert_same_weights(a, b, rtol=1e-10, atol=1e-12):
    for ca, cb in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_allclose(ca, cb, rtol=rtol, atol=atol)
    for ia, ib in zip(a.intercepts_, b.intercepts_, strict=True):
        np.testing.assert_allclose(ia, ib, rtol=rtol, atol=atol)


def max_weight_difference(a, b):
    return max(
        np.abs(pa - pb).max()
        for pa, pb in zip(
            a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True
        )
    )


def make_sgd(size, eta):
    return SGD(size, np.float64, eta, "constant", 0.0, False, 0.5)


def make_adam(size, eta, epsilon=EPSILON):
    return Adam(size, np.float64, eta, BETA_1, BETA_2, epsilon)


def style_step(style, optimizer, w, g):
    """One step of ``StochasticTrainer._step`` on a fully penalized vector."""
    g = np.array(g, dtype=np.float64, copy=True)
    update = np.empty_like(w)
    style.before_optimizer(w, g)
    step_size = optimizer.direction(g, update, style.needs_step_size)
    style.after_optimizer(w, update, optimizer.scalar_rate, step_size)
    w -= update
    style.after_step(w, step_size)
    return step_size


def new_style(name, penalty, alpha, eta, optimizer, size, l1_ratio=0.5):
    """A style with its state initialised for a fully penalized vector."""
    style = STYLES[name](make_penalty(penalty, l1_ratio), alpha, eta)
    style.init_state(size, np.float64, optimizer.per_coordinate_step)
    return style


# ---------------------------------------------------------------------------
# 3. Equivalences under plain sgd, weight for weight, through the estimator.


@pytest.mark.parametrize("penalize_intercepts", [False, True])
@pytest.mark.parametrize("learning_rate", ["constant", "invscaling"])
@pytest.mark.parametrize("penalty", ["l1", "l2", "elasticnet"])
def test_decoupled_with_eta_alpha_equals_gradient_with_alpha(
    penalty, learning_rate, penalize_intercepts
):
    # gradient:  W - eta_t (g + alpha dR)
    # decoupled: W - eta_t g - (eta_t / eta) (eta alpha) dR   -- the same step,
    # for a constant rate and for a schedule alike.
    alpha = 0.05
    common = dict(
        penalty=penalty,
        learning_rate=learning_rate,
        penalize_intercepts=penalize_intercepts,
    )
    grad = sgd_classifier(alpha=alpha, penalty_style="gradient", **common)
    dec = sgd_classifier(alpha=ETA * alpha, penalty_style="decoupled", **common)
    grad.fit(X_SMALL, Y_SMALL)
    dec.fit(X_SMALL, Y_SMALL)
    assert_same_weights(grad, dec)
    # The penalty did act: the unpenalized fit is elsewhere.
    free = sgd_classifier(penalty=None, learning_rate=learning_rate)
    free.fit(X_SMALL, Y_SMALL)
    assert max_weight_difference(grad, free) > 1e-4


@pytest.mark.parametrize("penalize_intercepts", [False, True])
def test_multiplicative_with_one_minus_eta_alpha_equals_gradient_l2(
    penalize_intercepts,
):
    # gradient:       W - eta (g + alpha W) = (1 - eta alpha) W - eta g
    # multiplicative: keep * W - eta g, with keep = 1 - eta alpha
    alpha = 0.05
    common = dict(penalty="l2", penalize_intercepts=penalize_intercepts)
    grad = sgd_classifier(alpha=alpha, penalty_style="gradient", **common)
    mult = sgd_classifier(
        alpha=1 - ETA * alpha, penalty_style="multiplicative", **common
    )
    dec = sgd_classifier(alpha=ETA * alpha, penalty_style="decoupled", **common)
    for est in (grad, mult, dec):
        est.fit(X_SMALL, Y_SMALL)
    assert_same_weights(grad, mult)
    assert_same_weights(dec, mult)
    free = sgd_classifier(penalty=None).fit(X_SMALL, Y_SMALL)
    assert max_weight_difference(grad, free) > 1e-4


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_no_penalty_makes_every_style_the_same(solver):
    fits = [
        sgd_classifier(solver=solver, penalty=None, penalty_style=style, alpha=0.7).fit(
            X_SMALL, Y_SMALL
        )
        for style in STYLES
    ]
    for other in fits[1:]:
        assert_same_weights(fits[0], other, rtol=0, atol=0)


# ---------------------------------------------------------------------------
# Every style, every solver: the estimator follows the docstring's formulas.


class ReferenceSGD:
    def __init__(self, size, eta):
        self.eta = eta

    def step(self, g):
        """(Delta(g), h, eta_t)."""
        return self.eta * g, self.eta, self.eta


class ReferenceAdam:
    def __init__(self, size, eta, epsilon=EPSILON):
        self.eta, self.epsilon, self.t = eta, epsilon, 0
        self.m, self.v = np.zeros(size), np.zeros(size)

    def step(self, g):
        self.t += 1
        self.m = BETA_1 * self.m + (1 - BETA_1) * g
        self.v = BETA_2 * self.v + (1 - BETA_2) * g**2
        lr_t = self.eta * np.sqrt(1 - BETA_2**self.t) / (1 - BETA_1**self.t)
        step_size = lr_t / (np.sqrt(self.v) + self.epsilon)
        return (
            step_size * self.m,
            step_size,
            self.eta,
        )  # adam's scalar rate is eta itself


def tsuruoka_clip(w, u, q):
    """Tsuruoka et al. (2009), weight by weight, in place: apply what is owed.

    ``u`` is the total L1 shrink owed so far (a scalar, or one per weight),
    ``q[i]`` what weight i has received (<= 0 for w > 0 and so on).
    """
    u = np.broadcast_to(u, w.shape)
    for i in range(w.size):
        z = w[i]
        if z > 0:
            w[i] = max(0.0, z - (u[i] + q[i]))
        elif z < 0:
            w[i] = min(0.0, z + (u[i] - q[i]))
        q[i] += w[i] - z


def reference_fit(
    flat, network, X, Y, style, penalty, alpha, solver, pen, epochs, batch_size
):
    """Unshuffled minibatch training, each step written from the docstring."""
    flat = flat.copy()
    l1, l2 = penalty.l1, penalty.l2
    opt = (ReferenceSGD if solver == "sgd" else ReferenceAdam)(flat.size, ETA)
    n_pen = flat[pen].size
    u = np.zeros(n_pen if solver == "adam" else ())
    q = np.zeros(n_pen)
    grad = np.empty_like(flat)

    def dR(w):
        return l1 * np.sign(w) + l2 * w

    for _ in range(epochs):
        for start in range(0, X.shape[0], batch_size):
            rows = slice(start, start + batch_size)
            network.loss_gradient(flat, X[rows], Y[rows], None, grad)
            g = grad.copy()
            old = flat[pen].copy()
            if style == "gradient":
                g[pen] += alpha * dR(old)
            update, step_size, rate = opt.step(g)
            step_size = step_size[pen] if np.ndim(step_size) else step_size
            flat -= update
            w = flat[pen]  # a view: the assignments below write into flat
            if style == "decoupled":
                w -= (rate / ETA) * alpha * dR(old)
            elif style == "multiplicative":
                w[...] = alpha * old - update[pen]
            elif style == "proximal":
                soft = np.sign(w) * np.maximum(np.abs(w) - step_size * alpha * l1, 0.0)
                w[...] = soft / (1.0 + step_size * alpha * l2)
            elif style == "cumulative":
                factor = np.maximum(0.0, 1.0 - step_size * alpha * l2)
                w[...] = factor * old - update[pen]
                u = u + step_size * alpha * l1
                tsuruoka_clip(w, u, q)
    return flat


@pytest.mark.parametrize("penalize_intercepts", [False, True])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(("style", "penalty"), STYLE_PENALTIES)
def test_estimator_steps_follow_the_docstring_formulas(
    style, penalty, solver, penalize_intercepts
):
    alpha = {"decoupled": 0.005, "multiplicative": 0.99}.get(style, 0.05)
    batch_size = 8
    X, y = X_SMALL, Y_SMALL
    est = sgd_classifier(solver=solver, penalty=None, max_iter=1).fit(X, y)
    layout = Layout([X.shape[1], *est.hidden_layer_sizes, est.n_outputs_])
    flat0 = layout.pack(est.coefs_, est.intercepts_, np.float64)

    est.set_params(
        warm_start=True,
        shuffle=False,
        batch_size=batch_size,
        max_iter=EPOCHS,
        n_iter_no_change=EPOCHS,
        penalty=penalty,
        penalty_style=style,
        alpha=alpha,
        l1_ratio=0.6,
        penalize_intercepts=penalize_intercepts,
    )
    est.fit(X, y)

    network = Network(layout, "tanh", est.out_activation_, "log_loss")
    Y = LabelBinarizer().fit(y).transform(y).astype(np.float64)
    expected = reference_fit(
        flat0,
        network,
        X,
        Y,
        style,
        make_penalty(penalty, 0.6),
        alpha,
        solver,
        layout.penalized_slice(penalize_intercepts),
        EPOCHS,
        batch_size,
    )
    got = layout.pack(est.coefs_, est.intercepts_, np.float64)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    assert est.sparsity_ == np.mean(expected[: layout.n_coef] == 0)


# ---------------------------------------------------------------------------
# 4. Exact zeros under L1: only 'proximal' and 'cumulative'.


X_SPARSE = np.random.RandomState(1).standard_normal((80, 6))
Y_SPARSE = (X_SPARSE[:, 0] + 0.5 * X_SPARSE[:, 1] > 0).astype(int)


@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
@pytest.mark.parametrize(("solver", "eta"), [("sgd", 0.1), ("adam", 0.01)])
def test_only_proximal_and_cumulative_give_exact_zeros(solver, eta, penalty):
    alpha = 0.03
    sparsity = {}
    for style in ("gradient", "decoupled", "proximal", "cumulative"):
        est = sgd_classifier(
            hidden_layer_sizes=(8,),
            solver=solver,
            learning_rate_init=eta,
            batch_size=20,
            max_iter=30,
            penalty=penalty,
            # decoupled alpha is a shrink per step: eta * alpha is the same
            # strength as the others' alpha.
            alpha=eta * alpha if style == "decoupled" else alpha,
            penalty_style=style,
        ).fit(X_SPARSE, Y_SPARSE)
        zeros = np.concatenate([c.ravel() for c in est.coefs_]) == 0
        assert est.sparsity_ == zeros.mean()
        sparsity[style] = est.sparsity_
    assert sparsity["gradient"] == 0
    assert sparsity["decoupled"] == 0
    # A real share of the weights, not one lucky coordinate.
    assert sparsity["proximal"] >= 0.1
    assert sparsity["cumulative"] >= 0.1


# ---------------------------------------------------------------------------
# 5. Every style moves weights toward zero, never away.


def nonzero_weights(min_abs, max_abs, max_size=12):
    return st.tuples(
        hnp.arrays(
            np.float64, st.integers(1, max_size), elements=st.floats(min_abs, max_abs)
        ),
        st.lists(st.booleans(), min_size=max_size, max_size=max_size),
    ).map(lambda pair: np.where(pair[1][: pair[0].size], pair[0], -pair[0]))


# alpha small relative to min |w| = 0.2 over three steps of eta = 0.01.
SMALL_ALPHA = {
    "gradient": 1.0,  # sgd shrink eta alpha dR <= 0.03; adam's step ~ eta
    "decoupled": 0.01,  # shrink alpha dR <= 0.03
    "multiplicative": 0.99,  # keeps 99 %
    "proximal": 1.0,  # threshold h alpha <= eta alpha = 0.01
    "cumulative": 1.0,
}


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(("style", "penalty"), STYLE_PENALTIES)
@SETTINGS
@given(w=nonzero_weights(0.2, 2.0))
def test_with_zero_data_gradient_every_style_shrinks_without_flipping(
    style, penalty, solver, w
):
    eta = 0.01
    # With a zero data gradient adam's v stays 0 for the proximal and
    # cumulative styles, so h = lr_t / (sqrt(v) + epsilon) = lr_t / epsilon:
    # epsilon = 1 keeps h at the scale of eta (the default zeroes everything,
    # which the next test covers).
    if solver == "sgd":
        optimizer = make_sgd(w.size, eta)
    else:
        optimizer = make_adam(w.size, eta, epsilon=1.0)
    style_obj = new_style(style, penalty, SMALL_ALPHA[style], eta, optimizer, w.size)
    for _ in range(3):
        old = w.copy()
        style_step(style_obj, optimizer, w, np.zeros_like(w))
        assert np.all(np.sign(w) == np.sign(old))
        assert np.all(np.abs(w) < np.abs(old))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(
    ("style", "penalty"),
    [sp for sp in STYLE_PENALTIES if sp[0] in ("proximal", "cumulative")],
)
@SETTINGS
@given(
    w=hnp.arrays(np.float64, st.integers(1, 12), elements=st.floats(-5, 5)),
    alpha=st.floats(0.0, 1e6),
    eta=st.floats(1e-4, 1.0),
    l1_ratio=st.floats(0.01, 1.0),
    steps=st.integers(1, 4),
)
def test_proximal_and_cumulative_never_cross_zero_for_any_alpha(
    style, penalty, solver, w, alpha, eta, l1_ratio, steps
):
    optimizer = make_sgd(w.size, eta) if solver == "sgd" else make_adam(w.size, eta)
    style_obj = new_style(style, penalty, alpha, eta, optimizer, w.size, l1_ratio)
    for _ in range(steps):
        old = w.copy()
        style_step(style_obj, optimizer, w, np.zeros_like(w))
        assert np.all(w * old >= 0)
        assert np.all(np.abs(w) <= np.abs(old))
        assert np.all(w[old == 0] == 0)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(
    ("style", "penalty"),
    [
        ("proximal", "l1"),
        ("proximal", "l2"),
        ("proximal", "elasticnet"),
        ("cumulative", "l1"),
    ],
)
@SETTINGS
@given(
    data=st.data(),
    alpha=st.floats(0.0, 100.0),
    eta=st.floats(1e-3, 1.0),
    l1_ratio=st.floats(0.01, 1.0),
)
def test_penalty_part_never_pushes_past_the_unpenalized_step(
    style, penalty, solver, data, alpha, eta, l1_ratio
):
    """With any data gradient, the penalty only pulls w - Delta(g) toward 0."""
    n = data.draw(st.integers(1, 10), label="n")
    optimizer = make_sgd(n, eta) if solver == "sgd" else make_adam(n, eta)
    style_obj = new_style(style, penalty, alpha, eta, optimizer, n, l1_ratio)
    w = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-3, 3)), label="w")
    for step in range(3):
        g = data.draw(
            hnp.arrays(np.float64, n, elements=st.floats(-3, 3)), label=f"g{step}"
        )
        twin = copy.deepcopy(optimizer)
        plain = np.empty(n)
        # The same update (under adam, m times the step size the style uses).
        twin.direction(g.copy(), plain, style_obj.needs_step_size)
        unpenalized = w - plain
        style_step(style_obj, optimizer, w, g)
        assert np.all(w * unpenalized >= 0)
        assert np.all(np.abs(w) <= np.abs(unpenalized) * (1 + 1e-15))


# ---------------------------------------------------------------------------
# 6. Cumulative: against a loop-over-weights Tsuruoka et al. (2009).


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
@SETTINGS
@given(
    data=st.data(),
    alpha=st.floats(0.0, 2.0),
    eta=st.floats(1e-3, 0.5),
    l1_ratio=st.floats(0.05, 1.0),
    steps=st.integers(1, 6),
)
def test_cumulative_matches_loop_reference(
    penalty, solver, data, alpha, eta, l1_ratio, steps
):
    n = data.draw(st.integers(1, 12), label="n")
    w = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-2, 2)), label="w")
    gradients = data.draw(
        hnp.arrays(np.float64, (steps, n), elements=st.floats(-2, 2)), label="g"
    )
    pen = make_penalty(penalty, l1_ratio)
    optimizer = make_sgd(n, eta) if solver == "sgd" else make_adam(n, eta)
    style = new_style("cumulative", penalty, alpha, eta, optimizer, n, l1_ratio)
    reference = (ReferenceSGD if solver == "sgd" else ReferenceAdam)(n, eta)

    expected = w.copy()
    u = np.zeros(n) if solver == "adam" else 0.0  # one u per weight for adam
    q = np.zeros(n)
    for g in gradients:
        style_step(style, optimizer, w, g)
        update, step_size, _ = reference.step(g)
        step_size = np.broadcast_to(step_size, (n,))
        for i in range(n):  # weight by weight, as the paper writes it
            factor = max(0.0, 1.0 - step_size[i] * alpha * pen.l2)
            expected[i] = factor * expected[i] - update[i]
        if solver == "adam":
            u = u + step_size * alpha * pen.l1
        else:
            u += eta * alpha * pen.l1
        tsuruoka_clip(expected, u, q)
        np.testing.assert_allclose(w, expected, rtol=1e-12, atol=1e-12)
    # The style keeps the two debts of the paper's u and q: u + q, u - q.
    owed = style.state["owed"]
    np.testing.assert_allclose(owed[0], u + q, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(owed[1], u - q, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# 7. Proximal under adam: threshold h * alpha, per coordinate.


@pytest.mark.parametrize("penalty", ["l1", "l2", "elasticnet"])
@SETTINGS
@given(
    data=st.data(),
    alpha=st.floats(0.0, 5.0),
    eta=st.floats(1e-3, 0.5),
    l1_ratio=st.floats(0.05, 1.0),
)
def test_proximal_adam_threshold_is_h_alpha_per_coordinate(
    penalty, data, alpha, eta, l1_ratio
):
    n = data.draw(st.integers(2, 10), label="n")
    w = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-2, 2)), label="w")
    optimizer = make_adam(n, eta)
    style = new_style("proximal", penalty, alpha, eta, optimizer, n, l1_ratio)
    reference = ReferenceAdam(n, eta)
    pen = make_penalty(penalty, l1_ratio)
    for step in range(3):
        g = data.draw(
            hnp.arrays(np.float64, n, elements=st.floats(-2, 2)), label=f"g{step}"
        )
        update, step_size, _ = reference.step(g)  # h = lr_t / (sqrt(v) + epsilon)
        half = w - update
        threshold = step_size * alpha
        soft = np.sign(half) * np.maximum(np.abs(half) - threshold * pen.l1, 0.0)
        expected = soft / (1.0 + threshold * pen.l2)
        applied = style_step(style, optimizer, w, g)
        np.testing.assert_allclose(applied, step_size, rtol=1e-12)
        np.testing.assert_allclose(w, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("solver", ["sgd", "adam", "momentum", "nesterov"])
def test_proximal_fixed_point_zero_exactly_when_gradient_within_alpha(solver):
    """A constant data gradient c: 0 stays a fixed point iff |c| <= alpha.

    Subgradient optimality of L + alpha |w| at w = 0 is |dL/dw| <= alpha, in
    the objective's units, whatever the optimizer's step size -- with sgd
    momentum too, whose velocity grows to eta c / (1 - mu).
    """
    alpha, eta = 0.2, 0.05
    ratios = np.array([0.0, 0.3, -0.5, 0.9, -0.99, 1.2, -1.5, 3.0, -10.0])
    c = ratios * alpha
    inside = np.abs(ratios) <= 1
    w = np.zeros(c.size)
    if solver == "adam":
        optimizer = make_adam(c.size, eta)
    else:
        mu = 0.0 if solver == "sgd" else 0.9
        nesterov = solver == "nesterov"
        optimizer = SGD(c.size, np.float64, eta, "constant", mu, nesterov, 0.5)
    style = new_style("proximal", "l1", alpha, eta, optimizer, c.size)
    for _ in range(200):
        style_step(style, optimizer, w, c)
        assert np.all(w[inside] == 0)
    # Outside, the weight has left 0, downhill (against the gradient).
    np.testing.assert_array_equal(np.sign(w[~inside]), -np.sign(c[~inside]))


# ---------------------------------------------------------------------------
# 8. Intercepts are not penalized (unless asked): a huge alpha leaves the prior.


def _imbalanced(shares, n=100, n_features=3, seed=0):
    rng = np.random.RandomState(seed)
    counts = (np.asarray(shares) * n).astype(int)
    y = np.repeat(np.arange(len(shares)), counts)
    X = rng.standard_normal((y.size, n_features)) + 0.3 * y[:, None]
    return X, y, counts / counts.sum()


@pytest.mark.parametrize("shares", [(0.8, 0.2), (0.6, 0.3, 0.1)])
@pytest.mark.parametrize("penalize_intercepts", [False, True])
def test_huge_proximal_l1_leaves_the_class_prior_or_uniform(
    shares, penalize_intercepts
):
    X, y, prior = _imbalanced(shares)
    # Full batch, eta = 1: h alpha = 100 > |w| zeroes every penalized weight at
    # the first step; the output intercepts then follow gradient descent on a
    # convex log loss whose minimiser is the log prior.
    est = sgd_classifier(
        hidden_layer_sizes=(4,),
        learning_rate_init=1.0,
        batch_size=X.shape[0],
        max_iter=300,
        penalty="l1",
        alpha=100.0,
        penalty_style="proximal",
        penalize_intercepts=penalize_intercepts,
    ).fit(X, y)
    assert all(np.all(c == 0) for c in est.coefs_)
    proba = est.predict_proba(X)
    if penalize_intercepts:
        assert all(np.all(b == 0) for b in est.intercepts_)
        np.testing.assert_allclose(proba, 1.0 / len(shares), rtol=0, atol=1e-15)
    else:
        np.testing.assert_allclose(proba, np.tile(prior, (X.shape[0], 1)), atol=1e-6)


@pytest.mark.parametrize("penalize_intercepts", [False, True])
def test_huge_gradient_l2_approaches_prior_or_uniform(penalize_intercepts):
    X, y, prior = _imbalanced((0.8, 0.2))
    alpha, eta = 50.0, 0.02  # eta alpha = 1: the weights are reset every step
    est = sgd_classifier(
        hidden_layer_sizes=(4,),
        learning_rate_init=eta,
        batch_size=X.shape[0],
        max_iter=2000,
        penalty="l2",
        alpha=alpha,
        penalty_style="gradient",
        penalize_intercepts=penalize_intercepts,
    ).fit(X, y)
    # At the optimum alpha w = -dL/dw.  The output layer's gradient is a mean
    # of (p - y) times a tanh unit (or 1 for its intercept), so each penalized
    # output parameter is at most 1 / alpha; the hidden layer only acts through
    # these.  The output logit is then off by at most (4 + 1) / alpha, and the
    # logistic's slope is at most 1/4.
    proba = est.predict_proba(X)[:, 1]
    target = 0.5 if penalize_intercepts else prior[1]
    np.testing.assert_allclose(proba, target, atol=(4 + 1) / (4 * alpha))
    # and the unpenalized intercept really fits the prior, not 1/2
    if not penalize_intercepts:
        assert abs(proba.mean() - 0.5) > 0.2


# ---------------------------------------------------------------------------
# Style state (cumulative u and q, adam's moments) carries over partial_fit.


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(
    ("style", "penalty"),
    [("cumulative", "l1"), ("cumulative", "elasticnet"), ("proximal", "l1")],
)
def test_partial_fit_epochs_continue_the_style_state(style, penalty, solver):
    params = dict(
        solver=solver,
        learning_rate_init=ETA if solver == "sgd" else 0.01,
        penalty=penalty,
        penalty_style=style,
        alpha=0.05,
        shuffle=False,
        max_iter=3,
    )
    whole = sgd_classifier(**params).fit(X_SMALL, Y_SMALL)
    stepwise = sgd_classifier(**params)
    restarted = sgd_classifier(**params)
    for epoch in range(3):
        stepwise.partial_fit(X_SMALL, Y_SMALL, classes=np.unique(Y_SMALL))
        # warm start: same weights, but a fresh optimizer and style state
        restarted.set_params(warm_start=epoch > 0, max_iter=1).fit(X_SMALL, Y_SMALL)
    assert_same_weights(whole, stepwise, rtol=0, atol=0)
    if solver == "adam":
        # Restarting adam's moments and step count every epoch is a different
        # algorithm, so the equality above could fail.  (Under sgd it need
        # not be: plain sgd has no state, and the cumulative debt q only
        # matters for weights revived after a clip.)
        assert max_weight_difference(whole, restarted) > 1e-8
