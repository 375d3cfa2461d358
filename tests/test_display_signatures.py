"""The displays' public class methods: names, defaults, order and kinds.

The signatures below were recorded before the displays' shared parameters
were declared once (issue 13); whatever builds ``from_estimator`` and
``from_cv_results`` must keep them, and what ``help()`` and the docstrings
show of them.  None of these tests needs matplotlib: every check happens
before a display draws.
"""

import inspect
import pydoc
import re

import pytest

from sklearn_nnreg.plot import (
    SparsityPathDisplay,
    StructureDisplay,
    StyleComparisonDisplay,
    WeightHistogramDisplay,
)
from sklearn_nnreg.plot._arguments import builder_taking, declare_arguments

_DRAWING = "ax=None, line_kwargs=None"
_WITH_SPREAD = "ax=None, std_display_style='fill_between', line_kwargs=None"
_FITS = "estimator, X, y, *, alphas"
_PLOT_WITH_SPREAD = (
    "(self, ax=None, *, std_display_style='fill_between', line_kwargs=None)"
)

RECORDED = {
    (SparsityPathDisplay, "from_estimator"): (
        f"({_FITS}, penalty=None, styles=None, n_jobs=None, fit_params=None, "
        f"{_DRAWING})"
    ),
    (SparsityPathDisplay, "from_cv_results"): (
        f"(cv_results, *, metric='sparsity', {_WITH_SPREAD})"
    ),
    (SparsityPathDisplay, "plot"): _PLOT_WITH_SPREAD,
    (StyleComparisonDisplay, "from_estimator"): (
        f"({_FITS}, penalty=None, styles=None, cv=None, scoring=None, n_jobs=None, "
        f"{_WITH_SPREAD})"
    ),
    (StyleComparisonDisplay, "from_cv_results"): (
        f"(cv_results, *, metric=None, {_WITH_SPREAD})"
    ),
    (StyleComparisonDisplay, "plot"): _PLOT_WITH_SPREAD,
    (StructureDisplay, "from_estimator"): (
        f"({_FITS}, n_jobs=None, fit_params=None, {_DRAWING})"
    ),
    (StructureDisplay, "plot"): "(self, ax=None, *, line_kwargs=None)",
    (WeightHistogramDisplay, "from_estimator"): (
        "(estimator, *, names=None, layers=None, ax=None, bins=30, log=False, "
        "hist_kwargs=None)"
    ),
    (WeightHistogramDisplay, "plot"): (
        "(self, ax=None, *, bins=30, log=False, hist_kwargs=None)"
    ),
}
METHODS = list(RECORDED)
BUILDERS = [key for key in METHODS if key[1].startswith("from_")]


def _id(key):
    return f"{key[0].__name__}.{key[1]}"


@pytest.mark.parametrize("key", METHODS, ids=_id)
def test_signature_is_the_recorded_one(key):
    display, name = key
    assert str(inspect.signature(getattr(display, name))) == RECORDED[key]


@pytest.mark.parametrize("key", BUILDERS, ids=_id)
def test_builder_is_a_class_method_that_keeps_its_name(key):
    display, name = key
    method = getattr(display, name)
    assert inspect.ismethod(method) and method.__self__ is display
    assert method.__name__ == name
    assert method.__qualname__ == f"{display.__name__}.{name}"
    assert method.__module__ == display.__module__


@pytest.mark.parametrize("key", METHODS, ids=_id)
def test_help_shows_the_signature(key):
    display, name = key
    shown = RECORDED[key]
    if name.startswith("from_"):
        shown += " from builtins.type"  # how pydoc marks a class method
    text = pydoc.render_doc(display, renderer=pydoc.plaintext)
    assert f" |  {name}{shown}\n" in text


def _documented(doc):
    """``[(name, default or None)]`` of the Parameters section of ``doc``."""
    section = doc.split("Parameters\n----------\n")[1].split("\n\nReturns")[0]
    entries = []
    for line in section.splitlines():
        if line and not line.startswith(" "):  # an entry: "name : type"
            name, kind = line.split(" : ")
            default = re.search(r"default=(.+)$", kind)
            entries.append((name, default and default.group(1)))
    return entries


