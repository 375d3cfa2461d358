"""Docstring text that several public objects share, written once.

:func:`fill_doc` replaces each docstring line that is only ``{name}`` by the
block ``name``, at that line's indentation, when the module is imported, so
``help()``, Sphinx and numpydoc see the full text.  :data:`ESTIMATOR_BLOCKS`
holds the estimators' shared parameters, attributes and method arguments;
``sklearn_nnreg.plot`` keeps its own blocks.  The text that names styles is
made from the style registry, which is the one place that spells them.
"""

import re
import textwrap

from ._parameters import forwarded_to_fits
from ._path import POINT_MAX_ITER, POINT_N_ITER_NO_CHANGE, POINT_SHRINK
from ._styles import STYLES, Gradient, Proximal, styles_accepting

_PLACEHOLDER = re.compile(r"(\s*)\{(\w+)\}")


def fill_doc(obj, blocks):
    """``obj`` (a function or class) with its ``{name}`` lines filled in.

    A name that is not in ``blocks`` raises KeyError at import, so a typo
    cannot reach the documentation.  Without docstrings (``python -OO``)
    ``obj`` is returned as it is.
    """
    if obj.__doc__ is None:
        return obj
    lines = []
    for line in obj.__doc__.splitlines():
        match = _PLACEHOLDER.fullmatch(line)
        if match is None:
            lines.append(line)
            continue
        indent, name = match.groups()
        lines.extend(
            indent + text if text else "" for text in blocks[name].splitlines()
        )
    obj.__doc__ = "\n".join(lines)
    return obj


