"""The ``nnreg`` argument parser: every option typed and range-checked.

A value out of range is refused while parsing, so that a bad argument ends
with one line and exit status 2 before any data are loaded or fits run.
"""

import argparse
import math

from .. import __version__
from .._penalties import PENALTIES
from .._styles import STYLES

DATASETS = ("teacher", "digits", "iris", "wine", "breast_cancer", "diabetes")
TASKS = ("auto", "classification", "regression")
MAX_SEED = 2**32 - 1  # numpy's RandomState takes seeds in [0, 2**32 - 1]

DEMO_DESCRIPTION = """\
Rerun the classic teacher-network experiment of the L1 regularization
articles: a 10-8-4 tanh network trained with online sgd on 200 items
labelled by a random 10-15-4 teacher network and tested on 40 more, without
a penalty, with the L1 lambda of --lam translated into every penalty style,
with that lambda tacked on untranslated, and with L2.  Over several seeds
each row also gets its paired gain in test accuracy against "no penalty",
with a 95% confidence interval.

example:
  nnreg demo --seeds 10
"""

COMPARE_DESCRIPTION = """\
Search alpha x penalty style on a data set (bundled, or a CSV file):
the same alphas, given in objective units, are translated into each style's
own unit, each style is cross-validated on a training part and its best
alpha scored on a held-out part.  Prints one row per style (--json writes
every (style, alpha) row).  A class-label target is scored by accuracy, a
numeric one (--task regression, or detected) by R².  --search path (the
default) fits each style's alphas weak to strong, each from the previous
fit's weights; --search grid fits every (style, alpha, fold) from random
weights.

example:
  nnreg compare --dataset wine --penalty l1 --alphas 1e-4,1e-3,1e-2 \\
      --json wine.json --plot wine.png
"""


class _Formatter(
    argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter
):
    """Defaults after each option's help; descriptions keep their line breaks."""


class UsageError(Exception):
    """Bad input from the command line: printed on one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _number(text, kind, what):
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def ranged(kind, low=None, high=None, *, low_open=False, high_open=False):
    """An argparse type: a ``kind`` number in [low, high] (or open ends)."""
    what = "an integer" if kind is int else "a number"
    lo = "" if low is None else ("> " if low_open else ">= ") + f"{low:g}"
    hi = "" if high is None else ("< " if high_open else "<= ") + f"{high:g}"
    allowed = " and ".join(part for part in (lo, hi) if part)
    if lo in ("> 0", ">= 1" if kind is int else None):  # say it in words
        what = what.replace("an ", "a ").replace("a ", "a positive ", 1)
        allowed = hi

    def parse(text):
        value = _number(text, kind, what)
        too_low = low is not None and (value <= low if low_open else value < low)
        too_high = high is not None and (value >= high if high_open else value > high)
        if too_low or too_high:
            expected = f"{what} {allowed}".rstrip()
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text}")
        return value

    parse.__name__ = f"{what} {allowed}".rstrip()  # argparse names it in errors
    return parse


def n_jobs(text):
    """joblib's n_jobs: a positive count, or -1 (all cores), -2 (all but one)..."""
    value = _number(text, int, "an integer")
    if value == 0:
        raise argparse.ArgumentTypeError(
            "expected a positive number of parallel fits, or -1 for all cores; got 0"
        )
    return value


def float_list(text):
    """Comma-separated alphas: finite and non-negative."""
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers, got {text!r}"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one number")
    if not all(math.isfinite(v) and v >= 0 for v in values):
        raise argparse.ArgumentTypeError(
            f"alphas must be finite and non-negative, got {text!r}"
        )
    return sorted(set(values))


def layer_sizes(text):
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("layer sizes must be positive integers")
    return values


def style_list(text):
    styles = [s.strip() for s in text.split(",") if s.strip()]
    if not styles:
        raise argparse.ArgumentTypeError("expected at least one style")
    for style in styles:
        if style not in STYLES:
            raise argparse.ArgumentTypeError(
                f"unknown style {style!r}; choose from {', '.join(STYLES)}"
            )
    return list(dict.fromkeys(styles))


