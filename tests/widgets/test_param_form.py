"""ParamForm: rows generated from a schema, slider gestures, inline validation, silent restore."""
from __future__ import annotations

import math

import pytest
from PySide6 import QtCore, QtWidgets

from engines.core.params import Param
from widgets.param_controls import SliderScale
from widgets.param_form import ParamForm

PARAMS = [
    Param("omega", 6.0, lo=0.0, hi=200.0, step=0.01, unit="rad/s", live=True, help="angular velocity"),
    Param("density", 0.03, lo=1e-4, hi=100.0, log=True, unit="kg/m", help="mass per length"),
    Param("mode", 1, kind="int", lo=1, hi=20, step=1, help="branch"),
    Param("points", 201, kind="int", lo=11, hi=5001, step=10),
    Param("scenario", "hanging", kind="choice", choices=("hanging", "troposkein", "jump")),
    Param("overlay", False, kind="bool", help="show the reference curve", live=True),
    Param("note", "x", kind="str"),
    Param("offset", 0.5, lo=None, hi=None),
]


class Recorder:
    """Collects every signal of a form in order, as (signal, args) tuples."""

    def __init__(self, form: ParamForm):
        self.events: list[tuple] = []
        form.valueChanged.connect(lambda n, v: self.events.append(("value", n, v)))
        form.editStarted.connect(lambda n: self.events.append(("start", n)))
        form.editFinished.connect(lambda n: self.events.append(("finish", n)))
        form.invalidValue.connect(lambda n, m: self.events.append(("invalid", n, m)))

    def kinds(self) -> list[str]:
        return [e[0] for e in self.events]


@pytest.fixture
def form(qtbot):
    f = ParamForm(PARAMS)
    qtbot.addWidget(f)
    f.resize(420, 700)
    f.show()
    qtbot.waitExposed(f)
    return f


def test_rows_match_params(form):
    assert form.names() == [p.name for p in PARAMS]
    assert form.values() == {p.name: p.default for p in PARAMS}
    omega = form.row_widget("omega")
    assert omega.slider is not None and omega.spin is not None
    assert omega.label.text() == "omega (rad/s)"
    assert omega.badge.text() == "live"
    assert "angular velocity" in omega.slider.toolTip() and "[0, 200]" in omega.slider.toolTip()
    assert "running simulation" in omega.badge.toolTip()
    assert form.row_widget("density").badge.text() == "restart"
    assert isinstance(form.row_widget("mode").spin, QtWidgets.QSpinBox)
    assert isinstance(omega.spin, QtWidgets.QDoubleSpinBox)
    scenario = form.row_widget("scenario").combo
    assert [scenario.itemText(i) for i in range(scenario.count())] == ["hanging", "troposkein", "jump"]
    assert form.row_widget("overlay").check is not None
    assert form.row_widget("note").line_edit.text() == "x"
    unbounded = form.row_widget("offset")
    assert unbounded.slider is None and unbounded.spin is not None
    assert all(form.row_widget(n).error_label.isHidden() for n in form.names())


def test_log_slider_maps_ends_to_bounds(form):
    row = form.row_widget("density")
    row.slider.setValue(row.slider.minimum())
    assert form.value("density") == 1e-4
    row.slider.setValue(row.slider.maximum())
    assert form.value("density") == 100.0
    row.slider.setValue((row.slider.minimum() + row.slider.maximum()) // 2)
    assert form.value("density") == pytest.approx(math.sqrt(1e-4 * 100.0), rel=1e-3)
    assert row.spin.value() == pytest.approx(form.value("density"))


@pytest.mark.parametrize("scale", [
    SliderScale(0.0, 200.0, step=0.01), SliderScale(1e-4, 100.0, log=True),
    SliderScale(11, 5001, integer=True, step=10), SliderScale(1, 20, integer=True, step=1),
    SliderScale(-1.0, 1.0, step=0.25),
])
def test_slider_scale_round_trips_and_hits_ends_exactly(scale):
    assert scale.value(0) == scale.lo and scale.value(scale.ticks) == scale.hi
    values = [scale.value(t) for t in range(scale.ticks + 1)]
    assert all(b >= a for a, b in zip(values, values[1:]))
    assert all(scale.tick(scale.value(t)) == t for t in range(0, scale.ticks + 1, 7))


def test_slider_drag_is_one_bracketed_gesture(form, qtbot):
    rec = Recorder(form)
    slider = form.row_widget("omega").slider
    slider.setSliderDown(True)
    for tick in (100, 200, 300, 400):
        slider.setSliderPosition(tick)
    slider.setSliderDown(False)
    assert rec.kinds() == ["start", "value", "value", "value", "value", "finish"]
    assert {e[1] for e in rec.events} == {"omega"}
    assert form.value("omega") == pytest.approx(80.0)
    assert form.row_widget("omega").spin.value() == pytest.approx(80.0)


def test_mouse_drag_on_slider_is_one_gesture(form, qtbot):
    rec = Recorder(form)
    slider = form.row_widget("mode").slider
    opt = QtWidgets.QStyleOptionSlider()
    slider.initStyleOption(opt)
    handle = slider.style().subControlRect(QtWidgets.QStyle.ComplexControl.CC_Slider, opt,
                                           QtWidgets.QStyle.SubControl.SC_SliderHandle, slider)
    start = handle.center()
    qtbot.mousePress(slider, QtCore.Qt.MouseButton.LeftButton, pos=start)
    for dx in (20, 40, 60):
        qtbot.mouseMove(slider, pos=start + QtCore.QPoint(dx, 0))
    qtbot.mouseRelease(slider, QtCore.Qt.MouseButton.LeftButton, pos=start + QtCore.QPoint(60, 0))
    kinds = rec.kinds()
    assert kinds[0] == "start" and kinds[-1] == "finish"
    assert kinds.count("start") == 1 and kinds.count("finish") == 1
    assert kinds.count("value") >= 1
    assert form.value("mode") > 1


def test_keyboard_slider_step_is_bracketed_at_once(form):
    rec = Recorder(form)
    slider = form.row_widget("points").slider
    slider.triggerAction(QtWidgets.QSlider.SliderAction.SliderSingleStepAdd)
    assert rec.kinds() == ["start", "value", "finish"]
    assert form.value("points") > 201 and (form.value("points") - 11) % 10 == 0


def _type_into(qtbot, spin, text):
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), QtCore.Qt.Key.Key_Return)


def test_typed_out_of_range_value_shows_inline_error_and_emits_no_value(form, qtbot):
    rec = Recorder(form)
    spin = form.row_widget("omega").spin
    _type_into(qtbot, spin, "500")
    assert "value" not in rec.kinds()
    assert rec.kinds() == ["invalid"]
    message = form.error("omega")
    assert "omega" in message and "200" in message
    assert not form.row_widget("omega").error_label.isHidden()
    assert form.value("omega") == 6.0

    _type_into(qtbot, spin, "12.5")
    assert rec.kinds()[1:] == ["start", "value", "finish"]
    assert form.value("omega") == 12.5
    assert form.error("omega") == "" and form.row_widget("omega").error_label.isHidden()
    assert form.row_widget("omega").slider.value() == SliderScale(0.0, 200.0, step=0.01).tick(12.5)


def test_spin_arrows_stay_inside_bounds(form):
    spin = form.row_widget("mode").spin
    spin.stepBy(1000)
    assert form.value("mode") == 20
    spin.stepBy(-1000)
    assert form.value("mode") == 1
    assert form.error("mode") == ""


def test_log_spin_accepts_scientific_notation(form, qtbot):
    _type_into(qtbot, form.row_widget("density").spin, "2e-3")
    assert form.value("density") == pytest.approx(2e-3)


def test_set_values_without_emit_is_silent(form):
    rec = Recorder(form)
    form.set_error("omega", "old problem")
    form.set_values({"omega": 50.0, "density": 1.0, "scenario": "jump", "overlay": True,
                     "mode": 3, "note": "y"}, emit=False)
    assert rec.events == []
    assert form.value("omega") == 50.0 and form.value("scenario") == "jump"
    assert form.row_widget("scenario").combo.currentText() == "jump"
    assert form.row_widget("overlay").check.isChecked()
    assert form.row_widget("omega").spin.value() == 50.0
    assert form.row_widget("omega").slider.value() == SliderScale(0.0, 200.0, step=0.01).tick(50.0)
    assert form.error("omega") == ""


