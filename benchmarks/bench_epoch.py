"""Seconds per training epoch: our estimators vs scikit-learn's MLPs.

Cases (a)-(c) time RegularizedMLPClassifier against MLPClassifier, case (d)
RegularizedMLPRegressor against MLPRegressor.

Both estimators and the matmul floor are timed in the same process, in turn
(the order rotates every repeat), and the medians over ``--repeats`` are
reported, with the ratio of the medians and the median of the per-repeat
ratios (robust to a noisy machine).  Each fit runs a fixed number of epochs
(``tol=0``, ``n_iter_no_change=inf``), so seconds per epoch is the fit time
divided by the epoch count.  The settings
are equivalent: sklearn's ``alpha`` is a per-sample L2 strength divided by the
batch size inside each step, so ours uses ``alpha = sklearn_alpha / batch``
with ``penalty='l2', penalty_style='gradient'`` (the two produce the same
iterates, except on a shorter last batch of an epoch).

The "matmul floor" is the time of the forward and backward matrix products
alone, at the same shapes, for one epoch: no activation, loss or optimizer.

"ours" runs the optional compiled loops when they were built (the header says
whether they were); ``--numpy-too`` also times ours on the numpy reference
path (``ours-numpy``, same weights bit for bit) in the same rotation.

Usage::

    python benchmarks/bench_epoch.py [--quick] [--repeats N] [--cases a,b,c,d]
                                     [--blas-threads N] [--numpy-too]

``--blas-threads`` caps the BLAS threads of both estimators and of the floor
(threadpoolctl); on a shared machine, multithreaded BLAS on these small
products is at the mercy of the other processes.
"""

import argparse
import time
import warnings
from dataclasses import dataclass
from functools import partial
from itertools import pairwise

import numpy as np
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from threadpoolctl import threadpool_info, threadpool_limits

from sklearn_nnreg import RegularizedMLPClassifier, RegularizedMLPRegressor, _kernels

# (ours, scikit-learn's) per task.
ESTIMATORS = {
    "classification": (RegularizedMLPClassifier, MLPClassifier),
    "regression": (RegularizedMLPRegressor, MLPRegressor),
}


@dataclass
class Case:
    name: str
    X: np.ndarray
    y: np.ndarray
    params: dict  # shared by both estimators; batch_size is required
    epochs: int
    quick_epochs: int
    task: str = "classification"

    @property
    def n_outputs(self):
        if self.task == "regression":
            return 1 if self.y.ndim == 1 else self.y.shape[1]
        return len(np.unique(self.y))


def _cases():
    X, y = load_digits(return_X_y=True)
    digits = Case(
        "(a) digits 1797x64 (X / 16), (100,), relu, adam, batch 200",
        X / 16.0,
        y,
        dict(hidden_layer_sizes=(100,), solver="adam", batch_size=200),
        epochs=60,
        quick_epochs=15,
    )
    X, y = make_classification(
        n_samples=20000,
        n_features=100,
        n_informative=40,
        n_redundant=10,
        n_classes=10,
        random_state=0,
    )
    wide = Case(
        "(b) 20000x100, 10 classes, (256, 128), relu, adam, batch 256",
        X,
        y,
        dict(hidden_layer_sizes=(256, 128), solver="adam", batch_size=256),
        epochs=8,
        quick_epochs=2,
    )
    X, y = make_classification(
        n_samples=200, n_features=10, n_informative=6, n_classes=4, random_state=0
    )
    online = Case(
        "(c) 200x10, 4 classes, (8,), tanh, sgd, batch 1, momentum 0, lr 0.01",
        X,
        y,
        dict(
            hidden_layer_sizes=(8,),
            activation="tanh",
            solver="sgd",
            batch_size=1,
            momentum=0.0,
            learning_rate_init=0.01,
        ),
        epochs=200,
        quick_epochs=30,
    )
    X, y = make_regression(
        n_samples=20000, n_features=100, n_informative=40, noise=1.0, random_state=0
    )
    regression = Case(
        "(d) regression 20000x100, (256, 128), relu, adam, batch 256",
        X,
        y / y.std(),
        dict(hidden_layer_sizes=(256, 128), solver="adam", batch_size=256),
        epochs=8,
        quick_epochs=2,
        task="regression",
    )
    return {"a": digits, "b": wide, "c": online, "d": regression}


def _estimators(case, epochs, sklearn_alpha=1e-4):
    common = dict(
        case.params, max_iter=epochs, tol=0.0, n_iter_no_change=np.inf, random_state=0
    )
    ours_class, theirs_class = ESTIMATORS[case.task]
    ours = ours_class(
        alpha=sklearn_alpha / case.params["batch_size"],
        penalty="l2",
        penalty_style="gradient",
        **common,
    )
    theirs = theirs_class(alpha=sklearn_alpha, **common)
    return ours, theirs


def _seconds_per_epoch(estimator, X, y, epochs, compiled=True):
    with _kernels.use_compiled(compiled):
        start = time.perf_counter()
        estimator.fit(X, y)
        elapsed = time.perf_counter() - start
    assert estimator.n_iter_ == epochs, (estimator.n_iter_, epochs)
    return elapsed / epochs


