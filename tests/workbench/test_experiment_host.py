"""workbench.pages.experiment_host.ExperimentHost on a tiny module-level engine: an instant experiment
recomputes on every form change, a streaming one runs on demand with progress, a ParameterError is
shown inline under the parameter it names, frames of an older generation never reach the view, and
undo, live values, provenance and the CSV export are the host's own."""
from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6 import QtCore

from engines.core.frame import Frame
from engines.core.params import Param, ParameterError, ParamSchema
from widgets.live_plot import LivePlot
from workbench.pages import themes
from engines.core.experiment import Experiment
from workbench.pages.experiment_host import ExperimentHost

TIMEOUT_MS = 10_000

TINY_PARAMS = ParamSchema([
    Param("a", 1.0, lo=-10.0, hi=10.0, step=0.1, help="the slope; 0 is refused by the engine"),
    Param("steps", 1, kind="int", lo=1, hi=10_000, help="frames per run"),
    Param("delay", 0.0, lo=0.0, hi=1.0, unit="s", help="seconds of 'work' before each frame"),
    Param("gain", 1.0, lo=0.0, hi=10.0, live=True, help="read live by the running run"),
])


def run_tiny(params, ctx):
    """y = a·k for k = 1 … steps, one frame each, after ``delay`` seconds of interruptible work."""
    a, steps, delay = params["a"], params["steps"], params["delay"]
    if a == 0:
        raise ParameterError("a", "a = 0 gives no line: choose a ≠ 0")
    for k in range(1, steps + 1):
        end = time.monotonic() + delay
        while time.monotonic() < end:
            time.sleep(0.002)
            ctx.check()
        yield Frame(step=k, progress=k / steps, scalars={"a": a, "y": a * k, "gain": ctx.live("gain")},
                    message=f"step {k} of {steps}")


class TinyTab(ExperimentHost):
    def __init__(self, run_factory=run_tiny, auto=True, **kwargs):
        self.begun: list[dict] = []
        self.taken: list[Frame] = []
        self.draws = 0
        self.pairs: list[tuple[float, float]] = []      # (params["a"], frame's a) per drawn frame
        experiment = Experiment("tiny", "Tiny line", TINY_PARAMS, run_tiny, mode="instant" if auto else "stream")
        super().__init__("test", experiment, None, run_factory=run_factory, **kwargs)

    def build_plots(self):
        self.plot = LivePlot()
        self.plot.set_title("y = a·k")
        self.plot.set_labels("k", "y")
        self.plot.add_series("y", color="#1f77b4")
        return self.plot                                 # the readout is left to the base

    def begin(self, params):
        self.begun.append(dict(params))
        self.taken = []

    def take(self, frames, params):
        self.taken.extend(frames)

    def draw(self):
        self.draws += 1
        if self.taken:
            self.plot.set_series("y", [f.step for f in self.taken], [f.scalars["y"] for f in self.taken])
        super().draw()

    def draw_frame(self, frame, params):
        self.pairs.append((params["a"], frame.scalars["a"]))
        self.readout.setText(f"a = {params['a']}: y = {frame.scalars['y']}")


def make_tab(qtbot, **kwargs):
    calls = []

    def spy(params, ctx):
        calls.append(dict(params))
        return run_tiny(params, ctx)

    tab = TinyTab(run_factory=spy, **kwargs)
    tab.calls = calls
    qtbot.addWidget(tab)
    tab.resize(800, 500)
    return tab


@pytest.fixture
def auto_tab(qtbot):
    tab = make_tab(qtbot, help_text="<b>Tiny.</b> A line.")
    qtbot.waitUntil(lambda: tab.last_frame() is not None, timeout=TIMEOUT_MS)
    yield tab
    assert tab.shutdown()


@pytest.fixture
def button_tab(qtbot):
    tab = make_tab(qtbot, auto=False)
    yield tab
    assert tab.shutdown()


def run_to_end(qtbot, tab):
    with qtbot.waitSignal(tab.controller.runEnded, timeout=TIMEOUT_MS):
        qtbot.mouseClick(tab.run_button, QtCore.Qt.MouseButton.LeftButton)


