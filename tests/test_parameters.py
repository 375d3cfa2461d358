"""The four estimators' public parameters: names, defaults, order and kinds.

The signatures below were recorded before the shared parameters were declared
once (issue 13); whatever builds the ``__init__`` methods must keep them, and
everything scikit-learn derives from them (``get_params``, ``set_params``,
``clone``, pickling, the changed-only ``repr``, ``help``).
"""

import inspect
import pickle
import pydoc

import pytest
from sklearn.base import clone

from sklearn_nnreg import (
    RegularizedMLPClassifier,
    RegularizedMLPClassifierCV,
    RegularizedMLPRegressor,
    RegularizedMLPRegressorCV,
)

# The parameters every one of the four estimators takes, keyword-only in all
# of them, in this order.
_NETWORK = (
    "solver='adam'",
    "batch_size='auto'",
    "learning_rate='constant'",
    "learning_rate_init=0.001",
    "power_t=0.5",
    "max_iter=200",
    "shuffle=True",
    "random_state=None",
    "tol=0.0001",
)
_NETWORK_TAIL = (
    "warm_start=False",
    "momentum=0.9",
    "nesterovs_momentum=True",
    "early_stopping=False",
    "validation_fraction=0.1",
    "beta_1=0.9",
    "beta_2=0.999",
    "epsilon=1e-08",
    "n_iter_no_change=10",
    "max_fun=15000",
    "penalty='l2'",
    "l1_ratio=0.5",
)
_LAYERS = ("hidden_layer_sizes=(100,)", "activation='relu'")
_SEARCH = (
    "alphas=8",
    "*",
    "penalty_styles=None",
    "cv=None",
    "scoring=None",
    "n_jobs=None",
    "refit=True",
    "verbose=0",
)


def _single_fit(*head):
    return (
        *head,
        "*",
        _NETWORK[0],
        "alpha=0.0001",
        *_NETWORK[1:],
        "verbose=False",
        *_NETWORK_TAIL,
        "penalty_style='gradient'",
        "penalize_intercepts=False",
    )


RECORDED = {
    RegularizedMLPClassifier: (
        *_single_fit(*_LAYERS),
        "loss='log_loss'",
        "class_weight=None",
    ),
    RegularizedMLPRegressor: _single_fit("loss='squared_error'", *_LAYERS),
    RegularizedMLPClassifierCV: (
        *_SEARCH,
        *_LAYERS,
        *_NETWORK,
        *_NETWORK_TAIL,
        "penalize_intercepts=False",
        "loss='log_loss'",
        "class_weight=None",
    ),
    RegularizedMLPRegressorCV: (
        *_SEARCH,
        "loss='squared_error'",
        *_LAYERS,
        *_NETWORK,
        *_NETWORK_TAIL,
        "penalize_intercepts=False",
    ),
}
ESTIMATORS = list(RECORDED)
# Each CV estimator forwards the parameters of the estimator it fits.
FITTED_BY = {
    RegularizedMLPClassifierCV: RegularizedMLPClassifier,
    RegularizedMLPRegressorCV: RegularizedMLPRegressor,
}


def _signature(cls):
    return "(" + ", ".join(RECORDED[cls]) + ")"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_signature_is_the_recorded_one(cls):
    assert str(inspect.signature(cls)) == _signature(cls)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_help_shows_the_signature(cls):
    assert cls.__name__ + _signature(cls) in pydoc.render_doc(
        cls, renderer=pydoc.plaintext
    )


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_init_stores_exactly_the_parameters_as_given(cls):
    defaults = {
        name: p.default for name, p in inspect.signature(cls).parameters.items()
    }
    assert vars(cls()) == defaults
    sizes = [7, 3]  # not copied, not converted
    est = cls(hidden_layer_sizes=sizes, max_iter=3)
    assert est.hidden_layer_sizes is sizes
    assert est.get_params() == {**defaults, "hidden_layer_sizes": sizes, "max_iter": 3}


def test_positional_parameters_bind_in_order():
    clf = RegularizedMLPClassifier((5,), "tanh")
    assert (clf.hidden_layer_sizes, clf.activation) == ((5,), "tanh")
    reg = RegularizedMLPRegressor("poisson", (4,), "logistic")
    assert (reg.loss, reg.hidden_layer_sizes, reg.activation) == (
        "poisson",
        (4,),
        "logistic",
    )
    assert RegularizedMLPClassifierCV([1e-3]).alphas == [1e-3]


@pytest.mark.parametrize(
    "make",
    [
        lambda: RegularizedMLPClassifier((5,), "tanh", "sgd"),
        lambda: RegularizedMLPRegressor("poisson", (4,), "relu", "sgd"),
        lambda: RegularizedMLPClassifierCV(8, None),
        lambda: RegularizedMLPClassifier(hidden_layer_size=(5,)),
        lambda: RegularizedMLPClassifierCV(alpha=0.1),
        lambda: RegularizedMLPRegressorCV(penalty_style="proximal"),
        lambda: RegularizedMLPClassifier((5,), hidden_layer_sizes=(6,)),
    ],
)
def test_wrong_arguments_raise_type_error(make):
    with pytest.raises(TypeError):
        make()


@pytest.mark.parametrize("cv_cls", list(FITTED_BY), ids=lambda c: c.__name__)
def test_cv_estimator_takes_every_parameter_of_its_estimator_but_alpha_and_style(
    cv_cls,
):
    fitted = inspect.signature(FITTED_BY[cv_cls]).parameters
    searched = inspect.signature(cv_cls).parameters
    own = {"alphas", "penalty_styles", "cv", "scoring", "n_jobs", "refit", "verbose"}
    forwarded = set(fitted) - {"alpha", "penalty_style", "verbose"}
    assert set(searched) == forwarded | own
    for name in forwarded:
        assert searched[name].default == fitted[name].default, name


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_set_params_clone_pickle_and_repr_see_the_parameters(cls):
    est = cls(max_iter=3, hidden_layer_sizes=(4,))
    assert est.set_params(tol=0.5, penalty=None) is est
    assert (est.tol, est.penalty) == (0.5, None)
    with pytest.raises(ValueError, match="Invalid parameter 'tolerance'"):
        est.set_params(tolerance=1)
    assert clone(est).get_params() == est.get_params()
    assert pickle.loads(pickle.dumps(est)).get_params() == est.get_params()
    name = cls.__name__
    assert repr(cls()) == f"{name}()"
    # scikit-learn's repr shows the changed parameters only, wrapped at 80.
    shown = "".join(repr(est).split())
    assert shown == f"{name}(hidden_layer_sizes=(4,),max_iter=3,penalty=None,tol=0.5)"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_docstring_documents_each_parameter_once(cls):
    """The Parameters section, shared text filled in, names the signature."""
    doc = inspect.getdoc(cls)
    assert "{" + "network_parameters}" not in doc  # every block was filled
    section = doc.split("Parameters\n----------\n")[1].split("\n\nAttributes")[0]
    documented = []
    for line in section.splitlines():
        if line and not line.startswith(" "):  # an entry: "a, b : type"
            documented += line.split(" : ")[0].split(", ")
    assert sorted(documented) == sorted(inspect.signature(cls).parameters)
