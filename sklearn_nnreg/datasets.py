"""Data sets for regularization experiments: the teacher network, CSV files."""

import csv

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["load_csv", "make_teacher_classification", "teacher_student_params"]

# Cells read as missing values: pandas writes NaN as an empty cell, R as NA.
MISSING_MARKERS = frozenset({"", "nan", "na", "n/a", "null"})


def make_teacher_classification(
    n_samples=240,
    *,
    n_features=10,
    n_hidden=15,
    n_classes=4,
    weight_range=9.9,
    input_range=10.0,
    random_state=None,
    return_teacher=False,
):
    """Inputs labelled by a random "teacher" network.

    The classic synthetic benchmark of the regularization articles: a
    ``n_features``-``n_hidden``-``n_classes`` network with tanh hidden units,
    softmax outputs and every weight and bias drawn uniformly from
    ``[-weight_range, weight_range]`` labels inputs drawn uniformly from
    ``[-input_range, input_range]`` by the argmax of its output.

    Parameters
    ----------
    n_samples : int, default=240
        Number of samples (the classic demo uses 200 for training and 40 for
        testing).
    n_features : int, default=10
        Number of inputs.
    n_hidden : int, default=15
        Hidden units of the teacher.
    n_classes : int, default=4
        Number of classes (outputs of the teacher).
    weight_range : float, default=9.9
        Teacher weights and biases are uniform in ``[-weight_range, weight_range]``.
    input_range : float, default=10.0
        Inputs are uniform in ``[-input_range, input_range]``, as in the
        articles' data generator.  With these wide inputs the tanh teacher is
        saturated and its labels are hard to learn from 200 items: a 10-8-4
        student reaches about 93% train and 53% +- 8% test accuracy over seeds
        (with ``input_range=1`` about 94% and 71%).
    random_state : int, RandomState instance or None, default=None
        Seeds the teacher and the inputs.
    return_teacher : bool, default=False
        Also return the teacher's ``(W1, b1, W2, b2)``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples,)
        Labels in ``range(n_classes)``.
    teacher : tuple of ndarray
        Only when ``return_teacher=True``.

    Examples
    --------
    >>> from sklearn_nnreg.datasets import make_teacher_classification
    >>> X, y = make_teacher_classification(200, random_state=0)
    >>> X.shape, sorted(set(y)) == [0, 1, 2, 3]
    ((200, 10), True)
    """
    for name, value in [
        ("n_samples", n_samples),
        ("n_features", n_features),
        ("n_hidden", n_hidden),
    ]:
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    if int(n_classes) != n_classes or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2; got {n_classes!r}.")
    if not weight_range > 0 or not input_range > 0:
        raise ValueError("weight_range and input_range must be positive.")
    rng = check_random_state(random_state)
    w = float(weight_range)
    W1 = rng.uniform(-w, w, (n_features, n_hidden))
    b1 = rng.uniform(-w, w, n_hidden)
    W2 = rng.uniform(-w, w, (n_hidden, n_classes))
    b2 = rng.uniform(-w, w, n_classes)
    X = rng.uniform(-input_range, input_range, (n_samples, n_features))
    # Softmax is monotone, so the argmax of the logits is the teacher's label.
    y = np.argmax(np.tanh(X @ W1 + b1) @ W2 + b2, axis=1)
    if return_teacher:
        return X, y, (W1, b1, W2, b2)
    return X, y


def teacher_student_params(max_iter=500):
    """The student network of the classic teacher experiment, as parameters.

    The classic articles train a 10-8-4 tanh network with online sgd
    (one item per step, learning rate 0.01, no momentum) on squared error,
    for a fixed number of epochs.  ``nnreg demo`` and the gallery's teacher
    example both build their :class:`~sklearn_nnreg.RegularizedMLPClassifier`
    from these settings; add ``penalty``, ``penalty_style``, ``alpha`` and
    ``random_state``.

    Parameters
    ----------
    max_iter : int, default=500
        Epochs.  Training never stops early (``tol=0`` and
        ``n_iter_no_change=max_iter``), as in the articles.

    Returns
    -------
    params : dict
        Keyword arguments of ``RegularizedMLPClassifier``.

    Examples
    --------
    >>> from sklearn_nnreg import RegularizedMLPClassifier
    >>> from sklearn_nnreg.datasets import teacher_student_params
    >>> clf = RegularizedMLPClassifier(**teacher_student_params(40), penalty="l1")
    >>> clf.hidden_layer_sizes, clf.batch_size, clf.max_iter
    ((8,), 1, 40)
    """
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer; got {max_iter!r}.")
    return {
        "hidden_layer_sizes": (8,),
        "activation": "tanh",
        "solver": "sgd",
        "loss": "squared_error",
        "batch_size": 1,
        "momentum": 0.0,
        "learning_rate_init": 0.01,
        "max_iter": int(max_iter),
        "tol": 0.0,
        "n_iter_no_change": int(max_iter),
    }


