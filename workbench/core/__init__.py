"""The Qt-free part of the application: sessions, run records and their files, the headless
runner, the engine's child process, sweep tables.  Imports no Qt (a test imports every module
with PySide6 and pyqtgraph blocked), so the command line runs where no GUI library is installed."""
