"""``RegularizedMLPClassifier``: the scikit-learn shell around the trainer."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import _check_partial_fit_first_call, type_of_target

from ._base import BaseRegularizedMLP
from ._heads import losses_for
from ._network import ACTIVATIONS
from ._parameters import (
    ARCHITECTURE,
    TRAINING,
    Parameter,
    constraints_of,
    init_storing,
)
from ._penalties import PENALTIES
from ._styles import STYLES
from ._targets import (
    apply_class_weight,
    binarize,
    check_known_classes,
    check_sample_weight,
    check_weights_not_all_zero,
    fit_label_binarizer,
    is_single_class,
    validate_input,
)

LOSSES = losses_for("classification")
LOSS = Parameter("loss", "log_loss", [StrOptions(set(LOSSES))])
CLASS_WEIGHT = Parameter("class_weight", None, [dict, StrOptions({"balanced"}), None])


class RegularizedMLPClassifier(ClassifierMixin, BaseRegularizedMLP):
    """Multi-layer perceptron classifier with an explicit penalty style.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`
    (same parameters, defaults and fitted attributes) in which the penalty
    (``penalty``), its strength (``alpha``) and the way it is applied during
    training (``penalty_style``) are explicit hyperparameters with exactly
    defined units.

    The data loss L is the mean over samples (the sample-weighted mean when
    ``sample_weight`` is given) of the per-sample loss; ``alpha`` does *not*
    depend on the batch size, unlike ``MLPClassifier``'s.  The penalty R acts
    on the connection weights (and the intercepts when
    ``penalize_intercepts=True``)::

        'l1':          R(W) = sum |w|
        'l2':          R(W) = 1/2 sum w**2
        'elasticnet':  R(W) = l1_ratio sum |w| + (1 - l1_ratio) 1/2 sum w**2

    One optimizer step, with learning rate eta_t, optimizer update Delta(.)
    and per-weight step size h, is, by ``penalty_style``, as below.  h is
    eta_t for plain sgd and ``eta_t / (1 - momentum)`` with (Nesterov)
    momentum, the step the velocity takes in steady state; for adam it is the
    bias-corrected rate divided by ``sqrt(v) + epsilon``, per weight.  So
    under every optimizer a fixed point of ``'proximal'`` or ``'cumulative'``
    minimises L + alpha R: a weight stays exactly zero when its data
    gradient is at most alpha (times the L1 share) in size.

    ``'gradient'``
        ``W <- W - Delta(g + alpha dR(W))``: the penalty is part of the
        objective L + alpha R and the optimizer (momentum, adam) sees it.
        alpha is an objective weight.
    ``'decoupled'``
        ``W <- W - Delta(g) - s_t alpha dR(W_old)`` with
        ``s_t = eta_t / learning_rate_init``: a fixed shrink per step, not
        multiplied by the learning rate.  alpha is a shrink per step.
    ``'multiplicative'``
        ``W <- alpha W_old - Delta(g)``, ``penalty='l2'`` only: alpha in
        (0, 1] is the fraction of each weight kept per step (e.g. 0.97).
    ``'proximal'``
        ``W <- prox_{h alpha R}(W - Delta(g))``: soft-threshold at
        ``h alpha`` for L1 (exact zeros), division by ``1 + h alpha`` for L2,
        both for the elastic net.  alpha is an objective weight.
    ``'cumulative'``
        The cumulative L1 penalty with clipping of Tsuruoka, Tsujii and
        Ananiadou (2009), as ``SGDClassifier`` applies it; needs an L1 part.
        The L2 part of an elastic net is a factor
        ``max(0, 1 - h alpha (1 - l1_ratio))`` on the old weights.
        alpha is an objective weight.

    With plain sgd (no momentum, constant rate eta), ``'gradient'`` with
    alpha, ``'decoupled'`` with ``eta * alpha`` and, for L2,
    ``'multiplicative'`` with ``1 - eta * alpha`` give the same weights.
    Only ``'proximal'`` and ``'cumulative'`` produce exact zeros under L1.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.
    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The optimizer.  ``'lbfgs'`` minimises L + alpha R with scipy's
        L-BFGS-B on the full batch.  It takes no steps, so the styles in
        objective units (``'gradient'``, ``'proximal'``, ``'cumulative'``)
        all mean that one objective there and give the same result; the step
        rules ``'decoupled'`` and ``'multiplicative'`` raise.  An L1 part is
        solved exactly by splitting each penalized weight into a positive and
        a negative part, ``w = p - n`` with bounds ``p, n >= 0``, which makes
        the L1 term linear and smooth; the bounds give exact zeros.  Use
        ``'lbfgs'`` with L1 for feature selection: element-wise L1 under sgd
        or adam zeroes single weights long before a whole input's row.
    alpha : float, default=1e-4
        Strength of the penalty, in the unit of ``penalty_style`` (see above).
    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of ``solver='sgd'``, as in ``MLPClassifier``.
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
        with the same draws in the same order as ``MLPClassifier``.
    tol : float, default=1e-4
        Tolerance of the stopping rule (see ``n_iter_no_change``).
    verbose : bool, default=False
        Print progress messages.
    warm_start : bool, default=False
        Reuse the previous weights as initialisation (with a fresh optimizer
        and style state).  An interrupted fit (Ctrl-C) keeps the weights
        reached so far when the interrupt lands in the epochs of sgd or adam
        (a warning says so), and otherwise leaves the estimator as it was.
    momentum : float, default=0.9
        Momentum of sgd, in [0, 1].
    nesterovs_momentum : bool, default=True
        Whether sgd uses Nesterov's momentum.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data and stop when
        its accuracy stops improving; the best weights are restored.
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
        Where and how the penalty enters each optimizer step (see above).
    penalize_intercepts : bool, default=False
        Whether the intercepts are penalized too (not with the group
        penalties: intercepts are never in a group).
    loss : {'log_loss', 'squared_error'}, default='log_loss'
        Per-sample data loss on the output units (softmax for multiclass,
        one logistic unit for binary, one per label for multilabel).
        ``'squared_error'`` is ``1/2 sum_k (o_k - t_k)**2``, backpropagated
        through the output units' Jacobian.
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight``:
        ``{label: weight}`` with finite, non-negative weights and classes as
        keys (classes left out weigh 1), or ``'balanced'`` for
        ``n_samples / (n_classes * np.bincount(y))`` as computed by
        :func:`sklearn.utils.class_weight.compute_class_weight`.  Not for
        multilabel targets; ``'balanced'`` is refused by ``partial_fit``,
        which sees only part of the data.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coefs_ : list of ndarray
        Weight matrix of each layer, ``coefs_[i]`` of shape
        ``(units[i], units[i + 1])``.
    intercepts_ : list of ndarray
        Intercept vector of each layer.
    loss_ : float
        The last recorded value of the training objective (or data loss for
        'decoupled' and 'multiplicative', which have no objective).
    loss_curve_ : list of float
        Per-epoch value of that loss (stochastic solvers only): each batch's
        value at the weights before its step, averaged over the epoch
        weighted by batch size.
    best_loss_ : float or None
        Lowest value in ``loss_curve_`` (None with early stopping).
    validation_scores_ : list of float or None
        Held-out accuracy per epoch with early stopping, else None.
    best_validation_score_ : float or None
        Best held-out accuracy with early stopping, else None.
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
        Number of output units.
    out_activation_ : str
        Output activation, 'softmax' or 'logistic'.
    sparsity_ : float
        Fraction of connection weights (``coefs_``) that are exactly zero.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The classifier this one replaces.

    References
    ----------
    Y. Tsuruoka, J. Tsujii and S. Ananiadou (2009). Stochastic gradient
    descent training for L1-regularized log-linear models with cumulative
    penalty. ACL-IJCNLP.

    S. Scardapane, D. Comminiello, A. Hussain and A. Uncini (2017). Group
    sparse regularization for deep neural networks. Neurocomputing 241.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_nnreg import RegularizedMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = RegularizedMLPClassifier(
    ...     hidden_layer_sizes=(16,), solver="adam", learning_rate_init=0.01,
    ...     penalty="l1", alpha=1e-2, penalty_style="proximal",
    ...     max_iter=300, random_state=0,
    ... ).fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    >>> clf.sparsity_ > 0.5  # proximal L1 sets most weights exactly to zero
    True
    """

    _parameters = (*ARCHITECTURE, *TRAINING, LOSS, CLASS_WEIGHT)
    _parameter_constraints: dict = constraints_of(_parameters)
    __init__ = init_storing(_parameters, n_positional=len(ARCHITECTURE))

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 indicator matrix for multilabel data.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, finite and non-negative; the data loss is their
            weighted mean.  A minibatch whose weights are all zero has no
            weighted mean and is skipped: no step is taken on it, not even the
            penalty's.  Weights that are zero for every sample raise a
            ``ValueError``.

        Returns
        -------
        self : RegularizedMLPClassifier
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
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over (X, y), keeping optimizer and style state.

        The optimizer's and the style's memory carry over only while the
        configuration that made them stays the same (solver and its
        settings, ``penalty_style``, ``penalty``, ``l1_ratio``,
        ``penalize_intercepts``, the float type of X); after a change by
        ``set_params`` they start afresh, as with ``warm_start``.  An
        interrupt (Ctrl-C) during the epoch keeps the weights reached so far.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, as in :meth:`fit`: a minibatch whose weights
            are all zero is skipped (no step, no penalty step either), and
            weights that are all zero raise a ``ValueError``.
        classes : array-like of shape (n_classes,), default=None
            All classes over all calls; required on the first call.

        Returns
        -------
        self : RegularizedMLPClassifier
            The updated estimator.
        """
        self._validate_params()
        with self._unchanged_on_failure():
            if _check_partial_fit_first_call(self, classes):
                multilabel = type_of_target(y).startswith("multilabel")
                self._label_binarizer = fit_label_binarizer(
                    y if multilabel else classes
                )
            return self._fit(X, y, sample_weight, incremental=True)

    def _prepare_data(self, X, y, sample_weight, incremental, first_pass):
        """Validated X, 0/1 targets Y and the weights of the samples."""
        X, y = validate_input(self, X, y, reset=first_pass)
        if sp.issparse(X):
            X = X.tocsr()  # minibatches take rows: CSR, never a dense copy
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = fit_label_binarizer(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            check_known_classes(self.classes_, y, self.warm_start)
        Y = binarize(self._label_binarizer, y, X.dtype)
        sample_weight = apply_class_weight(
            self.class_weight,
            self._label_binarizer,
            Y,
            check_sample_weight(sample_weight, X),
            incremental,
        )
        check_weights_not_all_zero(sample_weight)
        return X, Y, sample_weight

    def _output_activation(self, Y):
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax"
        return "logistic"

    def _validation_stratify(self, Y):
        # On the boolean indicator, as MLPClassifier does (the same split, and
        # the same class names in train_test_split's errors).
        return Y.astype(bool) if Y.shape[1] == 1 else None

    def predict(self, X):
        """Predict class labels for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        output = self._output(X)
        if self.n_outputs_ == 1:
            output = output.ravel()
        return self._label_binarizer.inverse_transform(output)

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The probability of each class, in the order of ``classes_``.
        """
        output = self._output(X)
        if is_single_class(self._label_binarizer):
            # One class: it is certain (a column per entry of classes_).
            return np.ones((output.shape[0], 1), dtype=output.dtype)
        if self.n_outputs_ == 1:
            return np.hstack([1 - output, output])
        return output

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags


# The public registries double as the allowed values of the parameters.
__all__ = ["RegularizedMLPClassifier", "ACTIVATIONS", "STYLES", "PENALTIES"]
