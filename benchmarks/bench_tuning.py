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
alpha (objective units), the chosen model's test accuracy, and the training
work, epochs x samples summed over every fit (search and refit), in units of
epochs over the whole training set.  The work does not depend on the load of
the machine, the seconds do: on a shared machine compare the work too.
The joblib workers are started before the first contender is timed, so that
none pays for starting them.

Usage::

    python benchmarks/bench_tuning.py [--quick] [--problem digits|large|both]
        [--contenders path,grid,halving]

``--quick`` shrinks everything (a smoke test, not a measurement).
"""

import argparse
import os
import shutil
import tempfile
import time
import warnings

import numpy as np
from joblib import Parallel, delayed
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
from sklearn.utils.validation import _num_samples

from sklearn_nnreg import (
    RegularizedMLPClassifier,
    RegularizedMLPClassifierCV,
    common_alpha,
    style_param_grid,
)

STYLES = ["gradient", "decoupled", "proximal", "cumulative"]
ALPHAS = np.logspace(-5, -2, 8)
N_JOBS = 2
CONTENDERS = ("path", "grid", "halving")
# Every fit, in this process or a joblib worker, appends its work here.
WORK_DIR_VARIABLE = "NNREG_BENCH_WORK_DIR"


class CountingClassifier(RegularizedMLPClassifier):
    """The classifier, logging each fit's epochs and training rows."""

    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight)
        log = os.path.join(os.environ[WORK_DIR_VARIABLE], f"{os.getpid()}.log")
        with open(log, "a") as file:  # one file per process: no interleaving
            file.write(f"{_num_samples(X)} {self.n_iter_}\n")
        return self


class CountingClassifierCV(RegularizedMLPClassifierCV):
    """The path, fitting :class:`CountingClassifier` at every point."""

    _estimator_class = CountingClassifier


def collect_work(work_dir, n_train):
    """``(search work, refit work, fits)`` logged so far; clears the log.

    Work is epochs x rows over ``n_train``: epochs of the whole training
    set.  The refit is the fits on all ``n_train`` rows.
    """
    search = refit = 0.0
    fits = 0
    for name in os.listdir(work_dir):
        path = os.path.join(work_dir, name)
        with open(path) as file:
            for line in file:
                rows, epochs = map(int, line.split())
                fits += 1
                if rows == n_train:
                    refit += rows * epochs / n_train
                else:
                    search += rows * epochs / n_train
        os.remove(path)
    return search, refit, fits


def start_workers():
    """Start joblib's workers, each with the package imported, before timing.

    The first search of a process pays for starting the workers and their
    imports (seconds on a busy machine); started here, no contender does.
    """
    Parallel(n_jobs=N_JOBS)(
        delayed(_ready)(CountingClassifier()) for _ in range(4 * N_JOBS)
    )


def _ready(estimator):
    time.sleep(0.2)  # so that every worker takes a task and imports
    return estimator


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
    search = CountingClassifierCV(
        alphas=alphas, penalty_styles=STYLES, cv=cv, n_jobs=N_JOBS, **settings
    ).fit(X, y)
    return search, search.penalty_style_, search.common_alpha_


def run_grid(search_class, settings, X, y, cv, alphas, **extra):
    grid = style_param_grid(alphas, penalty="l1", styles=STYLES)
    search = search_class(
        CountingClassifier(**settings), grid, cv=cv, n_jobs=N_JOBS, **extra
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


def bench_problem(name, case, quick, chosen, work_dir):
    X, y, hidden = case
    X_train, X_test, y_train, y_test = split(X, y)
    cv = StratifiedKFold(3 if quick else 5, shuffle=True, random_state=0)
    alphas = ALPHAS[::3] if quick else ALPHAS
    settings = model_settings(hidden, quick)
    print(f"\n== {name}: train {X_train.shape}, test {X_test.shape}, {hidden}")
    print(
        f"{'':8s} {'seconds':>8s}  {'style':10s} {'alpha':>8s}  {'test acc':>8s}  "
        f"{'work (epochs of the training set): search + refit = total, fits':s}"
    )
    rows = {}
    runs = contenders(settings, X_train, y_train, cv, alphas)
    for label in chosen:
        start = time.perf_counter()
        search, style, lam = runs[label]()
        seconds = time.perf_counter() - start
        accuracy = search.score(X_test, y_test)
        work, refit, fits = collect_work(work_dir, X_train.shape[0])
        rows[label] = (seconds, accuracy, work + refit)
        print(
            f"{label:8s} {seconds:8.1f}  {style:10s} {lam:8.2e}  "
            f"{100 * accuracy:7.2f}%  {work:7.0f} + {refit:5.0f} = "
            f"{work + refit:7.0f}, {fits} fits",
            flush=True,
        )
    if "path" in rows:
        report_ratios(rows)


def report_ratios(rows):
    path = rows["path"]
    for other in ("grid", "halving"):
        if other in rows:
            seconds, accuracy, work = rows[other]
            print(
                f"path vs {other}: {seconds / path[0]:.1f}x faster, "
                f"{work / path[2]:.1f}x less work, test accuracy "
                f"{100 * (path[1] - accuracy):+.2f} points"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--problem", choices=("digits", "large", "both"), default="both"
    )
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    args = parser.parse_args()
    chosen = args.contenders.split(",")
    unknown = set(chosen) - set(CONTENDERS)
    if unknown:
        parser.error(f"unknown contenders {sorted(unknown)}; use {CONTENDERS}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    cases = problems(args.quick)
    names = ("digits", "large") if args.problem == "both" else (args.problem,)
    work_dir = tempfile.mkdtemp(prefix="bench_tuning_")
    os.environ[WORK_DIR_VARIABLE] = work_dir  # before joblib starts workers
    start_workers()
    try:
        for name in names:
            bench_problem(name, cases[name], args.quick, chosen, work_dir)
    finally:
        shutil.rmtree(work_dir)


if __name__ == "__main__":
    main()
