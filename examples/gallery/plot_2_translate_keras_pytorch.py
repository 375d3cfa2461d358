"""
===============================================
Translating a Keras, PyTorch or sklearn lambda
===============================================

A weight decay tuned in another library carries that library's convention.
:func:`~sklearn_nnreg.translate_alpha` converts it, through the objective
weight lambda of ``mean loss + lambda * R``.  This example translates three
settings and checks the translations against fits:

* scikit-learn's ``MLPClassifier(alpha=0.032, batch_size=32)``, whose alpha
  is divided by the batch size;
* Keras's ``kernel_regularizer=l2(5e-4)``, which has no 1/2 in ``l * sum w**2``;
* PyTorch's ``AdamW(lr=1e-3, weight_decay=0.05)``, a decoupled decay scaled
  by the learning rate.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier, translate_alpha

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # short fits

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=1280, random_state=0, stratify=y
)
common = dict(hidden_layer_sizes=(32,), batch_size=32, max_iter=15, random_state=0)


def weight_norm(model):
    """Root of the sum of the squared connection weights."""
    return float(np.sqrt(sum((w**2).sum() for w in model.coefs_)))


# %%
# scikit-learn: divide by the batch size
# --------------------------------------
# ``MLPClassifier`` adds ``alpha / 2 * sum w**2`` to the *summed* loss of a
# minibatch, so its alpha is ``batch_size`` times our objective weight.
# With 1280 training samples every minibatch has 32 of them, and the
# translated model reproduces scikit-learn's weights exactly.
lam = translate_alpha(
    0.032, penalty="l2", source="sklearn", target="gradient", batch_size=32
)
print(f"MLPClassifier(alpha=0.032, batch_size=32) is our alpha = {lam:g}")
sk = MLPClassifier(alpha=0.032, solver="sgd", learning_rate_init=0.01, **common)
ours = RegularizedMLPClassifier(
    alpha=lam, solver="sgd", learning_rate_init=0.01, **common
)
naive = RegularizedMLPClassifier(
    alpha=0.032, solver="sgd", learning_rate_init=0.01, **common
)
for model in (sk, ours, naive):
    model.fit(X_train, y_train)
gap = max(np.abs(a - b).max() for a, b in zip(sk.coefs_, ours.coefs_, strict=True))
print(f"largest weight difference, translated: {gap:.1e}")
print(
    f"weight norm: sklearn {weight_norm(sk):.2f}, translated "
    f"{weight_norm(ours):.2f}, alpha copied as is {weight_norm(naive):.2f}"
)

# %%
# Keras: the missing 1/2
# ----------------------
# ``keras.regularizers.l2(l)`` adds ``l * sum w**2``: its gradient is
# ``2 * l * w``.  Ours, ``alpha * 1/2 * sum w**2``, has gradient
# ``alpha * w``, so ``alpha = 2 * l``.
keras_l = 5e-4
print(
    "Keras l2(5e-4) is our alpha =",
    translate_alpha(keras_l, penalty="l2", source="keras", target="gradient"),
)
print(
    "Keras l1(5e-4) is our alpha =",
    translate_alpha(keras_l, penalty="l1", source="keras", target="gradient"),
)

# %%
# PyTorch AdamW: a decay per step, scaled by the learning rate
# ------------------------------------------------------------
# ``AdamW`` multiplies every weight by ``1 - lr * weight_decay`` at each step,
# outside adam's update: exactly our ``'decoupled'`` style with alpha
# ``lr * weight_decay``.  As an objective weight (``'gradient'`` style, where
# adam rescales the penalty with the data gradient) the map is only
# first-order.  Copying ``weight_decay`` itself as the decoupled alpha
# shrinks by 5% per step: a thousand times too strong.
lr, weight_decay = 1e-3, 0.05
decoupled = translate_alpha(
    weight_decay,
    penalty="l2",
    source="pytorch_adamw",
    target="decoupled",
    learning_rate_init=lr,
)
objective = translate_alpha(
    weight_decay,
    penalty="l2",
    source="pytorch_adamw",
    target="gradient",
    learning_rate_init=lr,
)
print(
    f"AdamW(lr={lr:g}, weight_decay={weight_decay:g}): decoupled alpha "
    f"{decoupled:g}, objective weight {objective:g} (first-order)"
)

variants = {
    "no penalty": dict(penalty=None),
    "AdamW, translated\n(decoupled 5e-5)": dict(
        penalty_style="decoupled", alpha=decoupled
    ),
    "objective weight 0.05\n(gradient style)": dict(
        penalty_style="gradient", alpha=objective
    ),
    "weight_decay copied\n(decoupled 0.05)": dict(
        penalty_style="decoupled", alpha=weight_decay
    ),
}
norms, accuracies = [], []
for params in variants.values():
    model = RegularizedMLPClassifier(
        solver="adam", learning_rate_init=lr, **common, **params
    ).fit(X_train, y_train)
    norms.append(weight_norm(model))
    accuracies.append(model.score(X_test, y_test))

fig, (ax_norm, ax_acc) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
positions = np.arange(len(variants))
ax_norm.barh(positions, norms, color=["0.6", "C1", "C0", "C3"])
ax_acc.barh(positions, accuracies, color=["0.6", "C1", "C0", "C3"])
for ax in (ax_norm, ax_acc):
    ax.set_yticks(positions, list(variants))
    ax.invert_yaxis()
ax_acc.set_yticklabels([])
ax_norm.set_xlabel("weight norm after 15 epochs of adam")
ax_acc.set_xlabel("held-out accuracy")
ax_acc.set_xlim(0, 1)
for i, acc in enumerate(accuracies):
    ax_acc.annotate(
        f"{acc:.2f}", (acc, i), xytext=(3, 0), textcoords="offset points", va="center"
    )
plt.show()

# %%
# The translated decay (exact: the same update as ``AdamW``) shrinks the
# weights only a little in 600 steps.  The objective weight 0.05, the
# first-order translation, shrinks them much more: under adam a penalty in
# the gradient is divided by adam's running scale like the data gradient,
# which for weights whose data gradient is small makes it a large step.  No
# single number maps a decay inside adam's update onto one outside it,
# which is why ``AdamW`` exists.  The copied ``weight_decay`` multiplies
# every weight by 0.95 at each of the 600 steps, and leaves the network with
# almost nothing.
#
# The same holds for the scikit-learn alpha above: copied as our alpha, 0.032
# is 32 times the penalty of ``MLPClassifier(alpha=0.032, batch_size=32)``,
# and the weight norm halves.
