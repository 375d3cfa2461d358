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
Styles with memory keep it in ``state``, a dict of plain arrays.
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
        self.state = {}
        self._make_scratch(n_penalized, dtype)

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

    Under adam h is an array of the weights' dtype (one step per coordinate).
    """

    needs_step_size = True

    def after_step(self, w, h):
        # One fused pass (the compiled loop; numpy's work arrays otherwise).
        penalty = self.penalty
        _kernels.soft_threshold(w, h, self.alpha, penalty.l1, penalty.l2, self.scratch)


class Cumulative(Style):
    """Cumulative L1 penalty with clipping (Tsuruoka et al., 2009).

    ``u`` is the total L1 shrink every weight should have received so far and
    ``q[i]`` what weight i actually received; after each step a weight moves
    toward zero by what it still owes, never across zero.  The L2 part of an
    elastic net is a factor ``max(0, 1 - h * alpha * l2)`` on the old weights.

    u and q are float64 whatever the weights' dtype: both are running sums
    over every step, and the amount a weight still owes, ``u + q``, is the
    small difference of two such large sums; in float32 its rounding error
    (about 6e-8 u) would outgrow a step's shrink after some 1e5 steps.
    """

    needs_step_size = True

    def init_state(self, n_penalized, dtype, per_coordinate):
        u_shape = (n_penalized,) if per_coordinate else ()
        self.state = {
            "u": np.zeros(u_shape, dtype=np.float64),
            "q": np.zeros(n_penalized, dtype=np.float64),
        }
        self._make_scratch(n_penalized, dtype)

    def after_optimizer(self, w, delta, rate, h):
        if not self.penalty.l2:
            return
        # (1 - max(0, 1 - h alpha l2)) * w added to delta, in one pass.
        _kernels.l2_shrink(delta, w, h, self.alpha, self.penalty.l2, self.scratch)

    def after_step(self, w, h):
        # u's increase and the clipped pull of every weight, in one pass.
        u, q = self.state["u"], self.state["q"]
        l1 = self.penalty.l1
        _kernels.cumulative_pull(w, u, q, h, self.alpha, l1, self.scratch)


STYLES = {
    "gradient": Gradient,
    "decoupled": Decoupled,
    "multiplicative": Multiplicative,
    "proximal": Proximal,
    "cumulative": Cumulative,
}
