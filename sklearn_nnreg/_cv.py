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
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._classifier import RegularizedMLPClassifier
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


def _cv_parameter_constraints(estimator_class):
    """The estimator's constraints without alpha and style, plus the search's."""
    constraints = {
        name: rule
        for name, rule in estimator_class._parameter_constraints.items()
        if name not in ("alpha", "penalty_style")
    }
    constraints.update(
        alphas=[Interval(Integral, 1, None, closed="left"), "array-like"],
        penalty_styles=[list, tuple, None],
        cv=["cv_object"],
        scoring=[StrOptions(set(get_scorer_names())), callable, None],
        n_jobs=[Integral, None],
        refit=["boolean"],
        verbose=["verbose"],
    )
    return constraints


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

    # ------------------------------------------------------------ settings
    def _forwarded_params(self):
        names = self._estimator_class._get_param_names()
        params = {
            name: getattr(self, name)
            for name in names
            if name not in ("alpha", "penalty_style")
        }
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


def refitted_model_method(name, summary, returns, meaning):
    """A CV estimator's method ``name``: that of ``best_estimator_``, on X.

    ``summary`` is the docstring's first line, ``returns`` and ``meaning``
    the two lines of its numpydoc Returns entry.
    """

    def method(self, X):
        return getattr(self._model(), name)(X)

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


