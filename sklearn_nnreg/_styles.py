"""Penalty styles: where a penalty enters one optimizer step.

One step of every stochastic fit is::

    g      = data gradient                         (backprop)
    style.before_optimizer(w, g)                   'gradient'
    delta  = optimizer.direction(g)                (sgd / adam; w -= delta)
    style.after_optimizer(w, delta, rate, h)       'decoupled', 'multiplicative',
                                                   L2 part of 'cumulative'
    w     -= delta
    style.after_step(w, h)                         'proximal', 'cumulative'

``w``, ``g`` and ``delta`` are the penalized slices of the flat vectors (views),
``rate`` is the current scalar learning rate and ``h`` the step size (scalar for
sgd, per coordinate for adam; ``None`` unless ``needs_step_size``).
Styles with memory keep it in ``state``, a dict of plain arrays made by
``init_state`` (the estimator keeps it between calls in its ``FitState``).
"""

import numpy as np

from . import _kernels


class Style:
    """Base class: a style that does nothing at every position."""

    #: Whether ``loss_curve_`` holds data loss + alpha * R (else data loss).
    has_objective = True
    #: Whether the step size h must be computed by the optimizer.
    needs_step_size = False
    #: Scratch arrays shaped like the penalized slice (made once per fit, so
    #: that no step allocates): their dtypes, 'w' for the weights' dtype.
    scratch_dtypes = ()

    def __init__(self, penalty, alpha, learning_rate_init):
        self.penalty = penalty
        self.alpha = float(alpha)
        self.learning_rate_init = float(learning_rate_init)
        self.state = {}
        self.scratch = []

    def init_state(self, n_penalized, dtype, per_coordinate):
        """Fresh memory (returned, and held in ``state``); makes the scratch."""
        self.state = {}
        self._make_scratch(n_penalized, dtype)
        return self.state

    def _make_scratch(self, n_penalized, dtype):
        # Not part of ``state``: scratch is never saved with the estimator.
        self.scratch = [
            np.empty(n_penalized, dtype=dtype if kind == "w" else kind)
            for kind in self.scratch_dtypes
        ]

    def before_optimizer(self, w, g):
        pass

    def after_optimizer(self, w, delta, rate, h):
        pass

    def after_step(self, w, h):
        pass


class Gradient(Style):
    """``g += alpha * dR(w)``: the penalty is part of the objective."""

    scratch_dtypes = ("w",)

    def before_optimizer(self, w, g):
        self.penalty.add_gradient(w, g, self.alpha, self.scratch[0])


class Decoupled(Style):
    """A shrink of ``s_t * alpha * dR(w_old)`` per step, s_t = rate / rate_init."""

    has_objective = False
    scratch_dtypes = ("w",)

    def after_optimizer(self, w, delta, rate, h):
        scale = self.alpha * rate / self.learning_rate_init
        self.penalty.add_gradient(w, delta, scale, self.scratch[0])


class Multiplicative(Style):
    """``w <- alpha * w_old - Delta(g)``: alpha is the fraction kept per step."""

    has_objective = False
    scratch_dtypes = ("w",)

    def after_optimizer(self, w, delta, rate, h):
        _kernels.axpy(delta, 1.0 - self.alpha, w, self.scratch[0])


class Proximal(Style):
    """``w <- prox_{h alpha R}(w - Delta(g))``: exact zeros for L1.

    Under adam h is a float64 array (one step per coordinate).
    """

    needs_step_size = True
    scratch_dtypes = ("w", np.float64, np.float64)

    def after_step(self, w, h):
        if isinstance(h, np.ndarray):
            threshold = np.multiply(h, self.alpha, out=self.scratch[2])
        else:
            threshold = h * self.alpha
        self.penalty.prox(w, threshold, self.scratch[:2])


class Cumulative(Style):
    """Cumulative L1 penalty with clipping (Tsuruoka et al., 2009).

    ``u`` is the total L1 shrink every weight should have received so far and
    ``q[i]`` what weight i actually received; after each step a weight moves
    toward zero by what it still owes, never across zero.  The L2 part of an
    elastic net is a factor ``max(0, 1 - h * alpha * l2)`` on the old weights.
    """

    needs_step_size = True
    # The weights before the pull, then float64 work arrays (u and q are
    # float64 whatever the weights' dtype), then the two sign masks.
    scratch_dtypes = ("w", np.float64, np.float64, np.float64, bool, bool)

    def init_state(self, n_penalized, dtype, per_coordinate):
        u_shape = (n_penalized,) if per_coordinate else ()
        self.state = {
            "u": np.zeros(u_shape, dtype=np.float64),
            "q": np.zeros(n_penalized, dtype=np.float64),
        }
        self._make_scratch(n_penalized, dtype)
        return self.state

    def after_optimizer(self, w, delta, rate, h):
        if not self.penalty.l2:
            return
        if not isinstance(h, np.ndarray):
            factor = max(0.0, 1.0 - h * self.alpha * self.penalty.l2)
            _kernels.axpy(delta, 1.0 - factor, w, self.scratch[0])
            return
        # (1 - max(0, 1 - h alpha l2)) * w, computed in one float64 array.
        shrink = np.multiply(h, self.alpha, out=self.scratch[1])
        shrink *= self.penalty.l2
        np.subtract(1.0, shrink, out=shrink)
        np.maximum(0.0, shrink, out=shrink)
        np.subtract(1.0, shrink, out=shrink)
        shrink *= w
        delta += shrink

    def after_step(self, w, h):
        u, q = self.state["u"], self.state["q"]
        before, owed_pos, owed_neg, pulled, positive, negative = self.scratch
        if isinstance(h, np.ndarray):
            step = np.multiply(h, self.alpha, out=pulled)
            step *= self.penalty.l1
            u += step
        else:
            u += h * self.alpha * self.penalty.l1
        np.copyto(before, w)
        np.greater(before, 0, out=positive)
        np.less(before, 0, out=negative)
        # A positive weight goes to max(0, w - (u + q)), a negative one to
        # min(0, w + (u - q)); a zero stays.
        np.add(u, q, out=owed_pos)
        np.subtract(before, owed_pos, out=owed_pos)
        np.maximum(0.0, owed_pos, out=owed_pos)
        np.subtract(u, q, out=owed_neg)
        np.add(before, owed_neg, out=owed_neg)
        np.minimum(0.0, owed_neg, out=owed_neg)
        np.copyto(pulled, before)
        np.copyto(pulled, owed_pos, where=positive)
        np.copyto(pulled, owed_neg, where=negative)
        np.copyto(w, pulled, casting="same_kind")
        q += np.subtract(pulled, before, out=pulled)


STYLES = {
    "gradient": Gradient,
    "decoupled": Decoupled,
    "multiplicative": Multiplicative,
    "proximal": Proximal,
    "cumulative": Cumulative,
}
