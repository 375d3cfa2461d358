"""Cross-validated alpha and penalty style along a warm-started path.

:class:`RegularizedMLPClassifierCV` is the classifier; the search itself
(``_RegularizedMLPCVBase``) only needs the estimator class to fit and its
scorer, so a regressor can share it.
"""

import time
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, ClassifierMixin, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted

from ._classifier import RegularizedMLPClassifier
from ._docstrings import fill_estimator_doc, fill_search_doc
from ._parameters import SEARCH, constraints_of, forwarded_to_fits, init_storing
from ._path import (
    PointBudget,
    fit_trunk,
    refit_along_path,
    score_path,
    style_points,
)
from ._styles import STYLES, styles_accepting
from ._targets import check_sample_weight, fit_label_binarizer, validate_input
from ._trainer import TrainingDivergedError

#: ``alphas=n`` means n objective weights log-spaced over these decades.
DEFAULT_ALPHA_RANGE = (1e-5, 1e-2)

# Attributes of the refitted model that the CV estimator exposes as its own.
_MODEL_ATTRIBUTES = (
    "coefs_",
    "intercepts_",
    "n_layers_",
    "n_outputs_",
    "out_activation_",
    "sparsity_",
    "n_iter_",
    "loss_",
)


class _RegularizedMLPCVBase(BaseEstimator):
    """The search along the path, for the estimator class ``_estimator_class``.

    ``_warm_path`` is a private switch: False fits every (style, alpha,
    fold) cold, exactly as ``GridSearchCV`` over the same grid does (the
    tests compare the two).  ``_point_budget`` bounds each warm point (see
    :class:`~sklearn_nnreg._path.PointBudget`), for experiments with it.
    Set either on an instance before ``fit``.
    """

    _estimator_class = None
    _warm_path = True
    _point_budget = PointBudget()

    @fill_estimator_doc
    def fit(self, X, y, sample_weight=None):
        """Search alpha and style by cross-validation, then refit.

        {fit_data}
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the fits (the scores are unweighted, as in
            ``GridSearchCV``).

        Returns
        -------
        self : object
            The fitted search.
        """
        return self._fit(X, y, sample_weight)

    # ------------------------------------------------------------ settings
    def _forwarded_params(self):
        forwarded = forwarded_to_fits(self._estimator_class)
        params = {p.name: getattr(self, p.name) for p in forwarded}
        params["verbose"] = bool(self.verbose >= 2)  # epoch messages: level 2
        return params

    def _base_estimator(self):
        return self._estimator_class(**self._forwarded_params())

    def _objective_alphas(self):
        """The lambdas of the path, sorted weak to strong."""
        if isinstance(self.alphas, Integral):
            low, high = np.log10(DEFAULT_ALPHA_RANGE)
            return np.logspace(low, high, self.alphas)
        lambdas = np.asarray(self.alphas, dtype=float)
        if lambdas.ndim != 1 or lambdas.size == 0 or not np.all(lambdas >= 0):
            raise ValueError(
                "alphas must be an int (that many log-spaced values) or a "
                "non-empty 1-d array of non-negative objective weights; got "
                f"{self.alphas!r}."
            )
        return np.unique(lambdas)

    def _styles(self, estimator):
        """The styles to search: checked against the penalty and solver."""
        penalty, solver = estimator.penalty, estimator.solver
        if penalty is None:
            raise ValueError(
                "penalty=None has no alpha to tune. Choose penalty='l1', 'l2' or "
                f"'elasticnet', or fit a {self._estimator_class.__name__} directly."
            )
        if self.penalty_styles is None:
            return styles_accepting(penalty, solver, estimator.l1_ratio)
        styles = tuple(self.penalty_styles)
        if not styles:
            raise ValueError("penalty_styles is empty; give at least one style.")
        for name in styles:
            if name not in STYLES:
                raise ValueError(
                    f"Unknown penalty style {name!r} in penalty_styles; use "
                    f"names from {tuple(STYLES)}."
                )
            STYLES[name].check_solver(solver)
            STYLES[name].check_penalty(penalty, estimator.l1_ratio)
        if len(set(styles)) < len(styles):
            raise ValueError(f"penalty_styles lists a style twice: {styles}.")
        return styles

    def _path_points(self, estimator, styles, lambdas):
        points = style_points(styles, lambdas, estimator)
        empty = [name for name in styles if not points[name]]
        if self.penalty_styles is not None and empty:
            raise ValueError(
                f"penalty_styles {empty} can express none of the alphas "
                f"{list(lambdas)} with learning_rate_init="
                f"{estimator.learning_rate_init} (see translate_alpha). Use "
                "smaller alphas or leave these styles out."
            )
        return {name: pts for name, pts in points.items() if pts}

    # ----------------------------------------------------------------- fit
    def _run_paths(self, estimator, points, data, splits, scorer):
        """``{(fold, style): [row per point]}``, and the refit's trunk.

        The trunks run first, then the paths.  The refit's trunk (the cold
        fit on all the data, ``(trunk, seconds)``, None without ``refit``
        or warm starts) runs among the folds' trunks, in a worker.
        """
        budget = self._budget()
        styles = list(points)
        trunk_point = points[styles[0]][0]
        parallel = self._parallel()
        trunks, refit_trunk = [(None, 0.0)] * len(splits), None
        if budget is not None:
            # The refit's trunk first, as the longest job: 1 + 5 trunks on
            # 2 workers take no longer than the 5 folds' alone.
            trains = [None] * bool(self.refit) + [train for train, _ in splits]
            trunks = parallel(
                delayed(fit_trunk)(estimator, trunk_point, *data, train)
                for train in trains
            )
            refit_trunk = trunks.pop(0) if self.refit else None
        jobs = [(fold, style) for fold in range(len(splits)) for style in styles]
        rows = parallel(
            delayed(score_path)(
                estimator, trunks[f], points[s], data, splits[f], scorer, budget
            )
            for f, s in jobs
        )
        return dict(zip(jobs, rows, strict=True)), refit_trunk

    def _budget(self):
        """The warm points' budget, or None: every point a cold fit."""
        return self._point_budget if self._warm_path else None

    def _parallel(self):
        return Parallel(n_jobs=self.n_jobs, verbose=max(0, self.verbose - 2))

    def _search(self, X, y, sample_weight):
        """Score every point on every fold; set the search's attributes."""
        estimator = self._base_estimator()
        styles = self._styles(estimator)
        lambdas = self._objective_alphas()
        points = self._path_points(estimator, styles, lambdas)
        cv = check_cv(self.cv, y, classifier=is_classifier(self))
        splits = list(cv.split(X, y))
        scorer = check_scoring(estimator, scoring=self.scoring)
        results, refit_trunk = self._run_paths(
            estimator, points, (X, y, sample_weight), splits, scorer
        )
        self._report(results, points)
        self.alphas_ = lambdas
        self.n_splits_ = len(splits)
        self.cv_results_ = _cv_results(estimator, points, results, len(splits))
        return estimator, points, refit_trunk

    def _report(self, results, points):
        if not self.verbose:
            return
        for (fold, style), rows in results.items():
            seconds = sum(row["fit_time"] for row in rows)
            epochs = sum(row["n_iter"] for row in rows)
            print(
                f"[path] fold {fold}, {style}: {len(points[style])} alphas, "
                f"{epochs} epochs, {seconds:.2f} s"
            )

    def _choose(self, points):
        """Set the best candidate's attributes; return its point."""
        results = self.cv_results_
        self.best_index_ = int(np.argmin(results["rank_test_score"]))
        self.best_score_ = float(results["mean_test_score"][self.best_index_])
        self.best_params_ = results["params"][self.best_index_]
        chosen = [pt for pts in points.values() for pt in pts][self.best_index_]
        self.penalty_style_ = chosen.style
        self.alpha_ = chosen.alpha
        self.common_alpha_ = chosen.common_alpha
        return chosen

    def _refit(self, estimator, points, chosen, refit_trunk, data):
        """Refit along the path from ``refit_trunk``, in a worker.

        A worker, not this process, so that the refit runs as the search's
        fits do (e.g. with joblib's one BLAS thread per worker: many threads
        on these small products are slower, and far slower on a busy machine).
        """
        trunk, trunk_seconds = refit_trunk or (None, 0.0)
        start = time.perf_counter()
        (best,) = self._parallel()(
            [
                delayed(refit_along_path)(
                    estimator,
                    trunk,
                    points[chosen.style],
                    chosen,
                    *data,
                    self._budget(),
                )
            ]
        )
        # The path's points ran with warm_start and a budget; the model
        # reports the user's settings, as a refit of best_params_ would.
        best.set_params(
            warm_start=estimator.warm_start,
            max_iter=estimator.max_iter,
            n_iter_no_change=estimator.n_iter_no_change,
        )
        self.refit_time_ = trunk_seconds + time.perf_counter() - start
        self.best_estimator_ = best
        for name in _MODEL_ATTRIBUTES:
            setattr(self, name, getattr(best, name))

    def _fit(self, X, y, sample_weight):
        self._validate_params()
        X, y = self._validate_input(X, y)
        sample_weight = check_sample_weight(sample_weight, X)
        self._record_targets(y)
        for name in ("best_estimator_", *_MODEL_ATTRIBUTES):
            self.__dict__.pop(name, None)  # a previous fit's model
        estimator, points, refit_trunk = self._search(X, y, sample_weight)
        chosen = self._choose(points)
        if self.refit:
            self._refit(estimator, points, chosen, refit_trunk, (X, y, sample_weight))
        return self

    def _validate_input(self, X, y):
        """``X`` and ``y`` checked as the estimator class checks them."""
        return validate_input(self, X, y, reset=True)

    def _refit_rows(self, rows, X, y):
        """``{row: model}``: rows of ``cv_results_`` refitted along the path.

        Each model is trained on ``(X, y)`` as the cross-validation scored
        its row, all from one trunk (None for a refit that diverged).  For
        ``nnreg compare``, which tests each style's best row.
        """
        check_is_fitted(self, "cv_results_")
        estimator = self._base_estimator()
        points = self._path_points(estimator, self._styles(estimator), self.alphas_)
        candidates = [pt for pts in points.values() for pt in pts]
        trunk, budget = None, self._budget()
        if budget is not None:
            trunk, _ = fit_trunk(estimator, candidates[0], X, y, None)
        models = self._parallel()(
            delayed(_refit_or_none)(
                estimator, trunk, points, candidates[row], X, y, budget
            )
            for row in rows
        )
        return dict(zip(rows, models, strict=True))

    def _record_targets(self, y):
        """Fitted attributes that describe the targets (a subclass's)."""

    # ------------------------------------------------------------- predict
    def _model(self):
        check_is_fitted(self)
        if not hasattr(self, "best_estimator_"):
            raise NotFittedError(
                f"This {type(self).__name__} was fitted with refit=False and "
                "kept no model. Fit it with refit=True, or fit the estimator "
                "with best_params_ yourself."
            )
        return self.best_estimator_


