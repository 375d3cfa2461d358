"""
======================================
L1 feature selection in a pipeline
======================================

An L1 penalty on the first layer can cut an input off entirely: when every
weight leaving input *j* is exactly zero, the network ignores feature *j*.
:class:`~sklearn_nnreg.RegularizedMLPClassifier` exposes
``feature_importances_`` (the norm of each input's outgoing weights, exactly
zero for a cut input), so scikit-learn's
:class:`~sklearn.feature_selection.SelectFromModel` can drop those inputs.

Use ``solver='lbfgs'`` for this: it solves the L1 problem exactly (each
weight split into a positive and a negative part with bounds), so whole
rows reach zero.  Element-wise L1 under sgd or adam zeroes single weights
long before it zeroes a whole input's row.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

# 4 informative columns first, then 8 columns of pure noise.
X, y = make_classification(
    400,
    12,
    n_informative=4,
    n_redundant=0,
    n_repeated=0,
    shuffle=False,
    class_sep=1.5,
    random_state=0,
)
informative = np.arange(12) < 4


def selector(alpha):
    return RegularizedMLPClassifier(
        hidden_layer_sizes=(8,),
        solver="lbfgs",
        penalty="l1",
        alpha=alpha,
        max_iter=200,
        tol=1e-6,
        random_state=0,
    )


# %%
# The selector's importances
# --------------------------
# Fitted on its own, the L1 network leaves the noise inputs with exactly zero
# outgoing weights.
l1_net = selector(0.02).fit(StandardScaler().fit_transform(X), y)
importances = l1_net.feature_importances_
print("inputs cut off:", np.flatnonzero(importances == 0).tolist())
print(f"share of exact-zero weights: {l1_net.sparsity_:.0%}")

fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
ax.bar(np.arange(12), importances, color=np.where(informative, "C0", "0.6"))
ax.set_xticks(np.arange(12))
ax.set_xlabel("input (0-3 informative, 4-11 noise)")
ax.set_ylabel("feature_importances_")
ax.set_title("L1 under lbfgs, alpha = 0.02")
plt.show()

# %%
# In a pipeline
# -------------
# ``threshold=1e-12`` keeps exactly the inputs with a non-zero weight.  The
# selection is part of the pipeline, so cross-validation refits it on each
# training fold.
pipe = make_pipeline(
    StandardScaler(),
    SelectFromModel(selector(0.02), threshold=1e-12),
    RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver="lbfgs", max_iter=100, random_state=0
    ),
)
pipe.fit(X, y)
print("kept inputs:", np.flatnonzero(pipe[1].get_support()).tolist())
with_selection = cross_val_score(pipe, X, y, cv=3)
without = cross_val_score(make_pipeline(StandardScaler(), pipe[-1]), X, y, cv=3)
print(
    f"3-fold CV accuracy: {with_selection.mean():.3f} with the selection, "
    f"{without.mean():.3f} on all 12 inputs"
)

# %%
# How many inputs survive
# -----------------------
# The stronger the penalty, the fewer inputs keep a weight; the informative
# ones go last.
alphas = np.geomspace(4e-3, 0.1, 6)
Xs = StandardScaler().fit_transform(X)
kept_informative, kept_noise = [], []
for alpha in alphas:
    alive = selector(alpha).fit(Xs, y).feature_importances_ > 0
    kept_informative.append(int(alive[informative].sum()))
    kept_noise.append(int(alive[~informative].sum()))
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
ax.plot(alphas, kept_informative, "o-", label="informative (of 4)")
ax.plot(alphas, kept_noise, "s-", color="0.5", label="noise (of 8)")
ax.set_xscale("log")
ax.set_xlabel("alpha (objective units)")
ax.set_ylabel("inputs kept")
ax.legend()
plt.show()
