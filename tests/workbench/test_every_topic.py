"""Every built topic's panel opens, runs, exports PNG and CSV, and round-trips its session
(DESIGN.md §6: a crash in any panel fails CI).  Every experiment of the topic takes part: each
experiment tab runs through its page, a session restores non-default values in every experiment
and in the sweep, and the CSV header labels each experiment's plots with that experiment's own
parameters."""
import json

import pytest
from PySide6.QtGui import QImage

from engines.core.params import Param
from engines.registry import built_topics, load_engine
from tests.quick_values import QUICK
from workbench.core.session import Session, read_session, write_session
from workbench.topics import panel_class

RUN_TIMEOUT_MS = 60_000


def other_value(param: Param):
    """A valid value of ``param`` that is not its default (None when there is none to pick)."""
    if param.kind == "choice":
        return next((c for c in param.choices if c != param.default), None)
    if param.kind == "bool":
        return not param.default
    if param.kind not in ("int", "float") or param.name in ("seed", "device"):
        return None
    candidates = [param.hi, param.lo] if param.lo is not None and param.hi is not None else []
    candidates = ([(param.lo + param.hi) / 2] if candidates else []) + candidates + [param.default + 1]
    for value in candidates:
        value = int(round(value)) if param.kind == "int" else float(value)
        try:
            if param.validate(value) != param.default:
                return value
        except ValueError:
            continue
    return None


def changed(schema, values: dict, skip=()) -> dict:
    """``values`` with the last parameter that has another valid value set to it."""
    for param in reversed(list(schema)):
        value = other_value(param)
        if value is not None and param.name not in skip:
            return {**values, param.name: value}
    raise AssertionError("no parameter to change")


def header_blocks(text: str) -> dict[str, dict]:
    """The CSV header's experiments: {"topic:id": {"parameters": {...}, "plots": [...]}}."""
    blocks, current = {}, None
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        if key == "experiment":
            current = blocks.setdefault(value, {})
        elif current is not None and key == "parameters":
            current["parameters"] = json.loads(value)
        elif current is not None and key == "plots":
            current["plots"] = value.split(", ")
    return blocks


@pytest.mark.parametrize("topic", built_topics())
def test_panel_runs_exports_and_restores(qtbot, tmp_path, topic):
    panel = panel_class(topic)(topic, load_engine(topic))
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    main_ref = f"{topic}:{load_engine(topic).EXPERIMENTS[0].id}"
    panel.set_params({**panel.params, **QUICK[main_ref]})
    panel.play()
    quick = QUICK[main_ref].items()
    qtbot.waitUntil(lambda: panel.record.recorded and all(panel.shown_params.get(k) == v for k, v in quick),
                    timeout=30000)
    panel.stop()
    for tab in panel.experiment_pages()[1:]:  # every experiment runs through its page
        ref = f"{topic}:{tab.experiment_id}"
        tab.form.set_values({**tab.values(), **QUICK[ref]})
        with qtbot.waitSignal(tab.controller.runEnded, timeout=RUN_TIMEOUT_MS):
            tab.start()
        assert tab.last_frame() is not None, ref
        assert tab.shown_params() == tab.values(), ref
    panel.export_png(tmp_path / "panel.png", scale=1.5)
    assert QImage(str(tmp_path / "panel.png")).width() == pytest.approx(1.5 * panel.main.view_widget().width(), abs=2)
    panel.export_csv(tmp_path / "series.csv")
    text = (tmp_path / "series.csv").read_text()
    assert text.startswith(f"# topic: {topic}") and "plot,series,x,y" in text
    blocks = header_blocks(text)
    for tab in panel.experiment_pages()[1:]:  # each experiment's plots carry its own parameters
        block = blocks[f"{topic}:{tab.experiment_id}"]
        assert block["parameters"] == tab.shown_params()
        assert [p.split(".")[-1] for p in block["plots"]] == list(tab.view.plots())
    named = [p for b in blocks.values() for p in b.get("plots", [])]
    assert len(named) == len(set(named))  # no page's plot hides another's (descent and neuron: "loss")
    assert {line.split(",")[0] for line in text.splitlines() if not line.startswith("#")} - {"plot"} <= set(named)
    main_block = blocks[main_ref]
    assert set(quick) <= set(main_block["parameters"].items())
    files = panel.export_everything(tmp_path / "all")
    assert all(f.exists() for f in files)
    assert read_session(tmp_path / "all" / "session.json").topics[topic].experiments[main_ref.split(":")[1]].params \
        == panel.params

    # non-default values everywhere, then a session brings them all back
    panel.set_params(changed(panel.schema, panel.params))
    for tab in panel.experiment_pages()[1:]:
        tab.form.set_values(changed(tab.schema, tab.values()))
    for sweep in panel.sweep_views():
        sweep.set_sweep_values({"sweep_seeds": "3, 4"})
    sent = panel.state()
    write_session(tmp_path / "s.json", Session({topic: sent}, topic))
    panel.reset_defaults()
    for tab in panel.experiment_pages()[1:]:
        tab.set_values(tab.schema.defaults())
    for sweep in panel.sweep_views():
        sweep.set_sweep_values(sweep.schema.defaults())
    assert panel.state() != sent
    panel.restore(read_session(tmp_path / "s.json").topics[topic])
    back = panel.state()
    assert back.active == sent.active
    assert {k: v.params for k, v in back.experiments.items()} == {k: v.params for k, v in sent.experiments.items()}
    assert {k: v.sweep for k, v in back.experiments.items()} == {k: v.sweep for k, v in sent.experiments.items()}
    assert panel.shutdown()

