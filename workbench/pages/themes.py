"""Light and dark themes: the Fusion style with a palette, plus matching colours for pyqtgraph.

Widgets should draw with palette roles (``Window``, ``Base``, ``Text``, ``Mid``…) so that switching the
theme restyles them. pyqtgraph does not follow the Qt palette: ``pg.setConfigOptions(background=…,
foreground=…)`` affects only plots created afterwards, so an existing plot is restyled with
:func:`style_plot_widget`.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES: tuple[str, ...] = ("light", "dark")

STYLES_DIR = Path(__file__).resolve().parents[2] / "resources" / "styles"

#: Name of the application property that records the theme last applied.
THEME_PROPERTY = "ssw_theme"

# Role -> colour, for the Active/Inactive groups; disabled colours are listed separately.
_PALETTES: dict[str, dict[QPalette.ColorRole, str]] = {
    "light": {
        QPalette.ColorRole.Window: "#f3f4f6",
        QPalette.ColorRole.WindowText: "#1f2328",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f6f8fa",
        QPalette.ColorRole.ToolTipBase: "#ffffff",
        QPalette.ColorRole.ToolTipText: "#1f2328",
        QPalette.ColorRole.PlaceholderText: "#6e7781",
        QPalette.ColorRole.Text: "#1f2328",
        QPalette.ColorRole.Button: "#eceef1",
        QPalette.ColorRole.ButtonText: "#1f2328",
        QPalette.ColorRole.BrightText: "#cf222e",
        QPalette.ColorRole.Light: "#ffffff",
        QPalette.ColorRole.Midlight: "#e4e7eb",
        QPalette.ColorRole.Mid: "#c4c9d0",
        QPalette.ColorRole.Dark: "#8c959f",
        QPalette.ColorRole.Shadow: "#6e7781",
        QPalette.ColorRole.Highlight: "#2f6fd6",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#0b5cc4",
        QPalette.ColorRole.LinkVisited: "#6f42c1",
        QPalette.ColorRole.Accent: "#2f6fd6",
    },
    "dark": {
        QPalette.ColorRole.Window: "#1f2124",
        QPalette.ColorRole.WindowText: "#e3e6ea",
        QPalette.ColorRole.Base: "#2a2d31",
        QPalette.ColorRole.AlternateBase: "#30343a",
        QPalette.ColorRole.ToolTipBase: "#2a2d31",
        QPalette.ColorRole.ToolTipText: "#e3e6ea",
        QPalette.ColorRole.PlaceholderText: "#8b949e",
        QPalette.ColorRole.Text: "#e3e6ea",
        QPalette.ColorRole.Button: "#34383e",
        QPalette.ColorRole.ButtonText: "#e3e6ea",
        QPalette.ColorRole.BrightText: "#ff7b72",
        QPalette.ColorRole.Light: "#4a4f57",
        QPalette.ColorRole.Midlight: "#3d4148",
        QPalette.ColorRole.Mid: "#4b5059",
        QPalette.ColorRole.Dark: "#15171a",
        QPalette.ColorRole.Shadow: "#0b0c0e",
        QPalette.ColorRole.Highlight: "#2f6bd0",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#6cb0ff",
        QPalette.ColorRole.LinkVisited: "#c29bff",
        QPalette.ColorRole.Accent: "#2f6bd0",
    },
}

_DISABLED: dict[str, dict[QPalette.ColorRole, str]] = {
    "light": {
        QPalette.ColorRole.WindowText: "#8c959f",
        QPalette.ColorRole.Text: "#8c959f",
        QPalette.ColorRole.ButtonText: "#8c959f",
        QPalette.ColorRole.Highlight: "#c4c9d0",
    },
    "dark": {
        QPalette.ColorRole.WindowText: "#6b727c",
        QPalette.ColorRole.Text: "#6b727c",
        QPalette.ColorRole.ButtonText: "#6b727c",
        QPalette.ColorRole.Highlight: "#4b5059",
    },
}

_PLOT_COLORS: dict[str, dict[str, str]] = {
    "light": {"background": "#ffffff", "foreground": "#3a4048", "grid": "#d5d9df"},
    "dark": {"background": "#1b1d20", "foreground": "#c9ced6", "grid": "#3a3f46"},
}


def _check(name: str) -> None:
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}")


def make_palette(name: str) -> QPalette:
    """The QPalette of a theme (all colour groups filled in)."""
    _check(name)
    palette = QPalette()
    for role, colour in _PALETTES[name].items():
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, role, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    for role, colour in _DISABLED[name].items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def style_sheet(name: str) -> str:
    """The optional extra style sheet ``resources/styles/<name>.qss`` ('' when there is none)."""
    _check(name)
    path = STYLES_DIR / f"{name}.qss"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def apply_theme(app: QApplication, name: str) -> None:
    """Switch the whole application to a theme: Fusion style, palette, optional style sheet.

    Fusion draws every control from the palette, so light and dark look the same on every
    platform. The theme's name is stored as the application property ``ssw_theme``.
    """
    _check(name)
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(make_palette(name))
    app.setStyleSheet(style_sheet(name))
    app.setProperty(THEME_PROPERTY, name)


def current_theme(app: QApplication) -> str:
    """The theme last applied with :func:`apply_theme` ('light' before any)."""
    name = app.property(THEME_PROPERTY)
    return name if name in THEMES else "light"


def plot_colors(name: str) -> dict[str, str]:
    """Colours for pyqtgraph in a theme: ``background``, ``foreground`` (axes, text), ``grid``."""
    _check(name)
    return dict(_PLOT_COLORS[name])


def style_plot_widget(plot, name: str) -> None:
    """Restyle an existing ``pg.PlotWidget`` or ``pg.PlotItem`` for a theme.

    Sets the view background and the pens of the four axes (their tick labels, axis labels and
    grid lines follow), the title colour and, if the plot has one, the legend's text and frame.
    """
    colours = plot_colors(name)
    background, foreground = colours["background"], colours["foreground"]
    if hasattr(plot, "getPlotItem"):
        plot.setBackground(background)
        item = plot.getPlotItem()
    else:
        item = plot
        view = item.getViewWidget()
        if view is not None and hasattr(view, "setBackground"):
            view.setBackground(background)
    for side in ("left", "bottom", "right", "top"):
        axis = item.getAxis(side)
        axis.setPen(foreground)
        axis.setTextPen(foreground)
    title = item.titleLabel
    title.setAttr("color", foreground)
    if title.text:
        title.setText(title.text)
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(foreground)
        legend.setBrush(QColor(background))
        legend.setPen(colours["grid"])
