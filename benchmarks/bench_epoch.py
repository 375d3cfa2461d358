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

Besides the sklearn-equivalent L2 fit, ``--variants`` times ours with
``penalty=None`` and with the L1 styles that give exact zeros (``proximal``,
``cumulative``), under the case's solver or each of ``--solvers adam,sgd``,
in each precision of ``--dtypes 64,32``, with the floor at that precision;
an L1 fit is also given as a ratio to the ``penalty=None`` fit.

Where one step of (b) goes, in us per step: the sklearn-equivalent L2 fit
(adam, batch 256, 79 steps an epoch), 1 BLAS thread, an instrumented copy
of the trainer's step (a timer around each part; epochs 2-7 of one fit,
"before" and "after" alternating by epoch in one process).  Taken on the
shared 2-core Haswell with another process busy on one core, so every time
is about 2x a quiet machine's: read the proportions.

======================================  ==========  =========  ==========  =========
part of the step (us per step)          f32 before  f32 after  f64 before  f64 after
======================================  ==========  =========  ==========  =========
products: forward (3 GEMMs)             2809        2811       2156        2025
products: backward (5 GEMMs)            5004        4927       3293        3174
L2 gradient, adam, ``flat -= update``   330         175        422         202
softmax (shift, exp, sums, divide)      161         137        146         128
output delta, 1/n, clip, log, loss      103         79         81          68
gathers of X and Y (cold rows)          145         85         141         86
intercepts (+ relu), forward            86          76         73          71
relu backward                           82          75         91          92
column sums (intercept gradients)       98          92         90          90
Python glue                             19          25         15          21
all but the products                    1025        744        1047        758
======================================  ==========  =========  ==========  =========

What changed ("after"): adam is bound once per fit
(``_ckernels.BoundAdam``: the arrays checked once, each step passes the
rate) and, when the style does nothing between the optimizer and ``w -=
update`` (``Style.changes_update`` false, ``Style.gradient_decay`` at most
an L2 decay: no penalty, the gradient style's L2, the proximal style, the
cumulative style's L1), the L2 gradient, adam and ``w -= update`` are one
pass over the weights instead of three (per 60k weights of (b), CPU time,
hot caches, f32 / f64: adam and the subtraction 138 -> 120 / 239 -> 205
us, and with the L2 decay 144 / 230 us where the axpy was one more pass;
with the step sizes of the proximal and cumulative styles 220 -> 185 /
315 -> 248 us).  A shuffled fit copies each epoch's rows in the epoch's
order at once when the data is dense and at most
``_trainer.EPOCH_GATHER_BYTES`` (128 MiB): the batches are then views, and
the gather of rows evicted by the products costs about half as much per
row.  The softmax's row maxima and shift, and the output
delta, its 1/n and the clipping of the log loss, are compiled passes;
numpy's ``exp`` and ``log`` and the BLAS sums (``dot`` with ones, ``vdot``)
stay as they were, since their bits are numpy's and BLAS's.

The products themselves, with 2 BLAS threads: in a loop of (b)'s 8 products
per step (79 steps), putting 300 us of pure-Python work between steps made
the products 1.23x slower in f32, and so did an adam-sized numpy pass over
the weights (1.27x), while one thread showed neither (1.00x, 1.01x), nor
did a batch gather between steps (0.97x): the products lose time to the
BLAS threads when some 100s of us of other work run between calls
(presumably OpenBLAS's second thread spinning or going to sleep while
Python runs, on a machine whose other core is busy), not to the caches
that the weight passes evict.  This is why (b) at 2 threads is further
from its floor (back-to-back products) than at 1.  (Measured on the loaded
machine above, f64 at 2 threads too noisy to read: repeat on a quiet one.)

The L1 styles' loops, per call, the loops of commit af3c087 against these
(both builds in one process, alternating; CPU time, min of 7; a loaded
2-core Haswell; gcc 12 -O3, SSE2 only; f64 / f32):

==============================  ========================  ========================
loop (no norm)                  7.4k weights (a), us      58.6k weights (b), us
==============================  ========================  ========================
cumulative, per coordinate      23.0 -> 16.3 / 54 -> 23   173 -> 115 / 526 -> 168
cumulative, one total (sgd)     17.0 -> 12.6 / 49 -> 20   122 -> 90 / 515 -> 147
soft-threshold per coord., L1   7.9 -> 7.9 / 5.0 -> 4.9  52 -> 52 / 27 -> 26
soft-threshold per coord., EN   22 -> 11 / 21 -> 6.2      164 -> 73 / 156 -> 37
==============================  ========================  ========================

What changed: the pull is taken on |w| with the debt on the weight's side,
``u + sign(w) q`` (one subtraction, the sign put back by a product with
+-1: the same bits as the reference's two branches), and the extension is
built with ``-fno-trapping-math`` (no value changes), which lets gcc turn
the selects of the float32 loops, converting to double and back, into
vector code: every cumulative and soft-threshold loop now vectorises
(``gcc -fopt-info-vec``), float32 ones included.  At batch size 1 the
step's fixed cost was the call: the wrapper's dtype checks, buffer set-up
and float32 / float64 dispatch.  A fit now binds its penalized weights (and
u, q, alpha, l1, l2) once (``_ckernels.BoundL1Step``) and each step passes
only the step size: at (c)'s 112 weights, an L1 step with its call went
from 3.3-8.1 us to 0.4-1.6 us (CPU time; cumulative sgd f64 4.3 -> 0.6,
adam f32 8.1 -> 1.6; proximal sgd f64 3.3 -> 0.45, adam f32 5.2 -> 1.2).
The rest of the L1 styles' per-step cost at (c) is the penalty value (one
call, the norm from the last step, ~0.2 us) and adam's step sizes (a
float64 division per weight, as the reference divides).