class RegularizedMLPClassifierCV(ClassifierMixin, _RegularizedMLPCVBase):
    """:class:`RegularizedMLPClassifier` with alpha and style cross-validated.

    Chooses the penalty style and its strength by cross-validation along a
    warm-started regularization path, as :class:`~sklearn.linear_model.
    LogisticRegressionCV` does for a linear model: on each training fold,
    one cold fit at the weakest alpha (the *trunk*, made with the first
    style and shared by all), then, for each style, the alphas from weak to
    strong, each point continuing from the previous point's weights and
    solver memory for at most 15 epochs (sgd and adam).  A point after a
    layer has become exactly zero starts cold.  This costs a fraction of
    a grid search over the same candidates (see :doc:`/regularization_path`).

    The chosen model is refitted on all the data along the same path (the
    trunk, then the chosen style's points up to the chosen alpha), so it is
    trained the way its cross-validation score was measured; ``predict``,
    ``predict_proba`` and ``score`` use it.

    Parameters
    ----------
    alphas : int or array-like of float, default=8
        The strengths to try, as objective weights lambda of ``L + lambda R``
        (the unit of ``penalty_style='gradient'``).  An int n gives n values
        log-spaced from 1e-5 to 1e-2.  Each is translated into each style's
        own unit with :func:`~sklearn_nnreg.translate_alpha` (with
        ``learning_rate_init``, and ``momentum`` under sgd); a value a style
        cannot express (e.g. a multiplicative keep-fraction <= 0) is left
        out of that style's path, as :func:`~sklearn_nnreg.style_param_grid`
        leaves it out.
    penalty_styles : list of str, default=None
        The styles to compare; the first one fits the trunk.  None: every
        style that accepts ``penalty`` with ``solver``, in the order of
        ``STYLES``.
    cv : int, cross-validation generator or iterable, default=None
        As in :func:`~sklearn.model_selection.check_cv`: None is 5 folds, an
        int that many, stratified for binary and multiclass targets.
    scoring : str or callable, default=None
        The score to maximise, a scorer name or ``scorer(estimator, X, y)``;
        None is the classifier's ``score``, accuracy.
    n_jobs : int, default=None
        Number of joblib workers: the trunks run one per fold, then the paths
        one per (fold, style).  None is 1 unless in a
        :func:`joblib.parallel_backend` context (the dask backend works too).
    refit : bool, default=True
        Whether to refit the chosen model on all the data.  Without it,
        ``predict`` and the model's attributes are not available.
    verbose : int, default=0
        0: silent; 1: a line per (fold, style) path; 2: the fits' own epoch
        messages too; above 2, joblib's progress as well.
    hidden_layer_sizes, activation, solver, batch_size, learning_rate, \
learning_rate_init, power_t, max_iter, shuffle, random_state, tol, \
warm_start, momentum, nesterovs_momentum, early_stopping, \
validation_fraction, beta_1, beta_2, epsilon, n_iter_no_change, max_fun, \
penalty, l1_ratio, penalize_intercepts, loss, class_weight
        As in :class:`RegularizedMLPClassifier` (same defaults), forwarded to
        every fit.  ``max_iter`` bounds the trunk and any cold start; the
        later points of a path take at most 15 epochs.  ``random_state``
        seeds each fit as it would seed a single one.  ``warm_start`` is
        only passed on to ``best_estimator_``: each ``fit`` searches afresh.

    Attributes
    ----------
    penalty_style_ : str
        The style with the best mean cross-validated score.
    alpha_ : float
        Its alpha, in that style's unit.
    common_alpha_ : float
        The same alpha as an objective weight (an entry of ``alphas_``).
    alphas_ : ndarray of shape (n_alphas,)
        The objective weights searched, increasing.
    cv_results_ : dict of ndarray
        One row per (style, alpha) candidate, in ``GridSearchCV``'s format:
        ``params`` (``penalty``, ``penalty_style``, ``alpha``,
        ``learning_rate_init``, and ``l1_ratio`` / ``momentum`` when they
        matter), ``param_<name>``, ``split<k>_test_score``,
        ``mean_test_score``, ``std_test_score``, ``rank_test_score``,
        ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time``, plus ``split<k>_test_sparsity``,
        ``mean_test_sparsity``, ``std_test_sparsity`` (fraction of exactly
        zero weights) and ``mean_n_iter`` (epochs).  A fit's time is that of
        its own point only (the trunk's for the first point of the first
        style).  It feeds :class:`~sklearn_nnreg.plot.StyleComparisonDisplay`
        and :class:`~sklearn_nnreg.plot.SparsityPathDisplay` as it is.
    best_index_ : int
        The row of the chosen candidate in ``cv_results_``.
    best_score_ : float
        Its mean cross-validated score.
    best_params_ : dict
        Its ``params``.
    best_estimator_ : RegularizedMLPClassifier
        The chosen model refitted on all the data along the path (only with
        ``refit=True``).
    refit_time_ : float
        Seconds spent refitting (only with ``refit=True``).  The refit's
        trunk is fitted alongside the folds' trunks; its seconds count here.
    n_splits_ : int
        Number of cross-validation folds.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coefs_, intercepts_, n_layers_, n_outputs_, out_activation_, \
sparsity_, n_iter_, loss_
        Those of ``best_estimator_`` (only with ``refit=True``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    RegularizedMLPClassifier : The classifier fitted along the path.
    style_param_grid : The grid for a brute-force ``GridSearchCV`` instead.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_nnreg import RegularizedMLPClassifierCV
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
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
    _parameter_constraints: dict = _cv_parameter_constraints(RegularizedMLPClassifier)

    def __init__(
        self,
        alphas=8,
        *,
        penalty_styles=None,
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        verbose=0,
        hidden_layer_sizes=(100,),
        activation="relu",
        solver="adam",
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        penalty="l2",
        l1_ratio=0.5,
        penalize_intercepts=False,
        loss="log_loss",
        class_weight=None,
    ):
        self.alphas = alphas
        self.penalty_styles = penalty_styles
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.verbose = verbose
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.penalize_intercepts = penalize_intercepts
        self.loss = loss
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Search alpha and style by cross-validation, then refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 indicator matrix for multilabel data.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the fits (the scores are unweighted, as in
            ``GridSearchCV``).

        Returns
        -------
        self : RegularizedMLPClassifierCV
            The fitted search.
        """
        return self._fit(X, y, sample_weight)

    def _record_targets(self, y):
        self.classes_ = fit_label_binarizer(y).classes_

    predict = refitted_model_method(
        "predict",
        "Predict class labels for X with the refitted model.",
        "y : ndarray of shape (n_samples,) or (n_samples, n_classes)",
        "The predicted classes.",
    )
    predict_proba = refitted_model_method(
        "predict_proba",
        "Probability estimates of the refitted model.",
        "proba : ndarray of shape (n_samples, n_classes)",
        "The probability of each class, in the order of ``classes_``.",
    )
    predict_log_proba = refitted_model_method(
        "predict_log_proba",
        "Logarithm of the probability estimates of the refitted model.",
        "log_proba : ndarray of shape (n_samples, n_classes)",
        "``log(predict_proba(X))``.",
    )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags
