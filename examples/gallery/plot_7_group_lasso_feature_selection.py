"""
=============================================
Group lasso: feature selection and pruning
=============================================

``penalty='group_lasso'`` penalises the Euclidean norm of each input's and
each hidden unit's outgoing weights, ``sum_g sqrt(p_g) ||w_g||``.  With
``penalty_style='proximal'`` the block soft-threshold sets whole groups
exactly to zero, under adam too (the prox is taken in adam's per-weight
metric): a zero input group is a feature the network ignores, a zero hidden
group a unit :meth:`~sklearn_nnreg.RegularizedMLPClassifier.prune` removes.

Here a network selects features for a pipeline
``StandardScaler -> SelectFromModel(threshold=1e-12) -> small network`` on
data whose 5 informative features are known, along a path of alphas, next to
element-wise L1 under ``solver='lbfgs'`` (the other way to zero whole
inputs).  The group-lasso selector follows the recommended recipe
(:ref:`the recipe <group-lasso-feature-selection>`): full-batch adam with a fixed number
of epochs per alpha, fitted along the path from weak to strong with
``warm_start=True``, so an input the network has learnt to use is not lost
to a strong alpha before it is learnt.  Choose alpha by the pipeline's
cross-validated accuracy: the selector's own accuracy favours small alphas
that keep noise inputs.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier
from sklearn_nnreg.plot import StructureDisplay

warnings.filterwarnings("ignore", category=ConvergenceWarning)

# shuffle=False: the 5 informative columns come first, 25 noise columns after.
X, y = make_classification(
    300,
    30,
    n_informative=5,
    n_redundant=0,
    shuffle=False,
    class_sep=1.5,
    random_state=0,
)
informative = np.arange(X.shape[1]) < 5
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)


def group_lasso_path(alphas):
    """Fitted selectors along ``alphas``, each from the previous one's weights."""
    # Full-batch adam, every alpha's epochs in full: a warm-started fit keeps
    # the stopping rule's count (as MLPClassifier does), so n_iter_no_change
    # exceeds the whole path's epochs.
    selector = RegularizedMLPClassifier(
        (16,),
        solver="adam",
        batch_size=len(X_train),
        learning_rate_init=0.003,
        max_iter=200,
        n_iter_no_change=100_000,
        penalty="group_lasso",
        penalty_style="proximal",
        random_state=0,
        warm_start=True,
    )
    X_scaled = StandardScaler().fit_transform(X_train)
    for alpha in alphas:
        selector.set_params(alpha=alpha).fit(X_scaled, y_train)
        # SelectFromModel(prefit=True) copies the fitted selector at fit.
        yield SelectFromModel(selector, threshold=1e-12, prefit=True)


def l1_path(alphas):
    for alpha in alphas:
        yield SelectFromModel(l1_selector(alpha), threshold=1e-12)


def l1_selector(alpha):
    return RegularizedMLPClassifier(
        (16,),
        solver="lbfgs",
        penalty="l1",
        alpha=alpha,
        max_iter=100,
        random_state=0,
    )


def evaluate(selection):
    """Inputs kept and test accuracy of the pipeline around ``selection``."""
    pipe = make_pipeline(
        StandardScaler(),
        selection,
        RegularizedMLPClassifier((8,), solver="lbfgs", max_iter=100, random_state=0),
    ).fit(X_train, y_train)
    kept = pipe[1].get_support()
    return pipe, kept, pipe.score(X_test, y_test)


# %%
# Accuracy against the number of features kept
# ---------------------------------------------
paths = {
    "group lasso, proximal adam": (group_lasso_path, [2e-3, 5e-3, 1e-2, 2e-2, 3e-2]),
    "L1, lbfgs": (l1_path, [1e-2, 3e-2, 6e-2]),
}
results, structure = {}, []
for name, (path, alphas) in paths.items():
    rows = []
    for alpha, selection in zip(alphas, path(alphas), strict=True):
        pipe, kept, accuracy = evaluate(selection)
        rows.append((kept.sum(), accuracy))
        print(
            f"{name:<27} alpha={alpha:<6g} keeps {kept[informative].sum()}/5 "
            f"informative, {kept[~informative].sum():2d}/25 noise; "
            f"test accuracy {accuracy:.3f}"
        )
        if path is group_lasso_path:
            structure.append((pipe[1].estimator_.prune(), kept.sum()))
    results[name] = np.array(rows)

fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
for name, rows in results.items():
    ax.plot(rows[:, 0], rows[:, 1], "o-", label=name)
ax.axvline(5, color="0.6", linestyle=":", label="the 5 informative features")
ax.set_xlabel("features kept")
ax.set_ylabel("test accuracy of the pipeline")
ax.legend()
plt.show()

# %%
# Units and inputs kept along alpha
# ---------------------------------
# The same group-lasso fits also lose hidden units; ``prune()`` returns the
# smaller network with the same predictions.  :class:`StructureDisplay`
# (whose ``from_estimator`` fits a path itself) draws both counts.
display = StructureDisplay(
    alphas=np.array(paths["group lasso, proximal adam"][1]),
    units_kept=np.array([[pruned.hidden_layer_sizes[0]] for pruned, _ in structure]),
    inputs_kept=np.array([inputs for _, inputs in structure]),
    hidden_layer_sizes=(16,),
    n_features=X.shape[1],
).plot()
plt.show()
