"""Classification or regression: what a command or a search fits.

The command line (``nnreg compare``) takes a target it did not make; these
helpers say which estimator and which score suit it, and why, so that the
caller can print the reason.
"""

import numpy as np
from sklearn.utils.multiclass import type_of_target

from ._classifier import RegularizedMLPClassifier
from ._cv import RegularizedMLPClassifierCV
from ._cv_regressor import RegularizedMLPRegressorCV
from ._regressor import RegularizedMLPRegressor

#: The estimator class of each task.
ESTIMATORS = {
    "classification": RegularizedMLPClassifier,
    "regression": RegularizedMLPRegressor,
}
#: The path-search (cross-validated alpha and style) class of each task.
CV_ESTIMATORS = {
    "classification": RegularizedMLPClassifierCV,
    "regression": RegularizedMLPRegressorCV,
}
#: The scikit-learn scoring name of each task (what ``estimator.score`` is).
SCORING = {"classification": "accuracy", "regression": "r2"}


def infer_task(y, max_classes=20):
    """``(task, reason)`` for a target ``y``.

    Regression for a continuous target (non-integral numbers) or a numeric
    one with more than ``max_classes`` distinct values; classification
    otherwise (labels, or few integral values).

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The target.
    max_classes : int, default=20
        Most distinct values a numeric target may have to count as classes.

    Returns
    -------
    task : {'classification', 'regression'}
    reason : str
        One sentence saying why, for the caller to print.
    """
    kind = type_of_target(y)
    if kind.startswith("continuous"):
        return "regression", f"the target holds non-integral numbers ({kind})"
    y = np.asarray(y)
    n_values = np.unique(y).size
    if y.dtype.kind in "iuf" and n_values > max_classes:
        return "regression", (
            f"the target is numeric with {n_values} distinct values "
            f"(more than {max_classes})"
        )
    return "classification", f"the target has {n_values} classes ({kind})"
