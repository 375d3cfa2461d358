"""Penalties: value, (sub)gradient and proximal operator over a flat slice.

The element-wise penalties are ``R(w) = l1 * sum|w| + l2 * 1/2 * sum w**2``
for a pair of non-negative shares ``(l1, l2)``: L1 is ``(1, 0)``, L2 is
``(0, 1)`` and the elastic net is ``(l1_ratio, 1 - l1_ratio)``.  One small
class with two numbers covers the three, so the styles and solvers are
written once against ``value``, ``add_gradient`` and ``prox``.

The group penalties (:class:`GroupLasso`) add a third share,
``group``, of ``sum_g sqrt(p_g) ||w_g||``; their groups come from the
network's layout, so they are made from the penalty name *and* the coef
shapes.
"""

from collections import namedtuple

import numpy as np

from . import _kernels

#: The public ``penalty`` values whose R has a group-norm part.
GROUP_PENALTIES = ("group_lasso", "sparse_group_lasso")
#: The public ``penalty`` values that read ``l1_ratio``.
USES_L1_RATIO = ("elasticnet", "sparse_group_lasso")
ELEMENTWISE_PENALTIES = ("l2", "l1", "elasticnet")
PENALTIES = ELEMENTWISE_PENALTIES + GROUP_PENALTIES

#: The weight of each part of R: element-wise L1, (halved) squared L2 and
#: the group norm.
Shares = namedtuple("Shares", ["l1", "l2", "group"])


def penalty_shares(name, l1_ratio=0.5):
    """The :class:`Shares` of the public ``penalty`` value ``name``."""
    return {
        "l1": Shares(1.0, 0.0, 0.0),
        "l2": Shares(0.0, 1.0, 0.0),
        "elasticnet": Shares(l1_ratio, 1.0 - l1_ratio, 0.0),
        "group_lasso": Shares(0.0, 0.0, 1.0),
        "sparse_group_lasso": Shares(l1_ratio, 0.0, 1.0 - l1_ratio),
    }[name]


class Penalty:
    """``R(w) = l1 * sum|w| + l2 * 1/2 * sum w**2``.

    Parameters
    ----------
    l1 : float
        Weight of the L1 part.
    l2 : float
        Weight of the (halved) squared L2 part.
    """

    #: The share of the group norm (none here; see :class:`GroupLasso`).
    group = 0.0

    def __init__(self, l1, l2):
        self.l1 = float(l1)
        self.l2 = float(l2)

    @property
    def makes_zeros(self):
        """Whether the penalty has a part whose prox gives exact zeros."""
        return bool(self.l1 or self.group)

    def value(self, w, scratch=None, l1_norm=None, square_norm=None):
        """The penalty R(w).

        ``scratch``, an array shaped like ``w`` (or None: a new one), holds
        ``|w|`` or ``w**2`` on the numpy path.  ``l1_norm`` and
        ``square_norm``, when given, are ``sum |w|`` and ``sum w**2``
        already computed (by the style's last step, by the optimizer's
        pass), used as they are.
        """
        total = 0.0
        if self.l1:
            if l1_norm is None:
                l1_norm = _kernels.abs_sum(w, scratch)
            total += self.l1 * l1_norm
        if self.l2:
            if square_norm is None:
                square_norm = _kernels.square_sum(w, scratch)
            total += self.l2 * 0.5 * square_norm
        return total

    def add_gradient(self, w, out, scale, scratch=None):
        """``out += scale * dR(w)``, with sign(0) = 0 for the L1 part.

        ``scratch`` is an array shaped like ``w`` (or None: a new one).
        """
        if self.l1:
            sign = np.sign(w, out=scratch)
            sign *= scale * self.l1
            out += sign
        if self.l2:
            _kernels.axpy(out, scale * self.l2, w, scratch)

    def gradient_decay(self, scale):
        """``add_gradient(w, out, scale)`` as a decay ``out += c * w``.

        Returns c (the coefficient ``add_gradient`` passes to ``axpy``), None
        when it adds nothing, or NotImplemented when it is not a decay (an L1
        part's signs): for an optimizer that folds the decay into its pass.
        """
        if self.l1:
            return NotImplemented
        return scale * self.l2 if self.l2 else None

    def prox(self, w, threshold, scratch=None):
        """In place, ``w <- argmin_v 1/2 ||v - w||^2 + threshold * R(v)``.

        ``threshold`` is a scalar or an array shaped like ``w`` (a step size
        per coordinate).  The elastic net's proximal operator is the L1
        soft-threshold followed by the L2 division.  ``scratch`` is None (new
        arrays) or a pair of arrays shaped like ``w``, the first of w's dtype,
        the second of the threshold's.
        """
        own, other = (None, None) if scratch is None else scratch
        per_coordinate = isinstance(threshold, np.ndarray)
        if self.l1:
            shrunk = np.abs(w, out=own)
            if per_coordinate:
                shrunk -= np.multiply(threshold, self.l1, out=other)
            else:
                shrunk -= threshold * self.l1
            np.maximum(shrunk, 0.0, out=shrunk)
            np.copysign(shrunk, w, out=w)
        if self.l2:
            if per_coordinate:
                divisor = np.multiply(threshold, self.l2, out=other)
                divisor += 1.0
                w /= divisor
            else:
                w /= 1.0 + threshold * self.l2


