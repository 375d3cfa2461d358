"""Sphinx configuration of the sklearn_nnreg documentation.

Build (from the repository root, after ``pip install ".[docs]"``)::

    DOCS_OFFLINE=1 python -m sphinx -W -b html docs docs/_build/html

With ``DOCS_OFFLINE=1`` (or any value but ``0``) nothing is fetched:
intersphinx is off, so references to Python, NumPy, SciPy, scikit-learn
and matplotlib are plain text instead of links.  Either way the built
site reads offline: MathJax is served from ``_static/mathjax``, copied from
the ``sphinx-mathjax-offline`` package, and no page loads a remote script.
"""

import importlib.util
import os
import re
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # the source tree, even without an install

import sklearn_nnreg  # noqa: E402

OFFLINE = os.environ.get("DOCS_OFFLINE", "0") not in ("", "0")

# -- Project -----------------------------------------------------------------
project = "sklearn_nnreg"
author = "The sklearn_nnreg developers"
copyright = "The sklearn_nnreg developers, BSD-3-Clause"
version = release = sklearn_nnreg.__version__

# -- Extensions --------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
if not OFFLINE:
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
    }
    intersphinx_timeout = 10

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "sg_execution_times.rst"]
root_doc = "index"
default_role = "literal"

# -- autodoc / autosummary / numpydoc ----------------------------------------
autosummary_generate = True
# No "inherited-members" default here: a default that is not a string would
# override the class template's list of bases whose members are left out.
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Every public docstring must document its parameters and returns.
numpydoc_validation_checks = {"PR01", "PR02", "PR07", "RT01", "SS01"}
numpydoc_validation_exclude = {
    r"\.__init__$",
    # scikit-learn's own methods, inherited unchanged.
    r"\.(get_params|set_params|score|get_metadata_routing)$",
    r"\.set_\w+_request$",
}

# -- MathJax, served locally -------------------------------------------------
_mathjax_spec = importlib.util.find_spec("sphinx-mathjax-offline")
if _mathjax_spec is None or _mathjax_spec.origin is None:
    raise RuntimeError(
        "The docs need the sphinx-mathjax-offline package for local MathJax: "
        'pip install ".[docs]"'
    )
MATHJAX_STATIC = Path(_mathjax_spec.origin).parent / "static"
# html_static_path copies MATHJAX_STATIC/mathjax to _static/mathjax.
mathjax_path = "mathjax/tex-chtml.js"

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_nnreg {release}"
html_static_path = ["_static", str(MATHJAX_STATIC)]
html_css_files = ["nnreg.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "icon_links": [],
    "use_edit_page_button": False,
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# No left sidebar on the single pages: it would be empty, and it narrows
# the tables and the step diagram.
html_sidebars = {
    page: []
    for page in (
        "index",
        "getting_started",
        "penalty_styles",
        "translating_lambda",
        "classic_experiment",
        "api",
    )
}
html_show_sourcelink = False
html_copy_source = False

# -- sphinx-gallery ------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "examples" / "gallery")],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "doc_module": ("sklearn_nnreg",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_nnreg": None},
    "prefer_full_module": {r"sklearn_nnreg\.plot"},
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    "download_all_examples": False,
    "binder": {},
    "jupyterlite": None,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "write_computation_times": False,  # its table page loads scripts from CDNs
}
# Examples run short fits on purpose.
warnings.filterwarnings("ignore", message=".*Maximum iterations.*")
warnings.filterwarnings(
    "ignore",
    category=UserWarning,
    message="Matplotlib is currently using agg, which is a non-GUI backend",
)


# -- The command line's help, generated so that it never goes stale ----------
def _write_cli_help(app):
    from sklearn_nnreg._cli import build_parser

    out = HERE / "generated"
    out.mkdir(exist_ok=True)
    os.environ["COLUMNS"] = "88"
    parser = build_parser()
    subparsers = next(
        a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"
    )
    texts = {"nnreg": parser.format_help()}
    for name, sub in subparsers.choices.items():
        texts[f"nnreg_{name}"] = sub.format_help()
    for name, text in texts.items():
        path = out / f"{name}_help.txt"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


# -- Docstring fixes that belong to the docs build -----------------------------
_SHAPE_NAME = re.compile(r"\b(\w+_)(?=[,)])")


def _escape_shape_names(app, what, name, obj, options, lines):
    """``(n_features_in_,)`` in a shape would be an rst link: escape the ``_``."""
    for i, line in enumerate(lines):
        if "shape (" in line:
            lines[i] = _SHAPE_NAME.sub(lambda m: m.group(1)[:-1] + "\\_", line)


def _skip_member(app, what, name, obj, skip, options):
    """scikit-learn's generated metadata-routing methods are not our API."""
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("builder-inited", _write_cli_help)
    app.connect("autodoc-process-docstring", _escape_shape_names, priority=400)
    app.connect("autodoc-skip-member", _skip_member)
