"""The stochastic training loop: epochs of minibatch steps and stopping.

The stochastic loop follows ``MLPClassifier._fit_stochastic`` draw for draw
(the same shuffles from the same random state, the same batches, the same
stopping rule), but its step is the penalty-agnostic step of ``_styles``.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches


class TrainingDivergedError(ValueError, ArithmeticError):
    """Raised when the loss or the weights of a fit stop being finite."""


@dataclass
class Progress:
    """Book-keeping carried from fit to fit (warm start, partial_fit)."""

    n_iter: int = 0
    t: int = 0
    loss: float = np.inf
    loss_curve: list = field(default_factory=list)
    best_loss: float | None = np.inf
    no_improvement_count: int = 0
    validation_scores: list | None = None
    best_validation_score: float | None = None
    best_params: np.ndarray | None = None


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

    def _step(self, flat, grad, delta, Xb, Yb, swb):
        """One minibatch step; returns the value recorded in the loss curve."""
        # The penalized slices of flat / grad / delta are made once per run
        # (in ``_bind``): ``flat``, ``grad`` and ``delta`` never change.
        style, (pen_slice, w, g, d) = self.style, self._penalized
        loss = self.network.loss_gradient(flat, Xb, Yb, swb, grad)
        if self._records_objective:
            loss += style.alpha * self.penalty.value(w, self._value_scratch)
        style.before_optimizer(w, g)
        h = self.optimizer.direction(grad, delta, style.needs_step_size)
        if isinstance(h, np.ndarray):
            h = h[pen_slice]
        style.after_optimizer(w, d, self.optimizer.scalar_rate, h)
        flat -= delta
        style.after_step(w, h)
        return loss

    def _bind(self, flat, grad, delta):
        """Per-run constants of ``_step``: the penalized views, the loss rule."""
        layout, cfg = self.network.layout, self.config
        pen = layout.penalized_slice(cfg.penalize_intercepts)
        self._penalized = (pen, flat[pen], grad[pen], delta[pen])
        self._records_objective = self.penalty is not None and self.style.has_objective
        self._value_scratch = (
            np.empty_like(flat[pen]) if self._records_objective else None
        )

    def _epoch(self, flat, X, Y, sw, sample_idx, scratch):
        grad, delta, Xbuf, Ybuf, swbuf = scratch
        shuffle, step = self.config.shuffle, self._step
        accumulated = 0.0
        # Batches are precomputed once per run (gen_batches' slices).
        for batch, size in self._batches:
            index = sample_idx[batch] if shuffle else batch
            loss = step(
                flat,
                grad,
                delta,
                _take_rows(X, index, Xbuf),
                _take_rows(Y, index, Ybuf),
                _take_rows(sw, index, swbuf),
            )
            accumulated += loss * size
        return accumulated / X.shape[0]

    def _scratch(self, flat, X, Y, sw):
        bs = self.config.batch_size
        dense = not sp.issparse(X)
        return (
            np.empty_like(flat),
            np.empty_like(flat),
            np.empty((bs, X.shape[1]), dtype=X.dtype) if dense else None,
            np.empty((bs, Y.shape[1]), dtype=Y.dtype),
            np.empty(bs, dtype=sw.dtype) if sw is not None else None,
        )

    def run(self, flat, X, Y, sw, rng, progress, validation=None):
        """Train ``flat`` in place; update ``progress``.

        ``validation`` is ``(X_val, Y_val, sw_val)`` for early stopping.
        """
        cfg = self.config
        n = X.shape[0]
        sample_idx = np.arange(n, dtype=int)
        scratch = self._scratch(flat, X, Y, sw)
        self._bind(flat, scratch[0], scratch[1])
        self._batches = [
            (batch, batch.stop - batch.start)
            for batch in gen_batches(n, cfg.batch_size)
        ]
        progress.n_iter = 0
        try:
            for _ in range(cfg.max_iter):
                if cfg.shuffle:
                    # As sklearn.utils.shuffle does: permute the current order.
                    permutation = np.arange(n)
                    rng.shuffle(permutation)
                    sample_idx = sample_idx[permutation]
                loss = self._epoch(flat, X, Y, sw, sample_idx, scratch)
                if self._end_epoch(progress, flat, loss, n, validation):
                    break
                if cfg.incremental:
                    break
                if progress.n_iter == cfg.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({cfg.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                        stacklevel=4,
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=4)
        if cfg.early_stopping:
            flat[...] = progress.best_params

    def _end_epoch(self, progress, flat, loss, n_samples, validation):
        """Book-keeping after an epoch; True when the stopping rule fires."""
        cfg = self.config
        progress.n_iter += 1
        progress.t += n_samples
        if not np.isfinite(loss) or not np.isfinite(flat).all():
            what = "loss" if not np.isfinite(loss) else "weights"
            raise _diverged(progress.n_iter, what, self.divergence_hint)
        progress.loss = loss
        progress.loss_curve.append(loss)
        if cfg.verbose:
            self._print_progress(progress, flat)
        self._update_no_improvement(progress, flat, validation)
        self.optimizer.iteration_ends(progress.t)
        if progress.no_improvement_count > cfg.n_iter_no_change:
            if self.optimizer.trigger_stopping(self._stop_message(), cfg.verbose):
                return True
            progress.no_improvement_count = 0
        return False

    def _print_progress(self, progress, flat):
        line = f"Iteration {progress.n_iter}, loss = {progress.loss:.8f}"
        if self.penalty is not None and self.penalty.l1:
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

    def _update_no_improvement(self, progress, flat, validation):
        tol = self.config.tol
        if validation is not None:
            score = _validation_accuracy(self.network, flat, *validation)
            progress.validation_scores.append(score)
            if self.config.verbose:
                print(f"Validation score: {score:f}")
            if score < progress.best_validation_score + tol:
                progress.no_improvement_count += 1
            else:
                progress.no_improvement_count = 0
            if score > progress.best_validation_score:
                progress.best_validation_score = score
                progress.best_params = flat.copy()
            return
        if progress.loss_curve[-1] > progress.best_loss - tol:
            progress.no_improvement_count += 1
        else:
            progress.no_improvement_count = 0
        if progress.loss_curve[-1] < progress.best_loss:
            progress.best_loss = progress.loss_curve[-1]
