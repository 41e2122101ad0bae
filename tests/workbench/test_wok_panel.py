"""The wok panel as a user drives it: a run draws the cross-section mirrored and coloured, the history
gains a row per frame, the traces end where the engine ended, and the read-outs give the mass, the
thresholds crossed and whether induction couples."""
import numpy as np
import pytest

import engines.wok as wok
from workbench.topics.wok import WokPanel


@pytest.fixture
def panel(qtbot):
    p = WokPanel("wok", wok)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    yield p
    assert p.shutdown()


def run_and_draw(qtbot, host, values):
    host.set_values(values)
    host.start()
    qtbot.waitUntil(lambda: not host.is_running(), timeout=60000)
    host.view.draw()
    return host.last_frame()


def test_a_run_draws_the_section_the_history_and_the_readouts(qtbot, panel):
    host, view = panel.main, panel.comparator
    last = run_and_draw(qtbot, host, {"duration": 150.0, "record_every": 10.0, "cells": 60})
    x, height = view.series()["cross_section"]["cross-section"]
    assert len(x) == 120 and np.allclose(x[:60], -x[60:][::-1]) and np.allclose(height[:60], height[60:][::-1])
    assert height.min() == pytest.approx(0.0, abs=0.05) and height.max() == pytest.approx(10.0, abs=0.2)
    assert view.history_map.matrix().shape == (16, 60)
    t, centre = view.series()["temperatures"]["centre"]
    assert t[-1] == 150.0 and centre[-1] == pytest.approx(last.scalars["center_temp"])
    text = view.readout.text()
    s = last.scalars
    assert "2.00 kg" in text and f"{s['energy_stored'] / s['energy_in']:.0%} stored" in text
    table = last.arrays["thresholds"]                      # the engine's own record of the crossings
    for label, (temp, hottest, centre) in zip(("oil smokes", "PTFE limit", "PTFE fumes", "PTFE melts"), table):
        said = f"{label} ({temp:g} °C): hottest {hottest:.0f} s, centre "
        assert said + ("not yet" if np.isnan(centre) else f"{centre:.0f} s") in text


def test_induction_under_aluminium_is_flagged_and_heats_nothing(qtbot, panel):
    host, view = panel.main, panel.comparator
    last = run_and_draw(qtbot, host, {"material": "aluminium", "thickness": 3.0, "source": "induction_flat",
                                      "duration": 20.0, "record_every": 10.0, "cells": 40})
    assert last.scalars["energy_in"] == 0.0 and last.scalars["max_temp"] == pytest.approx(20.0)
    assert "does not couple" in view.readout.text() and "nothing absorbed" in view.readout.text()


def test_the_transport_offers_the_experiments_speeds_and_starts_at_thirty(panel):
    transport = panel.main.transport
    combo = transport._speed
    assert [combo.itemData(i) for i in range(combo.count())] == list(wok.SPEEDS)
    assert transport.speed() == 30.0 and panel.main.controller.speed == 30.0
    transport.set_speed(100.0, emit=True)                  # the nearest listed: 120×
    assert panel.main.controller.speed == 120.0


def test_the_home_routine_marks_its_steps_and_gives_a_verdict(qtbot, panel):
    host, view = panel.main, panel.comparator
    host.transport.set_speed(120.0, emit=True)
    last = run_and_draw(qtbot, host, {"routine": "home", "off_seconds": 30.0, "cells": 60})
    assert [line.label.format for line in view.traces._vlines] == ["oil", "heat off / oil swap", "food"]
    assert [line.value() for line in view.traces._hlines] == [204.0, 260.0, 316.0, 327.0]   # thresholds stay
    text = view.readout.text()
    assert f"contact {last.scalars['contact_temp']:.0f} °C" in text and "heat off for 30 s" in text
    assert ("sear" in text) == (last.scalars["verdict"] == 1.0)
    assert f"the centre fell to {last.scalars['pan_low']:.0f} °C" in text                 # then the food cooks
    assert f"{last.scalars['energy_food'] / last.scalars['energy_in']:.0%} to the food" in text
    assert f"{last.scalars['water_boiled_g']:.0f} g of water boiled off" in text


