"""A scorer that records the share of exact-zero weights during a search."""


def _final_estimator(estimator):
    """The last step of a (possibly nested) pipeline, or the estimator itself."""
    while hasattr(estimator, "steps"):
        estimator = estimator.steps[-1][1]
    return estimator


def sparsity_scorer(estimator, X=None, y=None):
    """The fitted model's ``sparsity_``, as a scorer for ``GridSearchCV``.

    Sparsity is a property of the fitted weights, not of the data it is
    scored on: the scorer ignores ``X`` and ``y``.  Pass it in a
    multi-metric ``scoring`` dict so that ``cv_results_`` records, next to
    the accuracy, the share of connection weights that each candidate set
    exactly to zero (``mean_test_sparsity`` for the key ``'sparsity'``).

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~sklearn_nnreg.RegularizedMLPClassifier` or
        :class:`~sklearn_nnreg.RegularizedMLPRegressor`, or a pipeline whose
        last step is one.
    X : array-like, default=None
        Ignored.
    y : array-like, default=None
        Ignored.

    Returns
    -------
    sparsity : float
        Fraction of connection weights (``coefs_``) that are exactly zero.

    See Also
    --------
    sklearn_nnreg.plot.SparsityPathDisplay.from_cv_results : Plots it.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_nnreg import RegularizedMLPClassifier, sparsity_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(
    ...     RegularizedMLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs",
    ...                              penalty="l1", max_iter=300, random_state=0),
    ...     {"alpha": [1e-4, 0.1]}, cv=2,
    ...     scoring={"accuracy": "accuracy", "sparsity": sparsity_scorer},
    ...     refit="accuracy",
    ... ).fit(X, y)
    >>> low, high = search.cv_results_["mean_test_sparsity"]
    >>> bool(high > low)
    True
    """
    final = _final_estimator(estimator)
    if not hasattr(final, "sparsity_"):
        raise TypeError(
            "sparsity_scorer needs a fitted RegularizedMLPClassifier or "
            "RegularizedMLPRegressor (or a pipeline ending in one); got "
            f"{type(final).__name__}, which has no sparsity_ attribute."
        )
    return float(final.sparsity_)
