"""translate_alpha and the Keras helpers: formulas, errors, and trained models."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_nnreg import (
    RegularizedMLPClassifier,
    from_keras_l1_l2,
    to_keras_l1_l2,
    translate_alpha,
)
from sklearn_nnreg._styles import STYLES
from sklearn_nnreg._translate import EXTERNAL_CONVENTIONS
from sklearn_nnreg.datasets import make_teacher_classification

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

ETA = 0.05


@pytest.fixture(scope="module")
def data():
    X, y = make_teacher_classification(60, random_state=3)
    return X, y


# Settings shared by our fits and the MLPClassifier oracle: plain sgd.
SHARED = dict(
    hidden_layer_sizes=(6,),
    activation="tanh",
    solver="sgd",
    momentum=0.0,
    learning_rate_init=ETA,
    batch_size=10,
    max_iter=4,
    tol=0.0,
    n_iter_no_change=100,
    random_state=0,
)


def _fit(data, **params):
    return RegularizedMLPClassifier(**{**SHARED, **params}).fit(*data)


def _weights(est):
    return np.concatenate([c.ravel() for c in est.coefs_ + est.intercepts_])


# --------------------------------------------------------------- formulas
def test_objective_styles_share_one_unit():
    for target in ("proximal", "cumulative"):
        assert (
            translate_alpha(0.3, penalty="l1", source="gradient", target=target) == 0.3
        )


def test_decoupled_is_learning_rate_times_lambda():
    got = translate_alpha(
        0.02,
        penalty="l1",
        source="gradient",
        target="decoupled",
        learning_rate_init=0.1,
    )
    assert got == pytest.approx(0.002)


def test_multiplicative_keeps_one_minus_rate_times_lambda():
    got = translate_alpha(
        0.03,
        penalty="l2",
        source="gradient",
        target="multiplicative",
        learning_rate_init=0.01,
    )
    assert got == pytest.approx(1 - 0.01 * 0.03)


def test_sklearn_alpha_is_divided_by_batch_or_sample_count():
    by_batch = translate_alpha(
        1e-4, penalty="l2", source="sklearn", target="gradient", batch_size=50
    )
    by_samples = translate_alpha(
        1e-4, penalty="l2", source="sklearn", target="gradient", n_samples=400
    )
    assert by_batch == pytest.approx(2e-6)
    assert by_samples == pytest.approx(2.5e-7)


def test_keras_l2_has_no_half_and_l1_is_unchanged():
    assert (
        translate_alpha(0.01, penalty="l2", source="keras", target="gradient") == 0.02
    )
    assert (
        translate_alpha(0.01, penalty="l1", source="keras", target="gradient") == 0.01
    )


def test_pytorch_conventions():
    assert translate_alpha(
        5e-4, penalty="l2", source="pytorch_sgd", target="gradient"
    ) == pytest.approx(5e-4)
    # AdamW shrinks by lr * weight_decay per step: our decoupled alpha.
    assert translate_alpha(
        0.01,
        penalty="l2",
        source="pytorch_adamw",
        target="decoupled",
        learning_rate_init=1e-3,
    ) == pytest.approx(1e-5)


def test_keras_elastic_net_helpers_are_inverse():
    alpha, l1_ratio = from_keras_l1_l2(0.02, 0.005)
    assert alpha == pytest.approx(0.03)
    assert l1_ratio == pytest.approx(2 / 3)
    assert to_keras_l1_l2(alpha, l1_ratio) == pytest.approx((0.02, 0.005))


@settings(max_examples=60, deadline=None)
@given(
    alpha=st.floats(1e-6, 1.0),
    source=st.sampled_from((*STYLES, *EXTERNAL_CONVENTIONS)),
    target=st.sampled_from((*STYLES, *EXTERNAL_CONVENTIONS)),
    penalty=st.sampled_from(["l1", "l2", "elasticnet"]),
)
def test_round_trip_returns_the_original(alpha, source, target, penalty):
    kwargs = dict(penalty=penalty, learning_rate_init=0.1, batch_size=32)
    if source == "multiplicative":
        alpha = 1 - 0.1 * alpha  # a valid keep-fraction
    try:
        there = translate_alpha(alpha, source=source, target=target, **kwargs)
    except ValueError:
        return  # combinations without a map are tested below
    back = translate_alpha(there, source=target, target=source, **kwargs)
    assert back == pytest.approx(alpha, rel=1e-9)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(
                penalty="l1",
                source="gradient",
                target="multiplicative",
                learning_rate_init=0.1,
            ),
            "L2 shrink",
        ),
        (
            dict(penalty="l1", source="sklearn", target="gradient", batch_size=10),
            "L2 penalty only",
        ),
        (dict(penalty="l2", source="gradient", target="cumulative"), "L1 part"),
        (
            dict(penalty="elasticnet", source="keras", target="gradient"),
            "from_keras_l1_l2",
        ),
        (dict(penalty="l2", source="sklearn", target="gradient"), "exactly one"),
        (
            dict(
                penalty="l2",
                source="sklearn",
                target="gradient",
                batch_size=10,
                n_samples=100,
            ),
            "exactly one",
        ),
        (dict(penalty="l2", source="gradient", target="decoupled"), "learning rate"),
        (dict(penalty="l2", source="tensorflow", target="gradient"), "source must be"),
        (dict(penalty="l3", source="gradient", target="gradient"), "penalty must be"),
    ],
)
def test_impossible_translations_explain_why(kwargs, message):
    with pytest.raises(ValueError, match=message):
        translate_alpha(0.01, **kwargs)


def test_multiplicative_cannot_express_a_full_shrink():
    with pytest.raises(ValueError, match="fraction <= 0"):
        translate_alpha(
            20.0,
            penalty="l2",
            source="gradient",
            target="multiplicative",
            learning_rate_init=0.1,
        )


def test_negative_alpha_is_refused():
    with pytest.raises(ValueError, match="non-negative"):
        translate_alpha(-1.0, penalty="l2", source="gradient", target="proximal")


# ------------------------------------------- trained side by side: exact maps
@pytest.mark.parametrize("penalty", ["l1", "l2", "elasticnet"])
def test_translated_decoupled_trains_the_same_weights(data, penalty):
    lam = 0.02
    alpha = translate_alpha(
        lam,
        penalty=penalty,
        source="gradient",
        target="decoupled",
        learning_rate_init=ETA,
    )
    a = _fit(data, penalty=penalty, alpha=lam, penalty_style="gradient")
    b = _fit(data, penalty=penalty, alpha=alpha, penalty_style="decoupled")
    np.testing.assert_allclose(_weights(a), _weights(b), rtol=1e-10, atol=1e-12)


def test_translated_multiplicative_trains_the_same_weights(data):
    lam = 0.05
    alpha = translate_alpha(
        lam,
        penalty="l2",
        source="gradient",
        target="multiplicative",
        learning_rate_init=ETA,
    )
    a = _fit(data, penalty="l2", alpha=lam, penalty_style="gradient")
    b = _fit(data, penalty="l2", alpha=alpha, penalty_style="multiplicative")
    np.testing.assert_allclose(_weights(a), _weights(b), rtol=1e-10, atol=1e-12)


def test_decoupled_map_stays_exact_under_a_decaying_schedule(data):
    lam = 0.05
    alpha = translate_alpha(
        lam,
        penalty="l2",
        source="gradient",
        target="decoupled",
        learning_rate_init=ETA,
    )
    common = dict(learning_rate="invscaling", power_t=0.3, penalty="l2")
    a = _fit(data, alpha=lam, penalty_style="gradient", **common)
    b = _fit(data, alpha=alpha, penalty_style="decoupled", **common)
    np.testing.assert_allclose(_weights(a), _weights(b), rtol=1e-10, atol=1e-12)


def test_translated_sklearn_alpha_matches_mlpclassifier(data):
    X, y = data
    alpha_sk = 0.5
    alpha = translate_alpha(
        alpha_sk, penalty="l2", source="sklearn", target="gradient", batch_size=10
    )
    ours = _fit(data, penalty="l2", alpha=alpha)
    theirs = MLPClassifier(**SHARED, alpha=alpha_sk).fit(X, y)
    for mine, ref in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-9, atol=1e-12)


def test_translated_keras_l1_l2_equals_the_elastic_net(data):
    # Keras's l1_l2(a, b) penalty a sum|w| + b sum w^2 equals our elastic net
    # with the translated (alpha, l1_ratio): compare their gradients directly.
    a, b = 0.01, 0.02
    alpha, l1_ratio = from_keras_l1_l2(a, b)
    w = np.random.default_rng(0).normal(size=50)
    keras_grad = a * np.sign(w) + 2 * b * w
    ours = alpha * (l1_ratio * np.sign(w) + (1 - l1_ratio) * w)
    np.testing.assert_allclose(ours, keras_grad, rtol=1e-12)


# ---------------------------------------- trained side by side: first-order
@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_aware_map_is_close_under_momentum(data, nesterov):
    """With momentum the gradient-style penalty is also carried by the
    velocity; the map with ``momentum`` (effective rate eta / (1 - mu)) keeps
    the decoupled model far closer to the gradient-style one than the plain
    map, and much closer than the penalty's own effect."""
    lam, mu = 0.2, 0.5
    common = dict(
        momentum=mu, nesterovs_momentum=nesterov, max_iter=10, learning_rate_init=0.01
    )
    kwargs = dict(
        penalty="l2", source="gradient", target="decoupled", learning_rate_init=0.01
    )
    plain = translate_alpha(lam, **kwargs)
    aware = translate_alpha(lam, momentum=mu, **kwargs)
    assert aware == pytest.approx(plain / (1 - mu))
    a = _fit(data, penalty="l2", alpha=lam, penalty_style="gradient", **common)
    b = _fit(data, penalty="l2", alpha=aware, penalty_style="decoupled", **common)
    c = _fit(data, penalty="l2", alpha=plain, penalty_style="decoupled", **common)
    none = _fit(data, penalty=None, **common)
    gap_aware = np.linalg.norm(_weights(a) - _weights(b))
    gap_plain = np.linalg.norm(_weights(a) - _weights(c))
    effect = np.linalg.norm(_weights(a) - _weights(none))
    assert gap_aware > 0  # not exact ...
    assert gap_aware < 0.1 * effect  # ... but of lower order than the penalty
    assert gap_aware < 0.2 * gap_plain
