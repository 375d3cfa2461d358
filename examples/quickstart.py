"""Grid search over alpha and penalty style on the digits data."""

from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnreg import RegularizedMLPClassifier

X, y = load_digits(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(),
    RegularizedMLPClassifier(
        hidden_layer_sizes=(64,), penalty="l1", max_iter=60, random_state=0
    ),
)
grid = GridSearchCV(
    pipe,
    {
        "regularizedmlpclassifier__penalty_style": ["gradient", "proximal", "cumulative"],
        "regularizedmlpclassifier__alpha": [1e-4, 1e-3],
    },
    cv=3,
    n_jobs=2,
)
grid.fit(X, y)
print("best:", grid.best_params_, "CV accuracy: %.3f" % grid.best_score_)
best = grid.best_estimator_[-1]
print("share of exact-zero weights in the best model: %.3f" % best.sparsity_)