Then the L1 step went inside the optimizer's pass: a style that offers its
after-step as an operator (``Style.bound_after_step``: proximal, cumulative
L1) has it run by the bound adam / sgd pass, block by block of at most 512
penalized weights (their arrays in L1 cache): the optimizer's loop (adam's
step sizes into a stack buffer: no step-size array), then the
soft-threshold or pull loop, then the block's sum |w| as a subtree of
numpy's pairwise sum.  Per step, unfused -> fused (CPU time, median of 9
alternating rounds in one process, f64 / f32): at (b)'s 58.5k weights, adam
proximal 279 -> 279 / 192 -> 195 us, cumulative 345 -> 341 / 334 -> 326
us, sgd (Nesterov) proximal 95 -> 97 / 50 -> 53, cumulative 143 -> 147 /
160 -> 162; at (a)'s 7.4k within 5% either way; at (c)'s 112, one call
instead of two, adam 1.5-1.9 -> 0.7-1.0 us and sgd 0.8-1.0 -> 0.5-0.6.  At
(a) and (b) these loops are bound by arithmetic, not memory: the blocks
only match the separate passes, and one loop doing both per weight (also
vectorised) was 1.04-1.47x slower.

Then the numbers themselves changed (session 8), where the reference's bits
had fixed the arithmetic.  (1) The cumulative style keeps each weight's two
debts, u + q and u - q, in the weights' dtype (they stay small on the side
that is used) instead of the running sums u and q in float64: a float32 fit
pulls in float32, with 8 bytes of state per weight instead of 16.  (2) Under
adam, a style that uses the step sizes (proximal, cumulative) takes the step
size in the weights' dtype and the update as m times it: one division per
weight instead of two (and none in float64 for a float32 fit).  The bound
adam pass with its after-step, per step, the loops of the last commit before
these against these (both builds in one process, alternating; CPU time,
median of 300; 2-core Zen 1 EPYC; none / proximal / cumulative):

==============  ============================  ============================
weights         f64, us                       f32, us
==============  ============================  ============================
58.5k (b)       189 / 287 / 376 -> 193 / 252  88 / 195 / 324 -> 89 / 103
                / 372                         / 156
7.4k (a)        20 / 36 / 43 -> 20 / 29 / 42  11 / 25 / 41 -> 11 / 13 / 19
==============  ============================  ============================

The float64 debts pull costs more arithmetic than the old pull (two debts
grown and settled, both clipped candidates computed and one selected, to
keep the reference's NaN bits: 50 SSE2 instructions per two weights
against 36), which the saved division pays back; in float32 the L1 styles
now cost adam ~15 us (proximal) and ~65 us (cumulative) per step at (b).