def _quoted(names):
    """``'a'``, ``'b'`` and ``'c'`` for the names a, b, c."""
    quoted = [f"``{name!r}``" for name in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _entry(header, description):
    """A numpydoc parameter entry, its description wrapped to 76 columns."""
    body = textwrap.fill(
        " ".join(description.split()),
        76,
        initial_indent="    ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )
    return f"{header}\n{body}\n"


def _solver_parameter():
    """solver: the text that names the styles with and without an objective."""
    objective = [name for name, style in STYLES.items() if style.has_objective]
    steps = [name for name in STYLES if name not in objective]
    return _entry(
        "solver : {'lbfgs', 'sgd', 'adam'}, default='adam'",
        f"""The optimizer.  ``'lbfgs'`` minimises L + alpha R with scipy's
        L-BFGS-B on the full batch.  It takes no steps, so the styles in
        objective units ({_quoted(objective)}) all mean that one objective
        there and give the same result; the step rules {_quoted(steps)} raise.
        An L1 part is solved exactly by splitting each penalized weight into a
        positive and a negative part, ``w = p - n`` with bounds ``p, n >= 0``,
        which makes the L1 term linear and smooth; the bounds give exact
        zeros.  Use ``'lbfgs'`` with L1 for feature selection: element-wise
        L1 under sgd or adam zeroes single weights long before a whole
        input's row.""",
    )


def _style_parameters():
    """penalty and penalty_style: the text that names styles."""
    options = ", ".join(repr(name) for name in STYLES)
    group_styles = _quoted(styles_accepting("group_lasso", "adam"))
    penalty = _entry(
        "penalty : {'l2', 'l1', 'elasticnet', 'group_lasso', "
        "'sparse_group_lasso'} or None, default='l2'",
        f"""The penalty R.  None applies no penalty, whatever the style.  The
        group penalties (groups: the outgoing weights of each input and hidden
        unit, row j of ``coefs_[i]``, of size p_g) are ``sum_g sqrt(p_g)
        ||w_g||_2`` and, for the sparse group lasso, ``l1_ratio sum |w| + (1 -
        l1_ratio)`` times that; they take {group_styles} with sgd or adam,
        ``{Proximal.name!r}`` with exact group zeros, which :meth:`prune`
        removes.""",
    )
    style = _entry(
        f"penalty_style : {{{options}}}, default={Gradient.name!r}",
        """Where and how the penalty enters each optimizer step (the update of
        each style is in the description of :class:`RegularizedMLPClassifier`).""",
    )
    return f"""{penalty}\
l1_ratio : float, default=0.5
    Share of L1 in the elastic net and the sparse group lasso, in [0, 1].
{style}\
penalize_intercepts : bool, default=False
    Whether the intercepts are penalized too (not with the group
    penalties: intercepts are never in a group)."""


_ARCHITECTURE = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
    The ith element is the number of neurons in the ith hidden layer.
activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
    Activation function of the hidden layers.
"""

_TRAINING = """\
alpha : float, default=1e-4
    Strength of the penalty, in the unit of ``penalty_style``.
batch_size : int or 'auto', default='auto'
    Minibatch size of the stochastic solvers; 'auto' is
    ``min(200, n_samples)``.
learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
    Learning-rate schedule of ``solver='sgd'``, as in scikit-learn's MLPs.
learning_rate_init : float, default=0.001
    Initial learning rate of sgd and adam.
power_t : float, default=0.5
    Exponent of the 'invscaling' schedule.
max_iter : int, default=200
    Maximum number of epochs (stochastic solvers) or iterations (lbfgs).
shuffle : bool, default=True
    Whether to shuffle the samples in each epoch.
random_state : int, RandomState instance or None, default=None
    Seeds weight initialisation, the validation split and shuffling,
    with the same draws in the same order as scikit-learn's
    ``MLPClassifier`` and ``MLPRegressor``.
tol : float, default=1e-4
    Tolerance of the stopping rule (see ``n_iter_no_change``).
verbose : bool, default=False
    Print progress messages.
warm_start : bool, default=False
    Reuse the previous weights as initialisation (with a fresh optimizer
    and style state).  An interrupted fit (Ctrl-C) keeps the weights
    reached so far when the interrupt lands in the epochs of sgd or adam
    (a warning says so), and otherwise leaves the estimator as it was.
momentum : float, default=0.9
    Momentum of sgd, in [0, 1].
nesterovs_momentum : bool, default=True
    Whether sgd uses Nesterov's momentum.
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the training data and stop when
    its score (accuracy, or R² for a regressor) stops improving; the best
    weights are restored.
validation_fraction : float, default=0.1
    Share of the training data held out for early stopping.
beta_1, beta_2 : float, default=0.9, 0.999
    Adam's moment decay rates, in [0, 1).
epsilon : float, default=1e-8
    Adam's numerical-stability term.
n_iter_no_change : int, default=10
    Number of epochs without an improvement of at least ``tol`` before
    stopping (or, with the 'adaptive' schedule, dividing the rate by 5).
max_fun : int, default=15000
    Maximum number of loss evaluations of lbfgs.
"""

_FITTED_NETWORK = """\
coefs_ : list of ndarray
    Weight matrix of each layer, ``coefs_[i]`` of shape
    ``(units[i], units[i + 1])``.
intercepts_ : list of ndarray
    Intercept vector of each layer.
loss_ : float
    The last recorded value of the training objective (or data loss for
    the styles without an objective).
loss_curve_ : list of float
    Per-epoch value of that loss (stochastic solvers only): each batch's
    value at the weights before its step, averaged over the epoch
    weighted by batch size.
best_loss_ : float or None
    Lowest value in ``loss_curve_`` (None with early stopping).
validation_scores_ : list of float or None
    Held-out score (accuracy, or R² for a regressor) per epoch with early
    stopping, else None.
best_validation_score_ : float or None
    Best held-out score with early stopping, else None.
n_iter_ : int
    Number of epochs (iterations for lbfgs) run by the last fit.
t_ : int
    Number of training samples seen by the stochastic solvers.
n_features_in_ : int
    Number of features seen during fit.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during fit, when X has string column names.
n_layers_ : int
    Number of layers, input and output included.
n_outputs_ : int
    Number of output units.
sparsity_ : float
    Fraction of connection weights (``coefs_``) that are exactly zero."""


def _search_parameters():
    """The CV estimators' own parameters (their unit names a style)."""
    return f"""\
alphas : int or array-like of float, default=8
    The strengths to try, as objective weights lambda of ``L + lambda R``
    (the unit of ``penalty_style={Gradient.name!r}``).  An int n gives n
    values log-spaced from 1e-5 to 1e-2.  Each is translated into each
    style's own unit with :func:`~sklearn_nnreg.translate_alpha` (with
    ``learning_rate_init``, and ``momentum`` under sgd); a value a style
    cannot express (e.g. a multiplicative keep-fraction <= 0) is left out of
    that style's path, as :func:`~sklearn_nnreg.style_param_grid` leaves it
    out.
penalty_styles : list of str, default=None
    The styles to compare; the first one fits the trunk.  None: every style
    that accepts ``penalty`` with ``solver``, in the order of ``STYLES``.
cv : int, cross-validation generator or iterable, default=None
    As in :func:`~sklearn.model_selection.check_cv`: None is 5 folds, an
    int that many: stratified for a classifier's binary and multiclass
    targets, plain (unshuffled) ``KFold`` for a regressor's.
scoring : str or callable, default=None
    The score to maximise, a scorer name or ``scorer(estimator, X, y)``;
    None is the estimator's ``score`` (accuracy, or R² for a regressor).
n_jobs : int, default=None
    Number of joblib workers: the trunks run one per fold, then the paths
    one per (fold, style).  None is 1 unless in a
    :func:`joblib.parallel_backend` context (the dask backend works too).
refit : bool, default=True
    Whether to refit the chosen model on all the data.  Without it,
    ``predict`` and the model's attributes are not available.
verbose : int, default=0
    0: silent; 1: a line per (fold, style) path; 2: the fits' own epoch
    messages too; above 2, joblib's progress as well."""


_SEARCH_ATTRIBUTES = """\
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
    its own point, plus its trunk's for the first point of the first
    style.  It feeds :class:`~sklearn_nnreg.plot.StyleComparisonDisplay`
    and :class:`~sklearn_nnreg.plot.SparsityPathDisplay` as it is.
best_index_ : int
    The row of the chosen candidate in ``cv_results_``.
best_score_ : float
    Its mean cross-validated score.
best_params_ : dict
    Its ``params``.
best_estimator_ : estimator
    The chosen model refitted on all the data along the path (only with
    ``refit=True``).
refit_time_ : float
    Seconds spent refitting (only with ``refit=True``).  The refit's
    trunk is fitted alongside the folds' trunks; its seconds count here.
n_splits_ : int
    Number of cross-validation folds.
coefs_, intercepts_, n_layers_, n_outputs_, out_activation_, \
sparsity_, n_iter_, loss_
    Those of ``best_estimator_`` (only with ``refit=True``).
n_features_in_ : int
    Number of features seen during fit.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during fit, when X has string column names."""


def _forwarded_parameters(search_class):
    """The entry that lists the parameters a search forwards to every fit."""
    names = [p.name for p in forwarded_to_fits(search_class._estimator_class)]
    return _entry(
        ", ".join(names),
        f"""As in :class:`{search_class._estimator_class.__name__}` (same
        defaults), forwarded to every fit.  ``max_iter`` bounds the trunk and
        any cold start; the later points of a path take at most
        {POINT_MAX_ITER} epochs, with a patience of {POINT_N_ITER_NO_CHANGE},
        from the previous point's weights times {POINT_SHRINK}.
        ``random_state`` seeds each fit as it would seed a single one.
        ``warm_start`` is only passed on to ``best_estimator_``: each ``fit``
        searches afresh.""",
    )


def fill_search_doc(search_class):
    """A CV estimator class with its docstring's blocks filled in.

    Besides the estimators' blocks: ``{search_parameters}``, the Parameters
    section (its own parameters and those it forwards, listed from its
    ``_parameters``), and ``{search_attributes}``, the Attributes section.
    """
    blocks = {
        **ESTIMATOR_BLOCKS,
        "search_parameters": (
            "Parameters\n----------\n"
            + _search_parameters()
            + "\n"
            + _forwarded_parameters(search_class)
        ),
        "search_attributes": "Attributes\n----------\n" + _SEARCH_ATTRIBUTES,
    }
    return fill_doc(search_class, blocks)


def _example_data(dataset, scale_target=False):
    """The Examples heading and the loading and scaling of a bundled dataset."""
    lines = [
        "Examples",
        "--------",
        f">>> from sklearn.datasets import load_{dataset}",
        ">>> from sklearn.preprocessing import StandardScaler",
        f">>> X, y = load_{dataset}(return_X_y=True)",
        ">>> X = StandardScaler().fit_transform(X)",
    ]
    if scale_target:
        lines.append(">>> y = (y - y.mean()) / y.std()")
    return "\n".join(lines)


_X_TRAIN = """\
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    Training data."""

ESTIMATOR_BLOCKS = {
    "network_parameters": (
        _ARCHITECTURE + _solver_parameter() + _TRAINING + _style_parameters()
    ),
    "fitted_network": _FITTED_NETWORK,
    "X_train": _X_TRAIN,
    # fit's X and y, with the section's heading
    "fit_data": f"""\
Parameters
----------
{_X_TRAIN}
y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    The targets: class labels, or a 0/1 indicator matrix for multilabel
    data, for a classifier; finite values, non-negative for
    ``loss='poisson'``, for a regressor.""",
    # what partial_fit keeps, and its data, with the Parameters heading
    "partial_fit_memory": """\
The optimizer's and the style's memory carry over only while the
configuration that made them stays the same (solver and its settings,
``penalty_style``, ``penalty``, ``l1_ratio``, ``penalize_intercepts``, the
float type of X); after a change by ``set_params`` they start afresh, as
with ``warm_start``.  An interrupt (Ctrl-C) during the epoch keeps the
weights reached so far.""",
    "partial_fit_data": f"""\
Parameters
----------
{_X_TRAIN}
y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    The targets, as for :meth:`fit`.
sample_weight : array-like of shape (n_samples,), default=None
    Per-sample weights, as in :meth:`fit`: a minibatch whose weights are
    all zero is skipped (no step, no penalty step either), and weights
    that are all zero raise a ``ValueError``.""",
    # the data of the estimators' examples, scaled, with the section's heading
    "example_iris": _example_data("iris"),
    "example_diabetes": _example_data("diabetes", scale_target=True),
    # the one parameter of the predict methods, up to their Returns heading
    "predict_data": """\
Parameters
----------
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    The input data.

Returns
-------""",
}


def fill_estimator_doc(obj):
    """``obj`` with the estimators' shared ``{name}`` blocks filled in."""
    return fill_doc(obj, ESTIMATOR_BLOCKS)
