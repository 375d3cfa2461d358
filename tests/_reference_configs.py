"""Configurations whose fitted weights were recorded before the architecture
refactor (issue 13), in ``tests/data/reference_weights.npz``.

``python -m tests._reference_configs`` rewrites the file; do that only when a
change is *meant* to alter results, and say so in the commit message.
"""

import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nnreg import RegularizedMLPClassifier

COMMON = dict(hidden_layer_sizes=(5, 4), max_iter=12, random_state=0)

CONFIGS = {
    "gradient_l2_sgd": dict(solver="sgd", penalty="l2", alpha=1e-2),
    "gradient_l1_adam": dict(solver="adam", penalty="l1", alpha=1e-3),
    "gradient_en_adam_sq": dict(
        solver="adam", penalty="elasticnet", alpha=1e-3, loss="squared_error"
    ),
    "decoupled_l2_adam": dict(
        solver="adam", penalty="l2", alpha=1e-4, penalty_style="decoupled"
    ),
    "decoupled_l1_sgd_invscaling": dict(
        solver="sgd",
        penalty="l1",
        alpha=1e-4,
        penalty_style="decoupled",
        learning_rate="invscaling",
    ),
    "multiplicative_sgd": dict(
        solver="sgd", penalty="l2", alpha=0.999, penalty_style="multiplicative"
    ),
    "multiplicative_adam": dict(
        solver="adam", penalty="l2", alpha=0.9995, penalty_style="multiplicative"
    ),
    "proximal_l1_adam": dict(
        solver="adam", penalty="l1", alpha=1e-2, penalty_style="proximal"
    ),
    "proximal_en_sgd": dict(
        solver="sgd",
        penalty="elasticnet",
        alpha=1e-2,
        penalty_style="proximal",
        nesterovs_momentum=False,
    ),
    "cumulative_l1_sgd": dict(
        solver="sgd",
        penalty="l1",
        alpha=5e-2,
        penalty_style="cumulative",
        learning_rate_init=0.05,
    ),
    "cumulative_en_adam_intercepts": dict(
        solver="adam",
        penalty="elasticnet",
        alpha=1e-2,
        penalty_style="cumulative",
        penalize_intercepts=True,
    ),
    "lbfgs_l1": dict(solver="lbfgs", penalty="l1", alpha=2e-2),
    "lbfgs_l2_proximal": dict(
        solver="lbfgs", penalty="l2", alpha=1e-3, penalty_style="proximal"
    ),
    "adam_early_stopping": dict(
        solver="adam",
        penalty="l1",
        alpha=1e-3,
        penalty_style="proximal",
        early_stopping=True,
        validation_fraction=0.2,
    ),
    "none_adaptive_sgd": dict(
        solver="sgd",
        penalty=None,
        learning_rate="adaptive",
        tol=1e-2,
        n_iter_no_change=2,
    ),
}


def data(binary=False):
    X, y = make_classification(
        120, 6, n_informative=4, n_classes=2 if binary else 3, random_state=0
    )
    return X, y


def fitted_weights():
    """{name: flat weights} for every configuration (and a partial_fit run)."""
    X, y = data()
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, params in CONFIGS.items():
            est = RegularizedMLPClassifier(**COMMON, **params).fit(X, y)
            out[name] = _flat(est)
        Xb, yb = data(binary=True)
        est = RegularizedMLPClassifier(
            **COMMON, penalty="l1", penalty_style="cumulative", solver="sgd"
        )
        for _ in range(3):
            est.partial_fit(Xb, yb, classes=[0, 1])
        out["partial_fit_cumulative_binary"] = _flat(est)
        est = RegularizedMLPClassifier(
            **COMMON, solver="adam", penalty="l2", alpha=1e-3
        ).fit(X.astype(np.float32), y)
        out["adam_float32"] = _flat(est)
    return out


def _flat(est):
    return np.concatenate([a.ravel() for a in est.coefs_ + est.intercepts_])


if __name__ == "__main__":
    from pathlib import Path

    path = Path(__file__).parent / "data" / "reference_weights.npz"
    np.savez_compressed(path, **fitted_weights())
    print(f"wrote {path}")
