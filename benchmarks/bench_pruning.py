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
   with alpha chosen by the pipeline's 5-fold CV accuracy (the largest mean).
   Goal: at least 9 of the 10 informative features kept and at most 5
   uninformative ones.

   The selector is ``(16,)``, full-batch adam (``batch_size`` clipped to the
   fold's size), ``learning_rate_init=0.003``, proximal group lasso, fitted
   along the path ``SELECTION_ALPHAS`` from weak to strong with
   ``warm_start=True``, 200 epochs per point and no tolerance stop
   (``n_iter_no_change=100_000``: as in MLPClassifier, a warm-started fit
   keeps the stopping rule's count and best loss, and the penalized loss
   grows with alpha, so ``n_iter_no_change=200`` stopped every point after
   the second one after a single epoch of a fresh adam, whose metric prox
   zeroed every noise input at once).  In every fold and in the final refit each
   alpha's selection is that of the path's point, so the CV judges exactly
   the selector that is refitted.  Cold fits (from random weights at each
   alpha, as a plain ``GridSearchCV`` does) do not meet the goal on this
   data: a strong alpha removes the informative features that matter only
   together with others before the network learns them, at about the alpha
   where the last noise features leave (measured with 500 epochs and the
   default tolerance stop, on a grid 4e-3..1.2e-2: the CV's best alpha kept
   10/10 and 12 noise, the one-standard-error rule's 9/10 and 3 noise, the
   next alpha 7/10).

Usage::

    python benchmarks/bench_pruning.py [--quick] [--goal {1,2,both}]
                                       [--selector-seed N]

``--quick`` runs a shorter path and a 3-fold CV (a smoke test, not the goal);
``--selector-seed`` the selector's ``random_state`` (0 by default).
"""

import argparse
import time
import warnings
from functools import partial

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier

N_ROWS = 100_000
#: The selector's path, weak to strong; denser where the inputs leave.
SELECTION_ALPHAS = [1e-3, 3e-3, 5e-3, 7e-3, 8.5e-3, 1e-2, 1.2e-2, 1.4e-2, 1.7e-2]


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


def _selector(random_state):
    # Full batch (clipped to each fold's size); every point of the path runs
    # its epochs in full (no tolerance stop), so its zeros have settled.
    return RegularizedMLPClassifier(
        (16,),
        solver="adam",
        batch_size=2000,
        learning_rate_init=0.003,
        max_iter=200,
        n_iter_no_change=100_000,
        penalty="group_lasso",
        penalty_style="proximal",
        random_state=random_state,
        warm_start=True,
    )


def selection_path(selector, alphas, X, y):
    """The inputs the selector keeps at each alpha, weak to strong.

    Each point starts from the previous point's weights (``warm_start``):
    fitted from random weights at a strong alpha, the selector loses the
    informative inputs it needs only together with others before it learns
    them, so cold fits trade informative inputs for noise at every alpha.
    """
    selector = clone(selector)
    for alpha in alphas:
        selector.set_params(alpha=alpha).fit(X, y)
        yield SelectFromModel(selector, threshold=1e-12, prefit=True).get_support()


def _pipeline_scores(selector, alphas, X, y, train, test):
    """Test accuracy of scaler -> selected inputs -> (32,) network per alpha."""
    scaler = StandardScaler().fit(X[train])
    X_train, X_test = scaler.transform(X[train]), scaler.transform(X[test])
    scores = []
    for kept in selection_path(selector, alphas, X_train, y[train]):
        network = RegularizedMLPClassifier((32,), random_state=0)
        network.fit(X_train[:, kept], y[train])
        scores.append(network.score(X_test[:, kept], y[test]))
    return scores


def feature_selection_goal(quick, random_state):
    X, y = make_classification(
        2000, 100, n_informative=10, n_redundant=0, shuffle=False, random_state=0
    )
    selector = _selector(random_state)
    alphas = [1e-3, 6e-3, 1.2e-2] if quick else SELECTION_ALPHAS
    folds = StratifiedKFold(3 if quick else 5).split(X, y)
    scores = np.array(
        [_pipeline_scores(selector, alphas, X, y, *fold) for fold in folds]
    )
    best = int(np.argmax(scores.mean(axis=0)))
    X_all = StandardScaler().fit_transform(X)
    kept = list(selection_path(selector, alphas[: best + 1], X_all, y))
    print(f"{'alpha':>8} {'CV acc':>7} {'(sd)':>7}")
    for alpha, column in zip(alphas, scores.T, strict=True):
        print(f"{alpha:8.2g} {column.mean():7.4f} {column.std():7.4f}")
    informative, noise = int(kept[-1][:10].sum()), int(kept[-1][10:].sum())
    met = informative >= 9 and noise <= 5
    print(
        f"selector random_state={random_state}, best alpha {alphas[best]:.3g}: "
        f"keeps {informative}/10 informative and {noise}/90 uninformative "
        f"features  {'MET' if met else '-'}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--goal", choices=("1", "2", "both"), default="both")
    parser.add_argument(
        "--selector-seed", type=int, default=0, help="random_state of the selector"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    # The full-batch selector's batch_size is clipped to each CV fold's size.
    warnings.filterwarnings("ignore", message="Got `batch_size`")
    if args.goal in ("1", "both"):
        print("== goal 1: pruning on digits ==")
        pruning_goal(args.quick)
    if args.goal in ("2", "both"):
        print("\n== goal 2: feature selection pipeline ==")
        feature_selection_goal(args.quick, args.selector_seed)


if __name__ == "__main__":
    main()
