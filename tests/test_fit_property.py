"""Property: every fit returns a model with finite outputs, or says why not.

Over all solvers, styles, penalties and both losses, with inputs up to 1e300,
learning rates up to 1e4 and sample weights that may be zero, ``fit`` either
returns a model whose outputs on its training data are finite, or raises a
``ValueError`` / ``TypeError`` / ``TrainingDivergedError`` whose message names
a parameter or the problem.  Bounded: tiny data, at most 3 epochs.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sklearn_nnreg import RegularizedMLPClassifier, TrainingDivergedError
from sklearn_nnreg._classifier import STYLES

N_SAMPLES, N_FEATURES = 24, 3
#: Words that name the problem when no parameter is named.
PROBLEMS = ("diverged", "not finite", "StandardScaler", "y contains", "classes")


def _names_a_parameter_or_the_problem(message, est):
    return any(name in message for name in est.get_params()) or any(
        word in message for word in PROBLEMS
    )


def _data(seed, scale, n_classes, weights):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES)) * scale
    y = np.arange(N_SAMPLES) % n_classes
    sample_weight = None
    if weights == "some-zero":
        sample_weight = rng.choice([0.0, 1.0, 3.0], size=N_SAMPLES)
    elif weights == "all-zero":
        sample_weight = np.zeros(N_SAMPLES)
    return X, y, sample_weight


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    solver=st.sampled_from(["sgd", "adam", "lbfgs"]),
    style=st.sampled_from(sorted(STYLES)),
    penalty=st.sampled_from(["l1", "l2", "elasticnet", None]),
    loss=st.sampled_from(["log_loss", "squared_error"]),
    activation=st.sampled_from(["relu", "tanh", "logistic", "identity"]),
    log_scale=st.floats(-3, 300),
    log_rate=st.floats(-5, 4),
    alpha=st.sampled_from([0.0, 1e-4, 0.1, 0.9, 1.0, 50.0]),
    n_classes=st.sampled_from([1, 2, 3]),
    weights=st.sampled_from(["none", "none", "some-zero", "all-zero"]),
    batch_size=st.sampled_from([1, 5, "auto"]),
    momentum=st.sampled_from([0.0, 0.9, 1.0]),
    early_stopping=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_every_fit_has_finite_outputs_or_a_clear_error(
    solver,
    style,
    penalty,
    loss,
    activation,
    log_scale,
    log_rate,
    alpha,
    n_classes,
    weights,
    batch_size,
    momentum,
    early_stopping,
    seed,
):
    X, y, sample_weight = _data(seed, 10.0**log_scale, n_classes, weights)
    est = RegularizedMLPClassifier(
        hidden_layer_sizes=(3,),
        solver=solver,
        penalty_style=style,
        penalty=penalty,
        loss=loss,
        activation=activation,
        learning_rate_init=10.0**log_rate,
        alpha=alpha,
        batch_size=batch_size,
        momentum=momentum,
        early_stopping=early_stopping and n_classes > 1,
        validation_fraction=0.25,
        max_iter=3,
        max_fun=50,
        random_state=seed,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y, sample_weight=sample_weight)
    except (ValueError, TypeError) as error:  # TrainingDivergedError included
        event(type(error).__name__)  # --hypothesis-show-statistics
        assert _names_a_parameter_or_the_problem(str(error), est), repr(error)
        if isinstance(error, TrainingDivergedError):
            assert not hasattr(est, "coefs_")  # no half-fitted model left
        return
    event("fitted")
    with np.errstate(all="ignore"):
        proba = est.predict_proba(X)
        outputs = est._output(X)  # the output units themselves (one class too)
    assert np.isfinite(proba).all() and np.isfinite(outputs).all()
    assert all(np.isfinite(c).all() for c in est.coefs_ + est.intercepts_)
