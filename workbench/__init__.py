"""The Scientific Spaces Workbench application: main window, panels, run controller, CLI.

Importing the package imports no Qt, so the headless command line (``workbench.cli``) starts fast
and runs on machines without a display.
"""
__version__ = "0.1.0"
