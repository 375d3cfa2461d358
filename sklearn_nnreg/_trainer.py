"""The training loops: epochs of minibatch steps, stopping, and L-BFGS.

The stochastic loop follows ``MLPClassifier._fit_stochastic`` draw for draw
(the same shuffles from the same random state, the same batches, the same
stopping rule), but its step is the penalty-agnostic step of ``_styles``.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
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
    if isinstance(index, slice):
        return A[index]
    if sp.issparse(A):
        return A[index]
    rows = out[: len(index)] if out is not None else None
    return np.take(A, index, axis=0, out=rows)


def _validation_accuracy(network, flat, X_val, Y_val, sw_val):
    """Accuracy of the current weights on held-out data, with no validation."""
    output = network.predict_output(flat, X_val)
    if not np.isfinite(output).all():
        return np.nan
    if network.out_activation == "softmax":
        correct = output.argmax(axis=1) == Y_val.argmax(axis=1)
    else:
        correct = ((output > 0.5) == (Y_val > 0.5)).all(axis=1)
    return float(np.average(correct, weights=sw_val))


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
        net, style, penalty = self.network, self.style, self.penalty
        pen_slice = net.layout.penalized_slice(self.config.penalize_intercepts)
        loss = net.loss_gradient(flat, Xb, Yb, swb, grad)
        w = flat[pen_slice]
        if penalty is not None and style.has_objective:
            loss += style.alpha * penalty.value(w)
        style.before_optimizer(w, grad[pen_slice])
        h = self.optimizer.direction(grad, delta, style.needs_step_size)
        if isinstance(h, np.ndarray):
            h = h[pen_slice]
        style.after_optimizer(w, delta[pen_slice], self.optimizer.scalar_rate, h)
        flat -= delta
        style.after_step(w, h)
        return loss

    def _epoch(self, flat, X, Y, sw, sample_idx, scratch):
        n = X.shape[0]
        grad, delta, Xbuf, Ybuf, swbuf = scratch
        accumulated = 0.0
        for batch in gen_batches(n, self.config.batch_size):
            index = sample_idx[batch] if self.config.shuffle else batch
            loss = self._step(
                flat,
                grad,
                delta,
                _take_rows(X, index, Xbuf),
                _take_rows(Y, index, Ybuf),
                _take_rows(sw, index, swbuf),
                )
            accumulated += loss * (batch.stop - batch.start)
        return accumulated / n

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
        progress.n_iter = 0
        try:
            for _ in range(cfg.max_iter):
                if cfg.shuffle:
                    # As sklearn.utils.shuffle does: permute the current order.
                    permutation = np.arange(n)
                    rng.shuffle(permutation)
                    sample_idx = sample_idx[permutation]
                loss = self._epoch(flat, X, Y, sw, sample_idx, scratch)
                progress.n_iter += 1
                progress.t += n
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
                        break
                    progress.no_improvement_count = 0
                if cfg.incremental:
                    break
                if progress.n_iter == cfg.max_iter:
                    warnings.warn(
                        "Stochastic Optimizer: Maximum iterations (%d) reached and "
                        "the optimization hasn't converged yet." % cfg.max_iter,
                        ConvergenceWarning,
                        stacklevel=4,
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=4)
        if cfg.early_stopping:
            flat[...] = progress.best_params

    def _print_progress(self, progress, flat):
        line = "Iteration %d, loss = %.8f" % (progress.n_iter, progress.loss)
        if self.penalty is not None and self.penalty.l1:
            coefs = flat[: self.network.layout.n_coef]
            line += ", exact zeros = %.2f%%" % (100.0 * np.mean(coefs == 0))
        print(line)

    def _stop_message(self):
        cfg = self.config
        what = "Validation score" if cfg.early_stopping else "Training loss"
        return "%s did not improve more than tol=%f for %d consecutive epochs." % (
            what,
            cfg.tol,
            cfg.n_iter_no_change,
        )

    def _update_no_improvement(self, progress, flat, validation):
        tol = self.config.tol
        if validation is not None:
            score = _validation_accuracy(self.network, flat, *validation)
            progress.validation_scores.append(score)
            if self.config.verbose:
                print("Validation score: %f" % score)
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


def fit_lbfgs(network, flat, X, Y, sw, penalty, alpha, penalize_intercepts, options):
    """Minimise data loss + alpha * R with scipy's L-BFGS-B; return the result.

    ``options`` holds ``maxiter``, ``maxfun`` and ``gtol``.  Only smooth
    penalties (``None`` or L2) reach here.
    """
    dtype = flat.dtype
    grad = np.empty_like(flat)
    pen_slice = network.layout.penalized_slice(penalize_intercepts)

    def objective(x):
        params = x.astype(dtype, copy=False)
        loss = network.loss_gradient(params, X, Y, sw, grad)
        if penalty is not None and alpha:
            loss += alpha * penalty.value(params[pen_slice])
            penalty.add_gradient(params[pen_slice], grad[pen_slice], alpha)
        return loss, grad.astype(np.float64)

    with np.errstate(over="ignore"):
        result = scipy.optimize.minimize(
            objective, flat.astype(np.float64), method="L-BFGS-B", jac=True,
            options=options,
        )
    if not result.success:
        warnings.warn(
            "lbfgs failed to converge after %d iteration(s) (status=%d): %s. "
            "Increase max_iter or max_fun, or scale the data."
            % (result.nit, result.status, result.message),
            ConvergenceWarning,
            stacklevel=4,
        )
    return result
