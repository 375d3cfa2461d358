"""Time to tune alpha and style: the warm-started path against grid searches.

Three contenders choose (penalty_style, alpha) over the same grid and folds:

- ``path``: :class:`~sklearn_nnreg.RegularizedMLPClassifierCV`;
- ``grid``: ``GridSearchCV(RegularizedMLPClassifier(...), style_param_grid(...))``;
- ``halving``: scikit-learn's ``HalvingGridSearchCV`` on the same grid.

Problems (issue 15's goals): (1) digits, standardised, ``(64,)``; (2)
``make_classification(8000, 100, n_informative=20, n_classes=5,
random_state=0)``, ``(128,)``; both adam with L1, 4 styles (gradient,
decoupled, proximal, cumulative) x 8 alphas (objective units, 1e-5 to 1e-2
log-spaced) x 5 stratified folds, ``n_jobs=2``, a held-out 25% test split.
For each contender: seconds to tune (search and refit), the chosen style and
alpha (objective units) and the chosen model's test accuracy.

Usage::

    python benchmarks/bench_tuning.py [--quick] [--problems digits,large]

``--quick`` shrinks everything (a smoke test, not a measurement).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import (
    RegularizedMLPClassifier,
    RegularizedMLPClassifierCV,
    common_alpha,
    style_param_grid,
)

STYLES = ["gradient", "decoupled", "proximal", "cumulative"]
ALPHAS = np.logspace(-5, -2, 8)
N_JOBS = 2


def problems(quick):
    X, y = load_digits(return_X_y=True)
    large = make_classification(
        n_samples=8000, n_features=100, n_informative=20, n_classes=5, random_state=0
    )
    cases = {"digits": (X, y, (64,)), "large": (*large, (128,))}
    if quick:
        cases = {k: (X[:600], y[:600], h) for k, (X, y, h) in cases.items()}
    return cases


def split(X, y):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def model_settings(hidden, quick):
    return dict(
        hidden_layer_sizes=hidden,
        solver="adam",
        penalty="l1",
        max_iter=30 if quick else 200,
        random_state=0,
    )


def run_path(settings, X, y, cv, alphas):
    search = RegularizedMLPClassifierCV(
        alphas=alphas, penalty_styles=STYLES, cv=cv, n_jobs=N_JOBS, **settings
    ).fit(X, y)
    return search, search.penalty_style_, search.common_alpha_


def run_grid(search_class, settings, X, y, cv, alphas, **extra):
    grid = style_param_grid(alphas, penalty="l1", styles=STYLES)
    search = search_class(
        RegularizedMLPClassifier(**settings), grid, cv=cv, n_jobs=N_JOBS, **extra
    ).fit(X, y)
    best = search.best_params_
    return search, best["penalty_style"], common_alpha({"params": [best]})[0]


def contenders(settings, X, y, cv, alphas):
    return {
        "path": lambda: run_path(settings, X, y, cv, alphas),
        "grid": lambda: run_grid(GridSearchCV, settings, X, y, cv, alphas),
        "halving": lambda: run_grid(
            HalvingGridSearchCV, settings, X, y, cv, alphas, random_state=0
        ),
    }


def bench_problem(name, X, y, hidden, quick):
    X_train, X_test, y_train, y_test = split(X, y)
    cv = StratifiedKFold(3 if quick else 5, shuffle=True, random_state=0)
    alphas = ALPHAS[::3] if quick else ALPHAS
    settings = model_settings(hidden, quick)
    print(f"\n== {name}: train {X_train.shape}, test {X_test.shape}, {hidden}")
    rows = {}
    for label, run in contenders(settings, X_train, y_train, cv, alphas).items():
        start = time.perf_counter()
        search, style, lam = run()
        seconds = time.perf_counter() - start
        accuracy = search.score(X_test, y_test)
        rows[label] = (seconds, style, lam, accuracy)
        print(
            f"{label:8s} {seconds:8.1f} s  chose {style:10s} alpha={lam:.2e}  "
            f"test accuracy {100 * accuracy:.2f}%",
            flush=True,
        )
    path, grid, halving = rows["path"], rows["grid"], rows["halving"]
    print(
        f"path is {grid[0] / path[0]:.1f}x faster than grid, "
        f"{halving[0] / path[0]:.1f}x faster than halving; test accuracy "
        f"{100 * (path[3] - grid[3]):+.2f} points vs grid, "
        f"{100 * (path[3] - halving[3]):+.2f} vs halving"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--problems", default="digits,large")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    cases = problems(args.quick)
    for name in args.problems.split(","):
        bench_problem(name, *cases[name], args.quick)


if __name__ == "__main__":
    main()
