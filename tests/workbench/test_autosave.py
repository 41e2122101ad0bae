"""Autosave and crash recovery: a window's session and last results are saved as it runs; a window
killed with SIGKILL is offered for restore at the next start; a clean close leaves nothing to
recover and keeps the session as last-session.json."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from workbench.core.recovery import find_orphans
from workbench.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_S = 180


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path))
    return tmp_path


def _window(qtbot, state: Path) -> MainWindow:
    window = MainWindow(settings=QSettings(str(state / "wb.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    return window


def _killed_window(state: Path) -> Path:
    """Start a window in a child process, wait for its autosave, SIGKILL it; its recovery folder."""
    with subprocess.Popen([sys.executable, "-m", "tests.workbench.crash_child"], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, env={**os.environ, "WORKBENCH_STATE_DIR": str(state)}) as child:
        try:
            ready, _, _ = select.select([child.stdout], [], [], CHILD_TIMEOUT_S)
            line = child.stdout.readline() if ready else ""
            assert line.startswith("SAVED"), f"the child did not save within {CHILD_TIMEOUT_S} s (exit {child.poll()})"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return Path(line.split(maxsplit=1)[1].strip())


def test_a_window_killed_mid_session_is_offered_and_restored_with_its_results(state, qtbot):
    from tests.workbench.crash_child import OMEGA

    folder = _killed_window(state)
    saved = json.loads((folder / "session.json").read_text())
    assert saved["topics"]["rope"]["experiments"]["steady"]["params"]["omega"] == OMEGA
    assert (folder / "results" / "rope" / "steady" / "shape.csv").exists()
    window = _window(qtbot, state)
    bar = window.recovery_bar
    assert bar is not None and "did not close properly" in bar.label.text()
    assert window.panels["rope"].params["omega"] != OMEGA
    bar.restore()
    assert window.panels["rope"].params["omega"] == OMEGA
    assert "Restored" in bar.label.text() and str(bar.recovered) in bar.label.text()
    assert (bar.recovered / "results" / "rope" / "steady" / "shape.csv").exists()
    assert not folder.exists() and find_orphans() == []
    window.close()
    assert _window(qtbot, state).recovery_bar is None  # offered once; a clean close leaves nothing


def test_discard_removes_what_a_killed_window_left(state, qtbot):
    folder = _killed_window(state)
    window = _window(qtbot, state)
    window.recovery_bar.discard()
    assert not folder.exists() and "Discarded" in window.recovery_bar.label.text()


def test_autosave_writes_the_session_and_the_last_results_and_a_clean_close_removes_them(state, qtbot):
    window = _window(qtbot, state)
    rope = window.panels["rope"]
    rope.set_params({**rope.params, "omega": 6.5})
    qtbot.waitUntil(lambda: rope.record.params.get("omega") == 6.5 and not rope.controller.is_busy(), timeout=20_000)
    window.autosave.save(wait=True)
    folder = window.autosave.folder.folder
    doc = json.loads((folder / "session.json").read_text())
    assert doc["topics"]["rope"]["experiments"]["steady"]["params"]["omega"] == 6.5
    shape = (folder / "results" / "rope" / "steady" / "shape.csv").read_text()
    assert "omega" in shape and shape.count("\n") > 10
    assert find_orphans() == []  # a live window's folder is locked: never offered
    window.close()
    assert not folder.exists()
    last = json.loads((state / "last-session.json").read_text())
    assert last["topics"]["rope"]["experiments"]["steady"]["params"]["omega"] == 6.5
    again = _window(qtbot, state)
    assert again.recovery_bar is None
    again.open_last_session()
    assert again.panels["rope"].params["omega"] == 6.5


def test_an_unreadable_recovery_folder_is_set_aside_not_offered_and_an_empty_one_removed(state):
    broken = state / "recovery" / "123-1"
    (broken / "results" / "rope" / "steady").mkdir(parents=True)
    (broken / "lock").write_text("{}")
    (broken / "session.json").write_text("{not json")
    (broken / "results" / "rope" / "steady" / "shape.csv").write_text("s,x\n0,0\n")
    empty = state / "recovery" / "124-1"
    empty.mkdir()
    (empty / "lock").write_text("{}")
    assert find_orphans() == [] and not broken.exists() and not empty.exists()
    (kept,) = (state / "recovered").iterdir()
    assert (kept / "results" / "rope" / "steady" / "shape.csv").exists()
    assert "not offered for restore" in (kept / "README.txt").read_text()


def test_a_session_with_a_broken_relation_is_saved_and_restored_as_the_form_held_it(state, qtbot):
    window = _window(qtbot, state)
    batchnorm = window.panels["batchnorm"]
    batchnorm.form.set_values({"probe_min": 5.0}, emit=True)  # above probe_max: marked, kept
    window.autosave.save(wait=True)
    orphan = window.autosave.folder.folder
    from workbench.core.session import read_session

    assert read_session(orphan / "session.json").topics["batchnorm"].params["probe_min"] == 5.0
    window.close()
    again = _window(qtbot, state)
    again.open_last_session()
    assert again.panels["batchnorm"].params["probe_min"] == 5.0
    assert "must be < probe_max" in again.panels["batchnorm"].form.error("probe_min")