Session 9 took four more per-step costs of every fit (hot loops, min of 11
timings, f32 / f64): adam's update is computed in the weights' dtype, the
rate rounded once (a plain adam pass over (b)'s 58.5k weights 75 -> 59 /
unchanged us); the softmax's row maximum is a max instruction per value,
the first NaN looked for after (256 x 10: 9.6 -> 4.5 / 9.9 -> 4.5 us); the
log loss of one-hot targets takes one log per sample, of the true class's
clipped probability (the head, delta included, 25.5 -> 21.1 / 31.5 -> 23.4
us); an L2 gradient fit's recorded penalty is summed in the optimizer's
pass, block by block (+13.5 / +18 us in the pass, hot, against a separate
np.dot of 7.8 / 11.3 us hot and 20-30 us within a fit, where the weights
are no longer in cache).  One step of (b) within a fit after these, by a
timer around each part (sklearn-equivalent L2 fit, 2 BLAS threads, 8
epochs, us per step; the host's load 1.4-1.6 from other processes):

=======================================  =====  =====
part of the step (us per step)           f32    f64
=======================================  =====  =====
products (8 GEMMs)                       1479   2821
adam, L2 decay, ``w -= update``, R(w)    90     217
the epoch's gather of X and Y            42     76
softmax (shift, exp, sums, divide)       42     92
output delta, clip, log of the true      36     60
class, loss
intercepts (+ relu), forward             33     66
relu backward                            25     59
column sums (intercept gradients)        19     39
the rest (set-up, Python, the timers)    72     102
the whole step / the floor's             1838   3532
                                         / 1442 / 2820
=======================================  =====  =====

Session 10 ran on another machine: a 2-core Zen 5 EPYC (AVX-512), where
numpy's OpenBLAS (Haswell kernels) does (b)'s products about 2.8x faster
than on the Zen 1, while the compiled loops, built for any x86-64 (SSE2),
gained less: the rest of the step weighed more.  The loops are now also
built with ``-march=x86-64-v3`` and ``-march=x86-64-v4`` (``_ckernels_avx2``,
``_ckernels_avx512``; the same source, the same bits) and the widest that
the CPU runs is used.  Per loop, hot, median of 300 (baseline / AVX2 /
AVX-512, f64 and f32): adam over 58.5k weights 95 / 49 / 28 and 31 / 16 / 9
us; the scalar soft-threshold 18 / 8 / 6 and 9 / 4 / 3 us; the sums (numpy's
pairwise order, not vectorisable without reordering) unchanged.  One step of
(b) within a fit, baseline build against AVX-512 build (a timer around each
part, sklearn-equivalent L2 fit, 2 BLAS threads, 8 epochs, medians of 3
fits, us per step):

=======================================  ===========  ===========
part of the step (us per step)           f32          f64
=======================================  ===========  ===========
products (8 GEMMs)                       461 / 469    1095 / 987
adam, L2 decay, ``w -= update``, R(w)    54 / 20      217 / 47
the epoch's gather of X and Y            25 / 21      40 / 42
intercepts (+ relu), forward             14 / 8       42 / 15
relu backward                            13 / 9       41 / 17
column sums (intercept gradients)        12 / 10      36 / 18
softmax (shift, exp, sums, divide)       9 / 10       19 / 12
output delta, clip, log, loss            10 / 9       17 / 9
the rest (Python, the timers)            11 / 13      17 / 18
the whole step, with the gather          610 / 566    1540 / 1162
=======================================  ===========  ===========

The products vary by 10% from fit to fit; the rest of an AVX-512 step is
about 80 us in f32 and 175 us in f64, 0.17x of the products.

Usage::

    python benchmarks/bench_epoch.py [--quick] [--repeats N] [--cases a,b,c,d]
                                     [--blas-threads N] [--numpy-too]
                                     [--dtypes 64,32] [--solvers adam,sgd]
                                     [--variants none,l1-prox,l1-cumul]

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
from sklearn.base import clone
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


# ours with another penalty: (penalty, penalty_style, alpha in objective units)
VARIANTS = {
    "none": (None, "gradient", 0.0),
    "l1-prox": ("l1", "proximal", 1e-4),
    "l1-cumul": ("l1", "cumulative", 1e-4),
}


def _variant(case, epochs, variant, solver=None):
    penalty, style, alpha = VARIANTS[variant]
    params = dict(case.params, solver=solver or case.params["solver"])
    ours_class = ESTIMATORS[case.task][0]
    return ours_class(
        penalty=penalty,
        penalty_style=style,
        alpha=alpha,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
        **params,
    )


def _seconds_per_epoch(estimator, X, y, epochs, compiled=True):
    with _kernels.use_compiled(compiled):
        start = time.perf_counter()
        estimator.fit(X, y)
        elapsed = time.perf_counter() - start
    assert estimator.n_iter_ == epochs, (estimator.n_iter_, epochs)
    return elapsed / epochs


def _matmul_floor(case, dtype=np.float64):
    """A function timing ``epochs`` epochs of the products alone (s/epoch).

    Per batch: the forward products and, backward, every weight gradient and
    every delta but the input layer's, at the shapes of the case (random data).
    """
    n, d = case.X.shape
    units = [d, *case.params["hidden_layer_sizes"], case.n_outputs]
    bs = case.params["batch_size"]
    rng = np.random.default_rng(0)
    coefs = [rng.standard_normal((a, b)).astype(dtype) for a, b in pairwise(units)]
    sizes = [bs] * (n // bs) + ([n % bs] if n % bs else [])
    bufs = {}
    for m in set(sizes):
        acts = [rng.standard_normal((m, u)).astype(dtype) for u in units]
        grads = [np.empty_like(c) for c in coefs]
        deltas = [np.empty((m, u), dtype=dtype) for u in units[:-1]]
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


def _runs(case, epochs, options):
    """(label, timing function) for every fit of one repeat."""
    X, y = case.X, case.y
    ours, theirs = _estimators(case, epochs)
    runs = [
        ("sklearn f64", partial(_seconds_per_epoch, theirs, X, y, epochs)),
    ]
    for bits in options.dtypes:
        dtype = {"64": np.float64, "32": np.float32}[bits]
        Xd = X.astype(dtype)
        runs.append((f"floor f{bits}", partial(options.floors[bits], epochs)))
        est = ours if bits == "64" else clone(ours)
        runs.append((f"ours f{bits}", partial(_seconds_per_epoch, est, Xd, y, epochs)))
        if options.numpy_too:
            plain = clone(ours)
            seconds = partial(_seconds_per_epoch, plain, Xd, y, epochs, False)
            runs.append((f"ours-numpy f{bits}", seconds))
        for solver in options.solvers or [case.params["solver"]]:
            for variant in options.variants:
                est = _variant(case, epochs, variant, solver)
                label = f"{variant} {solver} f{bits}"
                runs.append((label, partial(_seconds_per_epoch, est, Xd, y, epochs)))
    return runs, ours, theirs


def run_case(case, repeats, quick, options):
    epochs = case.quick_epochs if quick else case.epochs
    options.floors = {
        bits: _matmul_floor(case, {"64": np.float64, "32": np.float32}[bits])
        for bits in options.dtypes
    }
    # Warm up (imports, BLAS threads, allocator), then rotate the order of
    # the fits every repeat so that they share the noise.
    for _, run in _runs(case, 1, options)[0]:
        run()
    times = {}
    for r in range(repeats):
        runs, ours, theirs = _runs(case, epochs, options)
        shift = r % len(runs)
        for key, run in runs[shift:] + runs[:shift]:
            times.setdefault(key, []).append(run())
    med = {key: float(np.median(values)) for key, values in times.items()}
    print(case.name)
    print(f"  epochs per fit {epochs}, repeats {repeats}; s/epoch median (min),")
    print("  ratio to sklearn f64 and to the floor / the 'none' fit at that dtype")
    base = times["sklearn f64"]
    for key, values in times.items():
        bits = key[-2:]
        line = f"  {key:24s} {med[key]:.6f} ({min(values):.6f})"
        line += f"  {np.median(np.divide(values, base)):.2f}x sklearn"
        floor = times.get(f"floor f{bits}")
        if key.startswith("ours") and floor is not None:
            line += f"  {np.median(np.divide(values, floor)):.2f}x floor"
        for solver in options.solvers or [case.params["solver"]]:
            plain = times.get(f"none {solver} f{bits}")
            if plain is not None and key.startswith("l1-") and solver in key:
                line += f"  {np.median(np.divide(values, plain)):.2f}x none"
        print(line)
    # Nonzero only through the L2 term of a shorter last batch: sklearn divides
    # alpha by that batch's size, ours by batch_size (0 when all are full).
    # ``ours`` is the float64 fit: fitted only when --dtypes has 64.
    if "64" in options.dtypes:
        diff = _max_coef_diff(ours, theirs)
        print(f"  max |coef diff| ours f64 vs sklearn {diff:.2e}")
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
    parser.add_argument(
        "--dtypes", default="64,32", help="comma-separated precisions of ours: 64,32"
    )
    parser.add_argument(
        "--variants",
        default="none,l1-prox,l1-cumul",
        help="ours with penalty=None, L1 proximal, L1 cumulative (or a subset)",
    )
    parser.add_argument(
        "--solvers",
        default="",
        help="solvers of the variants (default: the case's own), e.g. adam,sgd",
    )
    args = parser.parse_args(argv)
    args.dtypes = [d for d in args.dtypes.split(",") if d]
    args.variants = [v for v in args.variants.split(",") if v]
    args.solvers = [s for s in args.solvers.split(",") if s]
    warnings.simplefilter("ignore", ConvergenceWarning)
    cases = _cases()
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        for info in threadpool_info():
            keys = ("internal_api", "version", "architecture", "num_threads")
            print("BLAS:", ", ".join(f"{k}={info.get(k)}" for k in keys))
            print("      ", info.get("filepath"))
        print(
            "sklearn_nnreg compiled loops:",
            f"built, the {_kernels.compiled_variant()} build"
            f" (of {', '.join(_kernels.compiled_variants())})"
            if _kernels.compiled_available()
            else "not built (numpy path)",
        )
        for key in args.cases.split(","):
            run_case(cases[key.strip()], args.repeats, args.quick, args)


if __name__ == "__main__":
    main()
