"""The shared sweep view driving the real VAE / information-bottleneck sweep, with a tiny configuration."""
from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest

from engines import vae_ib
from engines.core.params import ParameterError
from engines.vae_ib.bottleneck import BottleneckPopulation
from workbench.pages.sweep_view import SweepView

BASE = {"epochs": 1, "device": "cpu", "eval_every": 13, "mi_samples": 1, "test_samples": 2, "latent_dim": 2}
SWEEP = {"sweep_values": "0, 1e-2", "sweep_seeds": "0, 1", "backend": "sequential"}
TIMEOUT_MS = 60_000


@pytest.fixture
def make_view(qtbot):
    views = []

    def make(base=None, process=True, **sweep):
        values = dict(BASE) if base is None else base
        view = SweepView("vae_ib", vae_ib.EXPERIMENTS[0], lambda: values, process=process)
        qtbot.addWidget(view)
        view.set_sweep_values({**SWEEP, **sweep})
        views.append(view)
        return view

    yield make
    for view in views:
        assert view.shutdown()


def run_to_end(qtbot, view) -> str:
    with qtbot.waitSignal(view.finished, timeout=TIMEOUT_MS) as blocker:
        view.start()
        assert view.is_running() and not view.run_button.isEnabled()
    return blocker.args[0]


def test_a_finished_sweep_fills_the_table_metrics_and_summary(qtbot, make_view):
    view = make_view()
    assert run_to_end(qtbot, view) == "finished"
    assert not view.is_running() and view.run_button.isEnabled()
    table, columns = view.table()
    assert columns[:3] == ("value", "seed", "diverged_step") and "test_acc" in columns
    assert table.shape == (4, len(columns))
    np.testing.assert_array_equal(table[:, :2], [[0, 0], [0, 1], [0.01, 0], [0.01, 1]])
    assert view.table_widget.rowCount() == 4 and view.table_widget.columnCount() == len(columns)
    assert view.table_widget.horizontalHeaderItem(4).text() == columns[4]
    combo = [view.metric_combo.itemText(i) for i in range(view.metric_combo.count())]
    assert combo == list(columns[3:]) and view.metric_combo.currentText() == "test_acc"

    summary = view.summary_data()
    acc = table[:, columns.index("test_acc")]
    for seed in (0, 1):
        x, y = summary[f"seed {seed}"]
        assert x.size == 2 and y.size == 2
        np.testing.assert_allclose(y, acc[table[:, 1] == seed])
    mean_x, mean_y = summary["mean"]
    assert mean_x.size == 2
    np.testing.assert_allclose(mean_y, [acc[:2].mean(), acc[2:].mean()])
    assert summary["diverged"][0].size == 0
    assert view.status.text().startswith("done: 4 run(s)") and not view.status.property("error")

    view.error_check.setChecked(True)  # accuracy → error, with the label the topic gave
    np.testing.assert_allclose(view.summary_data()["mean"][1], 1 - mean_y)
    assert view.plot.plot_item.getAxis("left").labelText == "test error"


def test_beta_zero_sits_a_decade_below_the_smallest_positive_value_on_a_log_axis(qtbot, make_view):
    view = make_view()
    assert run_to_end(qtbot, view) == "finished"
    mean_x, _ = view.summary_data()["mean"]
    np.testing.assert_allclose(mean_x, [1e-3, 1e-2])
    assert view.plot.plot_item.getAxis("bottom").logMode
    assert "β = 0 drawn at 0.001" in view.plot.plot_item.getAxis("bottom").labelText


def test_redraws_only_when_new_data_came(qtbot, make_view, monkeypatch):
    view = make_view()
    assert run_to_end(qtbot, view) == "finished"
    calls = []
    monkeypatch.setattr(view, "_redraw", lambda: calls.append(1))
    qtbot.wait(200)
    assert calls == []
    view.metric_combo.setCurrentText("train_acc")
    qtbot.waitUntil(lambda: calls == [1], timeout=1000)


