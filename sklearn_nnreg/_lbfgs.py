"""Full-batch training with scipy's L-BFGS-B, smooth and L1 penalties alike.

L-BFGS-B needs a smooth objective.  For a penalty with an L1 part, each
penalized weight is split into a positive and a negative part,
``w = p - n`` with bounds ``p, n >= 0``: then ``sum|w| = sum(p + n)`` at the
optimum (where at most one of p, n is non-zero) and the L1 term becomes
linear and smooth.  The bounds make L-BFGS-B's active set hold weights at
exactly zero, so the result has exact zeros.
"""

import warnings

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning


class _Objective:
    """L + alpha R as a function of L-BFGS-B's variables.

    Without an L1 part the variables are the flat parameters themselves;
    with one they are ``[p, n, rest]``, the penalized slice split in two.
    """

    def __init__(self, network, X, Y, sw, penalty, alpha, pen_slice, dtype):
        self.network, self.X, self.Y, self.sw = network, X, Y, sw
        self.penalty, self.alpha = penalty, float(alpha)
        self.split = penalty is not None and bool(penalty.l1) and self.alpha > 0
        self.dtype = dtype
        size = network.layout.size
        self.n_pen = size if pen_slice.stop is None else pen_slice.stop
        self.flat = np.empty(size, dtype=dtype)
        self.grad = np.empty(size, dtype=dtype)

    def to_variables(self, flat):
        if not self.split:
            return flat.astype(np.float64)
        w = flat[: self.n_pen].astype(np.float64)
        rest = flat[self.n_pen :].astype(np.float64)
        return np.concatenate([np.maximum(w, 0), np.maximum(-w, 0), rest])

    def to_flat(self, x, out):
        if not self.split:
            out[...] = x
            return out
        k = self.n_pen
        out[:k] = x[:k] - x[k : 2 * k]
        out[k:] = x[2 * k :]
        return out

    def bounds(self):
        if not self.split:
            return None
        k = self.n_pen
        free = self.network.layout.size - k
        return [(0.0, None)] * (2 * k) + [(None, None)] * free

    def __call__(self, x):
        flat = self.to_flat(x, self.flat)
        loss = self.network.loss_gradient(flat, self.X, self.Y, self.sw, self.grad)
        if self.penalty is None or not self.alpha:
            return loss, self.grad.astype(np.float64)
        k, pen = self.n_pen, self.penalty
        w, g = flat[:k], self.grad[:k]
        if not self.split:
            loss += self.alpha * pen.value(w)
            pen.add_gradient(w, g, self.alpha)
            return loss, self.grad.astype(np.float64)
        # R = l1 * sum(p + n) + l2 * 1/2 ||p - n||^2 in the split variables.
        loss += self.alpha * (
            pen.l1 * float(x[: 2 * k].sum()) + pen.l2 * 0.5 * float(w @ w)
        )
        g_w = g.astype(np.float64) + self.alpha * pen.l2 * w
        constant = self.alpha * pen.l1
        return loss, np.concatenate(
            [g_w + constant, constant - g_w, self.grad[k:].astype(np.float64)]
        )


def fit_lbfgs(network, flat, X, Y, sw, penalty, alpha, pen_slice, options):
    """Minimise data loss + alpha * R over ``flat`` (in place).

    Parameters
    ----------
    network : Network
    flat : ndarray, the starting parameters; overwritten with the result
    X, Y, sw : training data, float targets and sample weights (or None)
    penalty : Penalty or None
    alpha : float
    pen_slice : slice of ``flat`` the penalty acts on
    options : dict with ``maxiter``, ``maxfun`` and ``gtol``

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        With ``fun`` the final objective and ``nit`` the iterations.
    """
    objective = _Objective(network, X, Y, sw, penalty, alpha, pen_slice, flat.dtype)
    with np.errstate(over="ignore"):
        result = scipy.optimize.minimize(
            objective,
            objective.to_variables(flat),
            method="L-BFGS-B",
            jac=True,
            bounds=objective.bounds(),
            options=options,
        )
    if not result.success:
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iteration(s) "
            f"(status={result.status}): {result.message}. "
            "Increase max_iter or max_fun, or scale the data.",
            ConvergenceWarning,
            stacklevel=4,
        )
    objective.to_flat(result.x, flat)
    return result
