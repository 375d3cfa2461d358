"""The parameters of the displays' builders, each declared once.

A display's builders (``from_estimator``, ``from_cv_results``) fit clones of
an estimator along alphas, or read a search, and then draw; several take the
same parameters.  Each parameter is declared once, as the numpydoc entry
that documents it: its name, its type, its default (``default=...``, read
with :func:`ast.literal_eval`; none means required) and its description.
:func:`builder_taking` makes a builder from a list of them and a body: a
class method with a real signature (``inspect.signature``, which ``help()``
and Sphinx read), whose docstring's Parameters section is those entries, so
the signature and the documentation cannot disagree.
"""

import ast
import dataclasses
import functools
import inspect
import re
import types

_HEADER = re.compile(r"(?P<name>\w+) : (?P<type>.+?)(?:, default=(?P<default>.+))?")


@dataclasses.dataclass(frozen=True)
class Argument:
    """A builder's parameter: its name, default and numpydoc entry.

    ``positional`` arguments may be given by position (the data a builder
    reads); the others by keyword only.
    """

    name: str
    default: object
    entry: str
    positional: bool = False

    def described(self, description):
        """This argument with another description (its header kept)."""
        header = self.entry.splitlines()[0]
        lines = inspect.cleandoc(description).splitlines()
        entry = "\n".join([header, *("    " + line for line in lines)])
        return dataclasses.replace(self, entry=entry)

    def parameter(self):
        """The :class:`inspect.Parameter` of this argument."""
        kind = (
            inspect.Parameter.POSITIONAL_OR_KEYWORD
            if self.positional
            else inspect.Parameter.KEYWORD_ONLY
        )
        return inspect.Parameter(self.name, kind, default=self.default)


def declare_arguments(entries, *, positional=False):
    """The arguments documented by the numpydoc ``entries``, in order.

    An entry is a header line ``name : type`` or ``name : type, default=X``
    (``X`` a Python literal) and its indented description.
    """
    arguments = []
    for chunk in re.split(r"\n(?=\S)", entries.strip("\n")):
        header = _HEADER.fullmatch(chunk.splitlines()[0])
        if header is None:
            raise ValueError(f"not a numpydoc parameter entry: {chunk!r}")
        default = _default(header["name"], header["default"])
        arguments.append(Argument(header["name"], default, chunk, positional))
    return tuple(arguments)


def _default(name, text):
    """The default that ``default=text`` documents; none without one."""
    if text is None:
        return inspect.Parameter.empty
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ValueError(
            f"the default of {name!r} must be a Python literal; got {text!r}"
        ) from None


def builder_taking(*arguments):
    """A decorator: the class method that takes ``arguments``, running its body.

    The body is ``body(cls, given)``: ``given`` holds each argument, as
    passed or its default, as an attribute of its name.  The body's
    docstring is the summary and any further text; its Parameters section
    (the arguments' entries) and its Returns section (the plotted display)
    are added here.  Arguments that do not bind raise TypeError before the
    body runs.
    """
    cls_parameter = inspect.Parameter("cls", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    signature = inspect.Signature(
        [cls_parameter, *(argument.parameter() for argument in arguments)]
    )

    def decorate(body):
        @functools.wraps(body)
        def builder(cls, *args, **kwargs):
            try:
                bound = signature.bind(cls, *args, **kwargs)
            except TypeError as error:  # say whose parameters they were
                raise TypeError(f"{body.__qualname__}(): {error}") from None
            bound.apply_defaults()
            given = dict(bound.arguments)
            del given["cls"]
            return body(cls, types.SimpleNamespace(**given))

        builder.__signature__ = signature
        if body.__doc__ is not None:  # python -OO drops docstrings
            builder.__doc__ = _builder_doc(body, arguments)
        return classmethod(builder)

    return decorate


def _builder_doc(body, arguments):
    """``body``'s docstring with the Parameters and Returns sections added."""
    display = body.__qualname__.rpartition(".")[0]
    return "\n".join(
        [
            inspect.cleandoc(body.__doc__),
            "",
            "Parameters",
            "----------",
            *(argument.entry for argument in arguments),
            "",
            "Returns",
            "-------",
            f"display : {display}",
            "    The plotted display.",
        ]
    )


# ---------------------------------------------------- the shared declarations
#: The estimator to fit and its data: the first, positional, arguments of a
#: ``from_estimator``.
FITTED_DATA = declare_arguments(
    """
estimator : estimator
    A :class:`~sklearn_nnreg.RegularizedMLPClassifier` or
    :class:`~sklearn_nnreg.RegularizedMLPRegressor`, or a pipeline ending
    in one (not fitted; it is cloned).
X : array-like of shape (n_samples, n_features)
    Training data.
y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    Labels, or regression targets.
""",
    positional=True,
)

#: The alphas of a path, in the unit of ``penalty_style='gradient'``.
(ALPHAS,) = declare_arguments(
    """
alphas : sequence of float
    The alphas in objective units.
"""
)

#: Which penalty, drawn in which styles.
PENALTY_STYLES = declare_arguments(
    """
penalty : {'l1', 'l2', 'elasticnet'}, default=None
    The penalty; the estimator's when None.
styles : sequence of str, default=None
    The styles; all that can express the penalty when None (with
    ``solver='lbfgs'``, the styles with an objective).
"""
)

#: How the builders that fit one clone per point run the fits.
N_JOBS, FIT_PARAMS = declare_arguments(
    """
n_jobs : int, default=None
    Parallel fits (joblib).
fit_params : dict, default=None
    Passed to ``fit``.
"""
)
CLONE_FITS = (N_JOBS, FIT_PARAMS)

#: The results of a search over alpha and style: what ``from_cv_results``
#: reads.
(CV_RESULTS,) = declare_arguments(
    """
cv_results : dict or sequence of dict
    ``GridSearchCV.cv_results_`` of a search over a
    :func:`style_param_grid` grid, or several of them (e.g. one
    search per style), whose rows are pooled.
""",
    positional=True,
)

#: How a display draws (its ``plot`` takes them too).
AX, STD_DISPLAY_STYLE, LINE_KWARGS = declare_arguments(
    """
ax : matplotlib Axes, default=None
    Axes to draw on; a new figure when None.
std_display_style : {'fill_between', 'errorbar'} or None, default='fill_between'
    How to show one standard deviation over the folds, when there is one.
line_kwargs : dict, default=None
    Passed to ``ax.plot`` for every line.
"""
)
DRAWING = (AX, LINE_KWARGS)
DRAWING_WITH_SPREAD = (AX, STD_DISPLAY_STYLE, LINE_KWARGS)
