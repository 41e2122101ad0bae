"""The batchnorm panel driven as a user would: run A vs B, watch the probe bands and the surfaces
fill, change the learning rate live, stop, sweep, export."""
from __future__ import annotations

import numpy as np
import pytest

from engines.registry import load_engine
from workbench.topics import panel_class

TINY = {"steps": 30, "depth": 3, "width": 32, "probe_every": 5, "eval_every": 10, "surface_resolution": 9,
        "device": "cpu"}


@pytest.fixture
def panel(qtbot):
    p = panel_class("batchnorm")("batchnorm", load_engine("batchnorm"))
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    p.set_params({**p.params, **TINY})
    yield p
    assert p.shutdown()


def _run_to_end(panel, qtbot, timeout=90_000):
    with qtbot.waitSignal(panel.controller.runEnded, timeout=timeout):
        panel.play()
    panel.pair.draw()


def test_a_run_fills_the_probe_bands_and_both_surfaces(panel, qtbot):
    _run_to_end(panel, qtbot)
    assert "cpu" in panel.pair.device_label.text()
    bands = panel.pair.probes.series()["probe_loss"]
    assert {"A: none min", "A: none max", "B: bn min", "B: bn max"} <= set(bands)
    steps, low = bands["A: none min"]
    _, high = bands["A: none max"]
    assert list(steps) == [1, 5, 10, 15, 20, 25, 30] and np.all(high >= low)
    summary = panel.pair.probes.ratio_summary()["early"]
    assert set(summary) == {"loss_range", "grad_pred", "beta_eff"}
    assert "ratio of the probe metrics' means" in panel.pair.probes.readout.text()
    surfaces = panel.pair.surface.series()
    assert surfaces and all(np.isfinite(y).all() for plot in surfaces.values() for _, y in plot.values())
    assert "81/81 points" in panel.pair.surface.readouts["a"].text()
    assert panel.record.arrays["surface_b"].shape == (9, 9)


def test_learning_rate_is_live_and_a_restart_parameter_waits_for_the_next_run(panel, qtbot):
    panel.set_params({**panel.params, "steps": 3000, "surface_resolution": 0})
    panel.play()
    qtbot.waitUntil(lambda: panel.record.recorded > 5, timeout=30_000)
    panel.form.set_values({"lr": 0.02}, emit=True)
    qtbot.waitUntil(lambda: 0.02 in np.round(panel.record.column("lr"), 12), timeout=10_000)
    assert panel.controller.is_busy()
    panel.form.set_values({"depth": 2}, emit=True)  # a restart parameter: the run goes on, and says so
    qtbot.waitUntil(lambda: "next run" in panel.main.status.text(), timeout=5_000)
    assert panel.controller.is_busy() and panel.shown_params["depth"] == 3
    panel.stop()


def test_new_variants_relabel_the_curves(panel, qtbot):
    panel.set_params({**panel.params, "variant_a": "center", "variant_b": "layernorm", "surface_resolution": 0,
                      "steps": 10})
    _run_to_end(panel, qtbot)
    assert {"A: center", "B: layernorm"} <= set(panel.pair.probes.series()["beta_eff"])
    assert not any(name.startswith("A: none") for name in panel.pair.probes.series()["beta_eff"])


def test_sweep_draws_one_line_per_variant(panel, qtbot):
    panel.sweep.set_sweep_values({"sweep_values": "0.05, 5", "sweep_seeds": "0", "sweep_variants": "none, bn"})
    panel.set_params({**panel.params, "steps": 15, "depth": 6, "width": 100})
    with qtbot.waitSignal(panel.sweep.finished, timeout=90_000):
        panel.sweep.start()
    data = panel.sweep.summary_data()
    assert {"none (mean over seeds)", "bn (mean over seeds)", "none (each seed)"} <= set(data)
    table, columns = panel.sweep.table()
    assert table.shape[0] == 4 and "group" in columns
    plain_at_3 = table[(table[:, 0] == 5) & (table[:, columns.index("group")] == 0)][0]
    assert np.isfinite(plain_at_3[columns.index("diverged_step")])  # the plain net blows up at lr 5
    assert "diverged: none, learning rate = 5" in panel.sweep.status.text()
    panel.sweep._redraw()
    group = columns.index("group")
    shown = {panel.sweep.table_widget.item(r, group).text() for r in range(panel.sweep.table_widget.rowCount())}
    assert shown == {"none", "bn"}  # the variants by name in the visible table


