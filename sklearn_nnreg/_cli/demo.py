"""``nnreg demo``: the classic teacher experiment in every penalty style."""

import time
import warnings
from dataclasses import dataclass

import numpy as np

from .._styles import STYLES, Decoupled, Gradient
from ..datasets import teacher_student_params
from .formatting import fmt_alpha, fmt_mean_sd, fmt_signed
from .parser import MAX_SEED, UsageError
from .progress import Progress
from .styles import why_not

ARTICLE = {"none": (94.0, 55.0), "l1": (94.5, 67.5)}
N_TRAIN, N_TEST = 200, 40
LEARNING_RATE = teacher_student_params()["learning_rate_init"]


@dataclass
class Variant:
    """One row of the demo: a penalty, a style and its alpha (None: n/a)."""

    label: str
    penalty: object
    style: str
    alpha: object
    note: str = ""


def demo_variants(lam, l2_lam):
    """The rows: none, L1 in every style, the untranslated tack-on, L2."""
    variants = [Variant("no penalty", None, Gradient.name, 0.0)]
    for style in STYLES:
        reason, alpha = why_not(
            style, lam, penalty="l1", learning_rate_init=LEARNING_RATE
        )
        variants.append(Variant(f"L1 {style}", "l1", style, alpha, reason or ""))
    variants.append(
        Variant(
            "L1 tack-on untranslated",
            "l1",
            Decoupled.name,
            lam,
            f"the decoupled shrink set to lambda itself: {lam:g} per step instead "
            f"of {fmt_alpha(LEARNING_RATE * lam)}, {1 / LEARNING_RATE:g} times "
            "too strong.",
        )
    )
    variants.append(Variant(f"L2 {Gradient.name}", "l2", Gradient.name, l2_lam))
    return variants


def demo_fit(seed, variant, epochs):
    """(train %, test %, zeros %, seconds) of one fit."""
    from .. import RegularizedMLPClassifier
    from ..datasets import make_teacher_classification

    X, y = make_teacher_classification(N_TRAIN + N_TEST, random_state=seed)
    clf = RegularizedMLPClassifier(
        **teacher_student_params(epochs),
        penalty=variant.penalty,
        penalty_style=variant.style,
        alpha=variant.alpha,
        random_state=seed,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X[:N_TRAIN], y[:N_TRAIN])
    seconds = time.perf_counter() - start
    return (
        100 * clf.score(X[:N_TRAIN], y[:N_TRAIN]),
        100 * clf.score(X[N_TRAIN:], y[N_TRAIN:]),
        100 * clf.sparsity_,
        seconds,
    )


def paired_gain(test, baseline):
    """Mean of ``test - baseline`` over seeds and its 95% t interval."""
    from scipy import stats

    diff = np.asarray(test, dtype=float) - np.asarray(baseline, dtype=float)
    mean = float(diff.mean())
    if len(diff) < 2:
        return mean, None, None
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    return mean, mean - half, mean + half


def run_demo(args, out):
    if args.seed + args.seeds - 1 > MAX_SEED:
        raise UsageError(
            f"--seed {args.seed} with --seeds {args.seeds} goes past the largest "
            f"seed, {MAX_SEED}"
        )
    variants = demo_variants(args.lam, args.l2_lam)
    seeds = range(args.seed, args.seed + args.seeds)
    fitted = [v for v in variants if v.alpha is not None]
    progress = Progress(len(fitted) * len(seeds))
    results = {}
    for variant in fitted:
        runs = []
        for seed in seeds:
            runs.append(demo_fit(seed, variant, args.epochs))
            progress.update(1, f"{variant.label}, seed {seed}")
        results[variant.label] = np.array(runs)
    progress.close()
    print_demo(variants, results, args, out)
    return 0


def print_demo(variants, results, args, out):
    n = args.seeds
    print(
        f"Data: a random 10-15-4 teacher network labels {N_TRAIN + N_TEST} items "
        f"x 10 features (4 classes), {N_TRAIN} train / {N_TEST} test. Student "
        f"10-8-4 tanh, squared error, online sgd, lr {LEARNING_RATE:g}, "
        f"{args.epochs} epochs, {n} seed(s) from {args.seed}. L1 lambda "
        f"{args.lam:g} (objective units) translated into each style.",
        file=out,
    )
    print(
        f"{'variant':<24} {'alpha':>9} {'train %':>12} {'test %':>12} "
        f"{'gain vs none [95% CI]':>22} {'zeros %':>8} {'s/fit':>6}",
        file=out,
    )
    baseline = results["no penalty"][:, 1]
    for variant in variants:
        print(_demo_row(variant, results.get(variant.label), baseline), file=out)
    for line in _demo_notes(variants, results, baseline, args):
        print(line, file=out)


def _gain_text(test, baseline, label):
    if label == "no penalty":
        return "—"
    mean, low, high = paired_gain(test, baseline)
    if low is None:
        return fmt_signed(mean)
    flag = " ~0" if low <= 0 <= high else ""
    return f"{fmt_signed(mean)} [{fmt_signed(low)}, {fmt_signed(high)}]{flag}"


def _demo_row(variant, runs, baseline):
    if runs is None:
        return f"{variant.label:<24} {'n/a':>9}  (see below)"
    train, test, zeros, secs = runs.T
    gain = _gain_text(test, baseline, variant.label)
    return (
        f"{variant.label:<24} {fmt_alpha(variant.alpha):>9} {fmt_mean_sd(train):>12} "
        f"{fmt_mean_sd(test):>12} {gain:>22} {zeros.mean():>8.1f} {secs.mean():>6.2f}"
    )


def _demo_notes(variants, results, baseline, args):
    n = args.seeds
    spread = "mean ± sd over the seeds" if n > 1 else "one seed"
    lines = [
        f"train %, test %: {spread}; one test item is {100 / N_TEST:g} points. "
        "alpha: --lam in each style's own unit (decoupled: a shrink per step, "
        "lr x lambda). zeros %: share of connection weights exactly zero.",
        "gain: test accuracy minus that of 'no penalty' on the same seed, "
        + (
            "mean over seeds with its 95% confidence interval (t distribution)."
            if n > 1
            else "one seed: run --seeds 10 or more for a confidence interval."
        ),
    ]
    unclear = [
        v.label
        for v in variants
        if v.label in results
        and v.label != "no penalty"
        and n > 1
        and _contains_zero(results[v.label][:, 1], baseline)
    ]
    if unclear:
        lines.append(
            f"~0: for {', '.join(unclear)} the interval contains zero: over these "
            f"{n} seeds their test accuracy cannot be told apart from no penalty's."
        )
    lines += [f"{v.label}: {v.note}" for v in variants if v.note]
    lines.append(
        f"The article reports {ARTICLE['none'][0]}% train / {ARTICLE['none'][1]}% "
        f"test without the penalty and {ARTICLE['l1'][0]}% / {ARTICLE['l1'][1]}% "
        "with L1, from one seed: compare means over --seeds N runs."
    )
    return lines


def _contains_zero(test, baseline):
    _, low, high = paired_gain(test, baseline)
    return low <= 0 <= high
