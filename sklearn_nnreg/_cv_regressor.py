"""``RegularizedMLPRegressorCV``: the path search of ``_cv`` for regression.

The search (folds, trunks, warm-started paths, the choice and the refit) is
``_RegularizedMLPCVBase``'s; this module only says which estimator it fits,
how the targets are checked, and what the regressor predicts.
"""

from sklearn.base import RegressorMixin

from ._cv import _RegularizedMLPCVBase, refitted_model_method
from ._docstrings import fill_search_doc
from ._parameters import SEARCH, constraints_of, forwarded_to_fits, init_storing
from ._regressor import RegularizedMLPRegressor
from ._targets import validate_regression_input


@fill_search_doc
class RegularizedMLPRegressorCV(RegressorMixin, _RegularizedMLPCVBase):
    """:class:`RegularizedMLPRegressor` with alpha and style cross-validated.

    The regression twin of :class:`RegularizedMLPClassifierCV`, with the
    same search: on each training fold one cold fit at the weakest alpha
    (the *trunk*, made with the first style and shared by all), then, for
    each style, the alphas from weak to strong, each point continuing from
    the previous point's weights (shrunk by a factor 0.8) and solver memory
    for at most 12 epochs (sgd and adam); a point after an all-zero layer
    starts cold.  The chosen model is refitted on all the data along the
    same path.  See :doc:`/regularization_path`.

    Folds are plain (unshuffled) :class:`~sklearn.model_selection.KFold`
    splits when ``cv`` is an int or None, and the default score is R²
    (``score``), as in scikit-learn's regressors.

    {search_parameters}

    {search_attributes}

    See Also
    --------
    RegularizedMLPRegressor : The regressor fitted along the path.
    RegularizedMLPClassifierCV : The same search for classification.

    {example_diabetes}
    >>> from sklearn_nnreg import RegularizedMLPRegressorCV
    >>> search = RegularizedMLPRegressorCV(
    ...     alphas=[1e-3, 1e-2], penalty_styles=["gradient", "proximal"],
    ...     cv=3, hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...     penalty="l1", max_iter=100, random_state=0,
    ... ).fit(X, y)
    >>> len(search.cv_results_["params"])
    4
    >>> search.best_score_ > 0.3   # mean held-out R²
    True
    """

    _estimator_class = RegularizedMLPRegressor
    _parameters = (*SEARCH, *forwarded_to_fits(RegularizedMLPRegressor))
    _parameter_constraints: dict = constraints_of(_parameters)
    __init__ = init_storing(_parameters, n_positional=1)

    def _validate_input(self, X, y):
        return validate_regression_input(self, X, y, self.loss, reset=True)

    predict = refitted_model_method("predict", "regressor")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        # The Poisson deviance takes log(y): the checks then draw y > 0.
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags


__all__ = ["RegularizedMLPRegressorCV"]
