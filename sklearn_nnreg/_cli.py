"""The ``nnreg`` command: ``demo`` and ``compare``.

Bad input gives a one-line ``nnreg: error: ...`` and exit status 2.
"""

import argparse
import csv
import json
import sys
import time
import warnings

import numpy as np

from ._grid import style_param_grid
from ._translate import STYLE_CONVENTIONS, translate_alpha

ARTICLE = {"none": (94.0, 55.0), "l1": (94.5, 67.5)}
DATASETS = ("teacher", "digits", "iris", "wine", "breast_cancer")


class UsageError(Exception):
    """Bad input from the command line: printed on one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


# ------------------------------------------------------------------ parsing
def _float_list(text):
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers, got {text!r}"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one number")
    return values


def _int_tuple(text):
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("layer sizes must be positive integers")
    return values


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _style_list(text):
    styles = [s.strip() for s in text.split(",") if s.strip()]
    for style in styles:
        if style not in STYLE_CONVENTIONS:
            raise argparse.ArgumentTypeError(
                f"unknown style {style!r}; choose from {', '.join(STYLE_CONVENTIONS)}"
            )
    return styles


def build_parser():
    parser = _Parser(
        prog="nnreg",
        description="Compare neural-network penalty styles with sklearn_nnreg.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    demo = sub.add_parser("demo", help="the classic teacher-network L1 experiment")
    demo.add_argument(
        "--seeds",
        type=_positive_int,
        default=1,
        help="number of seeds (data and weights); reports mean and sd",
    )
    demo.add_argument("--epochs", type=_positive_int, default=500)
    demo.add_argument(
        "--lam",
        type=float,
        default=0.001,
        help="L1 lambda in gradient (objective) units",
    )
    demo.add_argument("--seed", type=int, default=0, help="first seed")
    cmp_ = sub.add_parser("compare", help="grid search over alpha x penalty style")
    cmp_.add_argument("--dataset", choices=DATASETS, default="digits")
    cmp_.add_argument("--csv", help="CSV file with a header row (instead of --dataset)")
    cmp_.add_argument("--target", help="target column of --csv")
    cmp_.add_argument("--penalty", choices=("l1", "l2", "elasticnet"), default="l1")
    cmp_.add_argument("--l1-ratio", type=float, default=0.5)
    cmp_.add_argument(
        "--styles",
        type=_style_list,
        default=None,
        help="comma-separated styles (default: all that fit)",
    )
    cmp_.add_argument(
        "--alphas",
        type=_float_list,
        default=[1e-4, 1e-3, 1e-2, 1e-1],
        help="comma-separated alphas in objective units",
    )
    cmp_.add_argument("--cv", type=_positive_int, default=3)
    cmp_.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        help="parallel fits (default: 1 here, every worker thread "
        "with --scheduler or --dask-workers)",
    )
    cmp_.add_argument("--hidden", type=_int_tuple, default=(32,))
    cmp_.add_argument("--max-iter", type=_positive_int, default=50)
    cmp_.add_argument("--learning-rate-init", type=float, default=0.01)
    cmp_.add_argument("--test-size", type=float, default=0.25)
    cmp_.add_argument("--seed", type=int, default=0)
    cmp_.add_argument("--json", dest="json_out", help="write the results as JSON")
    cmp_.add_argument(
        "--plot",
        metavar="FILE.png",
        help="plot CV score vs alpha per style (needs the plot extra)",
    )
    _add_compare_solver_args(cmp_)
    _add_dask_args(cmp_)
    return parser


# -------------------------------------------------------------------- demo
def _demo_variants(lam, lr):
    """(label, penalty, style, alpha) for the demo; alphas translated from lam."""
    variants = [("no penalty", None, "gradient", 0.0)]
    for style in STYLE_CONVENTIONS:
        try:
            alpha = translate_alpha(
                lam,
                penalty="l1",
                source="gradient",
                target=style,
                learning_rate_init=lr,
            )
        except ValueError:
            variants.append((f"L1 {style}", "l1", style, None))
            continue
        variants.append((f"L1 {style}", "l1", style, alpha))
    return variants


def _demo_fit(seed, penalty, style, alpha, epochs, lr):
    from . import RegularizedMLPClassifier
    from .datasets import make_teacher_classification

    X, y = make_teacher_classification(240, random_state=seed)
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,),
        activation="tanh",
        solver="sgd",
        loss="squared_error",
        batch_size=1,
        momentum=0.0,
        learning_rate_init=lr,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        penalty=penalty,
        penalty_style=style,
        alpha=alpha,
        random_state=seed,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X[:200], y[:200])
    seconds = time.perf_counter() - start
    return (
        100 * clf.score(X[:200], y[:200]),
        100 * clf.score(X[200:], y[200:]),
        100 * clf.sparsity_,
        seconds,
    )


def _mean_sd(values):
    """'mean ± sd' over seeds, or the single value."""
    values = np.asarray(values, dtype=float)
    if len(values) == 1:
        return f"{values[0]:5.1f}"
    return f"{values.mean():5.1f} ± {values.std(ddof=1):4.1f}"


def run_demo(args, out):
    lr = 0.01
    seeds = range(args.seed, args.seed + args.seeds)
    print(
        f"Teacher 10-15-4 labels 200 train / 40 test items; student 10-8-4 tanh, "
        f"squared error, online sgd, lr {lr}, {args.epochs} epochs, "
        f"{len(seeds)} seed(s). L1 lambda {args.lam} (gradient units) translated "
        "into each style.",
        file=out,
    )
    header = (
        f"{'variant':<20} {'alpha':>9} {'train %':>13} {'test %':>13} "
        f"{'zeros %':>8} {'s/fit':>6}"
    )
    print(header, file=out)
    for label, penalty, style, alpha in _demo_variants(args.lam, lr):
        if alpha is None:
            print(
                f"{label:<20} {'n/a':>9}  (no L1 form: multiplicative is an L2 shrink)",
                file=out,
            )
            continue
        runs = [_demo_fit(s, penalty, style, alpha, args.epochs, lr) for s in seeds]
        train, test, zeros, secs = zip(*runs, strict=True)
        print(
            f"{label:<20} {alpha:>9.2g} {_mean_sd(train):>13} {_mean_sd(test):>13} "
            f"{np.mean(zeros):>8.1f} {np.mean(secs):>6.2f}",
            file=out,
        )
    print(
        f"The article reports {ARTICLE['none'][0]}% train / {ARTICLE['none'][1]}% "
        f"test without the penalty and {ARTICLE['l1'][0]}% / {ARTICLE['l1'][1]}% "
        "with L1 (one seed). With 40 test items one item is 2.5 points: test "
        "accuracy moves with the seed, so compare means over --seeds N runs.",
        file=out,
    )
    return 0


# ----------------------------------------------------------------- compare
def _add_compare_solver_args(parser):
    parser.add_argument("--solver", choices=("sgd", "adam"), default="sgd")
    parser.add_argument(
        "--momentum",
        type=float,
        default=0.9,
        help="sgd momentum (the alpha translation accounts for it)",
    )


def _load_csv(path, target):
    if target is None:
        raise UsageError("--csv needs --target COLUMN, the column holding the labels")
    try:
        with open(path, newline="") as handle:
            rows = [row for row in csv.reader(handle) if row]
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{path!r} is not a readable CSV file: {exc}") from None
    if not rows:
        raise UsageError(f"{path!r} is empty; it needs a header row and data rows")
    header, body = rows[0], rows[1:]
    if target not in header:
        raise UsageError(
            f"target column {target!r} is not in {path!r}; its columns are "
            f"{', '.join(header)}"
        )
    if not body:
        raise UsageError(f"{path!r} has a header but no data rows")
    if any(len(row) != len(header) for row in body):
        raise UsageError(
            f"{path!r} has rows with a different number of fields than its header"
        )
    t = header.index(target)
    features = [j for j in range(len(header)) if j != t]
    if not features:
        raise UsageError(f"{path!r} has no feature columns besides {target!r}")
    X = np.empty((len(body), len(features)))
    for k, j in enumerate(features):
        for i, row in enumerate(body):
            try:
                X[i, k] = float(row[j])
            except ValueError:
                raise UsageError(
                    f"feature column {header[j]!r} is not numeric (row {i + 2}: "
                    f"{row[j]!r}); encode or drop it before comparing"
                ) from None
    if not np.isfinite(X).all():
        raise UsageError(f"{path!r} has missing or infinite feature values")
    return X, np.array([row[t] for row in body])


def _load_data(args):
    from sklearn import datasets as skdata

    from .datasets import make_teacher_classification

    if args.csv is not None:
        return _load_csv(args.csv, args.target)
    if args.target is not None:
        raise UsageError("--target goes with --csv")
    if args.dataset == "teacher":
        return make_teacher_classification(600, random_state=args.seed)
    return getattr(skdata, f"load_{args.dataset}")(return_X_y=True)


def _style_grids(args):
    """{style: grid} with the alphas translated; explicit styles must fit."""
    styles = args.styles or STYLE_CONVENTIONS
    momentum = args.momentum if args.solver == "sgd" else 0.0
    grids = {}
    for style in styles:
        try:
            grid = style_param_grid(
                args.alphas,
                penalty=args.penalty,
                styles=[style],
                learning_rate_init=args.learning_rate_init,
                l1_ratio=args.l1_ratio,
                momentum=momentum,
                prefix="clf__",
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        kept = len(grid[0]["clf__alpha"]) if grid else 0
        if args.styles and kept < len(args.alphas):
            raise UsageError(_why_not(args, style, momentum))
        if kept:
            grids[style] = grid
    if not grids:
        raise UsageError(f"no style can express penalty={args.penalty!r}")
    return grids


def _why_not(args, style, momentum):
    for alpha in args.alphas:
        try:
            value = translate_alpha(
                alpha,
                penalty=args.penalty,
                source="gradient",
                target=style,
                learning_rate_init=args.learning_rate_init,
                l1_ratio=args.l1_ratio,
                momentum=momentum,
            )
        except ValueError as exc:
            return f"alpha {alpha:g} is invalid for style {style!r}: {exc}"
        if style == "decoupled":
            return (
                f"alpha {alpha:g} is invalid for style 'decoupled': its per-step "
                f"shrink {value:g} would flip the signs of the weights"
            )
    return f"an alpha is invalid for style {style!r}"


def _search_style(pipe, grid, X, y, args):
    from sklearn.model_selection import GridSearchCV

    search = GridSearchCV(
        pipe, grid, cv=args.cv, n_jobs=args.n_jobs, error_score=np.nan
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    return search


def _pipeline(args):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from . import RegularizedMLPClassifier

    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=args.hidden,
        solver=args.solver,
        momentum=args.momentum,
        learning_rate_init=args.learning_rate_init,
        max_iter=args.max_iter,
        random_state=args.seed,
    )
    return Pipeline([("scale", StandardScaler()), ("clf", clf)])


def _split(X, y, args):
    from sklearn.model_selection import train_test_split

    if len(np.unique(y)) < 2:
        raise UsageError("the target has only one class; a classifier needs two")
    try:
        return train_test_split(
            X, y, test_size=args.test_size, random_state=args.seed, stratify=y
        )
    except ValueError as exc:
        raise UsageError(f"cannot hold out a test set: {exc}") from None


def _style_summary(search, X_test, y_test):
    from ._grid import best_alpha_per_style

    style = search.best_params_["clf__penalty_style"]
    best = best_alpha_per_style(search.cv_results_)[style]
    model = search.best_estimator_
    return {
        "alpha": best["alpha"],
        "common_alpha": best["common_alpha"],
        "cv_mean": best["mean_test_score"],
        "cv_std": best["std_test_score"],
        "test_accuracy": float(model.score(X_test, y_test)),
        "zero_share": float(model[-1].sparsity_),
        "mean_fit_time": float(search.cv_results_["mean_fit_time"][best["index"]]),
    }


def _print_table(results, args, out):
    print(
        f"penalty={args.penalty}, solver={args.solver}, alphas in objective units: "
        f"{', '.join(f'{a:g}' for a in args.alphas)}",
        file=out,
    )
    print(
        f"{'style':<15} {'best alpha':>11} {'objective':>10} {'CV acc':>15} "
        f"{'test acc':>9} {'zeros %':>8} {'fit s':>6}",
        file=out,
    )
    for style, r in results.items():
        cv = (
            "nan (failed)"
            if np.isnan(r["cv_mean"])
            else f"{r['cv_mean']:.3f} ± {r['cv_std']:.3f}"
        )
        print(
            f"{style:<15} {r['alpha']:>11.4g} {r['common_alpha']:>10.3g} {cv:>15} "
            f"{r['test_accuracy']:>9.3f} {100 * r['zero_share']:>8.1f} "
            f"{r['mean_fit_time']:>6.2f}",
            file=out,
        )


def run_compare(args, out):
    if args.plot:
        _check_plot_support()  # before the search, not after it
    X, y = _load_data(args)
    X_train, X_test, y_train, y_test = _split(X, y, args)
    grids = _style_grids(args)
    pipe = _pipeline(args)
    total = sum(len(g[0]["clf__alpha"]) for g in grids.values()) * args.cv
    done, start, results = 0, time.perf_counter(), {}
    cv_results = []  # one search per style, pooled by --plot
    print(
        f"{len(X_train)} training / {len(X_test)} held-out samples, {total} fits",
        file=sys.stderr,
    )
    for style, grid in grids.items():
        search = _search_style(pipe, grid, X_train, y_train, args)
        done += len(grid[0]["clf__alpha"]) * args.cv
        print(
            f"[{done}/{total} fits, {time.perf_counter() - start:.1f} s] {style}",
            file=sys.stderr,
        )
        results[style] = _style_summary(search, X_test, y_test)
        cv_results.append(search.cv_results_)
    _print_table(results, args, out)
    if args.json_out:
        try:
            with open(args.json_out, "w") as handle:
                json.dump(
                    {"settings": _settings(args), "styles": results}, handle, indent=2
                )
        except OSError as exc:
            raise UsageError(
                f"cannot write {args.json_out!r}: {exc.strerror}"
            ) from None
    if args.plot:
        _write_plot(cv_results, args)
    return 0


def _check_plot_support():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(
            '--plot needs matplotlib: pip install "sklearn_nnreg[plot]"'
        ) from None


def _write_plot(cv_results, args):
    """The style comparison (CV score vs alpha, a line per style) as an image."""
    from matplotlib.figure import Figure

    from .plot import StyleComparisonDisplay

    figure = Figure(figsize=(6.4, 4.4), layout="constrained")
    display = StyleComparisonDisplay.from_cv_results(
        cv_results, ax=figure.subplots(), std_display_style="errorbar"
    )
    source = args.csv or args.dataset
    display.ax_.set_title(
        f"{source}: penalty={args.penalty}, solver={args.solver}, {args.cv}-fold CV"
    )
    display.ax_.set_ylabel("mean CV accuracy (± sd over folds)")
    try:
        figure.savefig(args.plot)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot write the plot {args.plot!r}: {exc}") from None
    print(f"plot written to {args.plot}", file=sys.stderr)


def _settings(args):
    keys = (
        "dataset",
        "csv",
        "target",
        "penalty",
        "l1_ratio",
        "alphas",
        "cv",
        "hidden",
        "max_iter",
        "learning_rate_init",
        "solver",
        "momentum",
        "seed",
    )
    return {k: getattr(args, k) for k in keys}


# ------------------------------------------------------------ compare on dask
def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _add_dask_args(parser):
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fits on this running dask scheduler, e.g. "
        "tcp://10.0.0.5:8786 (needs the dask extra)",
    )
    where.add_argument(
        "--dask-workers",
        type=_positive_int,
        metavar="N",
        help="start a local dask cluster of N one-thread worker "
        "processes on 127.0.0.1 and run the fits on it",
    )
    parser.add_argument(
        "--dask-timeout",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="wait this long for the scheduler and its workers (default 10)",
    )


def run_compare_where(args, out):
    """``run_compare`` here, or on dask with --scheduler / --dask-workers."""
    if args.scheduler is None and args.dask_workers is None:
        return run_compare(args, out)
    if args.n_jobs == 1:
        raise UsageError(
            "--n-jobs 1 would run every fit here, not on dask; "
            "leave --n-jobs out to use every worker thread"
        )
    from ._dask import DaskSetupError, dask_backend

    try:
        with dask_backend(
            args.scheduler, args.dask_workers, timeout=args.dask_timeout
        ) as run:
            for note in run.notes:
                print(f"nnreg: warning: {note}", file=sys.stderr)
            status = run_compare(args, out)
            print(run.summary(), file=out)
    except DaskSetupError as exc:
        raise UsageError(str(exc)) from None
    return status


COMMANDS = {"demo": run_demo, "compare": run_compare_where}


def main(argv=None):
    """Entry point of ``nnreg`` and ``python -m sklearn_nnreg``."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return COMMANDS[args.command](args, sys.stdout)
    except UsageError as exc:
        print(f"nnreg: error: {exc}", file=sys.stderr)
        return 2
