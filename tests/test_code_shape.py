"""The package keeps the shape the architecture page promises (issue 13):
no module over 450 lines of code and no function over 40, docstrings,
comments and blank lines aside (an estimator's ``__init__``, which only
stores its parameters, excepted)."""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sklearn_nnreg"
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 40


def _docstring_lines(tree):
    lines = set()
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def code_lines(source):
    """Line numbers that hold code: not blank, not comment, not docstring."""
    tree = ast.parse(source)
    skip = _docstring_lines(tree)
    code = set()
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    ignored = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    for tok in tokens:
        if tok.type in ignored:
            continue
        for line in range(tok.start[0], tok.end[0] + 1):
            if line not in skip:
                code.add(line)
    return tree, code


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_code_line_counter_skips_docstrings_comments_and_blanks():
    source = 'def f(x):\n    """Doc.\n\n    More."""\n    # why\n\n    return x\n'
    _, code = code_lines(source)
    assert code == {1, 7}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_at_most_450_lines_of_code(path):
    _, code = code_lines(path.read_text())
    assert len(code) <= MAX_MODULE_LINES, f"{path.name}: {len(code)} lines of code"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_functions_are_at_most_40_lines_of_code(path):
    tree, code = code_lines(path.read_text())
    too_long = []
    for fn in _functions(tree):
        if fn.name == "__init__" and _only_stores_parameters(fn):
            continue
        n = len([line for line in code if fn.lineno <= line <= fn.end_lineno])
        if n > MAX_FUNCTION_LINES:
            too_long.append(f"{fn.name} (line {fn.lineno}): {n}")
    assert not too_long, f"{path.name}: " + "; ".join(too_long)


def cython_code_lines(source):
    """Lines of a Cython source that hold code: not blank, not comment, not
    inside a triple-quoted string (in these files, only docstrings)."""
    without_strings = re.sub(
        r'"""[\s\S]*?"""', lambda m: "\n" * m.group().count("\n"), source
    )
    return [
        number
        for number, line in enumerate(without_strings.splitlines(), start=1)
        if line.strip() and not line.strip().startswith("#")
    ]


def test_cython_line_counter_skips_docstrings_comments_and_blanks():
    source = 'def f(x):\n    """Doc.\n\n    More."""\n    # why\n\n    return x\n'
    assert cython_code_lines(source) == [1, 7]


def cython_sources():
    return sorted([*PACKAGE.rglob("*.pyx"), *PACKAGE.rglob("*.pxi")])


def test_there_are_cython_sources_to_check():
    assert cython_sources(), "no .pyx found: is the compiled extension elsewhere?"


@pytest.mark.parametrize(
    "path", cython_sources(), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_cython_source_is_at_most_450_lines_of_code(path):
    # The compiled loops are one module made of parts (.pxi files that the
    # .pyx includes); each part, like each Python module, stays readable.
    code = cython_code_lines(path.read_text())
    assert len(code) <= MAX_MODULE_LINES, f"{path.name}: {len(code)} lines of code"


def _only_stores_parameters(fn):
    """Whether ``fn`` only does ``self.name = name`` (an estimator's __init__)."""
    body = [node for node in fn.body if not isinstance(node, ast.Expr)]
    return all(
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.targets[0].attr == node.value.id
        for node in body
    )


RUFF_PATHS = ["sklearn_nnreg", "tests", "benchmarks", "examples", "README.md"]


@pytest.mark.parametrize("command", [["format", "--check"], ["check"]])
def test_ruff_finds_nothing_to_change(command):
    """ruff (in the test extra, one minor version so formatting is stable)."""
    import shutil
    import subprocess

    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip('ruff is not installed: pip install -e ".[test]"')
    result = subprocess.run(
        [ruff, *command, *RUFF_PATHS],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Pairs of files in which `duplicates` may find a repeated block, each for a
# reason (see docs/architecture.rst); while the set is empty the test asks for
# "no duplicates".
_KNOWN_PAIRS = set()
_PAIR_ROW = re.compile(r"D\d+ (\S+?):\d+-\d+ ~ (\S+?):\d+-\d+")


def test_duplicates_finds_no_repeated_block_in_the_package():
    """Each piece of logic lives in one place (issue 13): the ``duplicates``
    command (where the machine has it) finds no block of six or more lines
    that stands twice in the package, to the letter or in shape, but in the
    known pairs above."""
    import shutil
    import subprocess

    duplicates = shutil.which("duplicates")
    if duplicates is None:
        pytest.skip("the duplicates command is not on PATH")
    result = subprocess.run(
        [duplicates, "--repo", str(PACKAGE), "--most", "50", "--seconds", "120"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
    )
    report = result.stdout + result.stderr
    assert "incomplete:" not in report, report
    pairs = {match.groups() for match in _PAIR_ROW.finditer(report)}
    assert pairs <= _KNOWN_PAIRS, report
    if not _KNOWN_PAIRS:
        assert report.startswith("no duplicates"), report
