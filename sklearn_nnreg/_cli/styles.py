"""Which alphas a penalty style cannot take, and why: one place for the CLI.

The reason comes from the translation (and, for 'decoupled', from the
estimator's sign-flip bound).  When the style registry can answer the
question itself (``STYLES[name].check``), only ``why_not`` changes.
"""

from .._translate import translate_alpha


def why_not(style, alpha, *, penalty, learning_rate_init, l1_ratio=0.5, momentum=0.0):
    """Why ``style`` cannot take the objective weight ``alpha``, or None.

    Returns the style's own alpha as well, so that callers translate once:
    ``(reason, value)`` with ``value`` None when there is a reason.
    """
    try:
        value = translate_alpha(
            alpha,
            penalty=penalty,
            source="gradient",
            target=style,
            learning_rate_init=learning_rate_init,
            l1_ratio=l1_ratio,
            momentum=momentum,
        )
    except ValueError as exc:
        return str(exc).split(". Use ")[0].rstrip(".") + ".", None
    l2_share = {"l1": 0.0, "l2": 1.0}.get(penalty, 1.0 - l1_ratio)
    if style == "decoupled" and value * l2_share >= 1:
        return (
            f"alpha {alpha:g} is a decoupled shrink of {value:g} of each weight "
            "per step, which would flip the signs of the weights.",
            None,
        )
    return None, value