_MODEL_METHOD_DOC = """{summary}

Parameters
----------
X : {{array-like, sparse matrix}} of shape (n_samples, n_features)
    The input data.

Returns
-------
{returns}
    {meaning}
"""


# The docstring parts of each delegated method: (summary, Returns entry,
# its meaning), per estimator kind where the outputs differ.
_MODEL_METHODS = {
    ("predict", "classifier"): (
        "Predict class labels for X with the refitted model.",
        "y : ndarray of shape (n_samples,) or (n_samples, n_classes)",
        "The predicted classes.",
    ),
    ("predict", "regressor"): (
        "Predict with the refitted model.",
        "y : ndarray of shape (n_samples,) or (n_samples, n_outputs)",
        "The predicted values.",
    ),
    ("predict_proba", "classifier"): (
        "Probability estimates of the refitted model.",
        "proba : ndarray of shape (n_samples, n_classes)",
        "The probability of each class, in the order of ``classes_``.",
    ),
    ("predict_log_proba", "classifier"): (
        "Logarithm of the probability estimates of the refitted model.",
        "log_proba : ndarray of shape (n_samples, n_classes)",
        "``log(predict_proba(X))``.",
    ),
}


def refitted_model_method(name, kind):
    """A CV estimator's method ``name``: that of ``best_estimator_``, on X.

    ``kind`` ('classifier' or 'regressor') picks the docstring's summary and
    Returns entry in ``_MODEL_METHODS``.
    """

    def method(self, X):
        return getattr(self._model(), name)(X)

    summary, returns, meaning = _MODEL_METHODS[name, kind]
    method.__name__ = name
    method.__doc__ = _MODEL_METHOD_DOC.format(
        summary=summary, returns=returns, meaning=meaning
    )
    return method


