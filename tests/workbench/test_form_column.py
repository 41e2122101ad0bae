"""Every page's parameter column fits its width: nothing in it (a long toggle, a row of buttons)
may push the form past the scroll area's viewport, where the spin boxes would be cut off."""
from __future__ import annotations

import pytest

from engines.registry import built_topics, load_engine
from workbench.topics import panel_class


@pytest.mark.parametrize("topic", built_topics())
def test_the_form_column_of_every_page_fits_without_clipping(qtbot, monkeypatch, topic):
    cls = panel_class(topic)
    monkeypatch.setattr(cls, "IN_PROCESS", False, raising=False)
    panel = cls(topic, load_engine(topic))
    qtbot.addWidget(panel)
    panel.resize(1366, 700)
    panel.show()
    for host in panel.pages:
        panel.tabs.setCurrentWidget(host)
        host.form_scroll.widget().adjustSize()
        needed = host.form_scroll.widget().minimumSizeHint().width()
        assert needed <= host.form_scroll.viewport().width(), f"{topic}:{host.page_key} needs {needed} px"
    assert panel.shutdown()
