"""The training state carried from fit to fit: one plain, picklable value.

``partial_fit`` and ``warm_start`` continue where the previous call stopped.
Everything they need is one :class:`FitState`: the book-keeping of the epoch
loop (epochs, samples seen, loss curve, stopping counters, early stopping's
best weights) and the solver's memory (the optimizer's moments or velocity,
the style's running totals).  The solver's memory only means something to
the configuration that made it, so the state records that configuration
(:func:`solver_config`) and :meth:`FitState.solver_state_for` hands it out
only to the same one; any other configuration starts its solver memory
afresh, as ``warm_start`` does.

A fit never mutates a stored state: the trainer works on a deep copy and the
estimator stores the copy only once the fit succeeded.  The estimator stores
it as a plain dict (:meth:`FitState.to_plain`), so that a fitted estimator
holds only arrays, plain Python values and scikit-learn objects: pickle and
``skops.io`` then need to trust nothing but the estimator class.
"""

import copy
from dataclasses import dataclass, field, fields, replace

import numpy as np

from ._penalties import USES_L1_RATIO


@dataclass
class FitState:
    """Everything a fit hands on to the next ``partial_fit`` or warm start.

    Attributes
    ----------
    n_iter, t : int
        Epochs of the last call and samples seen over all calls.
    loss : float
        Last epoch's loss.
    loss_curve : list of float
        Per-epoch loss over all calls.
    best_loss : float or None
        Lowest epoch loss (None with early stopping).
    no_improvement_count : int
        Epochs in a row without an improvement of at least ``tol``.
    validation_scores : list of float or None
        Held-out accuracy per epoch with early stopping.
    best_validation_score : float or None
        Best held-out accuracy with early stopping.
    best_params : ndarray or None
        Weights at the best held-out accuracy (early stopping).
    config : tuple or None
        The configuration that made ``optimizer`` and ``style``
        (see :func:`solver_config`); None before the first epoch.
    optimizer, style : dict
        The optimizer's and the style's memory: plain arrays and numbers.
    """

    n_iter: int = 0
    t: int = 0
    loss: float = np.inf
    loss_curve: list = field(default_factory=list)
    best_loss: float | None = np.inf
    no_improvement_count: int = 0
    validation_scores: list | None = None
    best_validation_score: float | None = None
    best_params: np.ndarray | None = None
    config: tuple | None = None
    optimizer: dict = field(default_factory=dict)
    style: dict = field(default_factory=dict)

    @classmethod
    def fresh(cls, early_stopping):
        """The state before any epoch."""
        if early_stopping:
            return cls(
                best_loss=None, validation_scores=[], best_validation_score=-np.inf
            )
        return cls()

    def to_plain(self):
        """The fields as a dict of plain values (what the estimator keeps)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_plain(cls, stored):
        """A deep copy of a stored state: a fit works on it, so a failed fit
        leaves the stored one as it was."""
        return cls(**copy.deepcopy(stored))

    def with_fresh_stopping(self, early_stopping, **changes):
        """A copy whose stopping book-keeping starts afresh, with ``changes``.

        The counters, best loss, validation scores and early stopping's best
        weights are those of a first fit with ``early_stopping``; epochs,
        samples seen and the loss curve carry over.
        """
        fresh = FitState.fresh(early_stopping)
        return replace(
            self,
            best_loss=fresh.best_loss,
            no_improvement_count=0,
            validation_scores=fresh.validation_scores,
            best_validation_score=fresh.best_validation_score,
            best_params=None,
            **changes,
        )

    def for_path_point(self, config, fresh_optimizer, fresh_style, early_stopping):
        """The state a point of a regularization path starts from.

        The path (``_path.py``) moves to a new alpha, or a new style, from the
        previous point's weights.  The optimizer's memory (adam's moments,
        sgd's velocity) carries over whenever the optimizer's settings are the
        same; the style's memory only under the same configuration (the
        same style).  The stopping rule starts afresh: the best loss of a
        weaker alpha is out of reach of a stronger one, and a carried counter
        would stop the new point after one epoch.
        """
        same_optimizer = self.config is not None and _optimizer_part(
            self.config
        ) == _optimizer_part(config)
        return self.with_fresh_stopping(
            early_stopping,
            config=config,
            optimizer=self.optimizer if same_optimizer else fresh_optimizer,
            style=self.style if self.config == config else fresh_style,
        )

    def solver_state_for(self, config):
        """``(optimizer, style)`` memory if made by ``config``, else None."""
        if self.config is None or self.config != config:
            return None
        return self.optimizer, self.style


def solver_config(est, n_params, dtype):
    """The settings the solver memory depends on, as a comparable tuple.

    The optimizer's memory (adam's moments, sgd's velocity and adaptive
    rate) belongs to the solver and its settings; the style's (the
    cumulative totals) to the style, the penalty and the penalized slice;
    both to the size and float type of the parameter vector.
    """
    return (
        ("n_params", int(n_params)),
        ("dtype", np.dtype(dtype).str),
        ("solver", est.solver),
        ("optimizer", _optimizer_settings(est)),
        ("penalty_style", est.penalty_style),
        ("penalty", est.penalty),
        ("l1_ratio", float(est.l1_ratio) if est.penalty in USES_L1_RATIO else None),
        ("penalize_intercepts", bool(est.penalize_intercepts)),
    )


# The entries of ``solver_config`` that belong to the style, not the optimizer.
_STYLE_KEYS = ("penalty_style", "penalty", "l1_ratio", "penalize_intercepts")


def _optimizer_part(config):
    """``config`` without its style entries: what the optimizer's memory needs."""
    return tuple(item for item in config if item[0] not in _STYLE_KEYS)


def _optimizer_settings(est):
    if est.solver == "sgd":
        return (
            float(est.learning_rate_init),
            est.learning_rate,
            float(est.momentum),
            bool(est.nesterovs_momentum),
            float(est.power_t),
        )
    return (
        float(est.learning_rate_init),
        float(est.beta_1),
        float(est.beta_2),
        float(est.epsilon),
    )