def test_a_claim_in_the_help_links_to_the_page_that_shows_it(qtbot, panel):
    from PySide6.QtCore import QUrl

    text = panel.help.toPlainText()
    assert "C14" in text and "✘" in text and "217 °C" in text
    html = panel.help.toHtml()
    assert 'href="page:coated"' in html and 'href="page:hotspots"' in html and 'href="page:comparator"' in html
    panel.help.anchorClicked.emit(QUrl("page:hotspots"))
    assert panel.tabs.currentWidget() is panel.page("hotspots")
    panel.help.anchorClicked.emit(QUrl("page:nosuch"))          # an unknown page changes nothing
    assert panel.tabs.currentWidget() is panel.page("hotspots")


def test_the_cook_takes_the_routines_steps_with_the_buttons(qtbot, panel):
    host, view = panel.page("routine"), panel.routine
    panel.show_page("routine")
    host.set_values({"manual": True, "routine": "home", "cells": 40, "duration": 600.0})
    host.transport.set_speed(120.0, emit=True)
    host.start()
    qtbot.waitUntil(lambda: view.buttons[0].isEnabled(), timeout=10000)
    assert not view.buttons[1].isEnabled() and not view.buttons[2].isEnabled()
    qtbot.waitUntil(lambda: host.last_frame() is not None and host.last_frame().scalars["t"] >= 60, timeout=20000)
    view.buttons[0].click()
    qtbot.waitUntil(lambda: view.buttons[1].isEnabled(), timeout=10000)
    view.buttons[1].click()
    qtbot.waitUntil(lambda: view.buttons[2].isEnabled(), timeout=10000)
    view.buttons[2].click()
    qtbot.waitUntil(lambda: not host.is_running(), timeout=20000)
    view.draw()
    last = host.last_frame().scalars
    assert last["phase"] == 3.0 and "verdict" in last and not any(b.isEnabled() for b in view.buttons)
    assert 60 <= last["food_time"] < 600 and host.values()["clicks"] == 3
    assert "contact" in view.readout.text()


def test_a_step_taken_early_hands_the_routine_to_the_cook(qtbot, panel):
    host, view = panel.page("routine"), panel.routine
    panel.show_page("routine")
    assert host.values()["manual"] is False                           # the clock steps unless the cook does
    host.set_values({"routine": "home", "cells": 40, "preheat_to": 400.0})
    host.transport.set_speed(120.0, emit=True)
    host.start()
    qtbot.waitUntil(lambda: host.last_frame() is not None and host.last_frame().scalars["t"] >= 30, timeout=20000)
    assert view.buttons[0].isEnabled()
    view.buttons[0].click()                                            # oil long before 400 °C
    qtbot.waitUntil(lambda: host.last_frame().scalars.get("phase") == 1.0, timeout=10000)
    assert host.values()["manual"] is True and host.last_frame().scalars["center_temp"] < 400.0
    host.stop()


def test_the_history_map_stays_bounded_on_a_long_run(panel):
    view = panel.comparator
    view.begin({**wok.EXPERIMENTS[0].params.defaults(), "cells": 10})
    for k in range(20_000):
        view._store(np.full(10, float(k)), 0.25 * k)
    assert view._count <= 4096 and len(view._times) == view._count
    assert view._times[-1] >= 0.25 * 19_000 and np.all(np.diff(view._times) > 0)
    assert view._rows[view._count - 1, 0] == 4 * view._times[view._count - 1]   # rows and times still match


def test_the_coated_timer_draws_seconds_against_power(qtbot, panel):
    host, view = panel.show_page("coated"), panel.page("coated").view
    host.set_values({"points": 4, "cells": 30})
    qtbot.waitUntil(lambda: host.last_frame() is not None and host.shown_params().get("points") == 4, timeout=20000)
    view.draw()
    table = host.last_frame().arrays["timer"]
    powers, seconds = view.series()["timer"]["hottest ring to 260 °C"]
    assert list(powers) == list(table[:, 0]) and len(powers) == 4
    assert "EWG" in view.readout.text() and "383 °C in 300 s" in view.readout.text()
    assert "computing" not in host.readout.text()       # the page's placeholder goes with the first result


def test_the_3d_pan_is_built_only_when_its_tab_is_shown_and_follows_the_run(qtbot, panel):
    host, view = panel.main, panel.comparator
    run_and_draw(qtbot, host, {"duration": 60.0, "record_every": 10.0, "cells": 60})
    assert view.pan3d.view3d is None                                   # never shown: no OpenGL at all
    assert "hottest now" in view.pan3d.legend.text() and "350 °C" in view.pan3d.legend.text()
