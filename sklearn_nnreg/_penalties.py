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

    def value(self, w):
        """The penalty R(w)."""
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.abs(w).sum())
        if self.l2:
            total += self.l2 * 0.5 * float(np.dot(w, w))
        return total

    def add_gradient(self, w, out, scale):
        """``out += scale * dR(w)``, with sign(0) = 0 for the L1 part."""
        if self.l1:
            out += (scale * self.l1) * np.sign(w)
        if self.l2:
            _kernels.axpy(out, scale * self.l2, w)

    def prox(self, w, threshold):
        """In place, ``w <- argmin_v 1/2 ||v - w||^2 + threshold * R(v)``.

        ``threshold`` is a scalar or an array shaped like ``w`` (a step size
        per coordinate).  The elastic net's proximal operator is the L1
        soft-threshold followed by the L2 division.
        """
        if self.l1:
            shrunk = np.abs(w)
            shrunk -= threshold * self.l1
            np.maximum(shrunk, 0.0, out=shrunk)
            np.copysign(shrunk, w, out=w)
        if self.l2:
            w /= 1.0 + threshold * self.l2


def make_penalty(name, l1_ratio=0.5):
    """The penalty object for a public ``penalty`` value (``None``: no penalty)."""
    if name is None:
        return None
    shares = {"l1": (1.0, 0.0), "l2": (0.0, 1.0)}
    shares["elasticnet"] = (l1_ratio, 1.0 - l1_ratio)
    return Penalty(*shares[name])


PENALTIES = ("l2", "l1", "elasticnet")
