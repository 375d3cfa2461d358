"""``RegularizedMLPRegressorCV``: the path search of ``_cv`` for regression.

The search (folds, trunks, warm-started paths, the choice and the refit) is
``_RegularizedMLPCVBase``'s; this module only says which estimator it fits,
how the targets are checked, and what the regressor predicts.
"""

from sklearn.base import RegressorMixin

from ._cv import (
    _cv_parameter_constraints,
    _RegularizedMLPCVBase,
    refitted_model_method,
)
from ._regressor import RegularizedMLPRegressor
from ._targets import validate_regression_input


class RegularizedMLPRegressorCV(RegressorMixin, _RegularizedMLPCVBase):
    """:class:`RegularizedMLPRegressor` with alpha and style cross-validated.

    The regression twin of :class:`RegularizedMLPClassifierCV`, with the
    same search: on each training fold one cold fit at the weakest alpha
    (the *trunk*, made with the first style and shared by all), then, for
    each style, the alphas from weak to strong, each point continuing from
    the previous point's weights and solver memory for at most 15 epochs
    (sgd and adam); a point after an all-zero layer starts cold.  The chosen
    model is refitted on all the data along the same path.  See
    :doc:`/regularization_path`.

    Folds are plain (unshuffled) :class:`~sklearn.model_selection.KFold`
    splits when ``cv`` is an int or None, and the default score is R²
    (``score``), as in scikit-learn's regressors.

    Parameters
    ----------
    alphas : int or array-like of float, default=8
        The strengths to try, as objective weights lambda of ``L + lambda R``
        (the unit of ``penalty_style='gradient'``).  An int n gives n values
        log-spaced from 1e-5 to 1e-2.  Each is translated into each style's
        own unit with :func:`~sklearn_nnreg.translate_alpha`; a value a style
        cannot express is left out of that style's path.
    penalty_styles : list of str, default=None
        The styles to compare; the first one fits the trunk.  None: every
        style that accepts ``penalty`` with ``solver``.
    cv : int, cross-validation generator or iterable, default=None
        As in :func:`~sklearn.model_selection.check_cv`: None is 5 folds, an
        int that many (``KFold``).
    scoring : str or callable, default=None
        The score to maximise, a scorer name or ``scorer(estimator, X, y)``;
        None is the regressor's ``score``, R².
    n_jobs : int, default=None
        Number of joblib workers: the trunks run one per fold, then the paths
        one per (fold, style).
    refit : bool, default=True
        Whether to refit the chosen model on all the data.  Without it,
        ``predict`` and the model's attributes are not available.
    verbose : int, default=0
        0: silent; 1: a line per (fold, style) path; 2: the fits' own epoch
        messages too; above 2, joblib's progress as well.
    loss, hidden_layer_sizes, activation, solver, batch_size, learning_rate, \
learning_rate_init, power_t, max_iter, shuffle, random_state, tol, \
warm_start, momentum, nesterovs_momentum, early_stopping, \
validation_fraction, beta_1, beta_2, epsilon, n_iter_no_change, max_fun, \
penalty, l1_ratio, penalize_intercepts
        As in :class:`RegularizedMLPRegressor` (same defaults), forwarded to
        every fit.  ``max_iter`` bounds the trunk and any cold start; the
        later points of a path take at most 15 epochs.  ``warm_start`` is
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
        One row per (style, alpha) candidate, in the format of
        :class:`RegularizedMLPClassifierCV`'s ``cv_results_`` (scores are R²
        unless ``scoring`` says otherwise).
    best_index_ : int
        The row of the chosen candidate in ``cv_results_``.
    best_score_ : float
        Its mean cross-validated score.
    best_params_ : dict
        Its ``params``.
    best_estimator_ : RegularizedMLPRegressor
        The chosen model refitted on all the data along the path (only with
        ``refit=True``).
    refit_time_ : float
        Seconds spent refitting (only with ``refit=True``).
    n_splits_ : int
        Number of cross-validation folds.
    coefs_, intercepts_, n_layers_, n_outputs_, out_activation_, \
sparsity_, n_iter_, loss_
        Those of ``best_estimator_`` (only with ``refit=True``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    RegularizedMLPRegressor : The regressor fitted along the path.
    RegularizedMLPClassifierCV : The same search for classification.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_nnreg import RegularizedMLPRegressorCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> y = (y - y.mean()) / y.std()
    >>> search = RegularizedMLPRegressorCV(
    ...     alphas=[1e-3, 1e-2], penalty_styles=["gradient", "proximal"],
    ...     cv=3, hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...     penalty="l1", max_iter=100, random_state=0,
    ... ).fit(X, y)
    >>> len(search.cv_results_["params"])
    4
    >>> search.best_score_ > 0.3   # mean held-out R²
    True
    """

    _estimator_class = RegularizedMLPRegressor
    _parameter_constraints: dict = _cv_parameter_constraints(RegularizedMLPRegressor)

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
        loss="squared_error",
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
    ):
        self.alphas = alphas
        self.penalty_styles = penalty_styles
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.verbose = verbose
        self.loss = loss
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

    def fit(self, X, y, sample_weight=None):
        """Search alpha and style by cross-validation, then refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values: finite numbers, non-negative for
            ``loss='poisson'``.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the fits (the scores are unweighted, as in
            ``GridSearchCV``).

        Returns
        -------
        self : RegularizedMLPRegressorCV
            The fitted search.
        """
        return self._fit(X, y, sample_weight)

    def _validate_input(self, X, y):
        return validate_regression_input(self, X, y, self.loss, reset=True)

    predict = refitted_model_method(
        "predict",
        "Predict with the refitted model.",
        "y : ndarray of shape (n_samples,) or (n_samples, n_outputs)",
        "The predicted values.",
    )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        # The Poisson deviance takes log(y): the checks then draw y > 0.
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags


__all__ = ["RegularizedMLPRegressorCV"]