def test_set_values_with_emit_reports_only_changes(form):
    rec = Recorder(form)
    form.set_values({"omega": 6.0, "mode": 4}, emit=True)
    assert rec.events == [("value", "mode", 4)]


def test_set_values_rejects_bad_input_before_changing_anything(form):
    with pytest.raises(ValueError, match="omega"):
        form.set_values({"mode": 5, "omega": 1e6})
    assert form.value("mode") == 1
    with pytest.raises(KeyError, match="nope"):
        form.set_values({"nope": 1})


def test_combo_and_checkbox_changes_are_bracketed(form):
    rec = Recorder(form)
    form.row_widget("scenario").combo.setCurrentIndex(2)
    form.row_widget("overlay").check.setChecked(True)
    assert rec.events == [("start", "scenario"), ("value", "scenario", "jump"), ("finish", "scenario"),
                          ("start", "overlay"), ("value", "overlay", True), ("finish", "overlay")]


def test_row_visibility_hides_row_and_keeps_value(form):
    form.set_row_visible("points", False)
    assert not form.is_row_visible("points")
    assert not form.row_widget("points").isVisible()
    assert form.values()["points"] == 201
    form.set_row_visible("points", True)
    assert form.row_widget("points").isVisible()


def test_set_error_and_clear_error(form):
    form.set_error("scenario", "not with gravity = 0")
    assert form.row_widget("scenario").error_label.isVisible()
    assert form.row_widget("scenario").error_label.text() == "not with gravity = 0"
    form.clear_error("scenario")
    assert form.row_widget("scenario").error_label.isHidden()


def test_duplicate_names_rejected(qtbot):
    with pytest.raises(ValueError, match="duplicate"):
        ParamForm([PARAMS[0], PARAMS[0]])


def test_zero_check_box_reaches_exact_zero_and_returns_to_the_last_value(qtbot):
    form = ParamForm([Param("beta", 1e-3, lo=1e-6, hi=100.0, log=True, zero=True)])
    qtbot.addWidget(form)
    row = form.row_widget("beta")
    seen = []
    form.valueChanged.connect(lambda name, value: seen.append(value))
    row.zero_check.setChecked(True)
    assert seen == [0.0] and not row.slider.isEnabled() and not row.spin.isEnabled()
    row.zero_check.setChecked(False)
    assert seen == [0.0, 1e-3] and row.slider.isEnabled()
    form.set_values({"beta": 0.0}, emit=False)
    assert row.zero_check.isChecked() and seen == [0.0, 1e-3]


