"""``nnreg compare`` on a classification or a regression target.

``--task auto`` asks :func:`~sklearn_nnreg._tasks.infer_task`; an explicit
``--task`` is checked against the target before any fit, so that a target
the task cannot use ends with one line and exit status 2.
"""

import numpy as np
from sklearn.utils.multiclass import type_of_target

from .._tasks import CV_ESTIMATORS, ESTIMATORS, SCORING, infer_task
from .parser import UsageError

__all__ = [
    "CV_ESTIMATORS",
    "ESTIMATORS",
    "SCORING",
    "describe_target",
    "metric_words",
    "resolve_task",
    "split_regression",
    "task_line",
]

#: How the table and the plot name each task's score: (column, in words).
METRIC_WORDS = {"classification": ("acc", "accuracy"), "regression": ("R²", "R²")}


def metric_words(task):
    """``(short, long)`` names of ``task``'s score, e.g. ``("acc", "accuracy")``."""
    return METRIC_WORDS[task]


def describe_target(data):
    """The target in the table's data line: its classes, or that it is numeric."""
    if data["task"] == "regression":
        return "a numeric target"
    return f"{data['n_classes']} classes"


def task_line(data):
    """The table's line that says which task runs, why, and how it is scored."""
    line = f"Task: {data['task']}, {data['task_reason']}. Scored by "
    if data["task"] == "regression":
        return line + (
            "R², with the target standardised by the training part's mean and sd "
            "(R² is the same in any unit)."
        )
    return line + "accuracy."


def _as_numbers(y):
    """``y`` as finite floats, or None when some entry is not a number.

    A CSV target arrives as strings (``load_csv`` guesses nothing); a column
    of numbers in text is a numeric target all the same.
    """
    if y.dtype.kind in "iuf":
        return y
    try:
        numbers = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        return None
    return numbers if np.isfinite(numbers).all() else None


def _example_labels(y):
    labels = [str(label) for label in np.unique(y)[:3]]
    return ", ".join(repr(label) for label in labels)


def resolve_task(y, args):
    """``(y, task, facts)``: the target to fit, its task and what to report.

    ``args.task`` is ``'auto'``, ``'classification'`` or ``'regression'``;
    ``facts`` holds ``task``, ``task_reason``, ``metric`` and ``n_classes``
    (None for regression) for the report.
    A regression target comes back as floats; a classification target as
    it was loaded (labels stay labels).
    """
    numbers = _as_numbers(y)
    detected, why = infer_task(y if numbers is None else numbers)
    if args.task == "auto":
        task, reason = detected, f"detected: {why}"
    else:
        task, reason = args.task, f"--task {args.task}"
        if detected != task:
            reason += f" (auto would choose {detected}: {why})"
    _check_target(y, numbers, task)
    if task == "regression":
        y, n_classes = numbers, None
    else:
        n_classes = int(len(np.unique(y)))
    facts = {"task": task, "task_reason": reason, "metric": SCORING[task]}
    return y, task, {**facts, "n_classes": n_classes}


def _check_target(y, numbers, task):
    """Refuse a target the task cannot fit, naming the fix."""
    if task == "regression" and numbers is None:
        raise UsageError(
            "--task regression needs a numeric target, but it holds labels such "
            f"as {_example_labels(y)}; use --task classification (or auto)"
        )
    if task == "regression" and np.ptp(numbers) == 0:
        raise UsageError(
            f"the target is constant ({numbers[0]:g}); R² needs a target that varies"
        )
    as_read = y if numbers is None else numbers
    if task == "classification" and type_of_target(as_read).startswith("continuous"):
        raise UsageError(
            "--task classification needs class labels, but the target holds "
            "non-integral numbers; use --task regression (or auto)"
        )


def split_regression(X, y, args):
    """Train/held-out split of a numeric target, standardised.

    The target is centred and scaled with the training part's mean and sd,
    as the features are by the pipeline's scaler: the networks then see
    targets of unit scale whatever the data's unit.  R² is unchanged by an
    affine change of the target, so the scores are those of the original
    unit.
    """
    from sklearn.model_selection import train_test_split

    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=args.test_size, random_state=args.seed
        )
    except ValueError as exc:
        raise UsageError(f"cannot hold out a test set: {exc}") from None
    if len(y_train) < 2 * args.cv:
        raise UsageError(
            f"after holding out --test-size {args.test_size:g}, {len(y_train)} "
            f"training samples cannot fill {args.cv} CV folds of 2 or more "
            "(R² needs 2 samples to score); lower --test-size or --cv"
        )
    if len(y_test) < 2:
        raise UsageError(
            f"--test-size {args.test_size:g} holds out {len(y_test)} sample(s); "
            "R² needs 2 or more to score; raise --test-size"
        )
    mean, scale = y_train.mean(), y_train.std()
    if scale == 0:
        raise UsageError(
            "the target is constant on the training part; R² needs a target "
            "that varies; change --seed or --test-size"
        )
    return X_train, X_test, (y_train - mean) / scale, (y_test - mean) / scale
