"""``RegularizedMLPClassifier``: the scikit-learn shell around the trainer."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import _check_partial_fit_first_call, type_of_target

from ._base import BaseRegularizedMLP
from ._docstrings import fill_estimator_doc
from ._network import ACTIVATIONS
from ._parameters import (
    ARCHITECTURE,
    TRAINING,
    Parameter,
    constraints_of,
    init_storing,
    loss_parameter,
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

LOSS = loss_parameter("classification", "log_loss")
CLASS_WEIGHT = Parameter("class_weight", None, [dict, StrOptions({"balanced"}), None])


@fill_estimator_doc
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
    {network_parameters}
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
    {fitted_network}
    out_activation_ : str
        Output activation, 'softmax' or 'logistic'.

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

    {example_iris}
    >>> from sklearn_nnreg import RegularizedMLPClassifier
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
    @available_if(lambda est: est._check_solver())
    @fill_estimator_doc
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over (X, y), keeping optimizer and style state.

        {partial_fit_memory}

        {partial_fit_data}
        classes : array-like of shape (n_classes,), default=None
            All classes over all calls; required on the first call.

        Returns
        -------
        self : RegularizedMLPClassifier
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight, classes)

    def _start_partial_fit(self, y, classes):
        if _check_partial_fit_first_call(self, classes):
            multilabel = type_of_target(y).startswith("multilabel")
            self._label_binarizer = fit_label_binarizer(y if multilabel else classes)

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

    @fill_estimator_doc
    def predict(self, X):
        """Predict class labels for X.

        {predict_data}
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        output = self._output_per_sample(X)  # first: it checks the fit
        return self._label_binarizer.inverse_transform(output)

    @fill_estimator_doc
    def predict_proba(self, X):
        """Probability estimates.

        {predict_data}
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

    @fill_estimator_doc
    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        {predict_data}
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
