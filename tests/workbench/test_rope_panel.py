"""The rope panel as a user drives it: the steady page's form → solve in the worker → plots; undo;
export; sessions of both pages."""
import csv
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import engines.rope as rope
from workbench.topics.rope import RopePanel


@pytest.fixture
def panel(qtbot):
    p = RopePanel("rope", rope)
    qtbot.addWidget(p)
    p.resize(1300, 850)
    p.show()
    qtbot.waitUntil(lambda: p.steady.latest is not None, timeout=20000)
    yield p
    assert p.shutdown()


def _wait_for(qtbot, panel, predicate, timeout=10000):
    qtbot.waitUntil(lambda: panel.steady.latest is not None and predicate(panel.steady.latest), timeout=timeout)


def test_defaults_solve_and_plot(qtbot, panel):
    _wait_for(qtbot, panel, lambda f: "shape" in f.arrays)
    qtbot.wait(50)
    x, y = panel.steady.tension_plot.series_data()["tension"]
    assert len(x) == panel.params["points"] and np.all(np.asarray(y) >= -1e-9)
    assert "free-end radius" in panel.steady.readout.toPlainText()
    assert panel.steady.bifurcation_plot.isVisibleTo(panel)


def test_changing_a_parameter_resolves_and_hides_irrelevant_rows(qtbot, panel):
    panel.form.set_values({"scenario": "troposkein"}, emit=True)
    _wait_for(qtbot, panel, lambda f: "k" in f.scalars)
    assert not panel.form.is_row_visible("mode") and panel.form.is_row_visible("span")
    qtbot.wait(50)
    assert not panel.steady.bifurcation_plot.isVisibleTo(panel)
    panel.form.set_values({"span": 0.3}, emit=True)
    _wait_for(qtbot, panel, lambda f: abs(f.arrays["shape"][-1, 3] - f.arrays["shape"][0, 3]) == pytest.approx(0.3))


def test_a_mode_that_does_not_exist_shows_an_inline_error(qtbot, panel):
    panel.form.set_values({"omega": 3.0}, emit=True)
    panel.form.set_values({"mode": 2}, emit=True)
    qtbot.waitUntil(lambda: "mode" in panel.form.error("mode"), timeout=5000)
    assert "omega" in panel.main.status.text()
    panel.form.set_values({"omega": 12.0}, emit=True)
    _wait_for(qtbot, panel, lambda f: f.scalars.get("lambda", 0) > 7.6)
    assert panel.form.error("mode") == ""


def test_undo_redo_of_parameter_changes(qtbot, panel):
    history = panel.history
    history.begin("omega")
    for value in (6.5, 7.0, 7.5, 8.0):  # one drag, many values
        panel.form.set_values({"omega": value}, emit=True)
    history.end("omega")
    assert history.stack.count() == 1
    history.stack.undo()
    assert panel.params["omega"] == 6.0 and panel.form.value("omega") == 6.0
    history.stack.redo()
    assert panel.params["omega"] == 8.0
    panel.reset_defaults()
    assert panel.params == panel.schema.defaults()
    history.stack.undo()
    assert panel.params["omega"] == 8.0


def test_exports_png_svg_csv_npz(qtbot, panel, tmp_path):
    _wait_for(qtbot, panel, lambda f: "shape" in f.arrays)
    panel.export_png(tmp_path / "p.png", scale=2.0)
    from PySide6.QtGui import QImage

    image = QImage(str(tmp_path / "p.png"))
    assert image.width() == pytest.approx(2 * panel.main.view_widget().width(), abs=2)
    panel.export_svg(tmp_path / "shape.svg")
    root = ET.parse(tmp_path / "shape.svg").getroot()
    assert root.tag.endswith("svg") and len(list(root.iter())) > 10
    panel.export_csv(tmp_path / "series.csv")
    lines = (tmp_path / "series.csv").read_text().splitlines()
    assert lines[0].startswith("# topic: rope") and any(l.startswith("# versions:") for l in lines)
    rows = list(csv.DictReader(l for l in lines if not l.startswith("#")))
    assert {r["plot"] for r in rows} >= {"shape", "tension"}
    panel.export_npz(tmp_path / "a.npz")
    assert np.load(tmp_path / "a.npz")["shape"].shape == (panel.params["points"], 5)


def test_export_everything_and_session_round_trip(qtbot, panel, tmp_path):
    panel.form.set_values({"scenario": "jump", "length": 2.7, "span": 0.6}, emit=True)
    _wait_for(qtbot, panel, lambda f: "sag" in f.scalars)
    files = panel.export_everything(tmp_path / "all")
    names = {f.name for f in files}
    assert {"rope_steady.png", "shape.svg", "shape.png", "plotted_series.csv", "curves.csv", "shape.csv",
            "arrays.npz", "session.json"} <= names
    assert (tmp_path / "all" / "steady" / "shape.csv").exists()  # a folder per page that shows a result
    assert not (tmp_path / "all" / "dynamics").exists()
    header = (tmp_path / "all" / "steady" / "curves.csv").read_text().splitlines()[:4]
    assert header[1] == "# experiment: rope:steady" and '"scenario": "jump"' in header[2]
    doc = json.loads((tmp_path / "all" / "session.json").read_text())
    assert doc["topics"]["rope"]["active"] == "steady"
    assert doc["topics"]["rope"]["experiments"]["steady"]["params"]["scenario"] == "jump"
    state = panel.state()
    panel.reset_defaults()
    panel.restore(state)
    assert panel.params == state.params


def test_a_session_reopens_both_pages_and_the_one_in_view(qtbot, panel):
    """Steady shapes and the live chain are two experiments with a page each; the session keeps
    both forms and which page was shown."""
    panel.set_params({"scenario": "troposkein", "span": 0.4})
    chain = panel.show_page("dynamics")
    chain.set_values({"beads": 7, "drag": 0.2, "duration": 0.5})
    state = panel.state()
    assert state.active == "dynamics" and state.params["beads"] == 7 and "scenario" not in state.params
    assert state.experiments["steady"].params == {**panel.schema.defaults(), "scenario": "troposkein", "span": 0.4}
    panel.reset_defaults()
    chain.reset_defaults()
    panel.show_page("steady")
    panel.restore(state)
    assert panel.current_host() is chain and chain.values()["beads"] == 7 and chain.values()["drag"] == 0.2
    assert panel.params["scenario"] == "troposkein" and panel.params["span"] == 0.4
    assert not chain.controller.is_busy()  # opening a session sets values; the chain waits for Play

