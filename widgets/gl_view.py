"""A GLViewWidget that survives several OpenGL contexts (pyqtgraph #1822, #2618, #3455).

pyqtgraph 0.14 caches each GL item class's shader program in a class attribute, compiled in
whichever context painted first.  A second view in another top-level window, a view created after
the first was destroyed, or a dock floated out of the main window (Qt then recreates the widget's
context) draws with a program id from a dead or foreign context and floods the log with
``GLError: invalid value (glUseProgram)``.  The cure upstream recommends is
:func:`share_opengl_contexts` before the QApplication exists; this view also copes without it by
keeping one program cache per view and swapping it in around each paint, and by announcing a
recreated context so the owner can rebuild its items' vertex buffers.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

_VIEW_CLASS = None


def share_opengl_contexts() -> None:
    """Let all GL widgets share resources; call before the QApplication is created."""
    if QtWidgets.QApplication.instance() is None:
        QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


def context_safe_view(parent: QtWidgets.QWidget | None = None):
    """A new ``GLViewWidget`` subclass instance with a per-view shader cache and a
    ``contextRecreated`` signal (emitted from ``initializeGL`` for every context after the first)."""
    return _view_class()(parent)


def _view_class():
    global _VIEW_CLASS
    if _VIEW_CLASS is not None:
        return _VIEW_CLASS
    import pyqtgraph.opengl as gl

    cached = tuple(c for c in (gl.GLLinePlotItem, gl.GLScatterPlotItem, gl.GLImageItem,
                               gl.GLVolumeItem) if hasattr(c, "_shaderProgram"))

    class ContextSafeGLView(gl.GLViewWidget):
        contextRecreated = QtCore.Signal()

        def __init__(self, parent=None):
            super().__init__(parent)
            self._programs: dict[type, object] = {}
            self._contexts_seen = 0

        def initializeGL(self):  # noqa: N802
            self._programs = {}
            self._contexts_seen += 1
            super().initializeGL()
            if self._contexts_seen > 1:
                self.contextRecreated.emit()

        def paintGL(self):  # noqa: N802
            saved = [c._shaderProgram for c in cached]
            for c in cached:
                c._shaderProgram = self._programs.get(c)
            try:
                super().paintGL()
            finally:
                for c, program in zip(cached, saved):
                    self._programs[c] = c._shaderProgram
                    c._shaderProgram = program

    _VIEW_CLASS = ContextSafeGLView
    return _VIEW_CLASS
