"""The documentation's sources: API coverage, runnable pages, offline config.

These tests read ``docs/`` without building it (the build itself runs in
CI: ``DOCS_OFFLINE=1 python -m sphinx -W -b html docs docs/_build/html``).
"""

import doctest
import importlib
import importlib.util
import inspect
import pkgutil
import re
import runpy
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import sklearn_nnreg

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(DOCS.glob("*.rst"))


def _public_names():
    """Every public name: ``__all__`` where defined, else public defs."""
    names = {f"sklearn_nnreg.{n}" for n in sklearn_nnreg.__all__ if n != "__version__"}
    for info in pkgutil.iter_modules(sklearn_nnreg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"sklearn_nnreg.{info.name}")
        public = getattr(module, "__all__", None)
        if public is None:
            public = [
                n
                for n, obj in vars(module).items()
                if not n.startswith("_")
                and getattr(obj, "__module__", None) == module.__name__
                and (inspect.isfunction(obj) or inspect.isclass(obj))
            ]
        names |= {f"{module.__name__}.{n}" for n in public}
    return names


def _documented_names():
    """``module.name`` for every autosummary / autodata entry of api.rst."""
    text = (DOCS / "api.rst").read_text()
    documented, module = set(), None
    in_summary = False
    for line in text.splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = m.group(1)
        elif m := re.match(r"\.\. autodata:: (\S+)", line):
            documented.add(f"{module}.{m.group(1)}")
        elif line.startswith(".. autosummary::"):
            in_summary = True
        elif in_summary and re.fullmatch(r"   \w+", line):
            documented.add(f"{module}.{line.strip()}")
        elif line and not line.startswith(" "):
            in_summary = False
    return documented


def test_every_public_name_is_in_the_api_reference():
    public, documented = _public_names(), _documented_names()
    assert "sklearn_nnreg.RegularizedMLPClassifier" in documented
    assert "sklearn_nnreg.plot.WeightHistogramDisplay" in documented
    missing = sorted(public - documented)
    assert not missing, f"add these to docs/api.rst: {missing}"
    unknown = sorted(documented - public)
    assert not unknown, f"docs/api.rst lists names that are not public: {unknown}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_examples_on_each_page_run(page):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testfile(
            str(page),
            module_relative=False,
            verbose=False,
            report=True,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        )
    assert result.failed == 0, f"{result.failed} failing example(s) in {page.name}"


def test_pages_with_numbers_have_examples_that_check_them():
    counts = {
        p.name: doctest.DocTestParser().get_examples(p.read_text()) for p in PAGES
    }
    for name in (
        "translating_lambda.rst",
        "penalty_styles.rst",
        "getting_started.rst",
        "classic_experiment.rst",
    ):
        assert len(counts[name]) >= 3, name


def test_step_diagram_is_valid_svg_naming_every_style():
    svg = DOCS / "_static" / "step_diagram.svg"
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(t for t in root.itertext())
    for style in ("gradient", "decoupled", "multiplicative", "proximal", "cumulative"):
        assert style in text
    for hook in (
        "before the optimizer",
        "after the optimizer",
        "after the weights move",
    ):
        assert hook in text
    assert "http" not in svg.read_text().replace("http://www.w3.org/2000/svg", "")


def test_pages_are_in_the_toctree():
    index = (DOCS / "index.rst").read_text()
    for page in PAGES:
        if page.stem != "index":
            assert f"   {page.stem}\n" in index, page.name


def _load_conf(monkeypatch, offline):
    if offline is None:
        monkeypatch.delenv("DOCS_OFFLINE", raising=False)
    else:
        monkeypatch.setenv("DOCS_OFFLINE", offline)
    return runpy.run_path(str(DOCS / "conf.py"))


@pytest.mark.skipif(
    importlib.util.find_spec("sphinx-mathjax-offline") is None,
    reason='the docs extra is not installed (pip install ".[docs]")',
)
def test_offline_conf_fetches_nothing_and_serves_mathjax_locally(monkeypatch):
    conf = _load_conf(monkeypatch, "1")
    assert "sphinx.ext.intersphinx" not in conf["extensions"]
    assert "intersphinx_mapping" not in conf
    mathjax = Path(conf["MATHJAX_STATIC"]) / conf["mathjax_path"]
    assert mathjax.is_file() and not conf["mathjax_path"].startswith("http")
    assert str(conf["MATHJAX_STATIC"]) in conf["html_static_path"]
    assert (mathjax.parent / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    assert conf["sphinx_gallery_conf"]["abort_on_example_error"] is True
    online = _load_conf(monkeypatch, None)
    assert "sphinx.ext.intersphinx" in online["extensions"]
    assert _load_conf(monkeypatch, "0")["extensions"] == online["extensions"]


def _checker():
    return runpy.run_path(str(DOCS / "check_offline.py"))


def _site(tmp_path, head):
    (tmp_path / "_static" / "mathjax").mkdir(parents=True)
    (tmp_path / "_static" / "mathjax" / "tex-chtml.js").write_text("")
    (tmp_path / "index.html").write_text(
        f"<html><head>{head}"
        '<script defer src="_static/mathjax/tex-chtml.js?v=1"></script>'
        '<link rel="canonical" href="https://example.org/">'
        '</head><body><a href="https://example.org">a link loads nothing</a>'
        "</body></html>"
    )
    return tmp_path


def test_offline_checker_accepts_a_local_site(tmp_path):
    check = _checker()
    assert check["check_site"](_site(tmp_path, "")) == []
    assert check["main"]([str(tmp_path)]) == 0


@pytest.mark.parametrize(
    "head",
    [
        '<script src="https://cdn.example.org/jquery.js"></script>',
        '<link rel="stylesheet" href="//cdn.example.org/bootstrap.css">',
        '<img src="http://example.org/logo.png">',
    ],
)
def test_offline_checker_flags_remote_resources(tmp_path, head):
    problems = _checker()["check_site"](_site(tmp_path, head))
    assert len(problems) == 1 and "index.html: <" in problems[0]


def test_offline_checker_needs_local_mathjax(tmp_path):
    site = _site(tmp_path, "")
    (site / "_static" / "mathjax" / "tex-chtml.js").unlink()
    assert _checker()["check_site"](site) == [
        "_static/mathjax/tex-chtml.js is missing from the site"
    ]


def test_readme_quick_example_runs_and_prints_a_line_per_style(capsys):
    readme = (DOCS.parent / "README.md").read_text()
    section = readme.split("## Quick example", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    lines = capsys.readouterr().out.strip().splitlines()
    styles = [line.split()[0] for line in lines]
    assert styles == ["gradient", "decoupled", "proximal", "cumulative"]
    assert all("CV=" in line for line in lines)
