"""``BaseRegularizedMLP``: what the classifier and the regressor share.

The parameters common to both estimators, the fit and ``partial_fit``
machinery (validation of the penalty rules, weight initialisation, the
solvers, the training state, divergence handling) and the fitted attributes
that do not depend on the task (``sparsity_``, ``feature_importances_``).
A subclass supplies its targets (:meth:`BaseRegularizedMLP._prepare_data`),
its output activation (:meth:`BaseRegularizedMLP._output_activation`) and
its predictions; everything else here is task-agnostic.
"""

import copy
import warnings
from contextlib import contextmanager
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._docstrings import fill_estimator_doc
from ._heads import make_head
from ._layout import Layout
from ._lbfgs import fit_lbfgs
from ._network import Network, forward
from ._optimizers import make_optimizer
from ._penalties import check_penalized_part, make_penalty
from ._prune import prune_units
from ._state import FitState, solver_config
from ._styles import STYLES, Style
from ._targets import check_weights_not_all_zero
from ._trainer import StochasticConfig, StochasticTrainer, TrainingDivergedError

_STOCHASTIC_SOLVERS = ("sgd", "adam")


class BaseRegularizedMLP(BaseEstimator):
    """Base of the regularized MLP estimators; not for direct use.

    A subclass lists its parameters as ``_parameters`` (the shared ones of
    :mod:`sklearn_nnreg._parameters` and its own), makes its ``__init__``
    and ``_parameter_constraints`` from them, and implements
    ``_prepare_data`` and ``_output_activation``.  The loss is the
    subclass's ``loss`` parameter, a key of :data:`sklearn_nnreg._heads.HEADS`.
    """

    # ------------------------------------------------------------------ fit
    @fill_estimator_doc
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data X and targets y.

        {fit_data}
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, finite and non-negative; the data loss is their
            weighted mean.  A minibatch whose weights are all zero has no
            weighted mean and is skipped: no step is taken on it, not even the
            penalty's.  Weights that are zero for every sample raise a
            ``ValueError``.

        Returns
        -------
        self : object
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

    def _partial_fit(self, X, y, sample_weight, classes=None):
        """``partial_fit``'s work: one epoch, all or nothing."""
        self._validate_params()
        with self._unchanged_on_failure():
            self._start_partial_fit(y, classes)
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

    def _check_finite_model(self, network, flat, X, penalty):
        """Refuse a model whose weights or outputs on its data are not finite.

        The divergence checks of the epochs look at each batch's loss before
        its step, so the last step of a run can still blow the weights up.
        (The outputs are checked by a bound when it proves them finite, else by
        a forward pass: see ``Network.outputs_finite``.)
        """
        with np.errstate(all="ignore"):
            finite = np.isfinite(flat).all() and network.outputs_finite(flat, X)
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
        self.out_activation_ = self._output_activation(Y)
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
        stratify = self._validation_stratify(Y)
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

    def _continue_path(self, X, y, sample_weight=None):
        """Private hook of the regularization path (``_path.py``).

        ``fit`` from the current weights (``warm_start=True``) that keeps the
        solver's memory as ``partial_fit`` does, the optimizer's always and
        the style's under the same ``penalty_style``, but restarts the
        stopping rule, so that the point gets its own ``max_iter`` epochs
        (see :meth:`FitState.for_path_point`).
        """
        self._path_point = True
        try:
            return self.fit(X, y, sample_weight)
        finally:
            del self._path_point

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
                state = state.with_fresh_stopping(self.early_stopping)
        if self.__dict__.get("_path_point", False):  # see _continue_path
            fresh_optimizer = optimizer.init_state()
            return state.for_path_point(
                config, fresh_optimizer, fresh_style, self.early_stopping
            )
        if not incremental or state.solver_state_for(config) is None:
            state.config = config
            state.optimizer, state.style = optimizer.init_state(), fresh_style
        return state

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

    def _output_per_sample(self, X):
        """The outputs, 1-d when the network has a single output unit."""
        output = self._output(X)
        return output.ravel() if self.n_outputs_ == 1 else output

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
        layer's intercepts; the predictions are unchanged up to rounding
        and ``hidden_layer_sizes`` shrinks.  Inputs are never removed (their
        importance is zero).  The training memory is not carried over: a
        ``partial_fit`` or warm start of the pruned model starts its
        optimizer afresh.

        Returns
        -------
        pruned : estimator
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
        return tags

    # ------------------------------------------------------ subclass hooks
    def _prepare_data(self, X, y, sample_weight, incremental, first_pass):
        """Validated X, float targets Y of shape (n_samples, n_outputs) and
        the weights of the samples (or None)."""
        raise NotImplementedError

    def _output_activation(self, Y):
        """The output activation (``out_activation_``) for the targets Y."""
        raise NotImplementedError

    def _start_partial_fit(self, y, classes):
        """What a subclass records before each ``partial_fit`` epoch."""

    def _validation_stratify(self, Y):
        """What ``train_test_split`` stratifies the validation split on."""
        return None