def _refit_or_none(estimator, trunk, points, chosen, X, y, budget):
    try:
        return refit_along_path(
            estimator, trunk, points[chosen.style], chosen, X, y, None, budget
        )
    except TrainingDivergedError:
        return None


def _cv_results(estimator, points, results, n_splits):
    """``GridSearchCV``'s ``cv_results_`` format, one row per (style, alpha)."""
    candidates = [pt for pts in points.values() for pt in pts]
    columns = {}
    for key in ("score", "sparsity", "n_iter", "fit_time", "score_time"):
        table = np.empty((len(candidates), n_splits))
        row = 0
        for style, pts in points.items():
            for fold in range(n_splits):
                values = [r[key] for r in results[(fold, style)]]
                table[row : row + len(pts), fold] = values
            row += len(pts)
        columns[key] = table
    out = {}
    for key in ("fit_time", "score_time"):
        out[f"mean_{key}"] = columns[key].mean(axis=1)
        out[f"std_{key}"] = columns[key].std(axis=1)
    params = [_candidate_params(estimator, pt) for pt in candidates]
    for name in params[0]:
        out[f"param_{name}"] = np.ma.masked_array([p[name] for p in params])
    out["params"] = params
    for metric, key in (("score", "score"), ("sparsity", "sparsity")):
        for fold in range(n_splits):
            out[f"split{fold}_test_{metric}"] = columns[key][:, fold]
        out[f"mean_test_{metric}"] = columns[key].mean(axis=1)
        out[f"std_test_{metric}"] = columns[key].std(axis=1)
    out["rank_test_score"] = _rank(out["mean_test_score"])
    out["mean_n_iter"] = columns["n_iter"].mean(axis=1)
    return out


