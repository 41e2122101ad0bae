"""--out never mixes or lies: missing, empty or a previous workbench output (replaced whole); anything
else, an empty name or a path through a file is exit 2 before the run; a write that fails (a full
disk) is exit 4 and leaves the previous contents as they were.

Each command runs in a child process (as a user runs it), with a spy that lists the experiments it
started, so a refusal is shown to come before any run; running the command line inside the test
process left state behind that the Qt tests after it occasionally crashed on."""
import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.cli.test_cli import ROOT

CHILD = """
import errno, json, sys
from workbench import cli
from workbench.core.recording import RunRecord
started, original = [], cli.run_experiment
def spy(topic, experiment, *args, **kwargs):
    started.append(f"{topic}:{experiment.id}")
    return original(topic, experiment, *args, **kwargs)
cli.run_experiment = spy
if sys.argv[1] == "full_disk":  # some files made it, then the disk was full
    write = RunRecord.write
    def full(self, folder, header_lines=()):
        write(self, folder, header_lines)
        raise OSError(errno.ENOSPC, "No space left on device")
    RunRecord.write = full
if sys.argv[1] == "no_cuda":  # a machine without a GPU, whatever this one has
    import torch
    torch.cuda.is_available = lambda: False
code = cli.main(sys.argv[2:])
print("RUNS=" + json.dumps(started))
sys.exit(code)
"""


@dataclass
class Result:
    code: int
    runs: list
    err: str


def command(*args, patch="-", cwd=ROOT) -> Result:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD, patch, *map(str, args), "--quiet"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    runs = next((json.loads(line[5:]) for line in done.stdout.splitlines() if line.startswith("RUNS=")), None)
    return Result(done.returncode, runs, done.stderr)


def run(*args, **kwargs) -> Result:
    return command("run", *args, **kwargs)


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_previous_output_is_replaced_whole(tmp_path):
    out = tmp_path / "out"
    first = run("rope", "--out", out)
    assert first.code == 0 and first.runs == ["rope:steady"], first.err
    assert (out / "shape.csv").exists()
    assert run("batchnorm:descent", "--out", out).code == 0
    names = {p.name for p in out.iterdir()}
    assert "path.csv" in names and "shape.csv" not in names and "bifurcation.csv" not in names
    assert json.loads((out / "session.json").read_text())["topics"].keys() == {"batchnorm"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging or old folder left


def test_a_folder_of_other_files_is_refused_before_the_run(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = run("vae_ib", "--set", "epochs=2000", "--out", out)
    assert result.code == 2 and result.runs == []  # refused before training, not after
    assert "not a workbench output" in result.err
    assert snapshot(out) == {"notes.txt": b"keep me"} and [p.name for p in tmp_path.iterdir()] == ["mine"]


@pytest.mark.parametrize("out,fragment", [("", "--out is empty"), ("{tmp}/file.txt/sub", "cannot make a folder"),
                                          ("{tmp}/file.txt", "not a folder")])
def test_outs_that_cannot_be_folders_exit_2(tmp_path, out, fragment):
    (tmp_path / "file.txt").write_text("x")
    result = run("vae_ib", "--set", "epochs=2000", "--out", out.format(tmp=tmp_path))
    assert result.code == 2 and result.runs == [] and fragment in result.err
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_a_full_disk_keeps_the_previous_contents_and_exits_4(tmp_path):
    out = tmp_path / "out"
    assert run("rope", "--out", out).code == 0
    before = snapshot(out)
    result = run("rope", "--set", "omega=5", "--out", out, patch="full_disk")
    assert result.code == 4 and result.runs == ["rope:steady"]
    assert "No space left on device" in result.err and "keeps its previous contents" in result.err
    assert snapshot(out) == before and [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_session_of_several_topics_is_checked_whole_before_any_runs(tmp_path):
    doc = {"schema_version": 2, "topics": {
        "rope": {"active": "steady", "experiments": {"steady": {"params": {}}}},
        "vae_ib": {"active": "train", "experiments": {"train": {"params": {"device": "cuda", "epochs": 1}}}}}}
    session = tmp_path / "s.json"
    session.write_text(json.dumps(doc))
    result = command("replay", session, "--out", tmp_path / "out", patch="no_cuda")
    assert result.code == 2 and result.runs == [] and "vae_ib:train" in result.err
    assert not (tmp_path / "out").exists()


def test_a_folder_holding_a_gui_session_is_not_taken_for_an_output(tmp_path):
    """Export everything or Save session from the window writes the workbench's session.json into a
    folder of the user's choice; without a run's status it is not ours to replace."""
    from workbench.core.session import ExperimentState, Session, TopicState, write_session

    out = tmp_path / "figures"
    out.mkdir()
    (out / "figure1.pdf").write_bytes(b"%PDF")
    write_session(out / "session.json", Session({"rope": TopicState({"steady": ExperimentState({})}, "steady")}))
    result = run("rope", "--out", out)
    assert result.code == 2 and result.runs == [] and (out / "figure1.pdf").read_bytes() == b"%PDF"


def test_dot_names_the_current_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert run("rope", "--out", ".", cwd=out).code == 0
    assert (out / "shape.csv").exists() and [p.name for p in tmp_path.iterdir()] == ["out"]
