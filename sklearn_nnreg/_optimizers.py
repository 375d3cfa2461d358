"""Stochastic optimizers over one flat parameter vector.

An optimizer turns a gradient into ``update``, the amount subtracted from the
parameters, and reports the step size ``step_size`` it used: the scalar
learning rate for sgd (``lr / (1 - momentum)`` with momentum, the
steady-state step), the per-coordinate ``lr_t / (sqrt(v) + epsilon)`` for
adam.  It knows nothing about penalties, stopping or printing.  Its state is
a dict of plain arrays and floats (``get_state`` / ``set_state``) so that an
estimator can keep it between ``partial_fit`` calls and pickle it cleanly.

The arithmetic follows ``sklearn.neural_network._stochastic_optimizers`` so
that the two produce the same iterates.
"""

import math

import numpy as np

from . import _kernels


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum and schedules."""

    per_coordinate_step = False

    def __init__(
        self, size, dtype, learning_rate_init, schedule, momentum, nesterov, power_t
    ):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = float(momentum)
        self.nesterov = nesterov
        self.power_t = power_t
        self.size, self.dtype = size, dtype
        # Fresh memory; a fit binds its FitState's instead (set_state).
        self.set_state(self.init_state())
        # Nesterov's lr * grad term, without a new array at every step.
        self._scratch = (
            np.empty(size, dtype=dtype) if self.momentum and nesterov else None
        )

    @property
    def scalar_rate(self):
        """The current scalar rate eta_t: the schedule's rate."""
        return self.learning_rate

    def direction(self, grad, update, need_step_size=False):
        """Write the subtracted update into ``update``; return the step size."""
        lr = self.learning_rate
        if self.velocity is None:
            np.multiply(grad, lr, out=update)
            return lr
        # velocity <- momentum * velocity - lr * grad; the step adds velocity,
        # or for Nesterov momentum * velocity - lr * grad: ``update`` holds
        # its negation, since the trainer subtracts it.
        np.multiply(grad, lr, out=update)
        self.velocity *= self.momentum
        self.velocity -= update
        if self.nesterov:
            np.multiply(self.velocity, -self.momentum, out=update)
            update += np.multiply(grad, lr, out=self._scratch)
        else:
            np.negative(self.velocity, out=update)
        # In steady state (heavy ball and Nesterov alike) the velocity moves a
        # weight by lr / (1 - momentum) times its gradient: that is the step
        # size a proximal or cumulative penalty must use for alpha to keep
        # objective units (a fixed point then minimises L + alpha R).
        return lr / (1.0 - self.momentum) if self.momentum < 1 else lr

    def bind_step(
        self, grad, update, need_step_size, params=None, decay=None, after_step=None,
        square_norm=False,
    ):  # fmt: skip
        """:meth:`direction` on these arrays, bound once (compiled), or None.

        The same contract as :meth:`Adam.bind_step`: a function of no
        arguments that takes the step at the current ``learning_rate`` (read
        at each step: the schedules change it) and returns the step size
        :meth:`direction` returns; with ``params`` it also adds the decay
        first and subtracts the update from ``params`` last, and runs
        ``after_step`` with that step size (the function then returns what
        it returns), or with ``square_norm`` returns the decayed weights'
        sum of squares before the step.  The velocity is bound: bind again
        after :meth:`set_state`.
        """
        n_decay, coefficient = decay if decay is not None else (0, None)
        kernel = _kernels.bind_sgd(
            grad, self.velocity, update, params, n_decay, coefficient,
            self.momentum, self.nesterov, after_step, square_norm,
        )  # fmt: skip
        if kernel is None:
            return None
        kernel_step = kernel.step
        # direction's step size: lr, or lr / (1 - momentum) with momentum.
        steady = self.velocity is not None and self.momentum < 1
        denominator = 1.0 - self.momentum if steady else 1.0
        optimizer = self

        def step():
            lr = optimizer.learning_rate
            kernel_step(lr)
            return lr / denominator if steady else lr

        def step_with_after_step():
            lr = optimizer.learning_rate
            return kernel_step(lr, lr / denominator if steady else lr)

        if after_step is None and not square_norm:
            return step
        return step_with_after_step

    def iteration_ends(self, time_step):
        if self.schedule == "invscaling":
            decay = (time_step + 1) ** self.power_t
            self.learning_rate = self.learning_rate_init / decay

    @property
    def adapts_on_plateau(self):
        """Whether a plateau lowers the rate (the 'adaptive' schedule)."""
        return self.schedule == "adaptive"

    def lower_learning_rate(self):
        """The 'adaptive' schedule's answer to a plateau: divide the rate by 5."""
        self.learning_rate /= 5.0

    def init_state(self):
        """Fresh memory: the initial rate, and a zero velocity with momentum."""
        velocity = np.zeros(self.size, dtype=self.dtype) if self.momentum else None
        return {"learning_rate": self.learning_rate_init, "velocity": velocity}

    def get_state(self):
        return {"learning_rate": self.learning_rate, "velocity": self.velocity}

    def set_state(self, state):
        """Continue from ``state`` (its arrays are used, and updated, in place)."""
        self.learning_rate = state["learning_rate"]
        self.velocity = state["velocity"]


class Adam:
    """Adam (Kingma and Ba, 2014) as in scikit-learn's MLP."""

    per_coordinate_step = True

    def __init__(self, size, dtype, learning_rate_init, beta_1, beta_2, epsilon):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.size, self.dtype = size, dtype
        # Fresh memory; a fit binds its FitState's instead (set_state).
        self.set_state(self.init_state())
        self._denominator = np.empty(size, dtype=dtype)
        self._step_size = None  # made on the first step that asks for it

    @property
    def scalar_rate(self):
        """The scalar rate eta_t of adam: ``learning_rate_init``."""
        return self.learning_rate_init

    def direction(self, grad, update, need_step_size=False):
        """Write the subtracted update into ``update``; return the step size.

        The step size is only computed when asked for, in the same pass as
        the moments, into an array of the weights' dtype reused from step to
        step (``rate / (sqrt(v) + epsilon)`` in that dtype); the update is
        then ``m * step_size`` (see ``_kernels.adam``).
        """
        rate = self._next_rate()
        step_size = self._step_size_array() if need_step_size else None
        _kernels.adam(
            grad,
            self.m,
            self.v,
            update,
            self._denominator,
            self.beta_1,
            self.beta_2,
            rate,
            self.epsilon,
            step_size,
        )
        return step_size

    def _next_rate(self):
        """Count the step; its bias-corrected rate (as scikit-learn's)."""
        self.t += 1
        # math.sqrt rounds as np.sqrt does (both IEEE), without a numpy call.
        rate = (
            self.learning_rate_init
            * math.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        self.learning_rate = rate
        return rate

    def _step_size_array(self):
        if self._step_size is None:
            self._step_size = np.empty_like(self.m)
        return self._step_size

    def bind_step(
        self, grad, update, need_step_size, params=None, decay=None, after_step=None,
        square_norm=False,
    ):  # fmt: skip
        """:meth:`direction` on these arrays, bound once (compiled), or None.

        Returns a function of no arguments that takes the step and returns
        the step size (as ``direction(grad, update, need_step_size)``), or
        None when the compiled loops do not take the arrays.  With
        ``params`` (the flat weights) the function also does the training
        step's work around the optimizer, in the same pass: first
        ``grad[:n] += decay * params[:n]`` for the ``n = decay[0]`` penalized
        weights (``decay = (n, c)``; None: nothing added), last ``params -=
        update`` (``update`` is then not written).  ``after_step`` (opaque
        here: an operator on the moved weights that the compiled pass runs,
        as ``_kernels.bind_adam`` says) is given each weight's step size in
        the pass; the function then returns what it returns instead of the
        step size, which is not written.  With ``square_norm`` (and a decay)
        it returns the decayed weights' sum of squares before the step
        instead (see ``_kernels.bind_adam``).  The state's arrays are bound:
        bind again after :meth:`set_state`.
        """
        with_step = need_step_size and after_step is None
        step_size = self._step_size_array() if with_step else None
        n_decay, coefficient = decay if decay is not None else (0, None)
        kernel = _kernels.bind_adam(
            grad, self.m, self.v, update, step_size, params, n_decay, coefficient,
            (self.beta_1, self.beta_2), self.epsilon, after_step, square_norm,
        )  # fmt: skip
        if kernel is None:
            return None
        kernel_step, next_rate = kernel.step, self._next_rate

        def step():
            kernel_step(next_rate())
            return step_size

        def step_with_after_step():
            return kernel_step(next_rate())

        if after_step is None and not square_norm:
            return step
        return step_with_after_step

    def iteration_ends(self, time_step):
        pass

    #: Adam's rate has no plateau rule: a plateau ends the fit.
    adapts_on_plateau = False

    def init_state(self):
        """Fresh memory: no steps taken, zero moments."""
        zeros = np.zeros(self.size, dtype=self.dtype)
        return {"t": 0, "m": zeros, "v": zeros.copy()}

    def get_state(self):
        return {"t": self.t, "m": self.m, "v": self.v}

    def set_state(self, state):
        """Continue from ``state`` (its arrays are used, and updated, in place)."""
        self.t, self.m, self.v = state["t"], state["m"], state["v"]


def make_optimizer(est, size, dtype):
    """The optimizer an estimator's parameters ask for."""
    if est.solver == "sgd":
        return SGD(
            size,
            dtype,
            est.learning_rate_init,
            est.learning_rate,
            est.momentum,
            est.nesterovs_momentum,
            est.power_t,
        )
    return Adam(
        size, dtype, est.learning_rate_init, est.beta_1, est.beta_2, est.epsilon
    )
