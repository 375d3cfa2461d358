"""The two goals of structured sparsity (issue 16), in one run.

1. Pruning, on digits (standardised, 70/30 stratified split, ``(256,)``,
   adam, proximal group lasso): along a path of alphas, the test accuracy,
   the share of hidden units pruned and the speed-up of ``predict_proba`` of
   the pruned model on 100k rows (medians of alternating timings).  Goal: at
   a test accuracy at most 1 point below the unpenalized network, at least
   60% of hidden units pruned and a >= 2x faster ``predict_proba``.
2. Feature selection, on ``make_classification(2000, 100, n_informative=10,
   n_redundant=0, shuffle=False, random_state=0)`` (so the informative
   features are the first 10): the pipeline ``StandardScaler ->
   SelectFromModel(group-lasso network, threshold=1e-12) -> (32,) network``
   with alpha chosen by the pipeline's 5-fold CV.  Goal: at least 9 of the
   10 informative features kept and at most 5 uninformative ones.

Usage::

    python benchmarks/bench_pruning.py [--quick] [--goal {1,2,both}]

``--quick`` runs a shorter path and a 3-fold CV (a smoke test, not the goal).
"""

import argparse
import time
import warnings
from functools import partial

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier

N_ROWS = 100_000


def _digits_network(alpha, max_iter):
    penalty = None if alpha == 0 else "group_lasso"
    return RegularizedMLPClassifier(
        (256,),
        solver="adam",
        learning_rate_init=0.002,
        max_iter=max_iter,
        penalty=penalty,
        penalty_style="proximal",
        alpha=alpha,
        random_state=0,
    )


def _median_seconds(functions, repeats=5):
    """Median seconds of each function, timed in alternation."""
    times = [[] for _ in functions]
    for _ in range(repeats):
        for function, store in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            store.append(time.perf_counter() - start)
    return [float(np.median(t)) for t in times]


def pruning_goal(quick):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    rows = np.random.default_rng(0).normal(size=(N_ROWS, X.shape[1]))
    max_iter = 60 if quick else 200
    alphas = [1e-3, 3e-3] if quick else [3e-4, 1e-3, 2e-3, 3e-3, 5e-3]
    base = _digits_network(0.0, max_iter).fit(X_train, y_train)
    base_accuracy = base.score(X_test, y_test)
    print(f"unpenalized: test accuracy {base_accuracy:.4f}")
    print(
        f"{'alpha':>8} {'test acc':>9} {'units kept':>11} {'pruned':>7} "
        f"{'speed-up':>9} {'max |dp|':>9}  goal"
    )
    for alpha in alphas:
        est = _digits_network(alpha, max_iter).fit(X_train, y_train)
        pruned = est.prune()
        kept = pruned.hidden_layer_sizes[0] if pruned.coefs_[1].any() else 0
        share = 1 - kept / 256
        full_s, pruned_s = _median_seconds(
            [partial(est.predict_proba, rows), partial(pruned.predict_proba, rows)]
        )
        gap = np.abs(pruned.predict_proba(X_test) - est.predict_proba(X_test)).max()
        accuracy = est.score(X_test, y_test)
        met = accuracy >= base_accuracy - 0.01 and share >= 0.6
        met = met and full_s / pruned_s >= 2
        print(
            f"{alpha:8.0e} {accuracy:9.4f} {kept:11d} {share:7.1%} "
            f"{full_s / pruned_s:8.2f}x {gap:9.1e}  {'MET' if met else '-'}"
        )


def feature_selection_goal(quick):
    X, y = make_classification(
        2000, 100, n_informative=10, n_redundant=0, shuffle=False, random_state=0
    )
    # Full batch (clipped to each fold's size) at a moderate rate: the
    # proximal steps then settle on a clean set of groups.
    selector = RegularizedMLPClassifier(
        (16,),
        solver="adam",
        batch_size=2000,
        learning_rate_init=0.003,
        max_iter=500,
        penalty="group_lasso",
        penalty_style="proximal",
        random_state=0,
    )
    pipe = make_pipeline(
        StandardScaler(),
        SelectFromModel(selector, threshold=1e-12),
        RegularizedMLPClassifier((32,), random_state=0),
    )
    alphas = [6e-3, 9e-3] if quick else np.geomspace(4e-3, 1.5e-2, 8).tolist()
    grid = {"selectfrommodel__estimator__alpha": alphas}
    search = GridSearchCV(pipe, grid, cv=3 if quick else 5, n_jobs=1).fit(X, y)
    print(f"{'alpha':>8} {'CV acc':>7}")
    results = search.cv_results_
    for alpha, score in zip(alphas, results["mean_test_score"], strict=True):
        print(f"{alpha:8.2g} {score:7.4f}")
    kept = search.best_estimator_[1].get_support()
    informative, noise = int(kept[:10].sum()), int(kept[10:].sum())
    met = informative >= 9 and noise <= 5
    print(
        f"best alpha {search.best_params_}: keeps {informative}/10 informative "
        f"and {noise}/90 uninformative features  {'MET' if met else '-'}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--goal", choices=("1", "2", "both"), default="both")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    # The full-batch selector's batch_size is clipped to each CV fold's size.
    warnings.filterwarnings("ignore", message="Got `batch_size`")
    if args.goal in ("1", "both"):
        print("== goal 1: pruning on digits ==")
        pruning_goal(args.quick)
    if args.goal in ("2", "both"):
        print("\n== goal 2: feature selection pipeline ==")
        feature_selection_goal(args.quick)


if __name__ == "__main__":
    main()
