"""SIGINT, SIGTERM and SIGHUP during `run` stop the engine within a second, write what was computed
(session.json says "interrupted", with the step reached and the signal) and exit 130 / 143 / 129."""
import csv
import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from tests.cli.test_cli import ROOT

CASES = [
    (signal.SIGINT, 130, "rope:dynamics", ["--set", "duration=3600", "--set", "beads=20"]),
    (signal.SIGTERM, 143, "vae_ib:train", ["--set", "epochs=2000", "--set", "eval_every=20"]),
    (signal.SIGHUP, 129, "batchnorm:train", ["--set", "steps=100000", "--set", "surface_resolution=0",
                                             "--set", "width=16", "--set", "depth=2"]),
]


def start(ref, args, out):
    process = subprocess.Popen([sys.executable, "main.py", "run", ref, *args, "--out", str(out)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ready, _, _ = select.select([process.stderr], [], [], 120)  # the progress bar: frames are coming
    assert ready, "the run never reported progress"
    os.read(process.stderr.fileno(), 4096)
    time.sleep(1.0)
    return process


@pytest.mark.parametrize("signum,code,ref,args", CASES, ids=[c[0].name for c in CASES])
def test_a_signal_writes_what_was_computed_and_exits_with_its_code(tmp_path, signum, code, ref, args):
    out = tmp_path / "out"
    process = start(ref, args, out)
    process.send_signal(signum)
    if signum == signal.SIGINT:
        time.sleep(0.05)
        process.send_signal(signum)  # a second Ctrl-C while it stops and writes changes nothing
    _, err = process.communicate(timeout=60)  # the run would last hours: it stopped
    assert process.returncode == code, err.decode()
    session = json.loads((out / "session.json").read_text())
    assert session["status"] == "interrupted" and session["run"]["stopped_by"] == signum.name
    assert 0 < session["run"]["progress"] < 1 and session["run"]["step"] > 0
    with open(out / "curves.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 2 and session["run"]["scalars_recorded"] == len(rows)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left
    assert "interrupted by " + signum.name in err.decode()


def test_a_complete_run_says_so(tmp_path):
    result = subprocess.run([sys.executable, "main.py", "run", "rope", "--out", tmp_path / "o", "--quiet"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    session = json.loads((tmp_path / "o" / "session.json").read_text())
    assert session["status"] == "complete" and session["run"]["progress"] == 1.0
