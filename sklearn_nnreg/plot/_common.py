"""What every display shares: the lazy matplotlib import and the style palette."""

from collections.abc import Mapping

from .._styles import STYLES

ALPHA_LABEL = "alpha (objective units: mean loss + alpha * R)"

# Indexed by a style's position in the registry, so that a new style gets
# the next colour and marker without naming it here.
_COLOR_CYCLE = tuple(f"C{i}" for i in range(10))
_MARKER_CYCLE = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


class _RegistryPalette(Mapping):
    """A read-only ``{style: entry}`` over the styles registered *now*.

    Reading the registry at each lookup (not once at import) is what lets a
    style registered later get its own entry.
    """

    def __init__(self, cycle):
        self._cycle = cycle

    def __getitem__(self, style):
        for index, name in enumerate(STYLES):
            if name == style:
                return self._cycle[index % len(self._cycle)]
        raise KeyError(style)

    def __iter__(self):
        return iter(list(STYLES))

    def __len__(self):
        return len(STYLES)

    def __repr__(self):
        return repr(dict(self))


# Documented where sklearn_nnreg.plot re-exports it.
STYLE_COLORS = _RegistryPalette(_COLOR_CYCLE)
_STYLE_MARKERS = _RegistryPalette(_MARKER_CYCLE)


def _pyplot(caller):
    """``matplotlib.pyplot``, or an ImportError that names the extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs matplotlib, an optional dependency of sklearn_nnreg. "
            'Install it with: pip install "sklearn_nnreg[plot]"'
        ) from exc
    return plt


def _new_axes(caller, ax):
    if ax is None:
        _, ax = _pyplot(caller).subplots()
    return ax
