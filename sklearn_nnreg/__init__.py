"""Neural-network L1/L2 regularization with an explicit penalty style.

``RegularizedMLPClassifier`` is a drop-in replacement for scikit-learn's
``MLPClassifier`` in which the penalty, its strength ``alpha`` and the way it is
applied during training (``penalty_style``) are explicit hyperparameters.
"""

from ._classifier import RegularizedMLPClassifier
from ._trainer import TrainingDivergedError

__version__ = "0.1.0"

__all__ = ["RegularizedMLPClassifier", "TrainingDivergedError", "__version__"]
