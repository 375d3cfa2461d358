"""Which alphas a penalty style cannot take, and why: the registry's answer.

Each style class in ``STYLES`` knows which penalties it takes, how an
objective weight converts into its own unit and which of its alphas are out
of range; the command line only asks and shows the reason.
"""

from .._styles import STYLES


def why_not(style, alpha, *, penalty, learning_rate_init, l1_ratio=0.5, momentum=0.0):
    """Why ``style`` cannot take the objective weight ``alpha``, or None.

    Returns the style's own alpha as well, so that callers translate once:
    ``(reason, value)`` with ``value`` None when there is a reason.
    """
    rules = STYLES[style]
    try:
        rules.check_penalty(penalty, l1_ratio)
        value = rules.from_objective(alpha, learning_rate_init, momentum)
        rules.check_alpha(value, penalty, l1_ratio)
    except ValueError as exc:
        # The first sentence says why; the rest is the estimator's advice.
        return str(exc).split(". Use ")[0].rstrip(".") + ".", None
    return None, value
