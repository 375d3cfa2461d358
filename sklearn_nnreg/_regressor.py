"""``RegularizedMLPRegressor``: the scikit-learn shell for regression."""

import scipy.sparse as sp
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ._base import BaseRegularizedMLP
from ._docstrings import fill_estimator_doc
from ._heads import HEADS, losses_for, regression_output
from ._parameters import (
    ARCHITECTURE,
    TRAINING,
    Parameter,
    constraints_of,
    init_storing,
)
from ._targets import (
    check_sample_weight,
    check_weights_not_all_zero,
    validate_regression_input,
)

LOSSES = losses_for("regression")
LOSS = Parameter("loss", "squared_error", [StrOptions(set(LOSSES))])


@fill_estimator_doc
class RegularizedMLPRegressor(RegressorMixin, BaseRegularizedMLP):
    """Multi-layer perceptron regressor with an explicit penalty style.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`
    (same parameters, defaults and fitted attributes) in which the penalty
    (``penalty``), its strength (``alpha``) and the way it is applied during
    training (``penalty_style``) are explicit hyperparameters with exactly
    defined units.  Penalties, styles and solvers follow the same rules as in
    :class:`RegularizedMLPClassifier`, whose docstring gives the update of
    each style.

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

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_nnreg import RegularizedMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> reg = RegularizedMLPRegressor(
    ...     hidden_layer_sizes=(16,), solver="lbfgs", penalty="l1",
    ...     alpha=0.02, max_iter=500, random_state=0,
    ... ).fit(X, (y - y.mean()) / y.std())
    >>> reg.score(X, (y - y.mean()) / y.std()) > 0.4
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

        The optimizer's and the style's memory carry over only while the
        configuration that made them stays the same; after a change by
        ``set_params`` they start afresh, as with ``warm_start``.

        Parameters
        ----------
        {X_train}
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, as in :meth:`fit`.

        Returns
        -------
        self : RegularizedMLPRegressor
            The updated estimator.
        """
        self._validate_params()
        with self._unchanged_on_failure():
            return self._fit(X, y, sample_weight, incremental=True)

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
