"""``RegularizedMLPRegressor``: the scikit-learn shell for regression."""

import scipy.sparse as sp
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from ._base import BaseRegularizedMLP
from ._docstrings import fill_estimator_doc
from ._heads import HEADS, regression_output
from ._parameters import (
    ARCHITECTURE,
    TRAINING,
    constraints_of,
    init_storing,
    loss_parameter,
)
from ._targets import (
    check_sample_weight,
    check_weights_not_all_zero,
    validate_regression_input,
)

LOSS = loss_parameter("regression", "squared_error")


@fill_estimator_doc
class RegularizedMLPRegressor(RegressorMixin, BaseRegularizedMLP):
    """Multi-layer perceptron regressor with an explicit penalty style.

    The regression counterpart of :class:`RegularizedMLPClassifier`: a
    drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`
    whose ``penalty``, ``alpha`` and ``penalty_style`` follow the classifier's
    rules (its docstring gives the update of each style), with the same
    parameters, defaults and fitted attributes as ``MLPRegressor``.

    The data loss L is the mean over samples (the sample-weighted mean when
    ``sample_weight`` is given) of the per-sample loss, summed over the
    outputs:

        ``'squared_error'``: ``1/2 sum_k (o_k - t_k)**2``, identity output;
        ``'poisson'``: ``sum_k t_k log(t_k / o_k) - t_k + o_k`` (half the
        Poisson deviance), with ``o = exp(z)`` (log link).

    The objective is ``L + alpha R(W)``; ``alpha`` does *not* depend on the
    batch size, unlike ``MLPRegressor``'s: ``MLPRegressor(alpha=a)``
    trains the weights of ``penalty='l2'``, ``penalty_style='gradient'``
    with ``alpha = a / batch_size`` (sgd, adam) or ``a / n_samples`` (lbfgs),
    see :func:`translate_alpha`.  With several outputs, ``MLPRegressor``
    reports (and lbfgs line-searches) the squared error averaged over the
    outputs while its gradient sums over them; here value and gradient are
    both summed, so lbfgs on several outputs takes other steps than
    ``MLPRegressor``'s (sgd and adam take the same ones).

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        The per-sample data loss (see above).  ``'poisson'`` needs
        non-negative targets.
    {network_parameters}

    Attributes
    ----------
    {fitted_network}
    out_activation_ : str
        Output activation, 'identity' (squared error) or 'exp' (Poisson).

    See Also
    --------
    sklearn.neural_network.MLPRegressor : The regressor this one replaces.
    RegularizedMLPClassifier : The classifier, with the same penalty styles.

    {example_diabetes}
    >>> from sklearn_nnreg import RegularizedMLPRegressor
    >>> reg = RegularizedMLPRegressor(
    ...     hidden_layer_sizes=(16,), solver="lbfgs", penalty="l1",
    ...     alpha=0.02, max_iter=500, random_state=0,
    ... ).fit(X, y)
    >>> reg.score(X, y) > 0.4
    True
    >>> reg.sparsity_ > 0.5  # L1 under lbfgs sets weights exactly to zero
    True
    """

    _parameters = (LOSS, *ARCHITECTURE, *TRAINING)
    _parameter_constraints: dict = constraints_of(_parameters)
    __init__ = init_storing(_parameters, n_positional=1 + len(ARCHITECTURE))

    # ------------------------------------------------------------------ fit
    @available_if(lambda est: est._check_solver())
    @fill_estimator_doc
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y), keeping optimizer and style state.

        {partial_fit_memory}

        {partial_fit_data}

        Returns
        -------
        self : RegularizedMLPRegressor
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight)

    def _prepare_data(self, X, y, sample_weight, incremental, first_pass):
        """Validated X, targets Y of shape (n_samples, n_outputs), weights."""
        X, y = validate_regression_input(self, X, y, self.loss, reset=first_pass)
        if sp.issparse(X):
            X = X.tocsr()  # minibatches take rows: CSR, never a dense copy
        if not first_pass:
            self._check_output_fits_loss()
        # A copy in X's float type: the user's y is never written to.
        Y = y.reshape(y.shape[0], -1).astype(X.dtype)
        sample_weight = check_sample_weight(sample_weight, X)
        check_weights_not_all_zero(sample_weight)
        return X, Y, sample_weight

    def _check_output_fits_loss(self):
        """Refuse to continue a model whose output layer is for another loss."""
        if self.out_activation_ not in HEADS[self.loss]:
            raise ValueError(
                f"warm_start and partial_fit continue the previous model, whose "
                f"output activation is {self.out_activation_!r}; loss="
                f"{self.loss!r} needs {regression_output(self.loss)!r}. Set "
                "warm_start=False (or refit) to start afresh with the new loss."
            )

    def _output_activation(self, Y):
        return regression_output(self.loss)

    # -------------------------------------------------------------- predict
    @fill_estimator_doc
    def predict(self, X):
        """Predict using the fitted network.

        {predict_data}
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values (one column per output when fitted on
            several).
        """
        return self._output_per_sample(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        # The Poisson deviance takes log(y): the checks then draw y > 0.
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags


__all__ = ["RegularizedMLPRegressor"]