def load_csv(path, target):
    """Read a CSV file with a header row into numeric features and labels.

    Every column but ``target`` must hold numbers.  Nothing is guessed:
    a non-numeric feature, a missing feature value or a missing label is an
    error that names the column, the first line it occurs on and how many
    cells are affected.  Empty cells and ``NaN``, ``NA``, ``N/A`` or ``null``
    (any case) count as missing.

    Parameters
    ----------
    path : str or path-like
        The CSV file: a header row, then one row per sample, all with as
        many fields as the header.
    target : str
        The header of the column that holds the labels (kept as strings).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The other columns, in file order, as float64.
    y : ndarray of shape (n_samples,)
        The labels, as strings.

    Raises
    ------
    OSError
        The file cannot be read.
    ValueError
        The file is not a CSV file of that shape, ``target`` is not a column,
        or a value is missing or not numeric.  Impute missing features
        (e.g. :class:`~sklearn.impute.SimpleImputer` in a pipeline, after
        reading the file with pandas) or drop those rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_nnreg.datasets import load_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
    >>> _ = path.write_text("height,width,kind\\n1.5,2,a\\n0.5,1,b\\n")
    >>> X, y = load_csv(path, target="kind")
    >>> X
    array([[1.5, 2. ],
           [0.5, 1. ]])
    >>> y
    array(['a', 'b'], dtype='<U1')
    """
    header, lines, rows = _read_rows(path)
    if target not in header:
        raise ValueError(
            f"target column {target!r} is not in {str(path)!r}; its columns are "
            f"{', '.join(header)}"
        )
    t = header.index(target)
    if len(header) < 2:
        raise ValueError(f"{str(path)!r} has no feature columns besides {target!r}")
    _check_no_missing(header[t], [row[t] for row in rows], lines, "labels")
    features = [j for j in range(len(header)) if j != t]
    X = np.empty((len(rows), len(features)))
    for k, j in enumerate(features):
        X[:, k] = _numeric_column(header[j], [row[j] for row in rows], lines)
    return X, np.array([row[t] for row in rows])


def _read_rows(path):
    """Header, line number of each data row, data rows; blank lines skipped."""
    try:
        with open(path, newline="") as handle:
            reader = csv.reader(handle)
            numbered = [(reader.line_num, row) for row in reader if row]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{str(path)!r} is not a readable CSV file: {exc}") from None
    if not numbered:
        raise ValueError(f"{str(path)!r} is empty; it needs a header row and data rows")
    header = numbered[0][1]
    lines = [line for line, _ in numbered[1:]]
    rows = [row for _, row in numbered[1:]]
    if not rows:
        raise ValueError(f"{str(path)!r} has a header but no data rows")
    for line, row in zip(lines, rows, strict=True):
        if len(row) != len(header):
            raise ValueError(
                f"{str(path)!r} line {line} has {len(row)} fields, its header "
                f"{len(header)}"
            )
    return header, lines, rows


def _is_missing(cell):
    return cell.strip().lower() in MISSING_MARKERS


def _check_no_missing(name, cells, lines, what):
    missing = [
        line for line, cell in zip(lines, cells, strict=True) if _is_missing(cell)
    ]
    if missing:
        shown = ", ".join(map(str, missing[:3])) + (", ..." if len(missing) > 3 else "")
        raise ValueError(
            f"target column {name!r} has {len(missing)} missing {what} (line "
            f"{shown}); drop those rows or fill them in"
        )


def _numeric_column(name, cells, lines):
    """The cells as floats; missing, non-numeric and infinite ones refused."""
    missing = [
        line for line, cell in zip(lines, cells, strict=True) if _is_missing(cell)
    ]
    if missing:
        raise ValueError(
            f"feature column {name!r} has {len(missing)} missing value(s) (first on "
            f"line {missing[0]}); impute them (e.g. sklearn.impute.SimpleImputer "
            "in a pipeline) or drop those rows"
        )
    values = np.empty(len(cells))
    for i, cell in enumerate(cells):
        try:
            values[i] = float(cell)
        except ValueError:
            raise ValueError(
                f"feature column {name!r} is not numeric (line {lines[i]}: "
                f"{cell!r}); encode or drop it"
            ) from None
        if not np.isfinite(values[i]):
            raise ValueError(
                f"feature column {name!r} has an infinite value (line {lines[i]}: "
                f"{cell!r}); replace or drop it"
            )
    return values
