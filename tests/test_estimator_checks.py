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
from threadpoolctl import threadpool_limits

from sklearn_nnreg import RegularizedMLPClassifier

COMMON = dict(hidden_layer_sizes=(8,), random_state=0)

INSTANCES = [
    # gradient / l2 with plain sgd and momentum
    RegularizedMLPClassifier(
        **COMMON, solver="sgd", learning_rate_init=0.1, max_iter=60,
        penalty="l2", alpha=1e-3, penalty_style="gradient",
    ),
    # decoupled / l1 with adam
    RegularizedMLPClassifier(
        **COMMON, solver="adam", learning_rate_init=0.05, max_iter=60,
        penalty="l1", alpha=1e-4, penalty_style="decoupled",
    ),
    # decoupled / l2 with sgd, intercepts penalized too
    RegularizedMLPClassifier(
        **COMMON, solver="sgd", learning_rate_init=0.1, max_iter=60,
        penalty="l2", alpha=1e-4, penalty_style="decoupled",
        penalize_intercepts=True,
    ),
    # multiplicative / l2: alpha is the fraction kept per step
    RegularizedMLPClassifier(
        **COMMON, solver="sgd", learning_rate_init=0.1, max_iter=60,
        penalty="l2", alpha=0.99, penalty_style="multiplicative",
    ),
    # proximal / l1 with adam (per-coordinate thresholds)
    RegularizedMLPClassifier(
        **COMMON, solver="adam", learning_rate_init=0.05, max_iter=60,
        penalty="l1", alpha=1e-4, penalty_style="proximal",
    ),
    # cumulative / elastic net with sgd
    RegularizedMLPClassifier(
        **COMMON, solver="sgd", learning_rate_init=0.1, max_iter=60,
        penalty="elasticnet", l1_ratio=0.5, alpha=1e-4,
        penalty_style="cumulative",
    ),
    # cumulative / l1 with adam
    RegularizedMLPClassifier(
        **COMMON, solver="adam", learning_rate_init=0.05, max_iter=60,
        penalty="l1", alpha=1e-4, penalty_style="cumulative",
    ),
    # group lasso with adam: the block soft-threshold in adam's metric
    RegularizedMLPClassifier(
        **COMMON, solver="adam", learning_rate_init=0.05, max_iter=60,
        penalty="group_lasso", alpha=1e-3, penalty_style="proximal",
    ),
    # the other loss
    RegularizedMLPClassifier(
        **COMMON, solver="adam", learning_rate_init=0.05, max_iter=60,
        loss="squared_error",
    ),
    # no penalty at all
    RegularizedMLPClassifier(
        **COMMON, solver="adam", learning_rate_init=0.05, max_iter=60,
        penalty=None,
    ),
    # lbfgs: minimises L + alpha R deterministically.  alpha=1e-5 is about
    # MLPClassifier's default alpha=1e-4 divided by the check's n_samples.
    RegularizedMLPClassifier(
        **COMMON, solver="lbfgs", max_iter=100, penalty="l2", alpha=1e-5,
        activation="tanh",
    ),
]


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_blas():
    # The matrices here are tiny: BLAS threads only cost time, a lot of it
    # when the machine is busy.
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(INSTANCES)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "estimator", INSTANCES, ids=lambda est: f"{est.solver}-{est.penalty_style}"
)
def test_param_validation_check_passes(estimator):
    check_param_validation(type(estimator).__name__, estimator)


def test_every_style_and_loss_has_an_instance():
    styles = {est.penalty_style for est in INSTANCES if est.penalty is not None}
    assert styles == {
        "gradient", "decoupled", "multiplicative", "proximal", "cumulative",
    }
    assert {est.loss for est in INSTANCES} == {"log_loss", "squared_error"}
    assert {est.solver for est in INSTANCES} == {"sgd", "adam", "lbfgs"}
