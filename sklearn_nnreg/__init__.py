"""Neural-network L1/L2 regularization with an explicit penalty style.

``RegularizedMLPClassifier`` and ``RegularizedMLPRegressor`` are drop-in
replacements for scikit-learn's ``MLPClassifier`` and ``MLPRegressor`` in
which the penalty, its strength ``alpha`` and the way it is applied during
training (``penalty_style``) are explicit hyperparameters.
"""

from ._classifier import RegularizedMLPClassifier
from ._cv import RegularizedMLPClassifierCV
from ._cv_regressor import RegularizedMLPRegressorCV
from ._dask import DaskSetupError, dask_backend
from ._grid import best_alpha_per_style, common_alpha, style_param_grid
from ._regressor import RegularizedMLPRegressor
from ._scoring import sparsity_scorer
from ._trainer import TrainingDivergedError
from ._translate import from_keras_l1_l2, to_keras_l1_l2, translate_alpha

__version__ = "0.1.0"

__all__ = [
    "DaskSetupError",
    "RegularizedMLPClassifier",
    "RegularizedMLPClassifierCV",
    "RegularizedMLPRegressor",
    "RegularizedMLPRegressorCV",
    "TrainingDivergedError",
    "best_alpha_per_style",
    "common_alpha",
    "dask_backend",
    "from_keras_l1_l2",
    "sparsity_scorer",
    "style_param_grid",
    "to_keras_l1_l2",
    "translate_alpha",
    "__version__",
]
