"""The regularisation panel as a user drives it: the explorer re-solves as the shift moves and says
the function stayed; the literal bias rule says it changed; the decay page draws one log plot per
coordinate with the three optimisers."""
import numpy as np
import pytest

import engines.regularization as regularization
from workbench.topics.regularization import RegularizationPanel


@pytest.fixture
def panel(qtbot):
    p = RegularizationPanel("regularization", regularization)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitUntil(lambda: p.main.last_frame() is not None, timeout=30000)
    yield p
    assert p.shutdown()


def test_moving_the_shift_changes_l2_not_the_function(qtbot, panel):
    explorer = panel.main
    before = explorer.last_frame().scalars["l2"]
    explorer.set_values({"log10_a": 1.0})
    qtbot.waitUntil(lambda: explorer.last_frame().scalars["l2"] != before, timeout=10000)
    explorer.draw()
    s = explorer.last_frame().scalars
    assert s["max_output_change"] < 1e-9 and "same function" in explorer.readout.text()
    assert s["l2"] > before
    (x, y), = [explorer.shift_plot.series_data()[name] for name in explorer.shift_plot.series_names()[:1]]
    assert y[np.argmin(np.abs(x))] == pytest.approx(1.0)          # L2 relative to a = 1
    assert explorer.a_line.value() == pytest.approx(1.0)
    explorer.set_values({"bias": "literal"})
    qtbot.waitUntil(lambda: explorer.last_frame().scalars["max_output_change"] > 1e-3, timeout=10000)
    explorer.draw()
    assert "the function changed" in explorer.readout.text()


def test_the_decay_page_plots_each_coordinate_with_the_three_optimisers(qtbot, panel):
    page = panel.show_page("decay")
    page.set_values({"theta0": "10, 0.1, -1", "steps": 200, "record_every": 10})
    page.start()
    qtbot.waitUntil(lambda: not page.is_running(), timeout=20000)
    page.view.draw()
    assert len(page.view.coordinate_plots) == 3
    series = page.view.series()["theta_0"]
    assert set(series) == {"SGD + L2 (decay 2λ)", "Adam + L2", "AdamW (decay λ)"}
    steps, adam = series["Adam + L2"]
    assert steps[-1] == 200 and 10 - adam[-1] == pytest.approx(0.2, abs=0.01)   # ≈ lr per step, λ aside
