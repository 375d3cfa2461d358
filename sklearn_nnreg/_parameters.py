"""The estimators' public parameters, each declared once.

A :class:`Parameter` is a name, a default and scikit-learn's constraint on
its values.  The network's parameters are declared here, once, for the four
estimators; each estimator lists which ones it takes (plus its own, such as
``loss``) as the tuple ``_parameters``, and :func:`init_storing` and
:func:`constraints_of` make its ``__init__`` and ``_parameter_constraints``
from that tuple.  The ``__init__`` has a real signature
(``inspect.signature``), which is what scikit-learn's ``get_params``,
``clone`` and ``repr``, ``help()`` and Sphinx read.  See the
*Architecture* page of the documentation for why it is made this way.
"""

import dataclasses
import inspect
from numbers import Integral, Real

import numpy as np
from sklearn.metrics import get_scorer_names
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ._heads import losses_for
from ._network import DERIVATIVES
from ._penalties import PENALTIES
from ._styles import STYLES, Gradient


@dataclasses.dataclass(frozen=True)
class Parameter:
    """A public parameter: its name, default and allowed values.

    ``rule`` is the list scikit-learn's ``_parameter_constraints`` holds for
    the name.
    """

    name: str
    default: object
    rule: list


_POSITIVE_INT = Interval(Integral, 1, None, closed="left")
_FRACTION = Interval(Real, 0, 1, closed="left")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")

#: The network's shape: positional-or-keyword in the single-fit estimators.
ARCHITECTURE = (
    Parameter("hidden_layer_sizes", (100,), ["array-like", _POSITIVE_INT]),
    Parameter("activation", "relu", [StrOptions(set(DERIVATIVES))]),
)

#: How the network is trained and penalized, in the order of the signatures.
TRAINING = (
    Parameter("solver", "adam", [StrOptions({"lbfgs", "sgd", "adam"})]),
    Parameter("alpha", 0.0001, [_NON_NEGATIVE]),
    Parameter("batch_size", "auto", [StrOptions({"auto"}), _POSITIVE_INT]),
    Parameter(
        "learning_rate",
        "constant",
        [StrOptions({"constant", "invscaling", "adaptive"})],
    ),
    Parameter("learning_rate_init", 0.001, [Interval(Real, 0, None, closed="neither")]),
    Parameter("power_t", 0.5, [_NON_NEGATIVE]),
    Parameter("max_iter", 200, [_POSITIVE_INT]),
    Parameter("shuffle", True, ["boolean"]),
    Parameter("random_state", None, ["random_state"]),
    Parameter("tol", 1e-4, [_NON_NEGATIVE]),
    Parameter("verbose", False, ["verbose"]),
    Parameter("warm_start", False, ["boolean"]),
    Parameter("momentum", 0.9, [Interval(Real, 0, 1, closed="both")]),
    Parameter("nesterovs_momentum", True, ["boolean"]),
    Parameter("early_stopping", False, ["boolean"]),
    Parameter("validation_fraction", 0.1, [_FRACTION]),
    Parameter("beta_1", 0.9, [_FRACTION]),
    Parameter("beta_2", 0.999, [_FRACTION]),
    Parameter("epsilon", 1e-8, [Interval(Real, 0, None, closed="neither")]),
    Parameter("n_iter_no_change", 10, [_POSITIVE_INT, Options(Real, {np.inf})]),
    Parameter("max_fun", 15000, [_POSITIVE_INT]),
    Parameter("penalty", "l2", [StrOptions(set(PENALTIES)), None]),
    Parameter("l1_ratio", 0.5, [Interval(Real, 0, 1, closed="both")]),
    # live: the registry, so that a style registered later is accepted
    Parameter("penalty_style", Gradient.name, [StrOptions(STYLES.keys())]),
    Parameter("penalize_intercepts", False, ["boolean"]),
)

#: What the cross-validated search sets itself, point by point.
SEARCHED = ("alpha", "penalty_style")

#: The search's own parameters, before those it forwards to every fit.
SEARCH = (
    Parameter("alphas", 8, [_POSITIVE_INT, "array-like"]),
    Parameter("penalty_styles", None, [list, tuple, None]),
    Parameter("cv", None, ["cv_object"]),
    Parameter("scoring", None, [StrOptions(set(get_scorer_names())), callable, None]),
    Parameter("n_jobs", None, [Integral, None]),
    Parameter("refit", True, ["boolean"]),
    # replaces the fits' verbose: 1 reports the search, 2 the fits' epochs too
    Parameter("verbose", 0, ["verbose"]),
)


def loss_parameter(task, default):
    """The ``loss`` of an estimator for ``task``: any head's loss for it."""
    return Parameter("loss", default, [StrOptions(set(losses_for(task)))])


def forwarded_to_fits(estimator_class):
    """The parameters of ``estimator_class`` that a search passes on as given.

    All of them, in order, but those the search sets (:data:`SEARCHED`) and
    ``verbose``, which the search replaces with its own.
    """
    skipped = {*SEARCHED, "verbose"}
    return tuple(p for p in estimator_class._parameters if p.name not in skipped)


def constraints_of(parameters):
    """``_parameter_constraints`` of an estimator taking ``parameters``."""
    return {p.name: list(p.rule) for p in parameters}


def init_storing(parameters, n_positional):
    """An ``__init__`` that stores each parameter as the attribute of its name.

    The first ``n_positional`` parameters may be given by position, the rest
    by keyword only; each defaults to its ``default``.  Like any scikit-learn
    ``__init__`` it stores the values as given: no checks, no copies (those
    happen in ``fit``).  Its ``__signature__`` is the real one.
    """
    positional, keyword_only = (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )
    signature = inspect.Signature(
        [
            inspect.Parameter(
                p.name,
                positional if i < n_positional else keyword_only,
                default=p.default,
            )
            for i, p in enumerate(parameters)
        ]
    )

    def __init__(self, *args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:  # say whose parameters they were
            raise TypeError(f"{type(self).__name__}(): {error}") from None
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            setattr(self, name, value)

    self_parameter = inspect.Parameter("self", positional)
    __init__.__signature__ = signature.replace(
        parameters=[self_parameter, *signature.parameters.values()]
    )
    return __init__
