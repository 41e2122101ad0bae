"""The one entry point: ``python main.py`` opens the workbench; subcommands run headless.

See ``python main.py --help`` and DESIGN.md §5 for the fixed command-line contract.
"""
import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
