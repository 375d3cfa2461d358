"""``nnreg compare``'s output: the table, the JSON file and the plot."""

import json
import math
import os
import sys

from .formatting import fmt_alpha
from .parser import UsageError
from .tasks import describe_target, metric_words, task_line

JSON_SCHEMA = "nnreg-compare/3"
SETTINGS = (
    "dataset", "csv", "target", "task", "penalty", "l1_ratio", "alphas", "cv",
    "hidden", "max_iter", "learning_rate_init", "solver", "momentum", "test_size",
    "seed", "search",
)  # fmt: skip


# ------------------------------------------------------- before the search
def check_output_path(path, option):
    """Refuse an output path that cannot be written, before any fit runs."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise UsageError(f"{option} {path!r} is a folder; give a file name")
    if not os.path.isdir(folder):
        raise UsageError(
            f"{option} {path!r}: the folder {folder!r} does not exist; create it first"
        )
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {path!r}: the folder {folder!r} is not writable")


def check_plot_support(path):
    """matplotlib is installed and can write ``path``'s format."""
    try:
        import matplotlib  # noqa: F401  (first: its submodules may be cached)
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError(
            '--plot needs matplotlib: pip install "sklearn_nnreg[plot]"'
        ) from None
    suffix = os.path.splitext(path)[1].lstrip(".").lower()
    formats = Figure().canvas.get_supported_filetypes()
    if suffix and suffix not in formats:
        raise UsageError(
            f"--plot {path!r}: matplotlib cannot write .{suffix} files; use one of "
            f".{', .'.join(sorted(formats))}"
        )


# -------------------------------------------------------------- the table
def print_table(report, args, out):
    data = report["data"]
    short, _ = metric_words(data["task"])
    momentum = f" (momentum {args.momentum:g})" if args.solver == "sgd" else ""
    print(
        f"Data: {data['name']}, {data['n_samples']} samples x {data['n_features']} "
        f"features, {describe_target(data)}; {data['n_train']} for "
        f"{args.cv}-fold CV, {data['n_test']} held out for 'test {short}'.",
        file=out,
    )
    print(task_line(data), file=out)
    print(
        f"Model: penalty={args.penalty}, solver={args.solver}{momentum}, learning "
        f"rate {args.learning_rate_init:g}, hidden {args.hidden}, {args.max_iter} "
        f"epochs; {args.search} search; alphas tried (objective units): "
        f"{', '.join(fmt_alpha(a) for a in args.alphas)}",
        file=out,
    )
    print(
        f"{'style':<15} {'best alpha':>11} {'objective':>10} {'CV ' + short:>15} "
        f"{'test ' + short:>9} {'zeros %':>8} {'fit s':>6}",
        file=out,
    )
    for style, best in report["styles"].items():
        print(_table_row(style, best), file=out)
    for line in _table_notes(report, args):
        print(line, file=out)


def _table_row(style, best):
    cv = (
        "nan (failed)"
        if math.isnan(best["cv_mean"])
        else f"{best['cv_mean']:.3f} ± {best['cv_std']:.3f}"
    )
    edge = " *" if best["edge"] else ""
    return (
        f"{style:<15} {fmt_alpha(best['alpha']):>11} "
        f"{fmt_alpha(best['common_alpha']):>10} {cv:>15} "
        f"{best['test_score']:>9.3f} {100 * best['zero_share']:>8.1f} "
        f"{best['mean_fit_time']:>6.2f}{edge}"
    )


def _table_notes(report, args):
    data = report["data"]
    short, words = metric_words(data["task"])
    lines = [
        f"CV {short}: mean ± sd of the {words} over the {args.cv} folds. objective: "
        "the best alpha in objective units, the lambda of mean loss + lambda * "
        "R(W), lined up across styles; best alpha: that lambda in the style's own "
        "unit (decoupled: a shrink per step; multiplicative: the fraction of each "
        "weight kept per step).",
        f"test {short}: the best alpha refitted{_how_refitted(args)} on the "
        f"{data['n_train']} CV samples, "
        f"scored on the {data['n_test']} held out. zeros %: share of connection "
        "weights exactly 0. fit s: mean seconds per fit.",
    ]
    for style, best in report["styles"].items():
        if best["edge"] == "smallest":
            lines.append(
                f"* {style}: best at the smallest alpha tried "
                f"({fmt_alpha(best['common_alpha'])}): extend --alphas below it."
            )
        elif best["edge"] == "largest":
            lines.append(
                f"* {style}: best at the largest alpha tried "
                f"({fmt_alpha(best['common_alpha'])}): extend --alphas above it."
            )
    for style, reason in report["dropped"].items():
        lines.append(f"left out: {style}: {reason}")
    for style, skipped in report["skipped_alphas"].items():
        for alpha, reason in skipped:
            lines.append(f"left out: {style} at alpha {fmt_alpha(alpha)}: {reason}")
    return lines


def _how_refitted(args):
    return " along its path" if args.search == "path" else ""


# ---------------------------------------------------------- JSON and plot
def write_json(report, args):
    document = {
        "schema": JSON_SCHEMA,
        "settings": {key: getattr(args, key) for key in SETTINGS},
        "data": report["data"],
        "styles": report["styles"],
        "rows": report["rows"],
        "dropped": report["dropped"],
        "skipped_alphas": {
            style: [{"alpha": a, "reason": r} for a, r in skipped]
            for style, skipped in report["skipped_alphas"].items()
        },
    }
    try:
        with open(args.json_out, "w") as handle:
            # NaN (a failed fit) is written as null: JSON has no NaN.
            json.dump(_nan_to_none(document), handle, indent=2)
    except OSError as exc:
        raise UsageError(f"cannot write {args.json_out!r}: {exc.strerror}") from None


def _nan_to_none(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_to_none(v) for v in value]
    return value


def write_plot(cv_results, report, args):
    """The style comparison (CV score vs alpha, a line per style) as an image."""
    from matplotlib.figure import Figure

    from ..plot import StyleComparisonDisplay

    figure = Figure(figsize=(6.4, 4.4), layout="constrained")
    display = StyleComparisonDisplay.from_cv_results(
        cv_results, ax=figure.subplots(), std_display_style="errorbar"
    )
    data = report["data"]
    display.ax_.set_title(
        f"{data['name']} ({data['n_samples']} x {data['n_features']}): "
        f"penalty={args.penalty}, solver={args.solver}, {args.cv}-fold CV"
    )
    words = metric_words(data["task"])[1]
    display.ax_.set_ylabel(f"mean CV {words} (± sd over {args.cv} folds)")
    try:
        figure.savefig(args.plot)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot write the plot {args.plot!r}: {exc}") from None
    print(f"plot written to {args.plot}", file=sys.stderr)