def build_parser():
    """The ``nnreg`` parser with its ``demo`` and ``compare`` sub-commands."""
    parser = _Parser(
        prog="nnreg",
        description="Compare neural-network penalty styles with sklearn_nnreg.",
    )
    parser.add_argument("--version", action="version", version=f"nnreg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, summary, description, add_arguments in _SUBCOMMANDS:
        command = sub.add_parser(
            name, help=summary, description=description, formatter_class=_Formatter
        )
        for add in add_arguments:
            add(command)
    return parser


# The demo's options, all numbers: (flag, type, default, help).
_DEMO_OPTIONS = (
    (
        "--seeds",
        ranged(int, 1, 10_000),
        1,
        "number of seeds (each draws a teacher, data and initial weights); "
        "with 2 or more: mean, sd and paired gains with 95%% CIs",
    ),
    ("--seed", ranged(int, 0, MAX_SEED), 0, "first seed"),
    ("--epochs", ranged(int, 1, 100_000), 500, "epochs of online sgd per fit"),
    (
        "--lam",
        ranged(float, 0),
        0.001,
        "L1 lambda in objective (gradient-style) units, translated into each style",
    ),
    ("--l2-lam", ranged(float, 0), 0.03, "lambda of the L2 row, in objective units"),
)


def _add_demo_args(demo):
    for flag, kind, default, text in _DEMO_OPTIONS:
        demo.add_argument(flag, type=kind, default=default, help=text)


def _add_compare_data_args(compare):
    compare.add_argument(
        "--dataset",
        choices=DATASETS,
        default="digits",
        help="bundled data set (teacher: 600 synthetic items; diabetes: "
        "a regression target)",
    )
    compare.add_argument(
        "--csv",
        metavar="PATH",
        help="CSV file with a header row (instead of --dataset)",
    )
    compare.add_argument("--target", metavar="COLUMN", help="target column of --csv")
    compare.add_argument(
        "--task",
        choices=TASKS,
        default="auto",
        help="auto: regression for a numeric target with non-integral or more "
        "than 20 distinct values, else classification; scored by accuracy "
        "(classification) or R² (regression)",
    )
    compare.add_argument(
        "--test-size",
        type=ranged(float, 0, 1, low_open=True, high_open=True),
        default=0.25,
        help="share of the samples held out to score each style's best alpha",
    )
    compare.add_argument(
        "--seed",
        type=ranged(int, 0, MAX_SEED),
        default=0,
        help="seed of the split, the data and the weights",
    )


def _add_compare_model_args(compare):
    compare.add_argument(
        "--penalty",
        choices=tuple(PENALTIES),
        default="l1",
        help="the penalty R(W) (the group penalties zero whole units and inputs)",
    )
    compare.add_argument(
        "--l1-ratio",
        type=ranged(float, 0, 1),
        default=0.5,
        help="L1 share of the elastic net and the sparse group lasso",
    )
    compare.add_argument(
        "--styles",
        type=style_list,
        default=None,
        help="comma-separated styles (default: %(default)s, every style "
        "that can express the penalty)",
    )
    compare.add_argument(
        "--alphas",
        type=float_list,
        default=[1e-4, 1e-3, 1e-2, 1e-1],
        help="comma-separated alphas in objective units "
        "(the lambda of mean loss + lambda * R(W))",
    )


def _add_compare_search_args(compare):
    compare.add_argument(
        "--search",
        choices=("path", "grid"),
        default="path",
        help="path: each style's alphas fitted weak to strong, each fit "
        "warm-started from the previous one (RegularizedMLPClassifierCV or "
        "RegularizedMLPRegressorCV, several times faster); grid: every "
        "(style, alpha, fold) an independent fit",
    )
    compare.add_argument(
        "--cv", type=ranged(int, 2, 1000), default=3, help="cross-validation folds"
    )
    compare.add_argument(
        "--n-jobs",
        type=n_jobs,
        default=None,
        help="parallel fits, -1 for all cores (default: %(default)s: 1 here, "
        "every worker thread with --scheduler or --dask-workers)",
    )


def _add_compare_training_args(compare):
    compare.add_argument(
        "--hidden",
        type=layer_sizes,
        default=(32,),
        help="hidden layer sizes, comma-separated",
    )
    compare.add_argument(
        "--max-iter", type=ranged(int, 1, 100_000), default=50, help="epochs per fit"
    )
    compare.add_argument(
        "--learning-rate-init",
        type=ranged(float, 0, low_open=True),
        default=0.01,
        help="learning rate",
    )
    compare.add_argument(
        "--solver", choices=("sgd", "adam"), default="sgd", help="optimizer"
    )
    compare.add_argument(
        "--momentum",
        type=ranged(float, 0, 1, high_open=True),
        default=0.9,
        help="sgd momentum (the alpha translation accounts for it)",
    )


def _add_compare_output_args(compare):
    compare.add_argument(
        "--json",
        dest="json_out",
        metavar="OUT.json",
        help="write every (style, alpha) row and the settings "
        "as JSON (schema in the docs)",
    )
    compare.add_argument(
        "--plot",
        metavar="FILE.png",
        help="plot the CV score vs alpha per style (needs the plot extra)",
    )


def _add_dask_args(compare):
    where = compare.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fits on this running dask scheduler, e.g. "
        "tcp://10.0.0.5:8786 (needs the dask extra)",
    )
    where.add_argument(
        "--dask-workers",
        type=ranged(int, 1, 1024),
        metavar="N",
        help="start a local dask cluster of N one-thread worker "
        "processes on 127.0.0.1 and run the fits on it",
    )
    compare.add_argument(
        "--dask-timeout",
        type=ranged(float, 0, low_open=True),
        default=10.0,
        metavar="SECONDS",
        help="wait this long for the scheduler and its workers",
    )


# name, help, description, and the functions that add the options.
_SUBCOMMANDS = (
    (
        "demo",
        "the classic teacher-network L1 experiment, in every style",
        DEMO_DESCRIPTION,
        (_add_demo_args,),
    ),
    (
        "compare",
        "search alpha x penalty style (a warm-started path or a grid)",
        COMPARE_DESCRIPTION,
        (
            _add_compare_data_args,
            _add_compare_model_args,
            _add_compare_search_args,
            _add_compare_training_args,
            _add_compare_output_args,
            _add_dask_args,
        ),
    ),
)
