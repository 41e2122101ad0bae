"""``main.py sweep`` as a user runs it: the folder's files, runs kept on request, a resume that skips
what is done, and a bad grid or a foreign folder refused with exit 2 before anything is written."""
import json

import pytest

from tests.cli.test_cli import cli, read_csv

BASE = ("sweep", "pg_zoo:estimator", "--seeds", "2", "--set", "dim=10", "--set", "estimates=200", "--quiet")
SWEEP = (*BASE, "--grid", "eps=0.1,0.01")


def test_a_sweep_writes_its_description_table_runs_and_summary(tmp_path):
    result = cli(*SWEEP, "--backend", "sequential", "--keep-runs", "--out", tmp_path / "s")
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "s" / "results.csv")
    assert [(r["run"], r["eps"], r["seed"], r["status"]) for r in rows] == [
        ("0", "0.1", "0", "ok"), ("1", "0.1", "1", "ok"), ("2", "0.01", "0", "ok"), ("3", "0.01", "1", "ok")]
    assert list(rows[0])[:6] == ["run", "eps", "seed", "status", "seconds", "second_moment"]
    assert all(float(r["second_moment"]) > 0 for r in rows) and rows[0]["second_moment"] != rows[1]["second_moment"]
    described = json.loads((tmp_path / "s" / "sweep.json").read_text())
    assert described["experiment"] == "pg_zoo:estimator" and described["grid"] == {"eps": [0.1, 0.01]}
    assert described["seeds"] == [0, 1] and described["fixed"]["dim"] == 10 and described["backend"] == "sequential"
    assert "numpy" in described["versions"]
    kept = read_csv(tmp_path / "s" / "runs" / "0003" / "curves.csv")
    assert float(kept[-1]["second_moment"]) == pytest.approx(float(rows[3]["second_moment"]), rel=1e-12)
    assert (tmp_path / "s" / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "4 ok, 0 diverged, 0 failed" in result.stderr


def test_a_sweep_started_again_runs_only_what_is_missing(tmp_path):
    out = tmp_path / "s"
    assert cli(*SWEEP, "--backend", "sequential", "--out", out).returncode == 0
    table = out / "results.csv"
    lines = table.read_text().splitlines()
    table.write_text("\n".join(lines[:3]) + "\n")                      # as if stopped after two runs
    kept = read_csv(table)
    result = cli(*SWEEP, "--backend", "process", "--workers", "2", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "2 ok" in result.stderr and "2 already in results.csv" in result.stderr
    rows = read_csv(table)
    assert len(rows) == 4 and rows[:2] == kept                          # the finished rows are untouched
    full = cli(*SWEEP, "--backend", "sequential", "--out", tmp_path / "t")
    assert [r["second_moment"] for r in rows] == [r["second_moment"] for r in read_csv(tmp_path / "t" / "results.csv")]
    assert full.returncode == 0


@pytest.mark.parametrize("extra, words", [
    (("--grid", "eps=0.1,9"), "eps = 9 is out of range; allowed: a number in [0.0001, 1]"),
    (("--grid", "epsilon=0.1"), "has no such parameter"),
    (("--grid", "eps=0.1", "--set", "dim=0"), "dim = 0 is out of range"),
    (("--grid", "eps=0.1", "--backend", "dask", "--workers", "0"), "--workers = 0 is out of range"),
])
def test_a_bad_grid_exits_2_and_writes_nothing(tmp_path, extra, words):
    result = cli(*BASE, *extra, "--out", tmp_path / "s")
    assert result.returncode == 2 and words in result.stderr
    assert not (tmp_path / "s").exists()


def test_a_folder_of_another_sweep_or_of_other_files_is_refused(tmp_path):
    out = tmp_path / "s"
    assert cli(*SWEEP, "--backend", "sequential", "--out", out).returncode == 0
    other = cli(*[a if a != "eps=0.1,0.01" else "eps=0.2" for a in SWEEP], "--out", out)
    assert other.returncode == 2 and "holds a different sweep (grid" in other.stderr
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    refused = cli(*SWEEP, "--out", mine)
    assert refused.returncode == 2 and "not a sweep's" in refused.stderr and (mine / "notes.txt").exists()


def test_ctrl_c_keeps_the_finished_rows_and_the_same_command_finishes_the_sweep(tmp_path):
    """SIGINT to the sweep (as Ctrl-C sends it to the whole process group): exit 130 at once, the table
    holds the runs that finished, and the same command runs only the rest."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.cli.test_cli import ROOT

    out = tmp_path / "s"
    args = ["sweep", "wok", "--grid", "power=500,1000,1500,2000,2500,3000", "--set", "duration=1200",
            "--set", "cells=800", "--set", "dt=0.05", "--set", "record_every=600", "--backend", "process",
            "--workers", "2", "--quiet", "--out", str(out)]
    process = subprocess.Popen([sys.executable, "main.py", *args], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    table = out / "results.csv"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not table.exists() or len(read_csv(table)) < 1):
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGINT)
    started = time.monotonic()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and time.monotonic() - started < 10, err.decode()
    done = read_csv(table)
    assert 1 <= len(done) < 6 and all(r["status"] == "ok" for r in done)
    assert "run the same command again" in err.decode()
    again = cli(*args)
    assert again.returncode == 0, again.stderr
    assert f"{len(done)} already in results.csv" in again.stderr
    assert sorted(int(r["run"]) for r in read_csv(table)) == list(range(6))
