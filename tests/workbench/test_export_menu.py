"""A page's Export menu offers what can be written now: NPZ only once a run made arrays, SVG of
each plot with the one on screen first; the window's File menu greys out the same."""
from __future__ import annotations

import engines.rope as rope
from workbench.topics.rope import RopePanel


def _entries(menu):
    out = {}
    for action in menu.actions():
        if action.menu() is not None:
            out[action.text()] = [(a.text(), a.data()) for a in action.menu().actions()]
        elif action.text():
            out[action.text()] = action.isEnabled()
    return out


def test_npz_waits_for_a_run_and_svg_lists_the_plots_shown_one_first(qtbot, tmp_path):
    panel = RopePanel("rope", rope)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    chain = panel.page("dynamics")
    chain.export_button.menu().aboutToShow.emit()
    assert _entries(chain.export_button.menu())["NPZ of the arrays…"] is False
    steady = panel.main
    qtbot.waitUntil(lambda: bool(steady.record.arrays), timeout=20_000)
    menu = steady.export_button.menu()
    menu.aboutToShow.emit()
    entries = _entries(menu)
    assert entries["NPZ of the arrays…"] is True
    svg = entries["SVG (vector) of a plot"]
    assert svg[0] == ("shape… (on screen)", "svg:shape") and ("tension…", "svg:tension") in svg
    steady.export_svg(tmp_path / "t.svg", "tension")
    assert "<svg" in (tmp_path / "t.svg").read_text()[:400]
    assert steady.visible_plot() == "shape"
    assert panel.shutdown()


def test_pictures_are_light_even_from_the_dark_theme_and_the_window_stays_dark(qtbot, tmp_path):
    from PySide6.QtGui import QImage

    panel = RopePanel("rope", rope)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    steady = panel.main
    qtbot.waitUntil(lambda: bool(steady.record.arrays), timeout=20_000)
    panel.apply_theme("dark")
    background = steady.view.shape_plot.plot_widget.backgroundBrush().color().lightness()
    assert background < 100
    steady.export_png(tmp_path / "page.png", scale=1.0)
    image = QImage(str(tmp_path / "page.png"))
    plot = steady.view.shape_plot.plot_widget
    corner = plot.mapTo(steady.view_widget(), plot.rect().topLeft())
    assert image.pixelColor(corner.x() + 5, corner.y() + 5).lightness() > 200  # a light plot in the file
    assert plot.backgroundBrush().color().lightness() == background  # the window keeps its theme
    assert panel.shutdown()
