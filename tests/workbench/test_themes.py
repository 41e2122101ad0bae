"""Themes: Fusion + palette for Qt widgets, matching colours for existing pyqtgraph plots."""
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QPalette

from workbench.pages import themes
from workbench.shell.start_page import StartPage


@pytest.fixture
def app(qapp):
    """The application, with its style, palette and style sheet restored after the test."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    theme = qapp.property(themes.THEME_PROPERTY)
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    qapp.setProperty(themes.THEME_PROPERTY, theme)


def _window(app) -> QColor:
    return app.palette().color(QPalette.ColorRole.Window)


def _contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""
    def luminance(c: QColor) -> float:
        channels = [v / 255 for v in (c.red(), c.green(), c.blue())]
        linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_themes_switch_the_window_colour(app):
    assert themes.THEMES == ("light", "dark")
    themes.apply_theme(app, "light")
    light = _window(app)
    assert app.style().name().lower() == "fusion"
    themes.apply_theme(app, "dark")
    dark = _window(app)
    assert light.lightness() > 200 > 60 > dark.lightness()
    assert themes.current_theme(app) == "dark"
    themes.apply_theme(app, "light")
    assert _window(app) == light and themes.current_theme(app) == "light"


@pytest.mark.parametrize("name", themes.THEMES)
def test_palettes_are_readable(app, name):
    palette = themes.make_palette(name)
    role = QPalette.ColorRole
    for fg, bg, minimum in ((role.WindowText, role.Window, 7), (role.Text, role.Base, 7),
                            (role.ButtonText, role.Button, 7), (role.Link, role.Base, 4.5),
                            (role.PlaceholderText, role.Base, 3), (role.PlaceholderText, role.Window, 3),
                            (role.HighlightedText, role.Highlight, 4.5)):
        assert _contrast(palette.color(fg), palette.color(bg)) >= minimum, (name, fg, bg)
    disabled = palette.color(QPalette.ColorGroup.Disabled, role.Text)
    assert disabled != palette.color(QPalette.ColorGroup.Active, role.Text)


def test_unknown_theme_is_refused(app):
    before = _window(app)
    with pytest.raises(ValueError, match="solarized"):
        themes.apply_theme(app, "solarized")
    with pytest.raises(ValueError):
        themes.plot_colors("solarized")
    assert _window(app) == before


def test_open_widgets_follow_the_theme(app, qtbot):
    themes.apply_theme(app, "light")
    page = StartPage(built_topics={"rope"})
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    card = page.card_widget("rope")
    light_pixel = card.grab().toImage().pixelColor(card.width() // 2, card.height() - 4)
    assert light_pixel == QColor("#ffffff")
    themes.apply_theme(app, "dark")
    dark_base = themes.make_palette("dark").color(QPalette.ColorRole.Base)
    qtbot.waitUntil(lambda: card.palette().color(QPalette.ColorRole.Base) == dark_base)
    assert card.grab().toImage().pixelColor(card.width() // 2, card.height() - 4) == dark_base


def test_plot_colors_differ_between_themes():
    light, dark = themes.plot_colors("light"), themes.plot_colors("dark")
    assert set(light) == set(dark) == {"background", "foreground", "grid"}
    assert QColor(light["background"]).lightness() > 200 > 60 > QColor(dark["background"]).lightness()
    for colours in (light, dark):
        assert _contrast(QColor(colours["foreground"]), QColor(colours["background"])) >= 7
    light["background"] = "#000000"  # a copy: callers cannot change the theme
    assert themes.plot_colors("light")["background"] != "#000000"


@pytest.mark.parametrize("name", themes.THEMES)
def test_style_plot_widget_restyles_an_existing_plot(qtbot, name):
    widget = pg.PlotWidget(title="loss")
    qtbot.addWidget(widget)
    item = widget.getPlotItem()
    item.addLegend()
    item.plot([0, 1, 2], [1, 0, 1], name="curve")
    item.setLabel("bottom", "step")
    themes.style_plot_widget(widget, name)
    colours = themes.plot_colors(name)
    assert widget.backgroundBrush().color() == QColor(colours["background"])
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        assert axis.pen().color() == QColor(colours["foreground"])
        assert axis.textPen().color() == QColor(colours["foreground"])
    assert colours["foreground"].lower() in axis.label.toHtml().lower()
    assert item.titleLabel.opts["color"] == colours["foreground"]
    assert item.legend.brush().color() == QColor(colours["background"])


def test_style_plot_item_without_its_widget(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    themes.style_plot_widget(widget.getPlotItem(), "dark")
    dark = themes.plot_colors("dark")
    assert widget.backgroundBrush().color() == QColor(dark["background"])
    assert widget.getPlotItem().getAxis("left").pen().color() == QColor(dark["foreground"])
    lonely = pg.PlotItem()  # not in any view: only the axes change
    themes.style_plot_widget(lonely, "light")
    assert lonely.getAxis("bottom").pen().color() == QColor(themes.plot_colors("light")["foreground"])
