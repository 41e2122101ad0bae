"""A GLViewWidget that survives several OpenGL contexts (pyqtgraph #1822, #2618, #3455).

pyqtgraph 0.14 caches each GL item class's shader program in a class attribute, compiled in
whichever context painted first.  A second view in another top-level window, a view created after
the first was destroyed, or a dock floated out of the main window (Qt then recreates the widget's
context) draws with a program id from a dead or foreign context and floods the log with
``GLError: invalid value (glUseProgram)``.  The cure upstream recommends is
:func:`share_opengl_contexts` before the QApplication exists; this view also copes without it by
keeping one program cache per view and swapping it in around each paint, and by announcing a
recreated context so the owner can rebuild its items' vertex buffers.

The view is a ``QOpenGLWindow`` (pyqtgraph's ``GLViewMixin``) in a window container
(:func:`embed`), not a ``QOpenGLWidget``: one QOpenGLWidget anywhere in a top-level window makes Qt
compose that whole window through OpenGL, so after the first 3-D view was shown every 2-D plot
repainted 4–5× slower under software GL.  A native GL window paints only itself.
"""
from __future__ import annotations

import time

from PySide6 import QtCore, QtGui, QtWidgets

_VIEW_CLASS = None
EXPOSE_WAIT_S = 2.0  # a view shown a moment ago gets its GL context when the window system exposes it


def share_opengl_contexts() -> None:
    """Let all GL widgets share resources; call before the QApplication is created."""
    if QtWidgets.QApplication.instance() is None:
        QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


def context_safe_view():
    """A new GL view window (``GLViewMixin`` on ``QOpenGLWindow``) with a per-view shader cache and
    a ``contextRecreated`` signal (emitted from ``initializeGL`` for every context after the
    first); put it in a layout with :func:`embed`."""
    return _view_class()()


CONTAINER_NAME = "gl_view_container"


def embed(view, parent: QtWidgets.QWidget | None = None, minimum: int = 120) -> QtWidgets.QWidget:
    """The widget that hosts a GL view window in a layout (``QWidget.createWindowContainer``)."""
    container = QtWidgets.QWidget.createWindowContainer(view, parent)
    container.setObjectName(CONTAINER_NAME)
    container.gl_view = view
    container.setMinimumSize(minimum, minimum)
    container.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)
    return container


def gl_view_images(widget: QtWidgets.QWidget) -> list[tuple[QtCore.QRect, QtGui.QImage]]:
    """The pictures of the GL views that ``widget.render`` would show (it cannot see into native
    GL windows), with where they go; taken before any painter is open (grabbing may wait for a
    view to be exposed).  A view never shown has no picture yet and is left out."""
    found = []
    for container in widget.findChildren(QtWidgets.QWidget, CONTAINER_NAME):
        if container.isVisibleTo(widget):
            image = container.gl_view.grab_image()
            if not image.isNull():
                found.append((QtCore.QRect(container.mapTo(widget, QtCore.QPoint(0, 0)), container.size()), image))
    return found


def paint_images(painter: QtGui.QPainter, images: list[tuple[QtCore.QRect, QtGui.QImage]]) -> None:
    for rect, image in images:
        painter.drawImage(rect, image)


def grab_with_gl(widget: QtWidgets.QWidget) -> QtGui.QPixmap:
    """``widget.grab()`` with its GL views painted in."""
    images = gl_view_images(widget)
    pixmap = widget.grab()
    painter = QtGui.QPainter(pixmap)
    try:
        paint_images(painter, images)
    finally:
        painter.end()
    return pixmap


def _view_class():
    global _VIEW_CLASS
    if _VIEW_CLASS is not None:
        return _VIEW_CLASS
    import pyqtgraph.opengl as gl
    from pyqtgraph.opengl.GLViewWidget import GLViewMixin
    from PySide6.QtOpenGL import QOpenGLWindow

    cached = tuple(c for c in (gl.GLLinePlotItem, gl.GLScatterPlotItem, gl.GLImageItem,
                               gl.GLVolumeItem) if hasattr(c, "_shaderProgram"))

    class ContextSafeGLView(GLViewMixin, QOpenGLWindow):
        contextRecreated = QtCore.Signal()

        def __init__(self):
            super().__init__()
            surface = QtGui.QSurfaceFormat.defaultFormat()
            surface.setDepthBufferSize(24)  # what a QOpenGLWidget has: without it nearer items do not hide farther ones
            surface.setStencilBufferSize(8)
            self.setFormat(surface)
            self._programs: dict[type, object] = {}
            self._contexts_seen = 0

        def devicePixelRatioF(self) -> float:  # noqa: N802 - QWidget's names, which pyqtgraph calls
            return float(self.devicePixelRatio())

        def rect(self) -> QtCore.QRect:
            return QtCore.QRect(0, 0, self.width(), self.height())

        def grab_image(self):
            """The picture as it is now: a QOpenGLWindow's grabFramebuffer reads the back buffer
            without painting, so paint into it first."""
            deadline = time.monotonic() + EXPOSE_WAIT_S
            while not self.isValid() and time.monotonic() < deadline:  # shown, not yet exposed
                QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if not self.isValid():
                return self.grabFramebuffer()
            self.makeCurrent()
            self.paintGL()
            return self.grabFramebuffer()

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


def view_in(widget: QtWidgets.QWidget, background, rebuild):
    """A context-safe GL view filling ``widget`` on ``background``, calling ``rebuild`` when Qt recreates
    its context: the set-up every 3-D widget here shares.  Returns (view, the background as a QColor)."""
    import pyqtgraph as pg

    view = context_safe_view()
    color = pg.mkColor(background)
    view.setBackgroundColor(color)
    view.contextRecreated.connect(rebuild)
    layout = QtWidgets.QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(embed(view, widget))
    return view, color
