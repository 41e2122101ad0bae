"""Every built topic's panel opens, runs, exports PNG and CSV, and round-trips its session
(DESIGN.md §6: a crash in any panel fails CI)."""
import json

import pytest
from PySide6.QtGui import QImage

from engines.registry import built_topics, load_engine
from workbench.session import read_session
from workbench.topics import panel_class


@pytest.mark.parametrize("topic", built_topics())
def test_panel_runs_exports_and_restores(qtbot, tmp_path, topic):
    panel = panel_class(topic)(topic, load_engine(topic))
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    panel.play()
    qtbot.waitUntil(lambda: bool(panel.record.rows), timeout=30000)
    panel.stop()
    panel.export_png(tmp_path / "panel.png", scale=1.5)
    assert QImage(str(tmp_path / "panel.png")).width() == pytest.approx(1.5 * panel.views.width(), abs=2)
    panel.export_csv(tmp_path / "series.csv")
    text = (tmp_path / "series.csv").read_text()
    assert text.startswith(f"# topic: {topic}") and "plot,series,x,y" in text
    files = panel.export_everything(tmp_path / "all")
    assert all(f.exists() for f in files)
    session = read_session(tmp_path / "all" / "session.json")
    sent = json.loads((tmp_path / "all" / "session.json").read_text())["topics"][topic]["params"]
    panel.reset_defaults()
    panel.restore(session.topics[topic])
    assert panel.params == sent
    assert panel.shutdown()
