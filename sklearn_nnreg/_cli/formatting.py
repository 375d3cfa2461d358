"""Numbers printed so that they keep their meaning."""

import math

import numpy as np


def fmt_alpha(value):
    """``value`` with the fewest significant digits (at least 3) that keep
    both it and its distance to 1 within 0.01%: a fraction kept per step of
    0.99999 prints as 0.99999, never as 1."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    scale = min(abs(value), abs(1.0 - value)) if value != 1 else abs(value)
    for digits in range(3, 18):
        text = f"{value:.{digits}g}"
        if abs(float(text) - value) <= 1e-4 * scale:
            return text
    return repr(value)


def fmt_mean_sd(values, scale=1.0, digits=1):
    """'mean ± sd' (sd over the values, ddof=1), or the single value."""
    values = scale * np.asarray(values, dtype=float)
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{values.mean():.{digits}f} ± {values.std(ddof=1):.{digits}f}"


def fmt_signed(value):
    return f"{value:+.1f}"