@pytest.mark.parametrize("key", METHODS, ids=_id)
def test_docstring_documents_the_signature_in_order(key):
    """Each parameter once, in the signature's order, with its default."""
    display, name = key
    method = getattr(display, name)
    doc = inspect.getdoc(method)
    assert not re.search(r"^\s*\{\w+\}$", doc, re.M)  # every block filled in
    expected = [
        (p.name, None if p.default is p.empty else repr(p.default))
        for p in inspect.signature(method).parameters.values()
        if p.name != "self"
    ]
    assert _documented(doc) == expected


@pytest.mark.parametrize(
    "display, name, args, kwargs, message",
    [
        (SparsityPathDisplay, "from_estimator", (0, 0, 0, [1.0]), {}, "positional"),
        (StructureDisplay, "from_estimator", (0, 0, 0), {}, "alphas"),
        (
            StyleComparisonDisplay,
            "from_estimator",
            (0, 0, 0),
            {"alphas": [1.0], "fit_params": {}},
            "fit_params",
        ),
        (SparsityPathDisplay, "from_cv_results", ({},), {"metrics": "m"}, "metrics"),
        (StyleComparisonDisplay, "from_cv_results", ({}, None), {}, "positional"),
        (
            StructureDisplay,
            "from_estimator",
            (0, 0, 0),
            {"alphas": [1.0], "estimator": 0},
            "estimator",
        ),
    ],
)
def test_wrong_arguments_raise_type_error_naming_the_builder(
    display, name, args, kwargs, message
):
    """Before any work: the arguments are not even looked at."""
    with pytest.raises(TypeError, match=message) as error:
        getattr(display, name)(*args, **kwargs)
    assert f"{display.__name__}.{name}()" in str(error.value)


# ------------------------------------------------ how a builder is declared
class Toy:
    """A class with a builder of two arguments."""

    @builder_taking(
        *declare_arguments("data : list\n    The data.", positional=True),
        *declare_arguments("scale : float, default=2.0\n    A factor."),
    )
    def from_data(cls, given):
        """Make a toy.

        More text.
        """
        return cls, given.data, given.scale


def test_a_builder_binds_its_arguments_and_passes_them_to_its_body():
    class Subclass(Toy):
        pass

    data = [1]
    assert Toy.from_data(data) == (Toy, data, 2.0)
    assert Toy.from_data(data=data, scale=3)[1:] == (data, 3)
    assert Toy.from_data(data)[1] is data  # as given, not copied
    assert Subclass.from_data(data)[0] is Subclass
    assert str(inspect.signature(Toy.from_data)) == "(data, *, scale=2.0)"
    assert isinstance(vars(Toy)["from_data"], classmethod)


def test_a_builder_documents_its_arguments_and_what_it_returns():
    assert inspect.getdoc(Toy.from_data) == (
        "Make a toy.\n\nMore text.\n\n"
        "Parameters\n----------\n"
        "data : list\n    The data.\n"
        "scale : float, default=2.0\n    A factor.\n\n"
        "Returns\n-------\ndisplay : Toy\n    The plotted display."
    )


def test_an_entry_declares_the_name_default_and_kind():
    required, chosen = declare_arguments(
        """
alphas : sequence of float
    Required: no default.
style : {'a', 'b'} or None, default='a'
    Keyword-only.
"""
    )
    assert (required.name, required.default) == ("alphas", inspect.Parameter.empty)
    assert (chosen.name, chosen.default) == ("style", "a")
    assert chosen.parameter().kind is inspect.Parameter.KEYWORD_ONLY
    assert chosen.entry == "style : {'a', 'b'} or None, default='a'\n    Keyword-only."
    renamed = chosen.described("Other text.")
    assert renamed.entry == "style : {'a', 'b'} or None, default='a'\n    Other text."
    assert (renamed.name, renamed.default) == ("style", "a")


@pytest.mark.parametrize(
    "entries, message",
    [
        ("alphas: sequence of float\n    No space before the colon.", "not a numpydoc"),
        ("    indented : int\n    Text.", "not a numpydoc"),
        ("tol : float, default=np.inf\n    Not a literal.", "default of 'tol'"),
    ],
)
def test_what_is_not_an_entry_is_refused_at_import(entries, message):
    with pytest.raises(ValueError, match=message):
        declare_arguments(entries)
