"""The stochastic training loop: epochs of minibatch steps and stopping.

The stochastic loop follows ``MLPClassifier._fit_stochastic`` draw for draw
(the same shuffles from the same random state, the same batches, the same
stopping rule), but its step is the penalty-agnostic step of ``_styles``.
The trainer owns the stopping rule and its messages; the optimizer only
computes updates and step sizes.  What carries over from call to call is one
:class:`~sklearn_nnreg._state.FitState`, which :meth:`StochasticTrainer.run`
takes and returns.

A minibatch whose sample weights are all zero is skipped: it has no weighted
mean loss, so no step is taken (no penalty step either).
"""

import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches


class TrainingDivergedError(ValueError, ArithmeticError):
    """Raised when the loss or the weights of a fit stop being finite."""


@dataclass
class StochasticConfig:
    """The estimator's settings that the epoch loop reads."""

    batch_size: int
    max_iter: int
    shuffle: bool
    tol: float
    n_iter_no_change: float
    early_stopping: bool
    verbose: bool
    incremental: bool
    penalize_intercepts: bool


#: The largest training set (X, Y and the sample weights, in bytes) whose
#: rows a shuffled fit copies in each epoch's order at the epoch's start; a
#: larger one is gathered batch by batch (no second copy of the data).
EPOCH_GATHER_BYTES = 128 * 2**20


def _take_rows(A, index, out):
    """Rows ``index`` of A, into ``out`` when A is dense (no reallocation)."""
    if A is None:
        return None
    if isinstance(index, slice) or not isinstance(A, np.ndarray):
        return A[index]  # a view, or a sparse matrix's rows
    if len(index) < len(out):
        out = out[: len(index)]
    # mode="clip" (the indices are valid anyway) avoids the bounds-checked
    # copy through a temporary that mode="raise" makes when out is given:
    # 4x faster for a batch of 256 x 100.
    return A.take(index, axis=0, out=out, mode="clip")


def _validation_accuracy(network, flat, X_val, Y_val, sw_val):
    """The head's score (a classifier's accuracy) on held-out data; NaN if diverged."""
    output = network.predict_output(flat, X_val)
    if not np.isfinite(output).all():
        return np.nan
    return network.head.score(output, Y_val, sw_val)


def _diverged(epoch, what, config_hint):
    return TrainingDivergedError(
        f"Training diverged at epoch {epoch}: the {what} became non-finite. "
        f"Lower {config_hint}, or scale the inputs (for example with "
        "StandardScaler)."
    )


