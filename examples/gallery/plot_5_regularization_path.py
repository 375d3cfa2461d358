"""
================================================
Every style's validation curve from one path fit
================================================

:class:`~sklearn_nnreg.RegularizedMLPClassifierCV` cross-validates alpha and
the penalty style along a warm-started regularization path: per fold one
cold fit at the weakest alpha, then each style walks from weak to strong
alphas, each point continuing from the previous one's weights.  Its
``cv_results_`` has ``GridSearchCV``'s format, so the curve displays draw
it as they draw a grid search.
"""

# %%
# One fit of the search
# ---------------------
# Six objective weights from 1e-5 to 1e-2 (``alphas=6``), the four styles
# that take an L1 penalty under adam, three folds: 72 points in one fit.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifierCV
from sklearn_nnreg.plot import SparsityPathDisplay, StyleComparisonDisplay

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # short fits

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

search = RegularizedMLPClassifierCV(
    alphas=6,
    cv=3,
    hidden_layer_sizes=(16,),
    learning_rate_init=0.01,
    max_iter=30,
    penalty="l1",
    random_state=0,
).fit(X_train, y_train)
print(f"chosen: {search.penalty_style_}, lambda = {search.common_alpha_:.1e}")
print(f"test accuracy: {search.score(X_test, y_test):.3f}")

# %%
# Validation curves and sparsity
# -------------------------------
# Each line is one style's path: a point is the mean over the folds of the
# model fitted at that alpha, warm-started from the weaker alpha to its
# left.
fig, (ax_score, ax_zero) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
StyleComparisonDisplay.from_cv_results(search.cv_results_, ax=ax_score)
SparsityPathDisplay.from_cv_results(search.cv_results_, ax=ax_zero)
ax_score.set_title("3-fold CV accuracy along the path")
ax_zero.set_title("weights exactly zero")
plt.show()

# %%
# The epochs each point took: the trunk (first point of the first style)
# runs up to ``max_iter``, every later point at most 12 epochs (one row per
# style).
print(search.cv_results_["mean_n_iter"].reshape(-1, len(search.alphas_)))
