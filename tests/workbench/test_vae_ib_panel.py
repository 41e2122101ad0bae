"""The vae_ib panel driven as a user would: run, change β live, stop, compare runs, sweep, export."""
from __future__ import annotations

import numpy as np
import pytest

from engines.registry import load_engine
from workbench.topics import panel_class
from tests.poison import poison_step

TINY = {"epochs": 3, "eval_every": 10, "device": "cpu", "mi_samples": 1, "test_samples": 2}


def _make_panel(qtbot):
    p = panel_class("vae_ib")("vae_ib", load_engine("vae_ib"))
    qtbot.addWidget(p)
    p.resize(1300, 850)
    p.show()
    p.set_params({**p.params, **TINY})
    return p


@pytest.fixture
def panel(qtbot):
    p = _make_panel(qtbot)
    yield p
    assert p.shutdown()


def _run_to_end(panel, qtbot, timeout=60000):
    """Play and wait for the run's end signal (the worker thread may already be gone while its
    last frames still wait in the outbox; the end signal comes after they are delivered)."""
    with qtbot.waitSignal(panel.controller.runEnded, timeout=timeout):
        panel.play()
    panel.training.draw()


def test_a_run_fills_curves_latent_and_information_views(panel, qtbot):
    _run_to_end(panel, qtbot)
    assert "cpu" in panel.training.device_label.text()
    loss = panel.training.curves["loss"].series_data()
    raw = [k for k in loss if k.endswith("loss (task + β·KL)")]
    assert raw and loss[raw[0]][0].size == 39                   # 3 epochs × 13 steps
    accuracy = panel.training.curves["accuracy"].series_data()
    assert any("test accuracy (z = μ)" in k for k in accuracy)
    assert not any("σ" in k for k in accuracy)                # one quantity per axis: σ has its own plot
    assert any("mean encoder σ" in k for k in panel.training.curves["sigma"].series_data())
    assert not panel.training.curves["units"].isVisibleTo(panel)  # a VAE-only plot stays out of a VIB run
    assert not panel.training.curves["units"].series_data()
    latent = panel.training.latent.series()["latent"]
    assert sum(x.size for x, _ in latent.values()) == 540
    plane = panel.training.information.series()["information_plane"]["trajectory"]
    assert plane[0].size == 4                                  # evaluations at steps 10, 20, 30, 39
    assert np.all(plane[0] <= np.log2(1257) + 1e-9) and np.all(plane[1] <= 3.3219)


def test_live_beta_change_reaches_the_running_model(panel, qtbot):
    panel.set_params({**panel.params, "epochs": 40})
    panel.play()
    qtbot.waitUntil(lambda: panel.record.recorded > 5, timeout=30000)
    qtbot.waitUntil(lambda: panel.training._beta_first is not None, timeout=5000)
    assert not panel.training.curves["beta"].isVisibleTo(panel)  # a constant β is not worth a plot
    panel.form.set_values({"beta": 0.25}, emit=True)
    qtbot.waitUntil(lambda: 0.25 in np.round(panel.record.column("beta"), 12), timeout=10000)
    assert panel.controller.is_busy()                          # live: the same run goes on
    qtbot.waitUntil(lambda: panel.training.curves["beta"].isVisibleTo(panel), timeout=5000)  # now β moves
    generation = panel.record.generation
    panel.stop()
    qtbot.waitUntil(lambda: not panel.controller.is_busy(), timeout=2000)
    assert panel.record.generation == generation and panel.record.recorded


def test_a_second_run_keeps_the_first_as_a_ghost(panel, qtbot):
    _run_to_end(panel, qtbot)
    panel.set_params({**panel.params, "beta": 0.1})
    _run_to_end(panel, qtbot)
    runs = panel.training.curves["loss"].runs()
    assert len(runs) == 2 and runs[0] == panel.training.curves["loss"].current_run()


def test_switching_to_the_vae_enables_its_views(panel, qtbot):
    panel.set_params({**panel.params, "epochs": 1})
    _run_to_end(panel, qtbot)  # a VIB run first
    panel.set_params({**panel.params, "model": "vae", "latent_dim": 3, "epochs": 1, "eval_every": 18})
    assert not panel.form.is_row_visible("train_size")
    _run_to_end(panel, qtbot)
    assert len(panel.training.curves["loss"].runs()) == 1  # the VIB run is no ghost for the VAE
    assert panel.training.view_tabs.isTabEnabled(3) and panel.training.view_tabs.isTabEnabled(4)
    assert panel.training.images.inputs.image_array().size > 0
    assert panel.training.decoupling.heat.matrix().shape == (3, 3)


