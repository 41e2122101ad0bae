"""The sweep page an experiment gets from its schema (engines.core.generic_sweep): run from a thread
of the GUI, its points on worker processes, the table growing as they finish, stop keeping what
finished; and an experiment without a seed sweeps one seed."""
from __future__ import annotations

import numpy as np

import engines.pg_zoo as pg_zoo
import engines.wok as wok
from workbench.pages.sweep_view import SweepView

TIMEOUT_MS = 120_000


def make(qtbot, engine, topic, base, **sweep):
    view = SweepView(topic, engine.EXPERIMENTS[0], lambda: base)
    qtbot.addWidget(view)
    view.set_sweep_values({**view.sweep_values(), **sweep})
    return view


def test_the_estimator_sweep_runs_on_worker_processes_and_fills_its_table(qtbot):
    view = make(qtbot, pg_zoo, "pg_zoo", {**pg_zoo.EXPERIMENTS[0].params.defaults(), "dim": 10, "estimates": 200},
                sweep_values="logspace(-3, -1, 3)", sweep_seeds="0, 1", workers=2)
    assert view.controller._remote is None                               # a thread drives the workers
    with qtbot.waitSignal(view.finished, timeout=TIMEOUT_MS) as blocker:
        view.start()
    assert blocker.args[0] == "finished"
    table, columns = view.table()
    assert columns[:4] == ("value", "seed", "diverged_step", "second_moment") and table.shape[0] == 6
    assert list(map(tuple, table[:, :2])) == [(0.001, 0), (0.001, 1), (0.01, 0), (0.01, 1), (0.1, 0), (0.1, 1)]  # plan order
    assert np.isnan(table[:, 2]).all() and (table[:, 3] > 0).all()
    again = {(v, s): m for v, s, _, m in table[:, :4]}
    assert again[(0.01, 0)] != again[(0.01, 1)]                          # each seed its own draws
    assert view.metric_combo.currentText() == "second_moment" and "6 run(s)" in view.status.text()
    assert view.shutdown()


def test_a_wok_power_sweep_runs_one_seed_and_stop_keeps_what_finished(qtbot):
    base = {**wok.EXPERIMENTS[0].params.defaults(), "duration": 60.0, "cells": 40, "record_every": 10.0}
    view = make(qtbot, wok, "wok", base, sweep_values="500, 1000, 2000", sweep_seeds="0", workers=2)
    with qtbot.waitSignal(view.finished, timeout=TIMEOUT_MS):
        view.start()
    table, columns = view.table()
    assert list(table[:, 0]) == [500.0, 1000.0, 2000.0] and set(table[:, 1]) == {0.0}
    hottest = dict(zip(table[:, 0], table[:, columns.index("max_temp")]))
    assert hottest[500.0] < hottest[1000.0] < hottest[2000.0]
    slow = {**base, "duration": 7200.0, "cells": 2000, "dt": 0.05}
    view._base_params = lambda: slow
    with qtbot.waitSignal(view.finished, timeout=TIMEOUT_MS) as blocker:
        view.start()
        qtbot.wait(1500)
        view.stop()
    assert blocker.args[0] in ("stopped", "finished") and view.table()[0].shape[0] <= 3
    assert view.shutdown()
