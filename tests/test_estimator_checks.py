"""scikit-learn's estimator checks, for one small instance per penalty style.

Every instance is tiny (a handful of hidden units, few epochs) so that the
whole battery stays quick.  The checks' data sets have fewer than 200 samples,
so ``batch_size='auto'`` gives full-batch steps for the stochastic solvers:
weighting a sample is then the same as repeating it, and no check needs the
expected failures scikit-learn allows its SGD-trained estimators
(``check_sample_weight_equivalence_on_dense_data`` / ``_on_sparse_data``).
"""

import pytest
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from sklearn_nnreg import RegularizedMLPClassifier, RegularizedMLPRegressor

COMMON = dict(hidden_layer_sizes=(8,), random_state=0)

INSTANCES = [
    # gradient / l2 with plain sgd and momentum
    RegularizedMLPClassifier(
        **COMMON,
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=60,
        penalty="l2",
        alpha=1e-3,
        penalty_style="gradient",
    ),
    # decoupled / l1 with adam
    RegularizedMLPClassifier(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty="l1",
        alpha=1e-4,
        penalty_style="decoupled",
    ),
    # decoupled / l2 with sgd, intercepts penalized too
    RegularizedMLPClassifier(
        **COMMON,
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=60,
        penalty="l2",
        alpha=1e-4,
        penalty_style="decoupled",
        penalize_intercepts=True,
    ),
    # multiplicative / l2: alpha is the fraction kept per step
    RegularizedMLPClassifier(
        **COMMON,
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=60,
        penalty="l2",
        alpha=0.99,
        penalty_style="multiplicative",
    ),
    # proximal / l1 with adam (per-coordinate thresholds)
    RegularizedMLPClassifier(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty="l1",
        alpha=1e-4,
        penalty_style="proximal",
    ),
    # cumulative / elastic net with sgd
    RegularizedMLPClassifier(
        **COMMON,
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=60,
        penalty="elasticnet",
        l1_ratio=0.5,
        alpha=1e-4,
        penalty_style="cumulative",
    ),
    # cumulative / l1 with adam
    RegularizedMLPClassifier(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty="l1",
        alpha=1e-4,
        penalty_style="cumulative",
    ),
    # group lasso with adam: the block soft-threshold in adam's metric
    RegularizedMLPClassifier(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty="group_lasso",
        alpha=1e-3,
        penalty_style="proximal",
    ),
    # the other loss
    RegularizedMLPClassifier(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        loss="squared_error",
    ),
    # no penalty at all
    RegularizedMLPClassifier(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty=None,
    ),
    # lbfgs: minimises L + alpha R deterministically.  alpha=1e-5 is about
    # MLPClassifier's default alpha=1e-4 divided by the check's n_samples.
    RegularizedMLPClassifier(
        **COMMON,
        solver="lbfgs",
        max_iter=100,
        penalty="l2",
        alpha=1e-5,
        activation="tanh",
    ),
]


# The regressor: one instance per style, both losses, every solver.  The
# checks' regression targets are unscaled, hence sgd's small rate.
REGRESSOR_INSTANCES = [
    RegularizedMLPRegressor(
        **COMMON,
        solver="sgd",
        learning_rate_init=2e-3,
        max_iter=200,
        penalty="l2",
        alpha=1e-3,
        penalty_style="gradient",
    ),
    RegularizedMLPRegressor(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty="l1",
        alpha=1e-4,
        penalty_style="decoupled",
    ),
    RegularizedMLPRegressor(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty="l2",
        alpha=0.9999,
        penalty_style="multiplicative",
    ),
    RegularizedMLPRegressor(
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty="l1",
        alpha=1e-4,
        penalty_style="proximal",
    ),
    RegularizedMLPRegressor(
        **COMMON,
        solver="sgd",
        learning_rate_init=2e-3,
        max_iter=200,
        penalty="elasticnet",
        l1_ratio=0.5,
        alpha=1e-4,
        penalty_style="cumulative",
    ),
    RegularizedMLPRegressor(
        "poisson",
        **COMMON,
        solver="adam",
        learning_rate_init=0.05,
        max_iter=60,
        penalty="l2",
        alpha=1e-4,
    ),
    RegularizedMLPRegressor(
        **COMMON,
        solver="lbfgs",
        max_iter=100,
        penalty="l1",
        alpha=1e-5,
        activation="tanh",
    ),
]

ALL_INSTANCES = INSTANCES + REGRESSOR_INSTANCES


def _expected_failures(estimator):
    """Checks whose fixed settings contradict a regressor's parameters."""
    if not isinstance(estimator, RegularizedMLPRegressor):
        return {}
    if estimator.loss == "poisson":
        return {
            "check_regressor_multioutput": "draws negative targets (ignoring "
            "the positive_only tag), which the Poisson deviance refuses"
        }
    if estimator.penalty_style == "multiplicative":
        return {
            "check_regressors_train": "sets alpha=0.01 for 'linear "
            "regressors': under 'multiplicative' that keeps 1% of each "
            "weight per step"
        }
    return {}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ALL_INSTANCES, expected_failed_checks=_expected_failures)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "estimator",
    ALL_INSTANCES,
    ids=lambda est: f"{type(est).__name__}-{est.solver}-{est.penalty_style}",
)
def test_param_validation_check_passes(estimator):
    check_param_validation(type(estimator).__name__, estimator)


def test_every_style_and_loss_has_an_instance():
    styles = {est.penalty_style for est in INSTANCES if est.penalty is not None}
    assert styles == {
        "gradient",
        "decoupled",
        "multiplicative",
        "proximal",
        "cumulative",
    }
    assert {est.loss for est in INSTANCES} == {"log_loss", "squared_error"}
    assert {est.solver for est in INSTANCES} == {"sgd", "adam", "lbfgs"}


def test_every_style_and_loss_has_a_regressor_instance():
    styles = {est.penalty_style for est in REGRESSOR_INSTANCES}
    assert styles == {
        "gradient",
        "decoupled",
        "multiplicative",
        "proximal",
        "cumulative",
    }
    assert {est.loss for est in REGRESSOR_INSTANCES} == {"squared_error", "poisson"}
    assert {est.solver for est in REGRESSOR_INSTANCES} == {"sgd", "adam", "lbfgs"}
