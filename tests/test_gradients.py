"""The data loss and the gradient of L + alpha R, checked against plain numpy.

``Network.loss_gradient`` returns the data loss L (the sample-weighted mean of
the per-sample loss) and fills its gradient; ``Penalty.add_gradient`` adds
alpha dR.  Both are compared with central finite differences of
``L + alpha R`` and the loss value with a direct numpy formula, on networks,
data and weights drawn by hypothesis.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import expit, softmax

from sklearn_nnreg._layout import Layout
from sklearn_nnreg._network import Network
from sklearn_nnreg._penalties import make_penalty

ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
LOSSES = ("log_loss", "squared_error")
TARGETS = ("binary", "multiclass", "multilabel")
STEP = 1e-6  # central-difference step, float64
RELU_MARGIN = 1e-4  # keep relu pre-activations this far from the kink

HIDDEN = {
    "identity": lambda z: z,
    "logistic": expit,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
}

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def reference_forward(layout, flat, X, activation, out_activation):
    """Plain numpy forward pass: the output and the hidden pre-activations."""
    a, pre = X, []
    pairs = list(zip(layout.coefs(flat), layout.intercepts(flat), strict=True))
    for i, (W, b) in enumerate(pairs):
        z = a @ W + b
        if i < len(pairs) - 1:
            pre.append(z)
            a = HIDDEN[activation](z)
        elif out_activation == "softmax":
            a = softmax(z, axis=1)
        else:
            a = expit(z)
    return a, pre


def reference_loss(output, Y, loss, out_activation, sample_weight):
    """Mean (or sample-weighted mean) of the per-sample loss."""
    if loss == "squared_error":
        per_sample = 0.5 * ((output - Y) ** 2).sum(axis=1)
    elif out_activation == "softmax":
        per_sample = -(Y * np.log(output)).sum(axis=1)
    else:
        per_sample = -(Y * np.log(output) + (1 - Y) * np.log1p(-output)).sum(axis=1)
    if sample_weight is None:
        return per_sample.mean()
    return np.sum(sample_weight * per_sample) / np.sum(sample_weight)


def signed(draw, size, low, high):
    """An array of floats with |x| in [low, high] and random signs."""
    magnitude = draw(hnp.arrays(np.float64, size, elements=st.floats(low, high)))
    positive = draw(hnp.arrays(np.bool_, size))
    return np.where(positive, magnitude, -magnitude)


@st.composite
def problems(draw, target, with_weights=None):
    """(layout, out_activation, X, Y, flat, sample_weight) for a small network."""
    n_features = draw(st.integers(1, 6))
    hidden = draw(st.lists(st.integers(1, 5), min_size=1, max_size=2))
    n_samples = draw(st.integers(1, 8))
    if target == "binary":
        n_outputs, out_activation = 1, "logistic"
    elif target == "multiclass":
        n_outputs, out_activation = draw(st.integers(2, 4)), "softmax"
    else:
        n_outputs, out_activation = draw(st.integers(2, 4)), "logistic"
    layout = Layout([n_features, *hidden, n_outputs])

    X = draw(hnp.arrays(np.float64, (n_samples, n_features), elements=st.floats(-1, 1)))
    if target == "multiclass":
        labels = draw(
            hnp.arrays(np.int64, n_samples, elements=st.integers(0, n_outputs - 1))
        )
        Y = np.eye(n_outputs)[labels]
    else:
        Y = draw(
            hnp.arrays(
                np.float64,
                (n_samples, n_outputs),
                elements=st.sampled_from([0.0, 1.0]),
            )
        )

    # |w| >= 0.05 / fan_in keeps every weight far from the L1 kink (relative
    # to STEP); dividing by fan_in keeps every pre-activation within
    # |z| <= 1 + max|input| <= 4, far from log-loss clipping.
    flat = signed(draw, layout.size, 0.05, 1.0)
    for view, (fan_in, _) in zip(layout.coefs(flat), layout.coef_shapes, strict=True):
        view /= fan_in

    if with_weights is None:
        with_weights = draw(st.booleans())
    sample_weight = None
    if with_weights:
        sample_weight = draw(
            hnp.arrays(np.float64, n_samples, elements=st.floats(0.1, 3.0))
        )
    return layout, out_activation, X, Y, flat, sample_weight


def away_from_relu_kinks(activation, layout, flat, X, out_activation):
    if activation != "relu":
        return True
    _, pre = reference_forward(layout, flat, X, activation, out_activation)
    return all(np.abs(z).min() > RELU_MARGIN for z in pre)


penalties = st.tuples(
    st.sampled_from([None, "l1", "l2", "elasticnet"]),
    st.floats(0.0, 1.0),  # l1_ratio
    st.floats(0.0, 2.0),  # alpha
    st.booleans(),  # penalize_intercepts
)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
@SETTINGS
@given(data=st.data(), penalty_params=penalties)
def test_gradient_of_loss_plus_penalty_matches_central_differences(
    loss, activation, target, data, penalty_params
):
    layout, out_activation, X, Y, flat, sw = data.draw(problems(target))
    assume(away_from_relu_kinks(activation, layout, flat, X, out_activation))
    name, l1_ratio, alpha, penalize_intercepts = penalty_params
    penalty = make_penalty(name, l1_ratio)
    pen = layout.penalized_slice(penalize_intercepts)
    network = Network(layout, activation, out_activation, loss)
    scratch = np.empty(layout.size)

    def objective(x):
        value = network.loss_gradient(x, X, Y, sw, scratch)
        if penalty is not None:
            value += alpha * penalty.value(x[pen])
        return value

    grad = np.full(layout.size, np.nan)  # must be overwritten entirely
    network.loss_gradient(flat, X, Y, sw, grad)
    assert np.isfinite(grad).all()
    if penalty is not None:
        penalty.add_gradient(flat[pen], grad[pen], alpha)

    numeric = np.empty(layout.size)
    for i in range(layout.size):
        up, down = flat.copy(), flat.copy()
        up[i] += STEP
        down[i] -= STEP
        numeric[i] = (objective(up) - objective(down)) / (2 * STEP)

    # Rounding error of the quotient is ~ eps * |objective| / STEP ~ 1e-9.
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("loss", LOSSES)
@settings(max_examples=25, deadline=None)
@given(data=st.data(), activation=st.sampled_from(ACTIVATIONS))
def test_loss_value_is_mean_of_per_sample_loss(loss, target, activation, data):
    layout, out_activation, X, Y, flat, sw = data.draw(problems(target))
    network = Network(layout, activation, out_activation, loss)
    value = network.loss_gradient(flat, X, Y, sw, np.empty(layout.size))
    output, _ = reference_forward(layout, flat, X, activation, out_activation)
    expected = reference_loss(output, Y, loss, out_activation, sw)
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        network.predict_output(flat, X), output, rtol=1e-12, atol=1e-14
    )


@pytest.mark.parametrize("loss", LOSSES)
@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    target=st.sampled_from(TARGETS),
    activation=st.sampled_from(ACTIVATIONS),
)
def test_integer_sample_weights_equal_repeated_samples(loss, target, activation, data):
    layout, out_activation, X, Y, flat, _ = data.draw(problems(target, False))
    counts = data.draw(
        hnp.arrays(np.int64, X.shape[0], elements=st.integers(1, 3)), label="counts"
    )
    network = Network(layout, activation, out_activation, loss)
    grad_weighted = np.empty(layout.size)
    grad_repeated = np.empty(layout.size)
    weighted = network.loss_gradient(
        flat, X, Y, counts.astype(np.float64), grad_weighted
    )
    repeated = network.loss_gradient(
        flat,
        np.repeat(X, counts, axis=0),
        np.repeat(Y, counts, axis=0),
        None,
        grad_repeated,
    )
    np.testing.assert_allclose(weighted, repeated, rtol=1e-12)
    np.testing.assert_allclose(grad_weighted, grad_repeated, rtol=1e-10, atol=1e-13)


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    target=st.sampled_from(TARGETS),
    loss=st.sampled_from(LOSSES),
    factor=st.floats(0.01, 100.0),
)
def test_sample_weights_enter_only_through_their_proportions(
    data, target, loss, factor
):
    layout, out_activation, X, Y, flat, sw = data.draw(problems(target, True))
    network = Network(layout, "tanh", out_activation, loss)
    grads = [np.empty(layout.size) for _ in range(3)]
    values = [
        network.loss_gradient(flat, X, Y, weights, g)
        for weights, g in zip([sw, factor * sw, np.ones_like(sw)], grads, strict=True)
    ]
    unweighted_grad = np.empty(layout.size)
    unweighted = network.loss_gradient(flat, X, Y, None, unweighted_grad)
    np.testing.assert_allclose(values[1], values[0], rtol=1e-12)
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(values[2], unweighted, rtol=1e-12)
    np.testing.assert_allclose(grads[2], unweighted_grad, rtol=1e-10, atol=1e-14)
