"""The start page: cards in tour order, Open buttons only for built topics, timeline, calculator."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QPushButton

from workbench.shell.start_page import StartPage, TourCardWidget
from workbench.shell.tour import TOUR


@pytest.fixture
def make_page(qtbot):
    def make(built=("rope",), size=(1100, 800)):
        page = StartPage(built_topics=set(built))
        qtbot.addWidget(page)
        page.resize(*size)
        page.show()
        qtbot.waitExposed(page)
        return page

    return make


def _texts(widget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def _open_buttons(page) -> set[str]:
    return {b.objectName() for b in page.findChildren(QPushButton) if b.objectName().startswith("open_")}


def test_cards_in_tour_order_with_their_dates(make_page):
    page = make_page()
    assert [w.card for w in page.cards] == list(TOUR)
    grid = page.grid._grid
    positions = [grid.getItemPosition(grid.indexOf(w))[:2] for w in page.cards]
    assert positions == sorted(positions)  # row-major: the grid shows them in the same order
    for widget in page.cards:
        text = _texts(widget)
        assert widget.card.date in text and f"#{widget.card.archive_id}" in text
        assert widget.card.essay_title_zh in text
    assert "2019-07-06" in _texts(page.card_widget("rope"))
    assert "2020-09-29" in _texts(page.card_widget(None))
    assert "2023-11-13" in _texts(page.card_widget("wok"))


@pytest.mark.parametrize("built", [(), ("rope",), ("rope", "wok", "vae_ib"),
                                   ("vae_ib", "rope", "batchnorm", "regularization", "pg_zoo",
                                    "multitask", "wok")])
def test_open_buttons_exactly_for_built_topics(make_page, built):
    page = make_page(built)
    assert _open_buttons(page) == {f"open_{topic}" for topic in built}
    for widget in page.cards:
        topic = widget.card.topic_id
        if topic in built:
            assert widget.open_button is not None and widget.status_label is None
        else:
            assert widget.open_button is None
            if topic is not None:
                assert "not built" in widget.status_label.text()


def test_unknown_built_ids_are_ignored(make_page):
    page = make_page(("rope", "no_such_topic"))
    assert _open_buttons(page) == {"open_rope"}


def test_clicking_open_emits_the_topic_id(make_page, qtbot):
    page = make_page(("rope", "wok"))
    for topic in ("rope", "wok"):
        button = page.findChild(QPushButton, f"open_{topic}")
        with qtbot.waitSignal(page.openTopic, timeout=1000) as blocker:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert blocker.args == [topic]


def test_unbuilt_card_says_not_built_and_thousandth_card_is_this_page(make_page):
    page = make_page(("rope",))
    vae = page.card_widget("vae_ib")
    assert vae.status_label.text() == "Panel not built yet"
    assert vae.status_label.font().italic()
    thousand = page.card_widget(None)
    assert thousand.open_button is None
    assert "start page is this essay's panel" in _texts(thousand)


def test_links_open_in_the_system_browser(make_page):
    page = make_page()
    for widget in page.cards:
        links = [label for label in widget.findChildren(QLabel) if widget.card.url in label.text()]
        assert links and all(label.openExternalLinks() for label in links)
    header = _texts(page)
    assert "苏剑林" in header and "CC BY-NC-ND 2.5 CN" in header and "kexue.fm" in header


def test_cards_reflow_with_the_width(make_page, qtbot):
    page = make_page(size=(1000, 800))
    qtbot.waitUntil(lambda: page.grid.columns >= 2)
    assert page.grid.columns == 3
    page.resize(560, 800)
    qtbot.waitUntil(lambda: page.grid.columns == 1)
    grid = page.grid._grid
    assert [grid.getItemPosition(grid.indexOf(w))[0] for w in page.cards] == list(range(len(TOUR)))


def test_card_text_is_not_clipped(make_page, qtbot):
    page = make_page(size=(1000, 800))
    qtbot.waitUntil(lambda: page.grid.columns == 3)
    for widget in page.cards:
        for label in widget.findChildren(QLabel):
            if label.wordWrap():
                assert label.height() >= label.heightForWidth(label.width()) - 1, label.text()
            else:
                assert label.width() >= label.minimumSizeHint().width(), label.text()


def test_calculator_years_to_next_thousand(make_page):
    page = make_page()
    calculator = page.calculator
    assert calculator.spin.value() == pytest.approx(1.0)
    assert "19.2 years" in calculator.result.text()
    calculator.spin.setValue(2.0)
    assert "9.6 years" in calculator.result.text() and calculator.slider.value() == 20
    calculator.slider.setValue(5)
    assert calculator.spin.value() == pytest.approx(0.5) and "38.5 years" in calculator.result.text()


def test_timeline_sizes_and_paints(make_page):
    page = make_page()
    ribbon = page.timeline
    assert ribbon.hasHeightForWidth()
    assert ribbon.height() >= ribbon.heightForWidth(ribbon.width()) - 1
    assert ribbon.heightForWidth(500) >= ribbon.heightForWidth(1000)  # narrower: more lanes
    image = page.grab().toImage()
    assert not image.isNull() and image.width() == page.width()


@pytest.mark.parametrize("width", [900, 1100, 1400])
def test_timeline_labels_do_not_cross_leader_lines(make_page, width):
    page = make_page()
    ribbon = page.timeline
    pad, clearance = ribbon.LABEL_PAD, 2.0
    for placed in (ribbon.essay_labels(width), ribbon.milestone_labels(width)):
        for event, lane, rect in placed:
            x = ribbon._x(event.year, width)
            assert rect.left() >= 0 and rect.right() <= width
            assert x == pytest.approx(rect.left() + pad) or x == pytest.approx(rect.right() - pad)
            for other, other_lane, other_rect in placed:
                if other is event:
                    continue
                if other_lane == lane:
                    assert not rect.intersects(other_rect), (event.label, other.label)
                if other_lane > lane:  # the other's leader line passes this label's lane
                    other_x = ribbon._x(other.year, width)
                    text = rect.adjusted(pad - clearance, 0, clearance - pad, 0)
                    assert not text.left() <= other_x <= text.right(), (event.label, other.label)


def test_card_widget_draws_from_the_palette(make_page):
    page = make_page()
    card = page.card_widget("rope")
    assert isinstance(card, TourCardWidget)
    image = card.grab().toImage()
    inside = image.pixelColor(image.width() // 2, image.height() - 4)
    assert inside == card.palette().color(QPalette.ColorRole.Base)


def test_every_built_topic_has_a_picture_on_its_card(make_page):
    from engines.registry import built_topics
    from workbench.shell.card_extras import picture_path

    for topic in built_topics():
        assert picture_path(topic).is_file(), f"run scripts/render_card_pictures.py for {topic}"
    *shown, hidden = built_topics()          # every topic is built: the page is told one is not
    page = make_page(built=shown)
    for topic in shown:
        card = page.card_widget(topic)
        assert card.picture is not None and not card.picture.pixmap.isNull()
        assert card.picture.height() > 60 and card.picture.width() > 200
    assert page.card_widget(hidden).picture is None


def test_presets_fill_in_off_the_gui_thread_and_a_click_asks_for_them(qtbot, make_page):
    from engines.registry import experiments

    page = make_page(built=("rope",))
    card = page.card_widget("rope")
    qtbot.waitUntil(card.presets_label.isVisible, timeout=30000)
    first = experiments("rope")[0].presets[0]
    assert first.name in card.presets_label.text()
    with qtbot.waitSignal(page.openPreset) as signal:
        card.presets_label.linkActivated.emit(f"preset:rope/steady/{first.name}")
    assert signal.args == ["rope", "steady", first.name]