@pytest.mark.parametrize("kind, default", [("float", 0.5), ("int", 3), ("str", "a, b")])
def test_undo_keys_in_a_box_reach_the_application(qtbot, kind, default):
    """The box declines Ctrl+Z / Ctrl+Shift+Z as shortcut overrides, so the window's undo of the
    parameters fires instead of the box's own undo of characters."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    form = ParamForm([Param("x", default, kind=kind, lo=0 if kind != "str" else None, hi=10 if kind != "str" else None)])
    qtbot.addWidget(form)
    row = form._row("x")
    box = row.line_edit if kind == "str" else row.spin
    for modifiers in (Qt.KeyboardModifier.ControlModifier,
                      Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
        override = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Z, modifiers)
        QApplication.sendEvent(box, override)
        assert not override.isAccepted()
    other = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QApplication.sendEvent(box, other)
    assert other.isAccepted()  # copy stays the box's


def test_technical_parameters_wait_in_a_collapsed_advanced_section(qtbot):
    form = ParamForm([Param("lr", 0.1, lo=0.0, hi=1.0), Param("seed", 0, kind="int", lo=0, hi=9, advanced=True),
                      Param("every", 5, kind="int", lo=1, hi=9, advanced=True)])
    qtbot.addWidget(form)
    form.show()
    assert form.row_widget("lr").isVisible() and not form.row_widget("seed").isVisible()
    assert form.advanced_toggle.isVisible() and "2 technical settings" in form.advanced_toggle.text()
    assert form.values()["seed"] == 0 and form.is_row_visible("seed")  # relevant, only folded away
    form.advanced_toggle.setChecked(True)
    assert form.row_widget("seed").isVisible()
    form.advanced_toggle.setChecked(False)
    form.set_error("every", "every = 0 is out of range")  # an error is never hidden: the section opens
    assert form.row_widget("every").isVisible()
    form.set_row_visible("seed", False)
    form.set_row_visible("every", False)
    assert not form.advanced_toggle.isVisible()  # nothing relevant left in it


def test_a_typical_range_sets_the_slider_and_the_box_keeps_the_whole_range(qtbot):
    form = ParamForm([Param("omega", 6.0, lo=0.0, hi=200.0, step=0.01, typical=(0.0, 30.0))])
    qtbot.addWidget(form)
    row = form.row_widget("omega")
    row.slider.setValue(row.slider.maximum())
    assert form.values()["omega"] == 30.0  # the slider's end is the typical range's
    row.spin.setValue(150.0)
    assert form.values()["omega"] == 150.0 and row.slider.value() == row.slider.maximum()
    row.slider.setValue(row.slider.maximum() // 2)
    assert abs(form.values()["omega"] - 15.0) < 0.1
    with pytest.raises(ValueError, match="typical range"):
        Param("x", 1.0, lo=0.0, hi=2.0, typical=(0.5, 3.0))


def test_a_derived_quantity_follows_every_value_it_reads(qtbot):
    form = ParamForm([Param("omega", 6.0, lo=0.0, hi=30.0, derived=lambda v: f"λ = {v['omega'] ** 2 * v['length']:.3g}"),
                      Param("length", 1.0, lo=0.1, hi=5.0)])
    qtbot.addWidget(form)
    label = form.row_widget("omega").derived_label
    assert label.text() == "λ = 36"
    form.row_widget("length").spin.setValue(2.0)  # a user change of the other parameter
    assert label.text() == "λ = 72"
    form.set_values({"omega": 3.0})  # undo, restore
    assert label.text() == "λ = 18"


def test_a_multi_parameter_is_a_check_box_per_choice(qtbot):
    form = ParamForm([Param("methods", "a,c", kind="multi", choices=("a", "b", "c"),
                            choice_labels=("alpha", "beta", "gamma"))])
    qtbot.addWidget(form)
    row = form.row_widget("methods")
    assert [box.text() for box in row.checks] == ["alpha", "beta", "gamma"]
    assert [box.isChecked() for box in row.checks] == [True, False, True]
    seen = []
    form.valueChanged.connect(lambda name, value: seen.append(value))
    row.checks[1].setChecked(True)
    assert form.values()["methods"] == "a,b,c" and seen[-1] == "a,b,c"
    row.checks[0].setChecked(False)
    row.checks[1].setChecked(False)
    row.checks[2].setChecked(False)              # nothing would be left: refused, said inline
    assert form.values()["methods"] == "c" and "nothing chosen" in form.error("methods")
    form.set_values({"methods": "b"})
    assert [box.isChecked() for box in row.checks] == [False, True, False] and not form.error("methods")


def test_a_choice_with_labels_shows_the_labels_and_sets_the_ids(qtbot):
    f = ParamForm([Param("material", "carbon_steel", kind="choice", choices=("carbon_steel", "cast_iron"),
                         choice_labels=("carbon steel", "cast iron"))])
    qtbot.addWidget(f)
    seen = []
    f.valueChanged.connect(lambda name, value: seen.append((name, value)))
    combo = f.row_widget("material").combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["carbon steel", "cast iron"]
    assert combo.itemData(1) == "cast_iron" and "material = cast_iron" in combo.itemData(1, QtCore.Qt.ToolTipRole)
    combo.setCurrentIndex(1)
    assert seen == [("material", "cast_iron")] and f.values()["material"] == "cast_iron"
    f.set_values({"material": "carbon_steel"})
    assert combo.currentText() == "carbon steel"