def test_training_runs_in_a_child_process_that_pauses_and_resumes(panel, qtbot):
    assert panel.controller._remote is not None  # noqa: SLF001
    panel.set_params({**panel.params, "epochs": 40})
    panel.play()
    qtbot.waitUntil(lambda: panel.record.recorded > 3, timeout=30000)
    panel.controller.pause()
    qtbot.wait(300)
    frozen = panel.record.recorded
    qtbot.wait(400)
    assert panel.record.recorded == frozen
    panel.controller.resume()
    qtbot.waitUntil(lambda: panel.record.recorded > frozen + 3, timeout=10000)
    panel.stop()
    qtbot.waitUntil(lambda: not panel.controller.is_busy(), timeout=3000)


def test_a_diverging_run_is_marked_and_keeps_its_curves(qtbot, monkeypatch):
    """In a worker thread, so the poisoned step reaches the engine (a child process would not see
    the monkeypatch); the process path reports divergence through the same frame field."""
    from engines.training.datasets import digits_split

    digits_split()  # import scikit-learn here: a threaded import beside a busy GUI thread crawls
    monkeypatch.setattr(panel_class("vae_ib"), "IN_PROCESS", False)
    panel = _make_panel(qtbot)
    poison_step(monkeypatch, at_step=7, value=float("inf"))
    _run_to_end(panel, qtbot)
    assert "diverged" in panel.main.status.text() and "step 7" in panel.main.status.text()
    assert panel.record.recorded == 7 and panel.record.diverged
    assert panel.shutdown()


def test_sweep_of_two_values_and_export(panel, qtbot, tmp_path):
    panel.set_params({**panel.params, "epochs": 1})
    panel.sweep.set_sweep_values({"sweep_values": "0, 0.1", "sweep_seeds": "0", "backend": "sequential"})
    with qtbot.waitSignal(panel.sweep.finished, timeout=60000) as done:
        panel.sweep.start()
    assert done.args == ["finished"]
    table, columns = panel.sweep.table()
    assert table.shape[0] == 2 and "test_acc" in columns
    x, y = panel.training.information.plane.series_data()["sweep end points"]
    np.testing.assert_allclose(x, table[:, columns.index("mi_bits")])
    np.testing.assert_allclose(y, table[:, columns.index("izy_bits")])
    _run_to_end(panel, qtbot)                                  # a new run keeps the sweep's end points
    assert panel.training.information.plane.series_data()["sweep end points"][0].size == 2
    panel.sweep.export_csv(tmp_path / "sweep.csv")
    lines = (tmp_path / "sweep.csv").read_text().splitlines()
    assert lines[0].startswith("#") and len([l for l in lines if not l.startswith("#")]) == 3
    _run_to_end(panel, qtbot)
    files = panel.export_everything(tmp_path / "all")
    names = {f.name for f in files}
    assert {"curves.csv", "latent.csv", "information_plane.svg", "plotted_series.csv"} <= names


def test_sigma_ellipses_are_drawn_whole(panel, qtbot):
    """The latent plot downsamples its dot series; the ellipse outlines must not be (peak
    downsampling turns a closed curve into a zigzag)."""
    _run_to_end(panel, qtbot)
    item = panel.training.latent.ellipses
    x, _ = item.getData()
    assert item.opts["downsample"] == 1 and not item.opts["autoDownsample"]
    assert x.size == panel.record.arrays["ellipses"].shape[0]


def test_closing_during_a_run_stops_the_worker_and_ends_the_child(qtbot):
    panel = _make_panel(qtbot)
    panel.set_params({**panel.params, "epochs": 200})
    panel.play()
    qtbot.waitUntil(lambda: panel.record.recorded > 3, timeout=30000)
    child = panel.controller._remote._process  # noqa: SLF001
    assert child is not None and child.is_alive()
    assert panel.shutdown()
    child.join(3)
    assert not child.is_alive() and not panel.controller.is_busy()


def test_the_adaptive_budget_is_drawn_on_the_kl_curve(panel, qtbot):
    panel.set_params({**panel.params, "epochs": 1, "penalty": "adaptive", "info_budget": 3.0})
    _run_to_end(panel, qtbot)
    line = panel.training._budget_line  # noqa: SLF001
    assert line is not None and line.value() == pytest.approx(3.0)
    assert any(k.endswith("KL, batch mean") for k in panel.training.curves["loss"].series_data())
    panel.set_params({**panel.params, "penalty": "plain"})
    _run_to_end(panel, qtbot)
    assert panel.training._budget_line is None  # noqa: SLF001
