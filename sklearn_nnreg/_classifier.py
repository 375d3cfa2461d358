"""``RegularizedMLPClassifier``: the scikit-learn shell around the trainer."""

import copy
import dataclasses
import warnings
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import _check_partial_fit_first_call, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ._heads import HEADS, make_head
from ._layout import Layout
from ._lbfgs import fit_lbfgs
from ._network import ACTIVATIONS, DERIVATIVES, Network, forward
from ._optimizers import make_optimizer
from ._penalties import PENALTIES, check_penalized_part, make_penalty
from ._prune import prune_units
from ._state import FitState, solver_config
from ._styles import STYLES, Style
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
from ._trainer import StochasticConfig, StochasticTrainer, TrainingDivergedError

_STOCHASTIC_SOLVERS = ("sgd", "adam")
LOSSES = tuple(HEADS)


class RegularizedMLPClassifier(ClassifierMixin, BaseEstimator):
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
        'group_lasso': R(W) = sum_g sqrt(p_g) ||w_g||_2
        'sparse_group_lasso':
                       R(W) = l1_ratio sum |w|
                              + (1 - l1_ratio) sum_g sqrt(p_g) ||w_g||_2

    The groups are the outgoing weights of each input and hidden unit (row j
    of ``coefs_[i]``), of size p_g; a zero group is a unit cut off, which
    :meth:`prune` removes, or an input that ``feature_importances_`` marks
    with an exact zero.  They take ``'gradient'``, ``'decoupled'`` and
    ``'proximal'`` (the block soft-threshold, in adam's per-weight metric
    under adam: exact group zeros) with sgd or adam.

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
        The penalty R.  None applies no penalty, whatever the style.
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
    S. Scardapane, D. Comminiello, A. Hussain and A. Uncini (2017). Group
    sparse regularization for deep neural networks. Neurocomputing 241.

    Y. Tsuruoka, J. Tsujii and S. Ananiadou (2009). Stochastic gradient
    descent training for L1-regularized log-linear models with cumulative
    penalty. ACL-IJCNLP.

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

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(DERIVATIVES))],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "penalty": [StrOptions(set(PENALTIES)), None],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "penalty_style": [StrOptions(STYLES.keys())],  # live: the registry
        "penalize_intercepts": ["boolean"],
        "loss": [StrOptions(set(LOSSES))],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        penalty="l2",
        l1_ratio=0.5,
        penalty_style="gradient",
        penalize_intercepts=False,
        loss="log_loss",
        class_weight=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.penalty_style = penalty_style
        self.penalize_intercepts = penalize_intercepts
        self.loss = loss
        self.class_weight = class_weight

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

    @contextmanager
    def _unchanged_on_failure(self):
        """Undo every attribute a failed or interrupted fit set.

        An unfitted estimator stays unfitted (``NotFittedError``, not a
        half-set model) and a fitted one keeps its previous, finite weights.
        ``KeyboardInterrupt`` counts as a failure too, except during the
        epochs of sgd and adam, where the trainer keeps the weights reached
        so far (as MLPClassifier does) and the fit returns normally.
        Fits never modify stored arrays in place, so a shallow copy suffices.
        """
        saved = self.__dict__.copy()
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for the stochastic solvers "
                f"'sgd' and 'adam', not solver={self.solver!r}."
            )
        return True

    def _fit(self, X, y, sample_weight, incremental):
        hidden = self._hidden_sizes()
        self._check_penalty()
        self._check_early_stopping(incremental)
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, Y, sample_weight = self._prepare_data(
            X, y, sample_weight, incremental, first_pass
        )
        layout = Layout([X.shape[1], *hidden, Y.shape[1]])
        penalty = make_penalty(self.penalty, self.l1_ratio, layout.coef_shapes)
        rng = check_random_state(self.random_state)
        if first_pass:
            flat = self._initialize(layout, Y, rng, X.dtype)
        else:
            flat = self._packed_weights(layout, X.dtype)
        network = Network(layout, self.activation, self.out_activation_, self.loss)
        if self.solver == "lbfgs":
            self._run_lbfgs(network, flat, X, Y, sample_weight, penalty)
        else:
            self._run_stochastic(
                network, flat, X, Y, sample_weight, penalty, rng, incremental
            )
        self._check_finite_model(network, flat, X, penalty)
        self._set_weights(layout, flat)
        return self

    def _check_early_stopping(self, incremental):
        if not self.early_stopping:
            return
        if incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        if self.validation_fraction == 0:
            raise ValueError(
                "early_stopping=True holds out validation_fraction of the data "
                "to score each epoch, but validation_fraction=0.0 holds out "
                "nothing. Use validation_fraction > 0 (e.g. 0.1), or "
                "early_stopping=False."
            )

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

    def _check_finite_model(self, network, flat, X, penalty):
        """Refuse a model whose weights or outputs on its data are not finite.

        The divergence checks of the epochs look at each batch's loss before
        its step, so the last step of a run can still blow the weights up.
        """
        with np.errstate(all="ignore"):
            finite = (
                np.isfinite(flat).all()
                and np.isfinite(network.predict_output(flat, X)).all()
            )
        if finite:
            return
        if self.solver == "lbfgs":
            hint = f"alpha (now {self.alpha})"
        else:
            hint = self._divergence_hint(penalty)
        raise TrainingDivergedError(
            "Training diverged: the fitted model's weights or its outputs on the "
            "training data are not finite. Scale the inputs (for example with "
            f"StandardScaler), or lower {hint}."
        )

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = list(sizes)
        if any(not isinstance(s, Integral) or s <= 0 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {sizes}."
            )
        return [int(s) for s in sizes]

    def _initialize(self, layout, Y, rng, dtype):
        """Glorot-uniform weights, drawn exactly as MLPClassifier draws them."""
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = layout.n_layers
        if self._label_binarizer.y_type_ == "multiclass":
            self.out_activation_ = "softmax"
        else:
            self.out_activation_ = "logistic"
        factor = 2.0 if self.activation == "logistic" else 6.0
        coefs, intercepts = [], []
        for fan_in, fan_out in layout.coef_shapes:
            bound = np.sqrt(factor / (fan_in + fan_out))
            coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
            intercepts.append(rng.uniform(-bound, bound, fan_out))
        self.n_iter_ = 0
        self.t_ = 0
        self.__dict__.pop("_fit_state", None)
        return layout.pack(coefs, intercepts, dtype)

    def _packed_weights(self, layout, dtype):
        """A copy of the current weights (so a failed fit changes nothing)."""
        shapes = [c.shape for c in self.coefs_]
        if shapes != layout.coef_shapes:
            raise ValueError(
                "warm_start and partial_fit need the same network shape as the "
                f"previous fit: its weights have shapes {shapes}, the current "
                f"data and hidden_layer_sizes need {layout.coef_shapes}. Set "
                "warm_start=False to start afresh."
            )
        return layout.pack(self.coefs_, self.intercepts_, dtype)

    def _set_weights(self, layout, flat):
        self.coefs_ = layout.coefs(flat)
        self.intercepts_ = layout.intercepts(flat)
        self.sparsity_ = float(np.mean(flat[: layout.n_coef] == 0))

    # -------------------------------------------------------- penalty rules
    def _check_penalty(self):
        """Raise unless the penalty/style/solver combination can be trained."""
        STYLES[self.penalty_style].check(
            self.penalty, self.alpha, self.solver, self.l1_ratio, stacklevel=4
        )
        check_penalized_part(self.penalty, self.penalize_intercepts)

    def _make_style(self, penalty):
        if penalty is None:
            return Style(None, 0.0, self.learning_rate_init)
        return STYLES[self.penalty_style](penalty, self.alpha, self.learning_rate_init)

    # -------------------------------------------------------------- solvers
    def _run_lbfgs(self, network, flat, X, Y, sample_weight, penalty):
        trial = flat.copy()
        result = fit_lbfgs(
            network,
            trial,
            X,
            Y,
            sample_weight,
            penalty,
            self.alpha,
            network.layout.penalized_slice(self.penalize_intercepts),
            {"maxiter": self.max_iter, "maxfun": self.max_fun, "gtol": self.tol},
        )
        if not np.isfinite(trial).all() or not np.isfinite(result.fun):
            raise TrainingDivergedError(
                "lbfgs produced non-finite weights or loss. Scale the inputs "
                "(for example with StandardScaler) or lower alpha."
            )
        flat[...] = trial
        self.n_iter_ = min(int(result.nit), self.max_iter)
        self.loss_ = float(result.fun)

    def _run_stochastic(
        self, network, flat, X, Y, sample_weight, penalty, rng, incremental
    ):
        optimizer = make_optimizer(self, flat.size, flat.dtype)
        style = self._make_style(penalty)
        pen_size = flat[network.layout.penalized_slice(self.penalize_intercepts)].size
        fresh_style = style.init_state(
            pen_size, flat.dtype, optimizer.per_coordinate_step
        )
        config = solver_config(self, flat.size, flat.dtype)
        state = self._state_for_fit(config, incremental, optimizer, fresh_style)
        validation = None
        if self.early_stopping:
            X, Y, sample_weight, validation = self._split_validation(
                X, Y, sample_weight, rng
            )
            if state.best_params is None:
                state.best_params = flat.copy()
        trainer = StochasticTrainer(
            network,
            optimizer,
            style,
            penalty,
            self._stochastic_config(X.shape[0], incremental),
            self._divergence_hint(penalty),
        )
        state = trainer.run(flat, X, Y, sample_weight, rng, state, validation)
        self._store_state(state)

    def _stochastic_config(self, n_samples, incremental):
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. "
                    "It is going to be clipped",
                    stacklevel=5,
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))
        return StochasticConfig(
            batch_size=batch_size,
            max_iter=self.max_iter,
            shuffle=self.shuffle,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            early_stopping=self.early_stopping,
            verbose=bool(self.verbose),
            incremental=incremental,
            penalize_intercepts=self.penalize_intercepts,
        )

    def _divergence_hint(self, penalty):
        hint = f"learning_rate_init (now {self.learning_rate_init})"
        if penalty is not None and STYLES[self.penalty_style].alpha_can_diverge:
            hint += f" or alpha (now {self.alpha})"
        return hint

    def _split_validation(self, X, Y, sample_weight, rng):
        """Hold out validation data exactly as MLPClassifier does."""
        # On the boolean indicator, as MLPClassifier does (the same split, and
        # the same class names in train_test_split's errors).
        stratify = Y.astype(bool) if Y.shape[1] == 1 else None
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
        parts = train_test_split(
            *arrays,
            random_state=rng,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        X_train, X_val, Y_train, Y_val = parts[:4]
        sw_train, sw_val = parts[4:] if sample_weight is not None else (None, None)
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        if sw_val is not None and not sw_val.any():
            raise ValueError(
                "sample_weight is zero for every sample of the validation data "
                "that early_stopping holds out (validation_fraction="
                f"{self.validation_fraction}), so it cannot be scored. Give more "
                "samples a positive weight, or change validation_fraction or "
                "random_state."
            )
        check_weights_not_all_zero(sw_train, "the data left to train on")
        return X_train, Y_train, sw_train, (X_val, Y_val, sw_val)

    def _state_for_fit(self, config, incremental, optimizer, fresh_style):
        """The FitState this fit starts from: a copy, never the stored one.

        Book-keeping carries over from the previous fit (as in MLPClassifier);
        the solver's memory only to ``partial_fit`` under the same
        configuration, else it starts afresh, as ``warm_start`` does.
        """
        stored = getattr(self, "_fit_state", None)
        if stored is None:
            state = FitState.fresh(self.early_stopping)
        else:
            state = FitState.from_plain(stored)
            if (state.validation_scores is not None) != self.early_stopping:
                state = self._restart_stopping_rule(state)
        if not incremental or state.solver_state_for(config) is None:
            state.config = config
            state.optimizer, state.style = optimizer.init_state(), fresh_style
        return state

    def _restart_stopping_rule(self, state):
        """``state`` with fresh stopping book-keeping: early_stopping changed."""
        fresh = FitState.fresh(self.early_stopping)
        return dataclasses.replace(
            state,
            best_loss=fresh.best_loss,
            no_improvement_count=0,
            validation_scores=fresh.validation_scores,
            best_validation_score=fresh.best_validation_score,
            best_params=None,
        )

    def _store_state(self, state):
        self.n_iter_ = state.n_iter
        self.t_ = state.t
        self.loss_ = state.loss
        self.loss_curve_ = list(state.loss_curve)
        self.best_loss_ = state.best_loss
        scores = state.validation_scores
        self.validation_scores_ = None if scores is None else list(scores)
        self.best_validation_score_ = state.best_validation_score
        self._fit_state = state.to_plain()

    # -------------------------------------------------------------- predict
    def _output(self, X):
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        head = make_head(self.loss, self.out_activation_)
        return forward(self.coefs_, self.intercepts_, X, self.activation, head)

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

    @property
    def feature_importances_(self):
        """L2 norm of each input's outgoing first-layer weights.

        This is the norm of the input's group under ``penalty='group_lasso'``
        (row j of ``coefs_[0]``), so it is zero exactly for an input the
        penalty has cut off, and
        ``SelectFromModel(est, threshold=1e-12, prefit=True)`` keeps exactly
        the inputs with a non-zero group.  Fit the group penalties with
        ``penalty_style='proximal'`` (exact group zeros), or element-wise L1
        with ``solver='lbfgs'``: element-wise L1 under sgd or adam zeroes
        single weights long before it zeroes a whole input's row.
        """
        check_is_fitted(self)
        return np.linalg.norm(self.coefs_[0], axis=1)

    def prune(self):
        """A new fitted estimator without the hidden units that do nothing.

        A hidden unit whose outgoing weights (its group under the group
        lasso) are all exactly zero is removed, and so is one whose incoming
        weights are all zero, its constant output folded into the next
        layer's intercepts; ``predict_proba`` is unchanged up to rounding
        and ``hidden_layer_sizes`` shrinks.  Inputs are never removed (their
        importance is zero).  The training memory is not carried over: a
        ``partial_fit`` or warm start of the pruned model starts its
        optimizer afresh.

        Returns
        -------
        pruned : RegularizedMLPClassifier
            A copy with smaller weight matrices; this estimator is unchanged.
        """
        check_is_fitted(self)
        pruned = copy.deepcopy(self)
        pruned.__dict__.pop("_fit_state", None)
        pruned.coefs_, pruned.intercepts_ = prune_units(
            self.coefs_, self.intercepts_, self.activation
        )
        pruned.hidden_layer_sizes = tuple(c.shape[1] for c in pruned.coefs_[:-1])
        pruned.sparsity_ = float(
            np.mean(np.concatenate([c.ravel() == 0 for c in pruned.coefs_]))
        )
        return pruned

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags


# The public registries double as the allowed values of the parameters.
__all__ = ["RegularizedMLPClassifier", "ACTIVATIONS", "STYLES", "PENALTIES"]