def _candidate_params(estimator, point):
    """A row's ``params``: what ``common_alpha`` needs to translate it back."""
    params = {
        "penalty": estimator.penalty,
        "penalty_style": point.style,
        "alpha": point.alpha,
        "learning_rate_init": estimator.learning_rate_init,
    }
    if estimator.penalty == "elasticnet":
        params["l1_ratio"] = estimator.l1_ratio
    if estimator.solver == "sgd":
        params["momentum"] = estimator.momentum
    return params


def _rank(means):
    """Ranks as GridSearchCV gives them: 1 is best, ties share the lowest."""
    finite = np.where(np.isnan(means), -np.inf, means)
    return rankdata(-finite, method="min").astype(np.int32)


@fill_search_doc
class RegularizedMLPClassifierCV(ClassifierMixin, _RegularizedMLPCVBase):
    """:class:`RegularizedMLPClassifier` with alpha and style cross-validated.

    Chooses the penalty style and its strength by cross-validation along a
    warm-started regularization path, as :class:`~sklearn.linear_model.
    LogisticRegressionCV` does for a linear model: on each training fold,
    one cold fit at the weakest alpha (the *trunk*, made with the first
    style and shared by all), then, for each style, the alphas from weak to
    strong, each point continuing from the previous point's weights (shrunk
    by a factor 0.8) and solver memory for at most 12 epochs (sgd and
    adam).  A point after a
    layer has become exactly zero starts cold.  This costs a fraction of
    a grid search over the same candidates (see :doc:`/regularization_path`).

    The chosen model is refitted on all the data along the same path (the
    trunk, then the chosen style's points up to the chosen alpha), so it is
    trained the way its cross-validation score was measured; ``predict``,
    ``predict_proba`` and ``score`` use it.

    {search_parameters}

    {search_attributes}
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    See Also
    --------
    RegularizedMLPClassifier : The classifier fitted along the path.
    style_param_grid : The grid for a brute-force ``GridSearchCV`` instead.

    {example_iris}
    >>> from sklearn_nnreg import RegularizedMLPClassifierCV
    >>> search = RegularizedMLPClassifierCV(
    ...     alphas=[1e-4, 1e-3, 1e-2], penalty_styles=["gradient", "proximal"],
    ...     cv=3, hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...     penalty="l1", max_iter=200, random_state=0,
    ... ).fit(X, y)
    >>> search.penalty_style_ in ("gradient", "proximal")
    True
    >>> len(search.cv_results_["params"])
    6
    >>> search.score(X, y) > 0.9
    True
    """

    _estimator_class = RegularizedMLPClassifier
    _parameters = (*SEARCH, *forwarded_to_fits(RegularizedMLPClassifier))
    _parameter_constraints: dict = constraints_of(_parameters)
    __init__ = init_storing(_parameters, n_positional=1)

    def _record_targets(self, y):
        self.classes_ = fit_label_binarizer(y).classes_

    predict = refitted_model_method("predict", "classifier")
    predict_proba = refitted_model_method("predict_proba", "classifier")
    predict_log_proba = refitted_model_method("predict_log_proba", "classifier")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags
