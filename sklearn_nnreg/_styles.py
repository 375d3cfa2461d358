"""Penalty styles: where a penalty enters one optimizer step.

One step of every stochastic fit is::

    g      = data gradient                           (backprop)
    style.before_optimizer(w, g)                     'gradient'
    update = optimizer.direction(g)                  (sgd / adam)
    style.after_optimizer(w, update, rate, step_size)
                                                     'decoupled', 'multiplicative',
                                                     L2 part of 'cumulative'
    w     -= update
    style.after_step(w, step_size)                   'proximal', 'cumulative'

``w``, ``g`` and ``update`` are the penalized slices of the flat vectors
(views), ``rate`` is the current scalar learning rate and ``step_size`` the
step size (scalar for sgd, per coordinate for adam; ``None`` unless
``needs_step_size``).
Styles with memory keep it in ``state``, a dict of plain arrays made by
``init_state`` (the estimator keeps it between calls in its ``FitState``).

Each style class is also the one place that knows the rest of what the style
*is*: which penalties and solvers it takes (and why not), how its alpha is
validated, whether it has an objective, how its alpha converts to and from
the objective weight lambda of ``L + lambda R``, and its display label.  The
estimator, the translation, the grids, the command line and the plots ask
``STYLES`` (classmethods, no instance needed) instead of spelling style names,
so adding a style means adding one class here.
"""

import warnings
from numbers import Real

import numpy as np

from . import _kernels
from ._penalties import GROUP_PENALTIES, penalty_shares

STOCHASTIC_SOLVERS = ("sgd", "adam")
SOLVERS = ("lbfgs", *STOCHASTIC_SOLVERS)


def _one_of(names):
    """``'a', 'b' or 'c'``: a list of choices for a message."""
    quoted = [repr(name) for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _effective_rate(learning_rate_init, momentum, needed_by):
    """``eta / (1 - mu)``: the steady-state step of heavy-ball sgd.

    A penalty in the gradient is carried by the velocity, a per-step shrink is
    not, so a map between the two kinds uses this rate.
    """
    if learning_rate_init is None:
        raise ValueError(
            f"{needed_by} needs learning_rate_init, the learning rate of the steps."
        )
    if not isinstance(learning_rate_init, Real) or not learning_rate_init > 0:
        raise ValueError(
            f"learning_rate_init must be a positive number; got {learning_rate_init!r}."
        )
    rate = float(learning_rate_init)
    return rate / (1.0 - momentum) if momentum else rate


def _not_a_decay(style):
    return NotImplemented


def _not_an_operator(style, w):
    return NotImplemented


class Style:
    """Base class: a style that does nothing at every position.

    The classmethods describe the style without an instance; a subclass
    overrides the ones whose rule differs.  The base rules are those of a
    style in objective units: any penalty, any solver, any alpha >= 0, and
    alpha is the objective weight lambda itself.
    """

    #: The public ``penalty_style`` value (the key in ``STYLES``).
    name = None
    #: How plots and tables name the style (its name unless a subclass says).
    label = None
    #: Whether ``loss_curve_`` holds data loss + alpha * R (else data loss),
    #: i.e. whether the style minimises an objective at all.
    has_objective = True
    #: The solvers the style works with.
    solvers = SOLVERS
    #: Whether a smaller alpha can help when training diverges.
    alpha_can_diverge = True
    #: Whether the optimizer must compute the step size (``step_size``).
    needs_step_size = False
    #: Whether ``after_optimizer`` may change the update; if not, and
    #: ``before_optimizer`` is at most a decay (:meth:`gradient_decay`), the
    #: optimizer may do both and ``w -= update`` in its own pass.
    changes_update = False
    #: Why a style that acts weight by weight has no form for the group
    #: penalties: (what the style is, what a group norm does); None if it
    #: takes them.
    group_refusal = None
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

    def gradient_decay(self):
        """``before_optimizer`` as a decay ``g += c * w``: c, None when it
        adds nothing, NotImplemented when it does something else."""
        return None

    def after_optimizer(self, w, update, rate, step_size):
        pass

    def after_step(self, w, step_size):
        """The operator on the moved weights.

        Returns ``sum |w|`` of the new weights when the step computed it in
        passing (the L1 part of the next step's penalty value), else None.
        """

    def bound_after_step(self, w):
        """``after_step`` on ``w`` as an operator the optimizer may run on
        each weight in its own pass (opaque to it: a compiled object bound
        to w and the style's state), None when it does nothing, and
        NotImplemented when it must run as written."""
        return None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "label" not in cls.__dict__:
            cls.label = cls.name
        # A hook that does something unless the class says otherwise: the
        # optimizer must not fuse past an after_optimizer or before_optimizer
        # that a subclass wrote without saying what it does to the update.
        if "after_optimizer" in cls.__dict__ and "changes_update" not in cls.__dict__:
            cls.changes_update = True
        if "before_optimizer" in cls.__dict__ and "gradient_decay" not in cls.__dict__:
            cls.gradient_decay = _not_a_decay
        if "after_step" in cls.__dict__ and "bound_after_step" not in cls.__dict__:
            cls.bound_after_step = _not_an_operator

    # ------------------------------------------------ what the style accepts
    @classmethod
    def check(cls, penalty, alpha, solver, l1_ratio=0.5, stacklevel=2):
        """Raise ValueError unless the estimator can train this combination.

        Parameters
        ----------
        penalty : {'l1', 'l2', 'elasticnet', 'group_lasso', \
'sparse_group_lasso'} or None
            The public ``penalty``; None (no penalty) passes every check.
        alpha : float
            The strength, in this style's unit.
        solver : {'lbfgs', 'sgd', 'adam'}
            The public ``solver``.
        l1_ratio : float, default=0.5
            The elastic net's L1 share.
        stacklevel : int, default=2
            Of a warning about a legal but unusual alpha, counted as for
            :func:`warnings.warn` from the caller of ``check``.
        """
        if penalty is None:
            return
        cls.check_solver_for_penalty(solver, penalty)
        cls.check_solver(solver)
        cls.check_penalty(penalty, l1_ratio)
        cls.check_alpha(alpha, penalty, l1_ratio)
        note = cls.alpha_note(alpha)
        if note:
            warnings.warn(note, UserWarning, stacklevel=stacklevel + 1)

    @classmethod
    def check_solver(cls, solver):
        """Raise ValueError unless the style works with ``solver``."""
        if solver not in cls.solvers:
            raise ValueError(
                f"penalty_style={cls.name!r} does not work with solver="
                f"{solver!r}; use solver={_one_of(cls.solvers)}."
            )

    @classmethod
    def check_penalty(cls, penalty, l1_ratio=0.5):
        """Raise ValueError, saying why, if the style cannot apply ``penalty``.

        The base refuses the group penalties when ``group_refusal`` says why;
        a subclass with more rules calls it first.
        """
        if penalty in GROUP_PENALTIES and cls.group_refusal is not None:
            what_the_style_is, what_the_norm_does = cls.group_refusal
            raise ValueError(
                f"penalty_style={cls.name!r} {what_the_style_is}; it has no form "
                f"for penalty={penalty!r}, whose group norm {what_the_norm_does}. "
                "Use penalty_style='proximal' (the block soft-threshold: exact "
                "group zeros), 'gradient' or 'decoupled' for the group penalties."
            )

    @classmethod
    def check_solver_for_penalty(cls, solver, penalty):
        """Raise ValueError if ``solver`` cannot minimise with ``penalty``.

        lbfgs makes an L1 part smooth by splitting each weight in two; a
        group norm has no such split (it is not differentiable at a zero
        group, where the zeros are), so the group penalties need steps.
        """
        if solver == "lbfgs" and penalty in GROUP_PENALTIES:
            proximal = [
                name
                for name, style in STYLES.items()
                if style.accepts(penalty, "adam") and style.needs_step_size
            ]
            raise ValueError(
                f"solver='lbfgs' cannot minimise penalty={penalty!r}: the group "
                "norm is not differentiable at a zero group and has no smooth "
                "split as L1 has. Use solver='adam' or 'sgd', with "
                f"penalty_style={_one_of(proximal)} for exact group zeros."
            )

    @classmethod
    def check_alpha(cls, alpha, penalty, l1_ratio=0.5):
        """Raise ValueError if ``alpha`` (this style's unit) is out of range."""

    @classmethod
    def alpha_note(cls, alpha):
        """A warning about a legal but unusual ``alpha``, or None."""
        return None

    @classmethod
    def accepts(cls, penalty, solver=None, l1_ratio=0.5):
        """Whether the style takes ``penalty`` (and ``solver``, if given)."""
        try:
            if solver is not None:
                cls.check_solver(solver)
            if penalty is not None:  # no penalty: every style is a no-op
                cls.check_penalty(penalty, l1_ratio)
                cls.check_solver_for_penalty(solver, penalty)
        except ValueError:
            return False
        return True

    # ------------------------------------------------------- alpha's unit
    @classmethod
    def to_objective(cls, alpha, learning_rate_init=None, momentum=0.0):
        """The objective weight lambda that this style's ``alpha`` stands for.

        Parameters
        ----------
        alpha : float
            The strength in this style's unit.
        learning_rate_init : float, optional
            The learning rate eta, for styles whose unit is per step.
        momentum : float, default=0.0
            The sgd momentum mu; per-step units then use ``eta / (1 - mu)``.

        Returns
        -------
        lam : float
        """
        return float(alpha)

    @classmethod
    def from_objective(cls, lam, learning_rate_init=None, momentum=0.0):
        """This style's ``alpha`` for the objective weight ``lam``.

        The inverse of :meth:`to_objective`; raises ValueError when no alpha
        of this style expresses ``lam``.
        """
        return float(lam)


class Gradient(Style):
    """``g += alpha * dR(w)``: the penalty is part of the objective."""

    name = "gradient"

    scratch_dtypes = ("w",)

    def before_optimizer(self, w, g):
        self.penalty.add_gradient(w, g, self.alpha, self.scratch[0])

    def gradient_decay(self):
        return self.penalty.gradient_decay(self.alpha)


class _StepRule(Style):
    """A rule per step with no objective: it needs a solver that takes steps."""

    changes_update = True

    has_objective = False
    solvers = STOCHASTIC_SOLVERS

    @classmethod
    def check_solver(cls, solver):
        if solver in cls.solvers:
            return
        objective = [name for name, style in STYLES.items() if style.has_objective]
        raise ValueError(
            f"solver={solver!r} takes no steps, and penalty_style={cls.name!r} "
            f"is a rule per step with no objective. With {solver} use "
            f"penalty_style={_one_of(objective)} (each minimises L + alpha * R "
            f"exactly), or solver={_one_of(cls.solvers)} for the step styles."
        )


class Decoupled(_StepRule):
    """A shrink of ``s_t * alpha * dR(w_old)`` per step, s_t = rate / rate_init.

    alpha is a shrink per step, ``learning_rate * lambda``.
    """

    name = "decoupled"
    scratch_dtypes = ("w",)

    @classmethod
    def check_alpha(cls, alpha, penalty, l1_ratio=0.5):
        shrink = alpha * penalty_shares(penalty, l1_ratio).l2
        if shrink >= 1:
            raise ValueError(
                "penalty_style='decoupled' shrinks each weight by "
                f"alpha * (L2 share) = {shrink:g} of itself per step, which is "
                ">= 1 and would flip the sign of every weight. Use "
                "alpha * (L2 share) < 1 (decoupled alpha is about "
                "learning_rate * gradient-style alpha)."
            )

    @classmethod
    def to_objective(cls, alpha, learning_rate_init=None, momentum=0.0):
        rate = _effective_rate(learning_rate_init, momentum, "The 'decoupled' style")
        return alpha / rate

    @classmethod
    def from_objective(cls, lam, learning_rate_init=None, momentum=0.0):
        rate = _effective_rate(learning_rate_init, momentum, "The 'decoupled' style")
        return lam * rate

    def after_optimizer(self, w, update, rate, step_size):
        scale = self.alpha * rate / self.learning_rate_init
        self.penalty.add_gradient(w, update, scale, self.scratch[0])


class Multiplicative(_StepRule):
    """``w <- alpha * w_old - Delta(g)``: alpha is the fraction kept per step.

    alpha is ``1 - learning_rate * lambda``; L2 only.
    """

    group_refusal = (
        "keeps a fraction alpha of each weight per step, which is an L2 shrink",
        "shrinks a whole group by one amount",
    )
    name = "multiplicative"
    scratch_dtypes = ("w",)
    # A fraction in (0, 1] of each weight kept: the shrink cannot make
    # weights grow, so lowering alpha never cures a divergence.
    alpha_can_diverge = False

    @classmethod
    def check_penalty(cls, penalty, l1_ratio=0.5):
        super().check_penalty(penalty, l1_ratio)
        if penalty != "l2":
            raise ValueError(
                "penalty_style='multiplicative' keeps a fraction alpha of each "
                "weight per step, which is an L2 shrink; it has no form for "
                f"penalty={penalty!r} with an L1 part. Use penalty='l2', or "
                "penalty_style='decoupled' (constant shrink per step) or "
                "'proximal' / 'cumulative' (exact zeros) for L1."
            )

    @classmethod
    def check_alpha(cls, alpha, penalty=None, l1_ratio=0.5):
        if not 0 < alpha <= 1:
            raise ValueError(
                "penalty_style='multiplicative' takes alpha as the fraction of "
                f"each weight kept per step, in (0, 1]; got alpha={alpha}. "
                "A gradient-style lambda translates to 1 - learning_rate * lambda."
            )

    @classmethod
    def alpha_note(cls, alpha):
        if alpha < 0.5:
            return (
                f"penalty_style='multiplicative' with alpha={alpha} keeps "
                "less than half of every weight at each step; typical values "
                "are close to 1 (e.g. 0.999)."
            )
        return None

    @classmethod
    def to_objective(cls, alpha, learning_rate_init=None, momentum=0.0):
        rate = _effective_rate(
            learning_rate_init, momentum, "The 'multiplicative' style"
        )
        cls.check_alpha(alpha)
        return (1.0 - alpha) / rate

    @classmethod
    def from_objective(cls, lam, learning_rate_init=None, momentum=0.0):
        rate = _effective_rate(
            learning_rate_init, momentum, "The 'multiplicative' style"
        )
        kept = 1.0 - rate * lam
        if not 0 < kept <= 1:
            raise ValueError(
                f"learning_rate_init * alpha = {rate * lam:g} per step: the "
                "'multiplicative' style would keep a fraction <= 0 of each weight, "
                "which no multiplicative alpha can express. Lower the rate or alpha."
            )
        return kept

    def after_optimizer(self, w, update, rate, step_size):
        _kernels.axpy(update, 1.0 - self.alpha, w, self.scratch[0])


class Proximal(Style):
    """``w <- prox_{h alpha R}(w - Delta(g))``: exact zeros for L1.

    Under adam ``step_size`` is an array of the weights' dtype (one step per
    coordinate).
    """

    name = "proximal"
    needs_step_size = True
    # The compiled step bound to the weights (see ``_bound_step``).
    _bound_key = _bound = None

    def init_state(self, n_penalized, dtype, per_coordinate):
        state = super().init_state(n_penalized, dtype, per_coordinate)
        # The group part's threshold step_size * alpha, one per weight under adam:
        # made once here, so that no step allocates.
        grouped = per_coordinate and getattr(self.penalty, "group", 0)
        self._threshold = np.empty(n_penalized, dtype) if grouped else None
        return state

    def after_step(self, w, step_size):
        # One fused pass (the compiled loop; numpy's work arrays otherwise),
        # which also sums |w| for the next penalty value unless the group
        # part moves the weights after it.
        penalty, alpha = self.penalty, self.alpha
        group = penalty.group
        if not group:  # the common case first: one call per step
            bound = _bound_step(self, w, None, alpha, penalty.l1, penalty.l2)
            if bound is not None:
                return bound.step(step_size)
        norm = None
        if penalty.l1 or penalty.l2:
            norm = _kernels.soft_threshold(
                w, step_size, alpha, penalty.l1, penalty.l2, self.scratch,
                with_norm=bool(penalty.l1) and not group,
            )  # fmt: skip
        if not group:
            return norm
        # The group lasso's block soft-threshold after the L1 part: together
        # the exact prox of the sparse group lasso.
        if isinstance(step_size, np.ndarray):
            threshold = np.multiply(step_size, alpha, out=self._threshold)
        else:
            threshold = step_size * alpha
        penalty.group_prox(w, threshold)

    def bound_after_step(self, w):
        # The soft-threshold is weight by weight; the group part is not.
        penalty = self.penalty
        if penalty.group:
            return NotImplemented
        bound = _bound_step(self, w, None, self.alpha, penalty.l1, penalty.l2)
        return NotImplemented if bound is None else bound


class Cumulative(Style):
    """Cumulative L1 penalty with clipping (Tsuruoka et al., 2009).

    In the paper's terms, ``u`` is the total L1 shrink every weight should
    have received so far and ``q[i]`` what weight i actually received; after
    each step a weight moves toward zero by what it still owes, ``u + q[i]``
    while positive, ``u - q[i]`` while negative, never across zero.  The
    state holds these two debts, ``owed[0] = u + q`` and ``owed[1] = u - q``,
    in the weights' dtype: each step adds its shrink to both and settles
    both by what the weight took.  The owed amount that the pull uses is
    then a small number kept directly, not the small difference of two
    ever-growing sums (u and q would need float64 for that difference to
    stay exact).  Under adam ``u`` is one total per weight (each weight's
    own step sizes), under sgd one total for all: either way a weight's two
    debts are its own.  The L2 part of an elastic net is a factor
    ``max(0, 1 - h * alpha * l2)`` on the old weights.
    """

    group_refusal = (
        "is a cumulative L1 penalty with a running total per weight",
        "couples the weights of a group",
    )
    name = "cumulative"
    needs_step_size = True
    # The compiled step bound to the weights and debts (see ``_bound_step``).
    _bound_key = _bound = None

    @classmethod
    def check_penalty(cls, penalty, l1_ratio=0.5):
        super().check_penalty(penalty, l1_ratio)
        if not penalty_shares(penalty, l1_ratio).l1:
            raise ValueError(
                "penalty_style='cumulative' is a cumulative L1 penalty and needs "
                f"an L1 part, but penalty={penalty!r} with l1_ratio={l1_ratio} "
                "has none. Use penalty='l1' or 'elasticnet' with l1_ratio > 0, "
                "or another penalty_style ('gradient', 'decoupled', 'proximal') "
                "for L2."
            )

    def init_state(self, n_penalized, dtype, per_coordinate):
        self.state = {"owed": np.zeros((2, n_penalized), dtype=dtype)}
        self._make_scratch(n_penalized, dtype)
        return self.state

    @property
    def changes_update(self):
        return bool(self.penalty.l2)  # the elastic net's shrink (below)

    def after_optimizer(self, w, update, rate, step_size):
        if not self.penalty.l2:
            return
        # (1 - max(0, 1 - step_size alpha l2)) * w added to update, in one pass.
        _kernels.l2_shrink(
            update, w, step_size, self.alpha, self.penalty.l2, self.scratch
        )

    def _owed(self, w):
        """The debts in ``state``; a state saved before they existed (float64
        ``u`` and ``q``) is converted in place, ``owed = [u + q, u - q]``."""
        state = self.state
        if "owed" not in state:
            u, q = state.pop("u"), state.pop("q")
            state["owed"] = np.stack([u + q, u - q]).astype(w.dtype)
        return state["owed"]

    def after_step(self, w, step_size):
        # Both debts' growth and the clipped pull of every weight, in one pass.
        owed = self._owed(w)
        bound = _bound_step(self, w, owed, self.alpha, self.penalty.l1, 0.0)
        if bound is not None:
            return bound.step(step_size)
        return _kernels.cumulative_pull(
            w, owed, step_size, self.alpha, self.penalty.l1, self.scratch, True
        )

    def bound_after_step(self, w):
        # The elastic net's L2 part changes the update: not an after-step.
        if self.changes_update:
            return NotImplemented
        owed = self._owed(w)
        bound = _bound_step(self, w, owed, self.alpha, self.penalty.l1, 0.0)
        return NotImplemented if bound is None else bound


def _bound_step(style, w, owed, alpha, l1, l2):
    """The style's compiled L1 step bound to w (and owed) and its scalars
    (``_kernels.bind_l1_step``, which also sums |w| when there is an L1 part),
    or None (numpy path).

    Bound on a fit's first step and again whenever an array is another one
    (a new fit's state): at batch size 1, taking the arrays anew at every
    step (buffers, dtype dispatch, the wrapper's checks) was most of the
    style's cost per step.  The scalars are the style's own, fixed for a fit.
    """
    key = style._bound_key
    if key is None or key[0] is not w or key[1] is not owed:
        style._bound_key = (w, owed)
        style._bound = _kernels.bind_l1_step(w, owed, alpha, l1, l2, bool(l1))
    return style._bound


STYLES = {
    style.name: style
    for style in (Gradient, Decoupled, Multiplicative, Proximal, Cumulative)
}
"""The public ``penalty_style`` values and their classes, in display order."""


def styles_accepting(penalty, solver=None, l1_ratio=0.5):
    """The names of the styles that take ``penalty`` (and ``solver``)."""
    return tuple(
        name
        for name, style in STYLES.items()
        if style.accepts(penalty, solver, l1_ratio)
    )