class StochasticTrainer:
    """Runs epochs of (network, optimizer, style) on a flat parameter vector."""

    def __init__(self, network, optimizer, style, penalty, config, divergence_hint):
        self.network = network
        self.optimizer = optimizer
        self.style = style
        self.penalty = penalty
        self.config = config
        self.divergence_hint = divergence_hint

    def _step(self, flat, grad, update, Xb, Yb, swb):
        """One minibatch step; returns the value recorded in the loss curve."""
        # The penalized slices of flat / grad / update are made once per run
        # (in ``_bind``): ``flat``, ``grad`` and ``update`` never change.
        style, (pen_slice, w, g, d) = self.style, self._penalized
        loss = self.network.loss_gradient(flat, Xb, Yb, swb, grad)
        if self._fuses_value:
            # The whole step in one pass, which also sums w**2 of the weights
            # it starts from: this step's (L2) penalty, without a pass of its
            # own.
            value = self.penalty.value(w, square_norm=self._fused_step())
            return loss + style.alpha * value
        if self._records_objective:
            # The L1 norm of w, if the last step's after_step computed it.
            value = self.penalty.value(w, self._value_scratch, self._l1_norm)
            loss += style.alpha * value
        if self._fuses_after_step:
            # The whole step in one pass; it returns after_step's result.
            self._l1_norm = self._fused_step()
            return loss
        if self._fused_step is not None:
            # before_optimizer, the optimizer and ``flat -= update`` in one.
            step_size = self._fused_step()
        else:
            style.before_optimizer(w, g)
            step_size = self._optimizer_step()
        if isinstance(step_size, np.ndarray):
            step_size = step_size[pen_slice]
        if self._fused_step is None:
            style.after_optimizer(w, d, self.optimizer.scalar_rate, step_size)
            flat -= update
        self._l1_norm = style.after_step(w, step_size)
        return loss

    def _bind(self, flat, grad, update):
        """Per-run constants of ``_step``: the penalized views, the loss rule,
        the optimizer's step (bound to the run's arrays, fused with the
        style's work around it when that is at most a decay)."""
        layout, cfg, style = self.network.layout, self.config, self.style
        pen = layout.penalized_slice(cfg.penalize_intercepts)
        self._penalized = (pen, flat[pen], grad[pen], update[pen])
        self._records_objective = self.penalty is not None and style.has_objective
        self._l1_norm = None  # nothing known about this run's weights yet
        self._value_scratch = (
            np.empty_like(flat[pen]) if self._records_objective else None
        )
        self._fused_step, self._fuses_after_step = None, False
        self._fuses_value = False
        decay = style.gradient_decay()
        if decay is not NotImplemented and not style.changes_update:
            self._bind_fused_step(flat, grad, update, decay)
        self._optimizer_step = self._fused_step or partial(
            self.optimizer.direction, grad, update, style.needs_step_size
        )

    def _bind_fused_step(self, flat, grad, update, decay):
        """The optimizer bound with the decay before it and ``flat -=
        update`` after it, and with the style's after-step in the same pass
        when the style offers it as an operator (``bound_after_step``) and
        adds no decay before it (the bound passes fuse one or the other).
        With a decay (an L2 penalty), no after-step and a penalty value to
        record, the pass also sums the squares of the weights it decays."""
        style, w = self.style, self._penalized[1]
        if decay is not None:
            decay = (w.shape[0], decay)
            # (A decay means an L2 part alone: the L1 and group parts are
            # not decays.  The value then needs sum w**2 and nothing else.)
            pure_l2 = not (self.penalty.l1 or self.penalty.group)
            if (
                self._records_objective
                and pure_l2
                and style.bound_after_step(w) is None
            ):
                self._fused_step = self.optimizer.bind_step(
                    grad, update, False, flat, decay, square_norm=True
                )
                self._fuses_value = self._fused_step is not None
        else:
            after = style.bound_after_step(w)
            if after is not None and after is not NotImplemented:
                self._fused_step = self.optimizer.bind_step(
                    grad, update, False, flat, decay, after_step=after
                )
                self._fuses_after_step = self._fused_step is not None
        if self._fused_step is None:
            self._fused_step = self.optimizer.bind_step(
                grad, update, style.needs_step_size, flat, decay
            )

    def _epoch(self, flat, X, Y, sw, sample_idx, scratch):
        grad, update, Xbuf, Ybuf, swbuf = scratch
        order = sample_idx if self.config.shuffle else None
        if order is not None and self._gathers_epoch:
            # The epoch's rows in its order, copied once: its batches are
            # then views of consecutive rows (the same values as a gather
            # per batch, which was 2-3x slower per row within a fit).
            X, Y = _take_rows(X, order, Xbuf), _take_rows(Y, order, Ybuf)
            sw, order = _take_rows(sw, order, swbuf), None
        step = self._step
        accumulated, n_seen = 0.0, 0
        # Batches are precomputed once per run (gen_batches' slices).
        for batch, size in self._batches:
            index = batch if order is None else order[batch]
            swb = None
            if sw is not None:
                swb = _take_rows(sw, index, swbuf)
                if not swb.any():
                    continue  # all weights zero: no mean loss, so no step at all
            Xb, Yb = _take_rows(X, index, Xbuf), _take_rows(Y, index, Ybuf)
            loss = step(flat, grad, update, Xb, Yb, swb)
            accumulated += loss * size
            n_seen += size
        return accumulated / n_seen

    def _scratch(self, flat, X, Y, sw):
        """The gradient, the update, and the rows of a batch (or of an epoch,
        when the epoch's rows are gathered at once: dense X, shuffled, at
        most ``EPOCH_GATHER_BYTES`` of data)."""
        n, dense = X.shape[0], isinstance(X, np.ndarray)
        self._gathers_epoch = dense and self.config.shuffle
        if self._gathers_epoch:
            data_bytes = X.nbytes + Y.nbytes + (0 if sw is None else sw.nbytes)
            self._gathers_epoch = data_bytes <= EPOCH_GATHER_BYTES
        rows = n if self._gathers_epoch else self.config.batch_size
        return (
            np.empty_like(flat),
            np.empty_like(flat),
            np.empty((rows, X.shape[1]), dtype=X.dtype) if dense else None,
            np.empty((rows, Y.shape[1]), dtype=Y.dtype),
            np.empty(rows, dtype=sw.dtype) if sw is not None else None,
        )

    def run(self, flat, X, Y, sw, rng, state, validation=None):
        """Train ``flat`` in place from ``state``; return the updated state.

        ``state`` is a :class:`~sklearn_nnreg._state.FitState` that this run
        owns (the estimator passes a copy): its solver memory is used and
        updated in place.  ``validation`` is ``(X_val, Y_val, sw_val)`` for
        early stopping.  An interrupt (Ctrl-C) during the epochs ends the
        run with the weights reached so far.
        """
        cfg = self.config
        n = X.shape[0]
        sample_idx = np.arange(n, dtype=int)
        scratch = self._scratch(flat, X, Y, sw)
        self._batches = [
            (batch, batch.stop - batch.start)
            for batch in gen_batches(n, cfg.batch_size)
        ]
        self.optimizer.set_state(state.optimizer)
        self.style.state = state.style
        self._bind(flat, scratch[0], scratch[1])  # binds the state's arrays
        state.n_iter = 0
        try:
            for _ in range(cfg.max_iter):
                if cfg.shuffle:
                    # As sklearn.utils.shuffle does: permute the current order.
                    permutation = np.arange(n)
                    rng.shuffle(permutation)
                    sample_idx = sample_idx[permutation]
                loss = self._epoch(flat, X, Y, sw, sample_idx, scratch)
                if self._end_epoch(state, flat, loss, n, validation):
                    break
                if cfg.incremental:
                    break
                self._warn_if_max_iter(state)
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=4)
        state.optimizer = self.optimizer.get_state()
        if cfg.early_stopping:
            flat[...] = state.best_params
        return state

    def _warn_if_max_iter(self, state):
        max_iter = self.config.max_iter
        if state.n_iter == max_iter:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=5,
            )

    def _end_epoch(self, state, flat, loss, n_samples, validation):
        """Book-keeping after an epoch; True when the stopping rule fires."""
        cfg = self.config
        state.n_iter += 1
        state.t += n_samples
        if not np.isfinite(loss) or not np.isfinite(flat).all():
            what = "loss" if not np.isfinite(loss) else "weights"
            raise _diverged(state.n_iter, what, self.divergence_hint)
        state.loss = loss
        state.loss_curve.append(loss)
        if cfg.verbose:
            self._print_progress(state, flat)
        self._update_no_improvement(state, flat, validation)
        self.optimizer.iteration_ends(state.t)
        if state.no_improvement_count > cfg.n_iter_no_change:
            if self._plateau_ends_fit():
                return True
            state.no_improvement_count = 0
        return False

    def _plateau_ends_fit(self):
        """The stopping rule, after n_iter_no_change epochs with no progress.

        The fit stops, unless the optimizer's schedule adapts to plateaus
        (sgd's 'adaptive', as in MLPClassifier): then the rate is divided by 5
        until it falls to 1e-6 or below.
        """
        optimizer = self.optimizer
        if not optimizer.adapts_on_plateau:
            stop, outcome = True, " Stopping."
        elif optimizer.learning_rate <= 1e-6:
            stop, outcome = True, " Learning rate too small. Stopping."
        else:
            optimizer.lower_learning_rate()
            rate = optimizer.learning_rate
            stop, outcome = False, f" Setting learning rate to {rate:f}"
        if self.config.verbose:
            print(self._stop_message() + outcome)
        return stop

    def _print_progress(self, state, flat):
        line = f"Iteration {state.n_iter}, loss = {state.loss:.8f}"
        if self.penalty is not None and self.penalty.makes_zeros:
            coefs = flat[: self.network.layout.n_coef]
            line += f", exact zeros = {100.0 * np.mean(coefs == 0):.2f}%"
        print(line)

    def _stop_message(self):
        cfg = self.config
        what = "Validation score" if cfg.early_stopping else "Training loss"
        return (
            f"{what} did not improve more than tol={cfg.tol:f} for "
            f"{cfg.n_iter_no_change} consecutive epochs."
        )

    def _update_no_improvement(self, state, flat, validation):
        tol = self.config.tol
        if validation is not None:
            score = _validation_accuracy(self.network, flat, *validation)
            state.validation_scores.append(score)
            if self.config.verbose:
                print(f"Validation score: {score:f}")
            if score < state.best_validation_score + tol:
                state.no_improvement_count += 1
            else:
                state.no_improvement_count = 0
            if score > state.best_validation_score:
                state.best_validation_score = score
                state.best_params = flat.copy()
            return
        if state.loss_curve[-1] > state.best_loss - tol:
            state.no_improvement_count += 1
        else:
            state.no_improvement_count = 0
        if state.loss_curve[-1] < state.best_loss:
            state.best_loss = state.loss_curve[-1]
