"""Penalties: value, (sub)gradient and proximal operator over a flat slice.

Every penalty here is ``R(w) = l1 * sum|w| + l2 * 1/2 * sum w**2`` for a pair of
non-negative shares ``(l1, l2)``: L1 is ``(1, 0)``, L2 is ``(0, 1)`` and the
elastic net is ``(l1_ratio, 1 - l1_ratio)``.  One small class with two numbers
covers the three public penalties, so the styles and solvers are written once
against ``value``, ``add_gradient`` and ``prox``.
"""

import numpy as np

from . import _kernels


class Penalty:
    """``R(w) = l1 * sum|w| + l2 * 1/2 * sum w**2``.

    Parameters
    ----------
    l1 : float
        Weight of the L1 part.
    l2 : float
        Weight of the (halved) squared L2 part.
    """

    def __init__(self, l1, l2):
        self.l1 = float(l1)
        self.l2 = float(l2)

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


def make_penalty(name, l1_ratio=0.5):
    """The penalty object for a public ``penalty`` value (``None``: no penalty)."""
    if name is None:
        return None
    shares = {"l1": (1.0, 0.0), "l2": (0.0, 1.0)}
    shares["elasticnet"] = (l1_ratio, 1.0 - l1_ratio)
    return Penalty(*shares[name])


PENALTIES = ("l2", "l1", "elasticnet")
