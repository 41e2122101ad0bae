"""The keyboard shortcuts, declared once: the menus' actions and Help ▸ Keyboard both read this."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    action: str  # the MainWindow method it triggers
    menu: str
    text: str
    keys: str  # QKeySequence text; "" = no shortcut


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("open_session", "File", "Open session…", "Ctrl+O"),
    Shortcut("open_last_session", "File", "Reopen the last session", ""),
    Shortcut("save_session", "File", "Save session…", "Ctrl+S"),
    Shortcut("export_png", "File", "Export PNG…", "Ctrl+E"),
    Shortcut("export_svg", "File", "Export SVG…", ""),
    Shortcut("export_csv", "File", "Export CSV of plotted series…", ""),
    Shortcut("export_npz", "File", "Export NPZ of arrays…", ""),
    Shortcut("export_everything", "File", "Export everything to a folder…", "Ctrl+Shift+E"),
    Shortcut("close", "File", "Quit", "Ctrl+Q"),
    Shortcut("undo", "Edit", "Undo parameter change", "Ctrl+Z"),
    Shortcut("redo", "Edit", "Redo parameter change", "Ctrl+Shift+Z"),
    Shortcut("reset_defaults", "Edit", "Reset parameters to defaults", "Ctrl+Shift+R"),
    Shortcut("play_pause", "Run", "Play / pause", "Ctrl+Space"),
    Shortcut("step", "Run", "Single step", "."),
    Shortcut("stop", "Run", "Stop", "Ctrl+."),
    Shortcut("reset_run", "Run", "Reset run", "Ctrl+R"),
    Shortcut("show_start", "View", "Start page", "Ctrl+0"),
    Shortcut("toggle_theme", "View", "Toggle light / dark theme", "Ctrl+T"),
    Shortcut("reset_layout", "View", "Reset window layout", ""),
    Shortcut("show_keyboard", "Help", "Keyboard shortcuts", "F1"),
    Shortcut("show_about", "Help", "About", ""),
)


def keyboard_help_html() -> str:
    """The Help ▸ Keyboard table, generated from SHORTCUTS."""
    rows = "".join(
        f"<tr><td>{s.menu}</td><td>{s.text}</td><td><b>{s.keys}</b></td></tr>"
        for s in SHORTCUTS
        if s.keys
    )
    return f"<table cellpadding='4'><tr><th>Menu</th><th>Action</th><th>Keys</th></tr>{rows}</table>"
