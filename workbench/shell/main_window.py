"""The main window: a start page and one dock per built topic, menus, sessions, layout, themes."""
from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QInputDialog, QLabel, QMainWindow,
                               QMessageBox)

from engines.registry import built_topics, load_engine, topic_title
from workbench import __version__
from workbench.pages import themes
from workbench.core.session import TopicState
from workbench.core.recovery import state_dir
from workbench.shell.autosave import Autosave, offer_recovery
from workbench.shell.lazy_panels import LazyPanels
from workbench.shell.window_sessions import WindowSessions
from workbench.shell.shortcuts import SHORTCUTS, keyboard_help_html
from workbench.shell.start_page import StartPage
from workbench.topics import panel_class

LAYOUT_VERSION = 1
EXPORT_PATTERNS = {"png": "PNG image (*.png)", "svg": "SVG image (*.svg)", "csv": "CSV (*.csv)",
                   "npz": "NumPy arrays (*.npz)"}
ABOUT_HTML = (
    f"<h3>Scientific Spaces Workbench {__version__}</h3>"
    "<p>Interactive experiments built from essays of the blog <i>Scientific Spaces</i> "
    "(科学空间, <a href='https://kexue.fm'>kexue.fm</a>) by 苏剑林 (Su Jianlin).</p>"
    "<p>The essays are under a non-commercial licence (CC BY-NC-ND); this application shows our own "
    "summaries with links to the originals, never their text. Where an essay contains an error, "
    "the panels show the corrected result and say what changed.</p>"
    "<p>Built with PySide6, pyqtgraph, numpy, scipy, numba and torch.</p>"
)


def _as_bytes(value) -> QByteArray | None:
    """A stored layout blob, or None when the settings hold something else (a hand-edited file)."""
    if isinstance(value, QByteArray):
        return value
    if isinstance(value, (bytes, bytearray)):
        return QByteArray(bytes(value))
    return None


