"""``RegularizedMLPRegressor``: the scikit-learn shell for regression."""

import scipy.sparse as sp
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ._base import BaseRegularizedMLP
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
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.
    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The optimizer, with the same rules as in
        :class:`RegularizedMLPClassifier` (lbfgs minimises L + alpha R and
        refuses the step styles ``'decoupled'`` and ``'multiplicative'``).
    alpha : float, default=1e-4
        Strength of the penalty, in the unit of ``penalty_style``.
    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of ``solver='sgd'``.
    learning_rate_init : float, default=0.001
        Initial learning rate of sgd and adam.
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (lbfgs).
    shuffle : bool, default=True
        Whether to shuffle the samples in each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the validation split and shuffling,
        with the same draws in the same order as ``MLPRegressor``.
    tol : float, default=1e-4
        Tolerance of the stopping rule (see ``n_iter_no_change``).
    verbose : bool, default=False
        Print progress messages.
    warm_start : bool, default=False
        Reuse the previous weights as initialisation (with a fresh optimizer
        and style state).
    momentum : float, default=0.9
        Momentum of sgd, in [0, 1].
    nesterovs_momentum : bool, default=True
        Whether sgd uses Nesterov's momentum.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data and stop when
        its R² stops improving; the best weights are restored.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's moment decay rates, in [0, 1).
    epsilon : float, default=1e-8
        Adam's numerical-stability term.
    n_iter_no_change : int, default=10
        Number of epochs without an improvement of at least ``tol`` before
        stopping (or, with the 'adaptive' schedule, dividing the rate by 5).
    max_fun : int, default=15000
        Maximum number of loss evaluations of lbfgs.
    penalty : {'l2', 'l1', 'elasticnet', 'group_lasso', \
'sparse_group_lasso'} or None, default='l2'
        The penalty R.  None applies no penalty, whatever the style.  The
        group penalties (groups: the outgoing weights of each input and
        hidden unit, row j of ``coefs_[i]``, of size p_g) are
        ``sum_g sqrt(p_g) ||w_g||_2`` and, for the sparse group lasso,
        ``l1_ratio sum |w| + (1 - l1_ratio)`` times that; they take
        ``'gradient'``, ``'decoupled'`` and ``'proximal'`` (exact group
        zeros, which :meth:`prune` removes) with sgd or adam.
    l1_ratio : float, default=0.5
        Share of L1 in the elastic net and the sparse group lasso, in [0, 1].
    penalty_style : {'gradient', 'decoupled', 'multiplicative', 'proximal', \
'cumulative'}, default='gradient'
        Where and how the penalty enters each optimizer step.
    penalize_intercepts : bool, default=False
        Whether the intercepts are penalized too (not with the group
        penalties: intercepts are never in a group).

    Attributes
    ----------
    coefs_ : list of ndarray
        Weight matrix of each layer, ``coefs_[i]`` of shape
        ``(units[i], units[i + 1])``.
    intercepts_ : list of ndarray
        Intercept vector of each layer.
    loss_ : float
        The last recorded value of the training objective (or data loss for
        'decoupled' and 'multiplicative', which have no objective).
    loss_curve_ : list of float
        Per-epoch value of that loss (stochastic solvers only).
    best_loss_ : float or None
        Lowest value in ``loss_curve_`` (None with early stopping).
    validation_scores_ : list of float or None
        Held-out R² per epoch with early stopping, else None.
    best_validation_score_ : float or None
        Best held-out R² with early stopping, else None.
    n_iter_ : int
        Number of epochs (iterations for lbfgs) run by the last fit.
    t_ : int
        Number of training samples seen by the stochastic solvers.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of outputs.
    out_activation_ : str
        Output activation, 'identity' (squared error) or 'exp' (Poisson).
    sparsity_ : float
        Fraction of connection weights (``coefs_``) that are exactly zero.

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
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values: finite numbers, non-negative for
            ``loss='poisson'``.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, finite and non-negative; the data loss is their
            weighted mean.  A minibatch whose weights are all zero is skipped
            (no step, no penalty step either); weights that are zero for every
            sample raise a ``ValueError``.

        Returns
        -------
        self : RegularizedMLPRegressor
            The fitted estimator.

        Raises
        ------
        TrainingDivergedError
            When the loss or the weights stop being finite during training,
            or the fitted model's outputs on X are not finite.  The estimator
            then keeps its previous state (unfitted, or the previous model).
        """
        self._validate_params()
        with self._unchanged_on_failure():
            return self._fit(X, y, sample_weight, incremental=False)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y), keeping optimizer and style state.

        The optimizer's and the style's memory carry over only while the
        configuration that made them stays the same; after a change by
        ``set_params`` they start afresh, as with ``warm_start``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
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
    def predict(self, X):
        """Predict using the fitted network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values (one column per output when fitted on
            several).
        """
        output = self._output(X)
        if self.n_outputs_ == 1:
            return output.ravel()
        return output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        # The Poisson deviance takes log(y): the checks then draw y > 0.
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags


__all__ = ["RegularizedMLPRegressor"]