def make_penalty(name, l1_ratio=0.5, coef_shapes=None):
    """The penalty object for a public ``penalty`` value (``None``: no penalty).

    ``coef_shapes``, the ``(fan_in, fan_out)`` of each layer's weights, is
    needed by the group penalties, whose groups are the rows of every weight
    matrix (the outgoing weights of each input and hidden unit).
    """
    if name is None:
        return None
    shares = penalty_shares(name, l1_ratio)
    if not shares.group:
        return Penalty(shares.l1, shares.l2)
    if coef_shapes is None:
        raise ValueError(
            f"penalty={name!r} needs the network's coef shapes to know its groups."
        )
    return GroupLasso(shares.l1, shares.group, coef_shapes)


def check_penalized_part(name, penalize_intercepts):
    """Raise ValueError if ``penalize_intercepts`` means nothing to ``name``."""
    if penalize_intercepts and name in GROUP_PENALTIES:
        raise ValueError(
            f"penalty={name!r} groups the outgoing weights of each unit; "
            "intercepts are never in a group, so penalize_intercepts=True has "
            "no meaning for it. Use penalize_intercepts=False, or an "
            "element-wise penalty ('l1', 'l2', 'elasticnet') to penalize "
            "intercepts."
        )


# Floors that keep the group formulas finite at a zero step.
_TINY = np.finfo(np.float64).tiny
# Newton steps of the metric prox: it converges from the left, monotonically
# and in a handful of steps (see GroupLasso._metric_radius).
_NEWTON_STEPS = 50
_NEWTON_TOL = 1e-12