class MainWindow(WindowSessions, QMainWindow):
    def __init__(self, settings: QSettings | None = None, theme: str | None = None):
        super().__init__()
        self.setWindowTitle("Scientific Spaces Workbench")
        self.setObjectName("MainWindow")
        self.settings = settings or QSettings("ScientificSpaces", "Workbench")
        saved = str(self.settings.value("theme", "light"))
        self.theme = theme or (saved if saved in themes.THEMES else "light")
        self.setDockOptions(QMainWindow.DockOption.AllowTabbedDocks | QMainWindow.DockOption.AnimatedDocks)
        self.setDockNestingEnabled(True)
        self.panels = LazyPanels(built_topics(), self._build_panel)
        self._pending: dict[str, TopicState] = {}  # restored states of panels not built yet
        self.docks: dict[str, QDockWidget] = {}
        self.current_topic: str | None = None
        self.start_page = StartPage(set(built_topics()))
        self.start_page.openTopic.connect(self.show_topic)
        self.start_page.openPreset.connect(self.open_preset)
        self.start_dock = self._add_dock("start", "Start", self.start_page)
        for topic in built_topics():
            placeholder = QLabel(f"Opening {topic_title(topic)}…")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.docks[topic] = self._add_dock(topic, topic_title(topic), placeholder)
        self._default_state = None
        self._arrange_default()
        self._default_state = self.saveState(LAYOUT_VERSION)
        self.actions: dict[str, QAction] = {}
        self._build_menus()
        self._restore_layout()
        themes.apply_theme(QApplication.instance(), self.theme)
        self._restyle_panels()
        self.start_dock.raise_()
        self.recovery_bar = self._offer_recovery()
        self.autosave = self._start_autosave()

    def _build_panel(self, topic: str):
        """The topic's panel, made on first need: themed, wired, given any restored state."""
        panel = panel_class(topic)(topic, load_engine(topic))
        panel.statusMessage.connect(partial(self._show_panel_message, topic))
        for host in panel.pages:
            host.export_handler = self._export_page
        if hasattr(panel, "apply_theme"):
            panel.apply_theme(self.theme)
        if topic in self._pending:
            panel.restore(self._pending.pop(topic))
        old = self.docks[topic].widget()
        self.docks[topic].setWidget(panel)
        old.deleteLater()
        return panel

    def _show_panel_message(self, topic: str, text: str) -> None:
        """A panel's status reaches the status bar while that panel is the one raised."""
        if topic == self.current_topic:
            self.statusBar().showMessage(text, 8000)

    def _offer_recovery(self):
        try:
            return offer_recovery(self)
        except OSError as exc:  # an unreadable state folder never stops the window from opening
            self.statusBar().showMessage(f"Could not look for a session to recover: {exc}")
            return None

    def _start_autosave(self) -> Autosave | None:
        try:
            autosave = Autosave(self)
        except OSError as exc:
            self.statusBar().showMessage(f"Autosave is off: cannot write {state_dir()} ({exc.strerror or exc})")
            return None
        autosave.failed.connect(self.statusBar().showMessage)
        return autosave

    # --- docks and layout -----------------------------------------------------------------------
    def _add_dock(self, key: str, title: str, widget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        dock.visibilityChanged.connect(lambda visible, k=key: self._on_dock_visible(k, visible))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        return dock

    def _arrange_default(self) -> None:
        docks = [self.start_dock, *self.docks.values()]
        for dock in docks:
            dock.setFloating(False)
            dock.show()
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        for dock in docks[1:]:
            self.tabifyDockWidget(docks[0], dock)
        self.start_dock.raise_()

    def _restore_layout(self) -> None:
        """Restore the saved geometry and docks; anything unreadable falls back to the default."""
        geometry = _as_bytes(self.settings.value("geometry"))
        state = _as_bytes(self.settings.value("window_state"))
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        if state is not None and not self.restoreState(state, LAYOUT_VERSION):
            self.reset_layout()

    def reset_layout(self) -> None:
        if self._default_state is None or not self.restoreState(self._default_state, LAYOUT_VERSION):
            self._arrange_default()

    def _on_dock_visible(self, key: str, visible: bool) -> None:
        if visible:
            self.current_topic = key if key in self.panels else None
            self.statusBar().clearMessage()  # the previous panel's words are not about this one
            if key in self.panels and not self.panels.is_built(key):
                QTimer.singleShot(0, self, lambda: self._build_if_open(key))  # after the dock's layout pass

    def _build_if_open(self, topic: str) -> None:
        if not self.panels.closed:
            self.panels[topic]

    def show_topic(self, topic: str) -> None:
        dock = self.docks[topic]
        self.panels[topic]
        dock.show()
        dock.raise_()
        self.current_topic = topic

    def open_preset(self, topic: str, experiment_id: str, name: str) -> None:
        """Raise a topic on the page of an experiment and apply one of its "Try this" presets."""
        self.show_topic(topic)
        host = self.panels[topic].show_page(experiment_id)
        host.apply_preset(next(p for p in host.experiment.presets if p.name == name))

    def show_start(self) -> None:
        self.start_dock.show()
        self.start_dock.raise_()

    # --- menus ----------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        menus = {}
        for entry in SHORTCUTS:
            if entry.menu not in menus:
                menus[entry.menu] = self.menuBar().addMenu(f"&{entry.menu}")
            action = QAction(entry.text, self)
            if entry.keys:
                action.setShortcut(QKeySequence(entry.keys))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(getattr(self, entry.action))
            menus[entry.menu].addAction(action)
            self.actions[entry.action] = action
        menus["File"].aboutToShow.connect(self._update_export_actions)
        menus["File"].aboutToHide.connect(self._enable_export_actions)  # shortcuts then say why, if they cannot
        view = menus["View"]
        view.addSeparator()
        for dock in [self.start_dock, *self.docks.values()]:
            view.addAction(dock.toggleViewAction())

    def _update_export_actions(self) -> None:
        """The File menu greys out the exports the page in view cannot make yet."""
        panel = self.current_panel()
        host = panel.current_host() if panel is not None else None
        for kind in ("png", "svg", "csv", "npz", "everything"):
            self.actions[f"export_{kind}"].setEnabled(host is not None and (kind == "everything" or host.can_export(kind)))

    def _enable_export_actions(self) -> None:
        for kind in ("png", "svg", "csv", "npz", "everything"):
            self.actions[f"export_{kind}"].setEnabled(True)

    def current_panel(self):
        return self.panels.get(self.current_topic)

    def _with_page(self, fn, failure: str = "Action failed") -> None:
        """Act on the page in view of the current panel (its experiment's own form and run)."""
        self._with_panel(lambda panel: fn(panel.current_host()), failure)

    def _with_panel(self, fn, failure: str = "Action failed") -> None:
        panel = self.current_panel()
        if panel is None:
            self.statusBar().showMessage("open a topic's panel first (the start page has none)", 5000)
            return
        try:
            fn(panel)
        except (OSError, ValueError, KeyError, StopIteration) as exc:
            QMessageBox.warning(self, failure, f"{exc}")

    # --- actions (names match workbench.shell.shortcuts) ----------------------------------------------
    def undo(self) -> None:
        self._with_page(lambda h: h.history.stack.undo())

    def redo(self) -> None:
        self._with_page(lambda h: h.history.stack.redo())

    def reset_defaults(self) -> None:
        self._with_page(lambda h: h.reset_defaults())

    def play_pause(self) -> None:
        def toggle(host):
            if host.controller.state == "running" and not host.auto:
                host.controller.pause()
            else:
                host.play()
        self._with_page(toggle)

    def step(self) -> None:
        self._with_page(lambda h: h.step())

    def stop(self) -> None:
        self._with_page(lambda h: h.stop())

    def reset_run(self) -> None:
        self._with_page(lambda h: h.reset_run())

    def toggle_theme(self) -> None:
        self.set_theme("dark" if self.theme == "light" else "light")

    def set_theme(self, name: str) -> None:
        self.theme = name
        themes.apply_theme(QApplication.instance(), name)
        self._restyle_panels()
        self.settings.setValue("theme", name)

    def _restyle_panels(self) -> None:
        for panel in self.panels.values():
            if hasattr(panel, "apply_theme"):
                panel.apply_theme(self.theme)

    def show_keyboard(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(keyboard_help_html())
        box.open()
        self._keyboard_box = box

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About the workbench")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(ABOUT_HTML)
        box.open()
        self._about_box = box

    def _ask_path(self, title: str, pattern: str, save: bool = True) -> str:
        folder = str(self.settings.value("last_folder", str(Path.home())))
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = dialog(self, title, folder, pattern)
        if path:
            self.settings.setValue("last_folder", str(Path(path).parent))
        return path

    def _export_page(self, host, kind: str) -> None:
        """A page's own Export menu: this window asks where (and remembers the folder)."""
        self.current_topic = host.topic
        self._export(kind, host)

    def export_png(self) -> None:
        self._export("png")

    def export_svg(self) -> None:
        self._export("svg")

    def export_csv(self) -> None:
        self._export("csv")

    def export_npz(self) -> None:
        self._export("npz")

    def export_everything(self) -> None:
        self._export("everything")

    def _export(self, kind: str, host=None) -> None:
        """Ask where, then export: one page (its Export button, or the page in view from the menu),
        or, for "everything" from the menu, every page of the panel.  ``svg:NAME`` names the plot;
        a plain ``svg`` from the menu asks which, the one on screen first."""
        kind, _, plot = kind.partition(":")
        panel = self.current_panel()
        if host is None and panel is None:
            self.statusBar().showMessage("open a topic's panel first (the start page has none)", 5000)
            return
        target = host or (panel if kind == "everything" else panel.current_host())
        if kind != "everything" and not target.can_export(kind):
            self.statusBar().showMessage(f"nothing to export as {kind.upper()} yet: run {target.experiment.title} first", 5000)
            return
        if kind == "svg" and not plot:
            names = sorted(target.view.plots(), key=lambda n: n != target.visible_plot())
            plot, ok = QInputDialog.getItem(self, "Export SVG", "Plot:", names, 0, False)
            if not ok:
                return
        if kind == "everything":
            path = QFileDialog.getExistingDirectory(self, "Export everything into folder",
                                                    str(self.settings.value("last_folder", str(Path.home()))))
            if path:
                self.settings.setValue("last_folder", path)
        else:
            path = self._ask_path(f"Export {kind.upper()}", EXPORT_PATTERNS[kind])
        if not path:
            return
        args = [path, plot] if kind == "svg" else [path]
        if kind == "png":
            scale, ok = QInputDialog.getDouble(self, "Resolution", "Scale factor (1 = screen):", 2.0, 0.25, 8.0, 2)
            if not ok:
                return
            args.append(scale)
        try:
            getattr(target, f"export_{kind}")(*args)
        except (OSError, ValueError, KeyError, StopIteration) as exc:
            QMessageBox.warning(self, "Export failed", f"{exc}")

    # --- closing --------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState(LAYOUT_VERSION))
        self.settings.sync()
        self.panels.close()  # no panel is built from here on (a queued build would outlive the window)
        for topic, panel in self.panels.items():
            if not panel.shutdown():
                print(f"warning: the {topic} run did not stop within 3 s; closing anyway", file=sys.stderr)
        if self.autosave is not None:
            self.autosave.close()
            self.autosave = None
        super().closeEvent(event)
