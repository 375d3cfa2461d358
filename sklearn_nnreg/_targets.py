"""Targets of a fit: labels, their encoding, and the weights of the samples.

The estimator shell calls these; what does not depend on labels (the
checks of ``sample_weight``) applies to any estimator of the package.
"""

from numbers import Real

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import _check_sample_weight, validate_data


def validate_input(est, X, y, reset):
    """``X`` and ``y`` checked as scikit-learn checks them, ``y`` a label array.

    A ``None`` among the labels is refused here in our words (sorting the
    labels would fail on it with a bare ``TypeError``).
    """
    X, y = validate_data(
        est,
        X,
        y,
        accept_sparse=["csr", "csc"],
        multi_output=True,
        dtype=(np.float64, np.float32),
        reset=reset,
    )
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if y.dtype == object and any(label is None for label in y.ravel()):
        raise ValueError(
            "y contains None: every sample needs a class label. Drop the "
            "unlabelled samples, or give them a label of their own."
        )
    return X, y


def validate_regression_input(est, X, y, loss, reset):
    """``X`` and numeric ``y`` checked as ``MLPRegressor`` checks them.

    A column vector ``y`` becomes 1-d (with scikit-learn's warning).
    ``loss='poisson'`` needs targets that are non-negative: its deviance
    takes ``log(y)``, and a negative target would poison every step.
    """
    X, y = validate_data(
        est,
        X,
        y,
        accept_sparse=["csr", "csc"],
        multi_output=True,
        y_numeric=True,
        dtype=(np.float64, np.float32),
        reset=reset,
    )
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if loss == "poisson" and (y < 0).any():
        raise ValueError(
            f"loss='poisson' needs non-negative targets (counts or rates); y "
            f"has values down to {y.min()!r}. Shift or transform y, or use "
            "loss='squared_error'."
        )
    return X, y


def fit_label_binarizer(y):
    """The encoder of the labels in ``y`` (or of the classes listed in ``y``)."""
    return LabelBinarizer().fit(y)


def binarize(label_binarizer, y, dtype):
    """0/1 targets of shape (n_samples, n_outputs), in ``dtype``.

    A single class is encoded as one output unit whose target is 0, as
    ``MLPClassifier`` encodes it; the model then predicts that class.
    """
    return label_binarizer.transform(y).astype(dtype)


def is_single_class(label_binarizer):
    """Whether the targets have a single class (not multilabel)."""
    return (
        label_binarizer.y_type_ != "multilabel-indicator"
        and len(label_binarizer.classes_) == 1
    )


def check_known_classes(classes, y, warm_start):
    """Refuse labels of ``y`` that are not among the fitted ``classes``."""
    seen = unique_labels(y)
    if warm_start:
        if set(seen) != set(classes):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes "
                f"as in the previous call to fit. Previously got "
                f"{classes}, `y` has {seen}"
            )
    elif len(np.setdiff1d(seen, classes, assume_unique=True)):
        raise ValueError(
            "`y` has classes not in `self.classes_`. "
            f"`self.classes_` has {classes}. 'y' has {seen}."
        )


def check_class_weight(class_weight, classes):
    """Refuse a ``class_weight`` dict that is not usable as weights.

    Each weight multiplies its samples' loss: a negative weight would make
    the fit climb that loss, and NaN or infinity poisons every step.
    """
    if not isinstance(class_weight, dict):
        return
    unknown = [key for key in class_weight if key not in set(classes)]
    if unknown:
        raise ValueError(
            f"class_weight has keys {unknown!r} that are not classes; the "
            f"classes are {list(classes)!r}."
        )
    for label, weight in class_weight.items():
        if not isinstance(weight, Real) or not np.isfinite(weight) or weight < 0:
            raise ValueError(
                f"class_weight[{label!r}] = {weight!r}: class weights must be "
                "finite, non-negative numbers."
            )


def apply_class_weight(class_weight, label_binarizer, Y, sample_weight, incremental):
    """``sample_weight`` times the weight of each sample's class."""
    if class_weight is None:
        return sample_weight
    if label_binarizer.y_type_ == "multilabel-indicator":
        raise ValueError(
            "class_weight is not supported for multilabel targets; pass "
            "sample_weight instead."
        )
    if incremental and class_weight == "balanced":
        raise ValueError(
            "class_weight='balanced' is not supported for partial_fit, which "
            "sees only part of the data; compute the weights on all of y with "
            "sklearn.utils.class_weight.compute_class_weight and pass them as "
            "a dict."
        )
    classes = label_binarizer.classes_
    check_class_weight(class_weight, classes)
    # (A single class is encoded as 0, which is its index too.)
    codes = Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(int)
    per_class = compute_class_weight(class_weight, classes=classes, y=classes[codes])
    weights = per_class[codes].astype(np.float64)
    return weights if sample_weight is None else weights * sample_weight


def check_sample_weight(sample_weight, X):
    """``sample_weight`` as float64, finite and non-negative (or None)."""
    if sample_weight is None:
        return None
    # All zeros are refused after class_weight, in our words.
    return _check_sample_weight(
        sample_weight,
        X,
        dtype=np.float64,
        ensure_non_negative=True,
        allow_all_zero_weights=True,
    )


def check_weights_not_all_zero(sample_weight, where="the training data"):
    """Refuse weights that are all zero: no sample would count."""
    if sample_weight is not None and not sample_weight.any():
        raise ValueError(
            f"sample_weight (times class_weight) is zero for every sample of "
            f"{where}, so there is nothing to fit. Give some samples a "
            "positive weight."
        )
