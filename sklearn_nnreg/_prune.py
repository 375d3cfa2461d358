"""Pruning: the same network function with fewer hidden units.

A hidden unit can go when it cannot change the output:

- its outgoing weights (its group under the group lasso) are all exactly
  zero: its value is multiplied by zero in the next layer;
- its incoming weights are all exactly zero: its value is the constant
  ``activation(intercept)``, whose contribution ``value * outgoing weights``
  moves into the next layer's intercepts.

Removing a unit can make another one removable (a unit whose only non-zero
outgoing weight went to a removed unit), so the passes repeat until none
removes anything.  Inputs and outputs are never removed.
"""

import numpy as np

from ._network import ACTIVATIONS


def prune_units(coefs, intercepts, activation):
    """The weights of the network without its removable hidden units.

    Parameters
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(units[i], units[i + 1])``.
    intercepts : list of ndarray
        ``intercepts[i]`` of shape ``(units[i + 1],)``.
    activation : str
        The hidden layers' activation (a key of ``ACTIVATIONS``).

    Returns
    -------
    coefs, intercepts : list of ndarray
        New arrays (the inputs are not modified).  Each hidden layer keeps at
        least one unit; a layer whose every unit was removable keeps one
        with all weights zero, which contributes nothing.
    """
    coefs = [np.array(c) for c in coefs]
    intercepts = [np.array(b) for b in intercepts]
    changed = True
    while changed:
        changed = False
        for layer in range(len(coefs) - 1):
            changed |= _prune_layer(coefs, intercepts, layer, activation)
    return coefs, intercepts


def _prune_layer(coefs, intercepts, layer, activation):
    """Remove the removable units of hidden layer ``layer``; True if any."""
    incoming, outgoing = coefs[layer], coefs[layer + 1]
    dead = ~outgoing.any(axis=1)
    constant = ~incoming.any(axis=0) & ~dead
    keep = ~(dead | constant)
    if keep.all() or (keep.sum() == 0 and _is_placeholder(incoming, outgoing)):
        return False
    if constant.any():
        values = intercepts[layer][constant].copy()
        ACTIVATIONS[activation](values)
        intercepts[layer + 1] = intercepts[layer + 1] + values @ outgoing[constant]
    if not keep.any():
        # hidden_layer_sizes has no 0: one unit stays, cut off on both sides.
        keep[0] = True
        incoming[:, 0] = 0.0
        outgoing[0] = 0.0
    coefs[layer] = incoming[:, keep]
    coefs[layer + 1] = outgoing[keep]
    intercepts[layer] = intercepts[layer][keep]
    return True


def _is_placeholder(incoming, outgoing):
    """Whether the layer is already the single unit cut off on both sides."""
    return incoming.shape[1] == 1 and not outgoing.any() and not incoming.any()