class GroupLasso(Penalty):
    """``R(w) = l1 * sum|w| + group * sum_g sqrt(p_g) ||w_g||_2``.

    The groups are the rows of every weight matrix: the outgoing weights of
    each input and hidden unit, so a zero group is an input or a hidden unit
    cut off from the next layer.  ``p_g`` is the group's size (the fan-out),
    so that wide layers are not favoured.  The weights are packed row by row,
    so each group is a contiguous run of the flat weights: per-group sums are
    one ``np.add.reduceat`` and per-group factors reach their weights by one
    ``np.take``, both over the whole vector and without broadcasting (whose
    ufunc buffers would allocate at every step).  The penalty acts on the
    weights part of the flat vector only (intercepts are never in a group).

    Parameters
    ----------
    l1 : float
        Weight of the element-wise L1 part (``l1_ratio`` of the sparse group
        lasso, 0 for the group lasso).
    group : float
        Weight of the group-norm part.
    coef_shapes : sequence of (int, int)
        ``(fan_in, fan_out)`` of each layer's weights, in order.
    """

    def __init__(self, l1, group, coef_shapes):
        super().__init__(l1, 0.0)
        self.group = float(group)
        sizes = np.array(
            [fan_out for fan_in, fan_out in coef_shapes for _ in range(fan_in)],
            dtype=np.intp,
        )
        self.n_groups, self.n_coef = sizes.size, int(sizes.sum())
        #: Offset of each group in the flat weights, and each weight's group.
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        self.group_of = np.repeat(np.arange(self.n_groups, dtype=np.intp), sizes)
        #: ``group * sqrt(p_g)``: the group part's weight, per group.
        self.strength = self.group * np.sqrt(sizes)
        # Work arrays, made once: per group (norms, a factor, the Newton
        # radius, its upper bound, two sums) and per weight (three).
        self._norms, self._factor, self._radius, self._upper, self._sum, self._sum3 = (
            np.empty((6, self.n_groups))
        )
        self._zero = np.empty(self.n_groups, dtype=bool)
        self._work = np.empty((3, self.n_coef))

    def group_norms(self, w):
        """``||w_g||`` of every group, in a float64 array (owned: copy it)."""
        # The last work array: the metric prox keeps c a_i in the first.
        squares = np.multiply(w, w, out=self._work[2], dtype=np.float64)
        np.add.reduceat(squares, self.starts, out=self._norms)
        return np.sqrt(self._norms, out=self._norms)

    def _spread(self, per_group, out):
        """Each weight's entry of a per-group array, into ``out``."""
        return np.take(per_group, self.group_of, out=out, mode="clip")

    def _inverse_norms(self, w):
        """``1 / ||w_g||``, and 1 at a zero group (whose weights are 0)."""
        norms = self.group_norms(w)
        np.equal(norms, 0.0, out=self._zero)
        norms += self._zero
        return np.divide(1.0, norms, out=self._factor)

    def value(self, w, scratch=None, l1_norm=None):
        total = super().value(w, scratch, l1_norm)
        return total + float(np.dot(self.strength, self.group_norms(w)))

    def add_gradient(self, w, out, scale, scratch=None):
        """``out += scale * dR(w)``; the group part is 0 at a zero group."""
        super().add_gradient(w, out, scale, scratch)
        factor = self._inverse_norms(w)
        factor *= self.strength
        factor *= scale
        term = self._spread(factor, self._work[1])
        term *= w
        out += term

    def gradient_decay(self, scale):
        """Not a decay: the group part divides by the group norms."""
        return NotImplemented

    def prox(self, w, threshold, scratch=None):
        """In place, ``w <- argmin_v sum (v - w)**2 / (2 t) + R(v)``.

        The element-wise L1 soft-threshold, then the group part: the block
        soft-threshold ``max(0, 1 - t group sqrt(p_g) / ||w_g||) w_g`` for a
        scalar ``t``; for a step per coordinate (adam), the prox in that
        diagonal metric (:meth:`_metric_prox`).  The composition is the
        exact prox of the sparse group lasso.
        """
        super().prox(w, threshold, scratch)
        self.group_prox(w, threshold)

    def group_prox(self, w, threshold):
        """In place, the prox of the group part alone (after the L1 part)."""
        if not self.group:
            return
        if isinstance(threshold, np.ndarray):
            self._metric_prox(w, threshold)
        else:
            self._block_soft_threshold(w, float(threshold))

    def _block_soft_threshold(self, w, threshold):
        factor = self._inverse_norms(w)
        factor *= self.strength
        factor *= -threshold
        factor += 1.0
        np.maximum(factor, 0.0, out=factor)
        w *= self._spread(factor, self._work[1])

    # ------------------------------------------------ prox in adam's metric
    def _metric_prox(self, w, steps):
        """The group prox in the diagonal metric of a step ``a_i`` per weight.

        ``v = argmin sum_i (v_i - u_i)**2 / (2 a_i) + c ||v||`` with
        ``c = group * sqrt(p_g)`` is ``v = 0`` when ``||u / a|| <= c``, and
        otherwise ``v_i = u_i r / (r + c a_i)`` with ``r = ||v||`` the root of
        ``sum_i u_i**2 / (r + c a_i)**2 = 1``.  Each weight keeps its own
        step: one step per group (its mean or max) wipes whole networks
        under adam, whose early steps are near ``lr / epsilon`` wherever the
        gradients are tiny.
        """
        scaled, expanded, shifted = self._work
        # c a_i, kept through the Newton steps.
        self._spread(self.strength, scaled)
        scaled *= steps
        with np.errstate(all="ignore"):  # floors keep it finite; no warnings
            radius = self._metric_radius(w, scaled)
            self._shifted(radius, scaled, expanded, shifted)
            expanded /= shifted
        w *= expanded

    def _shifted(self, radius, scaled, expanded, out):
        """``out = max(r_g + c a_i, tiny)``; ``expanded`` gets r_g per weight."""
        self._spread(radius, expanded)
        np.add(expanded, scaled, out=out)
        np.maximum(out, _TINY, out=out)

    def _secular_sums(self, u, radius, scaled):
        """``S = sum u**2 / D**2`` and ``S3 = sum u**2 / D**3`` per group."""
        _, term, shifted = self._work
        self._shifted(radius, scaled, term, shifted)
        np.divide(u, shifted, out=term)
        term *= term
        np.add.reduceat(term, self.starts, out=self._sum)
        term /= shifted
        np.add.reduceat(term, self.starts, out=self._sum3)

    def _metric_radius(self, u, scaled):
        """``r = ||v||`` of every group (0 for a group the prox zeroes).

        Newton's method on ``N(r) = (sum_i u_i**2 / (r + c a_i)**2)**-1/2 = 1``:
        N is increasing and concave for r >= 0 (as in the trust-region
        secular equation), so from a start left of the root Newton climbs
        to it monotonically.  ``max(0, ||u|| - c max_i a_i)`` is such a
        start, and ``||u||`` bounds the root above; both are safeguards.
        """
        radius, upper, total, total3 = self._radius, self._upper, self._sum, self._sum3
        np.copyto(upper, self.group_norms(u))
        np.maximum.reduceat(scaled, self.starts, out=radius)
        np.subtract(upper, radius, out=radius)
        np.maximum(radius, 0.0, out=radius)
        # A group is zeroed when ||u / (c a)|| <= 1, i.e. N(0) >= 1.
        active = self._factor
        active.fill(0.0)
        self._secular_sums(u, active, scaled)
        np.greater(total, 1.0, out=active)
        for _ in range(_NEWTON_STEPS):
            self._secular_sums(u, radius, scaled)
            np.maximum(total, _TINY, out=total)
            np.maximum(total3, _TINY, out=total3)
            # The Newton step (1 - N) / N' is (sqrt(S) - 1) S / S3.
            residual = np.sqrt(total, out=self._norms)
            residual -= 1.0
            total *= residual
            total /= total3
            radius += total
            np.clip(radius, 0.0, upper, out=radius)
            np.abs(residual, out=residual)
            residual *= active
            if not residual.max() > _NEWTON_TOL:
                break
        radius *= active
        return radius
