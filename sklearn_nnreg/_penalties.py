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

    def value(self, w, scratch=None):
        """The penalty R(w).

        ``scratch``, an array shaped like ``w`` (or None: a new one), holds
        ``|w|`` for the L1 part.
        """
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.add.reduce(np.abs(w, out=scratch)))
        if self.l2:
            total += self.l2 * 0.5 * float(np.dot(w, w))
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


# Floors that keep the group formulas finite at a zero group or a zero step.
_TINY = np.finfo(np.float64).tiny
# Newton steps of the metric prox: it converges from the left, monotonically
# and in a handful of steps (see GroupLasso._metric_radius).
_NEWTON_STEPS = 50
_NEWTON_TOL = 1e-12


class _GroupLayer:
    """One weight matrix's groups (its rows) in the flat penalized vector."""

    def __init__(self, start, fan_in, fan_out, group_slice):
        self.flat = slice(start, start + fan_in * fan_out)
        self.shape = (fan_in, fan_out)
        self.groups = group_slice  # this layer's entries of per-group arrays
        self.weight = np.sqrt(fan_out)  # sqrt(p_g), the same for every row

    def rows(self, flat):
        """The layer's part of a flat vector, one group per row (a view)."""
        return flat[self.flat].reshape(self.shape)


class GroupLasso(Penalty):
    """``R(w) = l1 * sum|w| + group * sum_g sqrt(p_g) ||w_g||_2``.

    The groups are the rows of every weight matrix: the outgoing weights of
    each input and hidden unit, so a zero group is an input or a hidden unit
    cut off from the next layer.  ``p_g`` is the group's size (the fan-out),
    so that wide layers are not favoured.  The penalty acts on the weights
    part of the flat vector only (intercepts are never in a group).

    Per-group work arrays are made here, once; the prox's per-coordinate
    work arrays at its first adam step; so no step allocates after that.

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
        self.layers, start, n_groups = [], 0, 0
        for fan_in, fan_out in coef_shapes:
            groups = slice(n_groups, n_groups + fan_in)
            self.layers.append(_GroupLayer(start, fan_in, fan_out, groups))
            start += fan_in * fan_out
            n_groups += fan_in
        self.n_coef, self.n_groups = start, n_groups
        # norms, a per-group factor, and the Newton iteration's radius,
        # bracket, sums and residual.
        self._norms, self._factor, self._radius, self._upper, self._sum, \
            self._sum3, self._residual = np.empty((7, n_groups))
        self._metric_work = None

    def group_norms(self, w, scratch=None):
        """``||w_g||`` of every group, in a float64 array (owned: copy it)."""
        for layer in self.layers:
            rows = layer.rows(w)
            squares = np.multiply(rows, rows, out=_rows_or_none(layer, scratch))
            np.add.reduce(
                squares, axis=1, dtype=np.float64, out=self._norms[layer.groups]
            )
        return np.sqrt(self._norms, out=self._norms)

    def value(self, w, scratch=None):
        total = super().value(w, scratch)
        norms = self.group_norms(w, scratch)
        for layer in self.layers:
            total += self.group * layer.weight * float(norms[layer.groups].sum())
        return total

    def add_gradient(self, w, out, scale, scratch=None):
        """``out += scale * dR(w)``; the group part is 0 at a zero group."""
        super().add_gradient(w, out, scale, scratch)
        norms = self.group_norms(w, scratch)
        # scale * group * sqrt(p_g) / ||w_g||, and 0 where the group is zero
        # (its weights are zero too, so the floor only avoids 0 / 0).
        factor = np.maximum(norms, _TINY, out=self._factor)
        np.divide(1.0, factor, out=factor)
        for layer in self.layers:
            part = factor[layer.groups]
            part *= scale * self.group * layer.weight
            term = np.multiply(
                layer.rows(w), part[:, None], out=_rows_or_none(layer, scratch)
            )
            layer.rows(out)[...] += term

    def prox(self, w, threshold, scratch=None):
        """In place, ``w <- argmin_v 1/2 ||v - w||^2_{1/t} + R(v) t``.

        The element-wise L1 soft-threshold, then the group part: the block
        soft-threshold ``max(0, 1 - t group sqrt(p_g) / ||w_g||) w_g`` for a
        scalar ``t``; for a step per coordinate (adam), the prox in that
        diagonal metric (:meth:`_metric_prox`).  The composition is the
        exact prox of the sparse group lasso.
        """
        super().prox(w, threshold, scratch)
        if not self.group:
            return
        if isinstance(threshold, np.ndarray):
            self._metric_prox(w, threshold)
        else:
            self._block_soft_threshold(w, float(threshold), scratch)

    def _block_soft_threshold(self, w, threshold, scratch):
        own = None if scratch is None else scratch[0]
        norms = self.group_norms(w, own)
        factor = np.maximum(norms, _TINY, out=self._factor)
        np.divide(1.0, factor, out=factor)
        for layer in self.layers:
            part = factor[layer.groups]
            part *= -threshold * self.group * layer.weight
            part += 1.0
            np.maximum(part, 0.0, out=part)
            layer.rows(w)[...] *= part[:, None]

    # ------------------------------------------------ prox in adam's metric
    def _metric_prox(self, w, threshold):
        """The group prox in the diagonal metric of a step ``a_i`` per weight.

        ``v = argmin sum_i (v_i - u_i)**2 / (2 a_i) + c ||v||`` with
        ``c = group * sqrt(p_g)`` is ``v = 0`` when ``||u / a|| <= c``, and
        otherwise ``v_i = u_i r / (r + c a_i)`` with ``r = ||v||`` the root of
        ``sum_i u_i**2 / (r + c a_i)**2 = 1``.  Each coordinate keeps its own
        step: one step per group (its mean or max) wipes whole networks
        under adam, whose early steps are near ``lr / epsilon`` wherever the
        gradients are tiny.
        """
        if self._metric_work is None:
            self._metric_work = np.empty((2, self.n_coef))
        work = self._metric_work
        with np.errstate(all="ignore"):  # floors keep it finite; no warnings
            for layer in self.layers:
                u, a = layer.rows(w), layer.rows(threshold)
                radius = self._metric_radius(layer, u, a, work)
                shrink = layer.rows(work[0])
                self._shifted_steps(layer, a, radius, shrink)
                np.divide(radius[:, None], shrink, out=shrink)
                u *= shrink

    def _shifted_steps(self, layer, a, radius, out):
        """``out = max(r_g + c a_i, tiny)`` over the layer's rows."""
        np.multiply(a, self.group * layer.weight, out=out)
        out += radius[:, None]
        np.maximum(out, _TINY, out=out)

    def _secular_sums(self, layer, u, a, radius, work):
        """``sum u**2 / D**2`` and ``sum u**2 / D**3``, D the shifted steps."""
        shifted, term = layer.rows(work[0]), layer.rows(work[1])
        self._shifted_steps(layer, a, radius, shifted)
        np.divide(u, shifted, out=term)
        term *= term
        np.add.reduce(term, axis=1, out=self._sum[layer.groups])
        term /= shifted
        np.add.reduce(term, axis=1, out=self._sum3[layer.groups])

    def _metric_radius(self, layer, u, a, work):
        """``r = ||v||`` of every group of the layer (0 for a zeroed group).

        Newton's method on ``N(r) = (sum_i u_i**2 / (r + c a_i)**2)**-1/2 = 1``:
        N is increasing and concave for r >= 0 (as in the trust-region
        secular equation), so from a start left of the root Newton climbs
        to it monotonically.  ``max(0, ||u|| - c max_i a_i)`` is such a
        start, and ``||u||`` bounds the root above; both are safeguards.
        """
        groups = layer.groups
        radius, upper = self._radius[groups], self._upper[groups]
        total, total3 = self._sum[groups], self._sum3[groups]
        residual = self._residual[groups]
        self._norms_into(u, layer.rows(work[1]), upper)
        steps = np.multiply(a, self.group * layer.weight, out=layer.rows(work[0]))
        np.maximum.reduce(steps, axis=1, out=radius)
        np.subtract(upper, radius, out=radius)
        np.maximum(radius, 0.0, out=radius)
        # A group is zeroed when ||u / (c a)|| <= 1, i.e. N(0) >= 1.
        active = self._active_groups(layer, u, a, work)
        for _ in range(_NEWTON_STEPS):
            self._secular_sums(layer, u, a, radius, work)
            np.maximum(total, _TINY, out=total)
            np.maximum(total3, _TINY, out=total3)
            # The Newton step (1 - N) / N' is (sqrt(S) - 1) S / S3.
            np.sqrt(total, out=residual)
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

    def _active_groups(self, layer, u, a, work):
        """1.0 for each group the metric prox keeps, 0.0 for one it zeroes."""
        zero = self._factor[layer.groups]
        zero.fill(0.0)
        self._secular_sums(layer, u, a, zero, work)
        return np.greater(self._sum[layer.groups], 1.0, out=zero)

    @staticmethod
    def _norms_into(rows, squares, out):
        np.multiply(rows, rows, out=squares)
        np.add.reduce(squares, axis=1, out=out)
        np.sqrt(out, out=out)


def _rows_or_none(layer, scratch):
    """The layer's rows of a scratch vector, or None (a new array)."""
    return None if scratch is None else layer.rows(scratch)
