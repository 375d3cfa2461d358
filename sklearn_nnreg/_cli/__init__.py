"""The ``nnreg`` command: ``demo`` and ``compare``.

Bad input gives a one-line ``nnreg: error: ...`` and exit status 2, before
any long work starts; nothing prints a traceback for it.
"""

import sys

from .compare import run_compare_where
from .demo import run_demo
from .parser import UsageError, build_parser

__all__ = ["UsageError", "build_parser", "main"]

COMMANDS = {"demo": run_demo, "compare": run_compare_where}


def main(argv=None):
    """Entry point of ``nnreg`` and ``python -m sklearn_nnreg``."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return COMMANDS[args.command](args, sys.stdout)
    except UsageError as exc:
        print(f"nnreg: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version end here, status 0
        return exc.code if isinstance(exc.code, int) else 0