# --- auto mode ------------------------------------------------------------------------------------
def test_auto_computes_on_creation_and_draws_at_once(qtbot, auto_tab):
    qtbot.wait(100)
    assert auto_tab.calls == [auto_tab.form.values()] and len(auto_tab.begun) == 1
    assert auto_tab.readout.text() == "a = 1.0: y = 1.0"
    assert auto_tab.run_button is None and auto_tab.progress is None and auto_tab.status is None
    assert "Tiny" in auto_tab.help_label.text() and not auto_tab.help_label.isHidden()
    assert auto_tab.readout.parentWidget() is not None and not auto_tab.readout.isHidden()


def test_auto_recomputes_on_every_form_change(qtbot, auto_tab):
    auto_tab.form.row_widget("a").spin.setValue(2.5)
    qtbot.waitUntil(lambda: auto_tab.last_frame().scalars["a"] == 2.5, timeout=TIMEOUT_MS)
    assert auto_tab.calls[-1]["a"] == 2.5 and auto_tab.readout.text() == "a = 2.5: y = 2.5"
    auto_tab.form.row_widget("steps").spin.setValue(3)
    qtbot.waitUntil(lambda: auto_tab.last_frame().step == 3, timeout=TIMEOUT_MS)
    _, y = auto_tab.plot.series_data()["y"]
    assert list(y) == [2.5, 5.0, 7.5]
    assert auto_tab.start() == auto_tab.controller.generation


def test_auto_drag_coalesces_and_pairs_each_frame_with_its_parameters(qtbot, auto_tab):
    auto_tab.form.set_values({"delay": 0.05}, emit=True)
    qtbot.waitUntil(lambda: auto_tab.controller.state == "finished", timeout=TIMEOUT_MS)
    before, draws = len(auto_tab.calls), auto_tab.draws
    spin = auto_tab.form.row_widget("a").spin
    for i in range(1, 21):           # a drag: 20 values, faster than one run (50 ms) takes
        spin.setValue(1.0 + 0.1 * i)
    qtbot.waitUntil(lambda: auto_tab.controller.state == "finished", timeout=TIMEOUT_MS)
    assert auto_tab.last_frame().scalars["a"] == pytest.approx(3.0)     # the newest value is drawn ...
    assert auto_tab.draws - draws < 20 and len(auto_tab.calls) - before < 20   # ... not every one
    assert any(call["a"] == pytest.approx(3.0) for call in auto_tab.calls[before:])
    assert all(p == f for p, f in auto_tab.pairs)     # each frame drawn with its own parameters


def test_auto_engine_error_is_inline_until_the_next_start(qtbot, auto_tab):
    auto_tab.form.set_values({"a": 0.0}, emit=True)
    qtbot.waitUntil(lambda: auto_tab.form.error("a") != "", timeout=TIMEOUT_MS)
    assert "choose a ≠ 0" in auto_tab.form.error("a")
    assert "not computed" in auto_tab.readout.text() and "#cf222e" in auto_tab.readout.text()
    auto_tab.form.row_widget("steps").spin.setValue(2)        # another parameter: a new start
    assert auto_tab.form.error("a") == ""
    qtbot.waitUntil(lambda: auto_tab.form.error("a") != "", timeout=TIMEOUT_MS)   # a is still 0
    auto_tab.form.row_widget("a").spin.setValue(1.0)
    qtbot.waitUntil(lambda: auto_tab.readout.text() == "a = 1.0: y = 2.0", timeout=TIMEOUT_MS)
    assert auto_tab.form.error("a") == ""


def test_frames_of_an_older_generation_are_dropped(qtbot, auto_tab):
    generation = auto_tab.start()
    qtbot.waitUntil(lambda: auto_tab.controller.state == "finished", timeout=TIMEOUT_MS)
    frame, draws, taken = auto_tab.last_frame(), auto_tab.draws, list(auto_tab.taken)
    stale = Frame(step=7, progress=1.0, scalars={"a": 9.0, "y": 63.0})
    auto_tab.controller.frames.emit(generation - 1, [stale])
    assert auto_tab.last_frame() is frame and auto_tab.draws == draws and auto_tab.taken == taken
    auto_tab.controller.frames.emit(generation, [stale])      # the current one is taken and drawn
    assert auto_tab.last_frame() is stale and auto_tab.draws == draws + 1


def test_theme_reaches_every_plot_host(qtbot, auto_tab):
    auto_tab.apply_theme("dark")
    dark = themes.plot_colors("dark")["background"]
    assert auto_tab.plot_hosts() == [auto_tab.plot]
    assert auto_tab.plot.plot_widget.backgroundBrush().color().name() == dark.lower()
    auto_tab.apply_theme("light")


# --- Run / Stop mode ------------------------------------------------------------------------------
def test_run_mode_waits_for_run_and_ignores_form_changes(qtbot, button_tab):
    button_tab.form.row_widget("a").spin.setValue(2.0)
    qtbot.wait(200)
    assert button_tab.calls == [] and button_tab.last_frame() is None
    assert button_tab.readout.text() == "" and not button_tab.stop_button.isEnabled()


def test_run_streams_frames_with_progress_and_redraws_on_the_timer(qtbot, button_tab):
    button_tab.form.set_values({"a": 2.0, "steps": 5, "delay": 0.01})
    run_to_end(qtbot, button_tab)
    assert button_tab.begun == [button_tab.form.values()] and [f.step for f in button_tab.taken] == [1, 2, 3, 4, 5]
    assert "done" in button_tab.progress.text() and button_tab.status.text() == "step 5 of 5"
    qtbot.waitUntil(lambda: len(button_tab.plot.series_data()["y"][0]) == 5, timeout=TIMEOUT_MS)
    x, y = button_tab.plot.series_data()["y"]
    np.testing.assert_array_equal(y, 2.0 * x)
    assert button_tab.readout.text() == "a = 2.0: y = 10.0"
    assert not button_tab.stop_button.isEnabled()


def test_stop_ends_a_run_and_nothing_more_arrives(qtbot, button_tab):
    button_tab.form.set_values({"steps": 10_000, "delay": 0.01})
    qtbot.mouseClick(button_tab.run_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(button_tab.taken) >= 3, timeout=TIMEOUT_MS)
    assert button_tab.stop_button.isEnabled() and "ETA" in button_tab.progress.text()
    qtbot.mouseClick(button_tab.stop_button, QtCore.Qt.MouseButton.LeftButton)
    count = len(button_tab.taken)
    qtbot.wait(300)
    assert len(button_tab.taken) == count < 10_000
    assert button_tab.progress.text() == "stopped" and not button_tab.stop_button.isEnabled()
    assert not button_tab.controller.is_busy()


def test_run_mode_engine_error_is_inline_and_cleared_when_that_parameter_changes(qtbot, button_tab):
    button_tab.form.set_values({"a": 0.0})
    run_to_end(qtbot, button_tab)
    assert "choose a ≠ 0" in button_tab.form.error("a")
    assert "not computed" in button_tab.status.text() and "a ≠ 0" in button_tab.status.text()
    assert button_tab.progress.text() == "invalid parameters"
    button_tab.form.row_widget("steps").spin.setValue(2)          # another parameter: the error stays
    assert button_tab.form.error("a") != ""
    button_tab.form.row_widget("a").spin.setValue(1.0)
    assert button_tab.form.error("a") == "" and button_tab.calls[-1]["a"] == 0.0
    run_to_end(qtbot, button_tab)
    assert button_tab.status.text() == "step 2 of 2" and "done" in button_tab.progress.text()


def test_undo_and_defaults_are_the_hosts_and_recompute(qtbot, auto_tab):
    auto_tab.form.set_values({**auto_tab.values(), "a": 3.0}, emit=True)
    qtbot.waitUntil(lambda: auto_tab.pairs and auto_tab.pairs[-1] == (3.0, 3.0), timeout=TIMEOUT_MS)
    auto_tab.reset_defaults()
    qtbot.waitUntil(lambda: auto_tab.pairs[-1] == (1.0, 1.0), timeout=TIMEOUT_MS)
    assert auto_tab.undo_button.isEnabled()
    auto_tab.undo_button.click()
    assert auto_tab.values()["a"] == 3.0
    qtbot.waitUntil(lambda: auto_tab.pairs[-1] == (3.0, 3.0), timeout=TIMEOUT_MS)


def test_a_live_value_reaches_the_running_run_and_a_restart_value_waits(qtbot, button_tab):
    button_tab.form.set_values({**button_tab.values(), "steps": 400, "delay": 0.01})
    button_tab.start()
    qtbot.waitUntil(lambda: len(button_tab.taken) > 2, timeout=TIMEOUT_MS)
    button_tab.form.set_values({**button_tab.values(), "gain": 4.0}, emit=True)
    qtbot.waitUntil(lambda: button_tab.taken[-1].scalars["gain"] == 4.0, timeout=TIMEOUT_MS)
    button_tab.form.set_values({**button_tab.values(), "a": 2.0}, emit=True)
    assert "next run" in button_tab.status.text() and button_tab.is_running()
    assert button_tab.taken[-1].scalars["a"] == 1.0
    button_tab.stop()


def test_the_csv_export_names_this_experiment_and_the_values_of_the_shown_result(qtbot, auto_tab, tmp_path):
    auto_tab.form.set_values({**auto_tab.values(), "a": 2.5}, emit=True)
    qtbot.waitUntil(lambda: auto_tab.shown_params().get("a") == 2.5, timeout=TIMEOUT_MS)
    auto_tab.export_csv(tmp_path / "tiny.csv")
    lines = (tmp_path / "tiny.csv").read_text().splitlines()
    assert lines[0] == "# topic: test" and lines[1] == "# experiment: test:tiny"
    assert '"a": 2.5' in lines[2] and "plot,series,x,y" in lines
    assert auto_tab.state().params["a"] == 2.5


def test_play_is_pinned_above_the_scrolling_form_and_a_hint_waits_for_the_first_result(qtbot, button_tab):
    assert not button_tab.form_scroll.isAncestorOf(button_tab.run_button)
    assert not button_tab.form_scroll.isAncestorOf(button_tab.progress)
    assert button_tab.form_scroll.isAncestorOf(button_tab.form)
    assert button_tab.first_hint.isVisibleTo(button_tab) and "Press ▶ Play" in button_tab.first_hint.text()
    run_to_end(qtbot, button_tab)
    assert not button_tab.first_hint.isVisibleTo(button_tab)
    button_tab.reset_run()
    assert button_tab.first_hint.isVisibleTo(button_tab)


def test_an_instant_page_says_it_is_computing_until_its_first_result(qtbot, auto_tab):
    assert not auto_tab.first_hint.isVisibleTo(auto_tab)  # the fixture waited for the first result
    assert "Computing" in auto_tab.first_hint.text()
    assert "computing" not in auto_tab.readout.text()     # the read-out's placeholder went with it


def test_every_experiment_offers_try_this_presets_its_schema_accepts():
    from engines.registry import built_topics, experiments

    for topic in built_topics():
        for experiment in experiments(topic):
            assert len(experiment.presets) >= 2, f"{topic}:{experiment.id} has no Try-this presets"
            for preset in experiment.presets:
                assert preset.look_for and experiment.validate(dict(preset.values))


def test_a_preset_sets_its_values_in_one_undo_step_runs_and_says_what_to_look_for(qtbot):
    from engines.core.experiment import Preset

    experiment = Experiment("tiny", "Tiny line", TINY_PARAMS, run_tiny,
                            presets=(Preset("steep", {"a": 4.0, "steps": 3}, "a line four times steeper"),))
    from workbench.topics.generic import GenericView

    tab = ExperimentHost("test", experiment, None, view=GenericView(experiment), run_factory=run_tiny)
    qtbot.addWidget(tab)
    tab.set_values({"gain": 2.0})
    with qtbot.waitSignal(tab.controller.runEnded, timeout=TIMEOUT_MS):
        tab.preset_buttons[0].click()
    assert tab.values()["a"] == 4.0 and tab.values()["steps"] == 3 and tab.values()["gain"] == 1.0  # defaults + preset
    assert tab.record.recorded == 3 and "look for: a line four times steeper".lower() in tab.first_hint.text().lower()
    assert tab.first_hint.isVisibleTo(tab)
    tab.history.stack.undo()
    assert tab.values()["a"] == 1.0 and tab.values()["gain"] == 2.0
    assert tab.shutdown()