def test_export_writes_the_whole_table_with_provenance(qtbot, make_view, tmp_path):
    base = dict(BASE)
    view = make_view(base=base)
    with qtbot.waitSignal(view.finished, timeout=TIMEOUT_MS):
        view.start()
        base["epochs"] = 7  # the panel changes after the start: the sweep keeps what it started with
    path = tmp_path / "sweep.csv"
    view.export_csv(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#")]
    assert lines[:len(header)] == header and len(header) >= 4
    assert header[0] == "# topic: vae_ib"
    params = json.loads(next(h for h in header if h.startswith("# parameters: "))[len("# parameters: "):])
    assert params["epochs"] == 1 and "sweep_values" not in params
    sweep = json.loads(next(h for h in header if h.startswith("# sweep: "))[len("# sweep: "):])
    assert sweep["sweep_values"] == "0, 1e-2" and sweep["sweep_param"] == "beta"
    table, columns = view.table()
    assert body[0].split(",") == list(columns)
    assert len(body) - 1 == 4
    np.testing.assert_allclose(np.array([r.split(",") for r in body[1:]], dtype=float), table, equal_nan=True)


def test_stop_ends_the_sweep_within_a_second_and_keeps_finished_rows(qtbot, make_view):
    view = make_view(base={**BASE, "epochs": 3}, sweep_values="0, 1e-3, 1e-2, 1e-1, 1", sweep_seeds="0")
    view.start()
    qtbot.waitUntil(lambda: view.table()[0].shape[0] >= 1, timeout=TIMEOUT_MS)
    seen = view.table()[0].shape[0]
    t0 = time.monotonic()
    with qtbot.waitSignal(view.finished, timeout=1000) as blocker:
        view.stop()
    qtbot.waitUntil(lambda: not view.controller.is_busy(), timeout=1000)
    assert time.monotonic() - t0 < 1.0
    assert blocker.args == ["stopped"] and not view.is_running()
    rows = view.table()[0].shape[0]
    assert seen <= rows < 5
    assert view.table_widget.rowCount() == rows
    assert view.summary_data()["seed 0"][0].size == rows
    assert "stopped" in view.status.text() and "stopped" in view.progress.text()


def test_a_value_out_of_range_is_shown_on_the_values_row_and_nothing_is_written(qtbot, make_view, tmp_path):
    view = make_view(sweep_values="1e-2, 500")
    assert run_to_end(qtbot, view) == "invalid"
    error = view.form.error("sweep_values")
    assert "beta" in error and "[1e-06, 100]" in error
    assert view.form.error("backend") == ""
    assert view.status.property("error") and error in view.status.text()
    assert view.table()[0].shape[0] == 0 and view.table_widget.rowCount() == 0
    with pytest.raises(ValueError):
        view.export_csv(tmp_path / "sweep.csv")
    assert not (tmp_path / "sweep.csv").exists()


def test_an_unbatchable_parameter_with_the_batched_backend_is_shown_on_the_backend_row(qtbot, make_view):
    view = make_view(sweep_param="latent_dim", sweep_values="2, 4", backend="batched")
    assert run_to_end(qtbot, view) == "invalid"
    assert "sequential" in view.form.error("backend")
    assert view.form.error("sweep_values") == ""
    view.set_sweep_values({"backend": "sequential"})  # a new start clears the old error
    view.start()
    assert view.form.error("backend") == ""
    view.stop()


def test_set_sweep_values_validates_through_the_schema(make_view):
    view = make_view()
    with pytest.raises(ParameterError):
        view.set_sweep_values({"backend": "gpu"})
    with pytest.raises(ParameterError):
        view.set_sweep_values({"no_such": 1})
    assert view.sweep_values()["backend"] == "sequential"
    view.set_sweep_values({"sweep_param": "lr"})
    assert view.sweep_values()["sweep_param"] == "lr"


def test_a_diverged_member_is_drawn_apart_and_named_in_the_status(qtbot, make_view, monkeypatch):
    real_step = BottleneckPopulation.step
    calls = {"n": 0}

    def poisoned(self):
        calls["n"] += 1
        out = real_step(self)
        if calls["n"] == 5:  # the first member (β = 0, seed 0) diverges at its step 5
            out[:, 0] = float("nan")
        return out

    monkeypatch.setattr(BottleneckPopulation, "step", poisoned)
    view = make_view(process=False)  # in a thread, so the poisoned step reaches the engine
    assert run_to_end(qtbot, view) == "finished"
    table, columns = view.table()
    div = table[:, columns.index("diverged_step")]
    assert div[0] == 5 and np.isnan(div[1:]).all()
    summary = view.summary_data()
    assert summary["diverged"][0].size == 1 and math.isclose(summary["diverged"][0][0], 1e-3)
    assert summary["seed 0"][0].size == 1  # the diverged member is not among the seed's dots
    assert "diverged: β = 0 (seed 0, step 5)" in view.status.text() and view.status.property("error")