def _matmul_floor(case):
    """A function timing ``epochs`` epochs of the products alone (s/epoch).

    Per batch: the forward products and, backward, every weight gradient and
    every delta but the input layer's, at the shapes of the case (random data).
    """
    n, d = case.X.shape
    units = [d, *case.params["hidden_layer_sizes"], case.n_outputs]
    bs = case.params["batch_size"]
    rng = np.random.default_rng(0)
    coefs = [rng.standard_normal((a, b)) for a, b in pairwise(units)]
    sizes = [bs] * (n // bs) + ([n % bs] if n % bs else [])
    bufs = {}
    for m in set(sizes):
        acts = [rng.standard_normal((m, u)) for u in units]
        grads = [np.empty_like(c) for c in coefs]
        deltas = [np.empty((m, u)) for u in units[:-1]]
        bufs[m] = acts, grads, deltas

    def seconds_per_epoch(epochs):
        start = time.perf_counter()
        for _ in range(epochs):
            for m in sizes:
                acts, grads, deltas = bufs[m]
                for i, coef in enumerate(coefs):
                    np.dot(acts[i], coef, out=acts[i + 1])
                for i in range(len(coefs) - 1, -1, -1):
                    np.dot(acts[i].T, acts[i + 1], out=grads[i])
                    if i > 0:
                        np.dot(acts[i + 1], coefs[i].T, out=deltas[i])
        return (time.perf_counter() - start) / epochs

    return seconds_per_epoch


def _max_coef_diff(ours, theirs):
    pairs = zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    )
    return max(float(np.max(np.abs(a - b))) for a, b in pairs)


def run_case(case, repeats, quick, numpy_too=False):
    epochs = case.quick_epochs if quick else case.epochs
    X, y = case.X, case.y
    floor = _matmul_floor(case)
    # Warm up (imports, BLAS threads, allocator), then rotate the order of
    # ours / sklearn / floor every repeat so that they share the noise.
    for est in _estimators(case, 1):
        est.fit(X, y)
    floor(1)
    keys = ["ours", "sklearn", "floor"] + (["ours-numpy"] if numpy_too else [])
    times = {key: [] for key in keys}
    for r in range(repeats):
        ours, theirs = _estimators(case, epochs)
        runs = [
            ("ours", partial(_seconds_per_epoch, ours, X, y, epochs)),
            ("sklearn", partial(_seconds_per_epoch, theirs, X, y, epochs)),
            ("floor", partial(floor, epochs)),
        ]
        if numpy_too:
            plain = _estimators(case, epochs)[0]
            runs.append(
                ("ours-numpy", partial(_seconds_per_epoch, plain, X, y, epochs, False))
            )
        shift = r % len(runs)
        for key, run in runs[shift:] + runs[:shift]:
            times[key].append(run())
    med = {key: float(np.median(values)) for key, values in times.items()}
    paired = np.median(np.divide(times["sklearn"], times["ours"]))
    print(case.name)
    print(f"  epochs per fit      {epochs}, repeats {repeats}")
    for key in keys:
        label = {"floor": "matmul floor"}.get(key, key)
        print(f"  {label:12s} s/epoch {med[key]:.6f}   (min {min(times[key]):.6f})")
    print(
        f"  ratio sklearn/ours  {med['sklearn'] / med['ours']:.2f}x (of medians), "
        f"{paired:.2f}x (median of paired repeats)"
    )
    if numpy_too:
        paired_numpy = np.median(np.divide(times["sklearn"], times["ours-numpy"]))
        print(
            f"  ratio sklearn/ours-numpy {med['sklearn'] / med['ours-numpy']:.2f}x "
            f"(of medians), {paired_numpy:.2f}x (median of paired repeats)"
        )
    above = {key: med[key] - med["floor"] for key in keys if key != "floor"}
    print(
        "  above the floor     "
        + ", ".join(f"{key} {value:.6f}" for key, value in above.items())
        + " s/epoch"
    )
    # Nonzero only through the L2 term of a shorter last batch: sklearn divides
    # alpha by that batch's size, ours by batch_size (0 when all are full).
    diff = _max_coef_diff(ours, theirs)
    print(f"  max |coef diff|     {diff:.2e} (alpha differs on a short last batch)")
    return med


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs")
    parser.add_argument("--repeats", type=int, default=5, help="fits per estimator")
    parser.add_argument("--cases", default="a,b,c,d", help="comma-separated: a,b,c,d")
    parser.add_argument(
        "--blas-threads", type=int, default=None, help="cap BLAS threads (both)"
    )
    parser.add_argument(
        "--numpy-too",
        action="store_true",
        help="also time ours without the compiled loops",
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    cases = _cases()
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        for info in threadpool_info():
            keys = ("internal_api", "version", "architecture", "num_threads")
            print("BLAS:", ", ".join(f"{k}={info.get(k)}" for k in keys))
            print("      ", info.get("filepath"))
        print(
            "sklearn_nnreg compiled loops:",
            "built" if _kernels.compiled_available() else "not built (numpy path)",
        )
        for key in args.cases.split(","):
            run_case(cases[key.strip()], args.repeats, args.quick, args.numpy_too)


if __name__ == "__main__":
    main()