def test_export_everything_writes_the_surfaces_and_the_probe_series(panel, qtbot, tmp_path):
    _run_to_end(panel, qtbot)
    files = panel.export_everything(tmp_path / "all")
    names = {f.name for f in files}
    assert {"surface_a.csv", "surface_b.csv", "curves.csv", "arrays.npz", "probe_loss.svg"} <= names
    text = (tmp_path / "all" / "train" / "plotted_series.csv").read_text()
    assert text.splitlines()[1] == "# experiment: batchnorm:train"
    assert "probe_grad,A: none max" in text


def test_ratio_summary_is_the_ratio_of_means_over_the_first_100_steps(qtbot):
    from workbench.topics.batchnorm.probe_view import ProbeView

    view = ProbeView()
    qtbot.addWidget(view)
    metrics = {"loss_range": (4.0, 1.0), "grad_pred": (10.0, 2.0), "beta_eff": (6.0, 3.0)}
    for step, scale_a in ((10, 1.0), (50, 3.0), (150, 100.0)):  # B's values stay put
        s = {f"{k}_{net}": v for k, (a, b) in metrics.items() for net, v in (("a", a * scale_a), ("b", b))}
        s.update({f"ratio_{k}": a * scale_a / b for k, (a, b) in metrics.items()})
        s.update({f"loss_min_{n}": 1.0 for n in "ab"} | {f"loss_max_{n}": 2.0 for n in "ab"})
        s.update({f"grad_pred_min_{n}": 0.5 for n in "ab"})
        view.take(step, s)
    early = view.ratio_summary()["early"]
    # (a + 3a) / 2 over (b + b) / 2 = 2a/b, not the geometric mean √3·a/b of the per-probe ratios
    assert early == pytest.approx({"loss_range": 8.0, "grad_pred": 10.0, "beta_eff": 4.0})


def test_a_value_that_breaks_a_relation_is_marked_at_once_under_the_parameter_moved(panel):
    panel.form.set_values({"probe_min": 5.0}, emit=True)
    assert "probe_min = 5 must be < probe_max = 0.4" in panel.form.error("probe_min")
    assert panel.form.error("probe_max") == ""
    panel.form.set_values({"probe_max": 8.0}, emit=True)  # fixing the partner clears the mark
    assert panel.form.error("probe_min") == "" and panel.form.error("probe_max") == ""
    panel.form.set_values({"dataset": "moons", "batch_size": 900}, emit=True)
    assert "allowed: an integer in [8, 700]" in panel.form.error("batch_size") + panel.form.error("dataset")


def test_settings_the_machine_cannot_hold_are_refused_in_the_panel_before_a_run(panel, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MEMORY_LIMIT", "50M")
    panel.play()
    assert not panel.controller.is_busy() and panel.record.recorded == 0
    assert "MiB of memory" in panel.form.error("probe_points") and "reduce probe_points" in panel.form.error("probe_points")
    monkeypatch.delenv("WORKBENCH_MEMORY_LIMIT")
    panel.form.set_values({"probe_points": 4}, emit=True)
    assert panel.form.error("probe_points") == ""


def test_the_ratio_legend_fits_inside_its_plot(panel):
    ratio = panel.pair.probes.ratio.plot_item
    legend = ratio.legend.mapRectToScene(ratio.legend.boundingRect())
    view = ratio.getViewBox().mapRectToScene(ratio.getViewBox().boundingRect())
    assert view.left() - 1 <= legend.left() and legend.right() <= view.right() + 1
