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


class Style:
    """Base class: a style that does nothing at every position."""

    #: Whether ``loss_curve_`` holds data loss + alpha * R (else data loss).
    has_objective = True
    #: Whether the step size h must be computed by the optimizer.
    needs_step_size = False

    def __init__(self, penalty, alpha, learning_rate_init):
        self.penalty = penalty
        self.alpha = float(alpha)
        self.learning_rate_init = float(learning_rate_init)
        self.state = {}

    def init_state(self, n_penalized, dtype, per_coordinate):
        self.state = {}

    def before_optimizer(self, w, g):
        pass

    def after_optimizer(self, w, delta, rate, h):
        pass

    def after_step(self, w, h):
        pass


class Gradient(Style):
    """``g += alpha * dR(w)``: the penalty is part of the objective."""

    def before_optimizer(self, w, g):
        self.penalty.add_gradient(w, g, self.alpha)


class Decoupled(Style):
    """A shrink of ``s_t * alpha * dR(w_old)`` per step, s_t = rate / rate_init."""

    has_objective = False

    def after_optimizer(self, w, delta, rate, h):
        self.penalty.add_gradient(w, delta, self.alpha * rate / self.learning_rate_init)


class Multiplicative(Style):
    """``w <- alpha * w_old - Delta(g)``: alpha is the fraction kept per step."""

    has_objective = False

    def after_optimizer(self, w, delta, rate, h):
        delta += (1.0 - self.alpha) * w


class Proximal(Style):
    """``w <- prox_{h alpha R}(w - Delta(g))``: exact zeros for L1."""

    needs_step_size = True

    def after_step(self, w, h):
        self.penalty.prox(w, h * self.alpha)


class Cumulative(Style):
    """Cumulative L1 penalty with clipping (Tsuruoka et al., 2009).

    ``u`` is the total L1 shrink every weight should have received so far and
    ``q[i]`` what weight i actually received; after each step a weight moves
    toward zero by what it still owes, never across zero.  The L2 part of an
    elastic net is a factor ``max(0, 1 - h * alpha * l2)`` on the old weights.
    """

    needs_step_size = True

    def init_state(self, n_penalized, dtype, per_coordinate):
        u_shape = (n_penalized,) if per_coordinate else ()
        self.state = {
            "u": np.zeros(u_shape, dtype=np.float64),
            "q": np.zeros(n_penalized, dtype=np.float64),
        }

    def after_optimizer(self, w, delta, rate, h):
        if self.penalty.l2:
            factor = np.maximum(0.0, 1.0 - h * self.alpha * self.penalty.l2)
            delta += (1.0 - factor) * w

    def after_step(self, w, h):
        u, q = self.state["u"], self.state["q"]
        u += h * self.alpha * self.penalty.l1
        before = w.copy()
        positive = before > 0
        negative = before < 0
        pulled = np.where(
            positive,
            np.maximum(0.0, before - (u + q)),
            np.where(negative, np.minimum(0.0, before + (u - q)), before),
        )
        w[...] = pulled
        q += pulled - before


STYLES = {
    "gradient": Gradient,
    "decoupled": Decoupled,
    "multiplicative": Multiplicative,
    "proximal": Proximal,
    "cumulative": Cumulative,
}
