"""Output heads: each head's delta is its loss's derivative; a new head plugs in."""

import numpy as np
import pytest
from sklearn.metrics import r2_score
from sklearn.neural_network._base import poisson_loss, squared_loss

from sklearn_nnreg._classifier import RegularizedMLPClassifier
from sklearn_nnreg._heads import HEADS, Head, losses_for, make_head
from sklearn_nnreg._layout import Layout
from sklearn_nnreg._network import Network
from sklearn_nnreg._regressor import RegularizedMLPRegressor

ALL_HEADS = [(loss, activation) for loss, by in HEADS.items() for activation in by]


def _problem(activation, rng, n=5, k=3):
    z = rng.normal(size=(n, k))
    if activation == "softmax":
        Y = np.eye(k)[rng.integers(0, k, n)]
    elif activation == "identity":
        Y = rng.normal(size=(n, k))
    elif activation == "exp":
        Y = rng.poisson(2.0, (n, k)).astype(float)  # zeros included
    else:
        Y = (rng.random((n, k)) > 0.5).astype(float)
    return z, Y


def _total_loss(head, z, Y):
    output = z.copy()
    head.activate(output)
    return head.mean_loss(output, Y, np.empty_like(output)) * z.shape[0]


@pytest.mark.parametrize("loss, activation", ALL_HEADS)
def test_output_delta_is_the_derivative_of_the_loss(loss, activation):
    head = make_head(loss, activation)
    z, Y = _problem(activation, np.random.default_rng(0))
    output = z.copy()
    head.activate(output)
    delta = np.empty_like(z)
    head.output_delta(output, Y, delta)
    numeric = np.empty_like(z)
    eps = 1e-6
    for index in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (_total_loss(head, up, Y) - _total_loss(head, down, Y)) / (
            2 * eps
        )
    np.testing.assert_allclose(delta, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("loss, activation", ALL_HEADS)
def test_weighted_mean_loss_with_equal_weights_is_the_mean(loss, activation):
    head = make_head(loss, activation)
    z, Y = _problem(activation, np.random.default_rng(1))
    head.activate(z)
    plain = head.mean_loss(z, Y, np.empty_like(z))
    weighted = head.mean_loss(z, Y, np.empty_like(z), np.full(len(z), 1 / len(z)))
    assert weighted == pytest.approx(plain, rel=1e-12)
    assert head.loss == loss and head.out_activation == activation


def test_heads_score_held_out_data_by_their_decision_rule():
    output = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
    Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    assert make_head("log_loss", "softmax").score(output, Y) == 0.5
    assert make_head("log_loss", "softmax").score(output, Y, [3.0, 1.0]) == 0.75
    # Logistic units: every label of a row must be right.
    labels = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    assert make_head("squared_error", "logistic").score(output, labels) == 1.0


def test_the_loss_parameters_list_the_registered_losses_of_their_task():
    allowed = RegularizedMLPClassifier._parameter_constraints["loss"][0].options
    assert set(allowed) == set(losses_for("classification"))
    assert set(allowed) == {"log_loss", "squared_error"}
    allowed = RegularizedMLPRegressor._parameter_constraints["loss"][0].options
    assert set(allowed) == {"squared_error", "poisson"}
    assert set(losses_for("classification")) | set(losses_for("regression")) == set(
        HEADS
    )


def test_regression_losses_relate_to_mlp_regressors_as_documented():
    rng = np.random.default_rng(3)
    output = rng.uniform(0.5, 3.0, (7, 3))
    Y = rng.poisson(1.5, (7, 3)).astype(float)
    weights = rng.uniform(0.1, 1.0, 7)
    scratch = np.empty_like(output)
    for sw, ours_weights in [(None, None), (weights, weights / weights.sum())]:
        squared = make_head("squared_error", "identity")
        # scikit-learn averages the squared error over outputs; we sum.
        assert squared.mean_loss(output, Y, scratch, ours_weights) == pytest.approx(
            3 * squared_loss(Y, output, sw), rel=1e-12
        )
        poisson = make_head("poisson", "exp")
        assert poisson.mean_loss(output, Y, scratch, ours_weights) == pytest.approx(
            poisson_loss(Y, output, sw), rel=1e-12
        )
    assert squared.score(output, Y) == pytest.approx(r2_score(Y, output))


class IdentitySquaredError(Head):
    """What a regressor would add: identity output, squared error, R^2-like score."""

    loss = "squared_error"
    out_activation = "identity"

    def activate(self, z, scratch=None):
        pass

    def mean_loss(self, output, Y, scratch, weights=None):
        np.subtract(output, Y, out=scratch)
        return 0.5 * float(np.vdot(scratch, scratch)) / output.shape[0]

    def output_delta(self, output, Y, delta):
        np.subtract(output, Y, out=delta)

    def score(self, output, Y, sample_weight=None):
        return -float(np.mean((output - Y) ** 2))


def test_a_new_head_trains_through_the_network_unchanged(monkeypatch):
    monkeypatch.setitem(HEADS["squared_error"], "identity", IdentitySquaredError)
    rng = np.random.default_rng(2)
    layout = Layout([3, 4, 2])
    network = Network(layout, "tanh", "identity", "squared_error")
    X = rng.normal(size=(6, 3))
    flat = rng.normal(size=layout.size) * 0.5
    Y = rng.normal(size=(6, 2))
    grad = np.empty_like(flat)
    loss = network.loss_gradient(flat, X, Y, None, grad)
    # The identity head's loss is the plain half mean squared error.
    hidden = np.tanh(X @ layout.coefs(flat)[0] + layout.intercepts(flat)[0])
    output = hidden @ layout.coefs(flat)[1] + layout.intercepts(flat)[1]
    assert loss == pytest.approx(0.5 * np.sum((output - Y) ** 2) / 6, rel=1e-12)
    eps, i = 1e-6, 7
    up, down = flat.copy(), flat.copy()
    up[i] += eps
    down[i] -= eps
    scratch = np.empty_like(flat)
    numeric = (
        network.loss_gradient(up, X, Y, None, scratch)
        - network.loss_gradient(down, X, Y, None, scratch)
    ) / (2 * eps)
    assert grad[i] == pytest.approx(numeric, rel=1e-6)
