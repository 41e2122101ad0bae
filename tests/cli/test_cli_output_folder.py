"""--out never mixes or lies: missing, empty or a previous workbench output (replaced whole); anything
else, an empty name or a path through a file is exit 2 before the run; a write that fails (a full
disk) is exit 4 and leaves the previous contents as they were."""
import errno
import json

import pytest

from workbench import cli
from workbench.core.recording import RunRecord


@pytest.fixture
def runs(monkeypatch):
    """The experiments the command line started (a refusal must come before any)."""
    started = []
    original = cli.run_experiment

    def spy(topic, experiment, *args, **kwargs):
        started.append(f"{topic}:{experiment.id}")
        return original(topic, experiment, *args, **kwargs)

    monkeypatch.setattr(cli, "run_experiment", spy)
    return started


def run(*args):
    return cli.main(["run", *map(str, args), "--quiet"])


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_previous_output_is_replaced_whole(tmp_path, capsys, runs):
    out = tmp_path / "out"
    assert run("rope", "--out", out) == 0
    assert (out / "shape.csv").exists()
    assert run("batchnorm:descent", "--out", out) == 0
    names = {p.name for p in out.iterdir()}
    assert "path.csv" in names and "shape.csv" not in names and "bifurcation.csv" not in names
    assert json.loads((out / "session.json").read_text())["topics"].keys() == {"batchnorm"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging or old folder left
    assert runs == ["rope:steady", "batchnorm:descent"]  # the spy sees runs that do happen


def test_a_folder_of_other_files_is_refused_before_the_run(tmp_path, capsys, runs):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert run("vae_ib", "--set", "epochs=2000", "--out", out) == 2
    assert runs == []  # refused before training, not after
    assert "not a workbench output" in capsys.readouterr().err
    assert snapshot(out) == {"notes.txt": b"keep me"} and [p.name for p in tmp_path.iterdir()] == ["mine"]


@pytest.mark.parametrize("out,fragment", [("", "--out is empty"), ("{tmp}/file.txt/sub", "cannot make a folder"),
                                          ("{tmp}/file.txt", "not a folder")])
def test_outs_that_cannot_be_folders_exit_2(tmp_path, capsys, runs, out, fragment):
    (tmp_path / "file.txt").write_text("x")
    assert run("vae_ib", "--set", "epochs=2000", "--out", out.format(tmp=tmp_path)) == 2
    assert runs == [] and fragment in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_a_full_disk_keeps_the_previous_contents_and_exits_4(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert run("rope", "--out", out) == 0
    before = snapshot(out)
    original = RunRecord.write

    def full_disk(self, folder, header_lines=()):
        original(self, folder, header_lines)  # some files made it, then the disk was full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(RunRecord, "write", full_disk)
    assert run("rope", "--set", "omega=5", "--out", out) == 4
    err = capsys.readouterr().err
    assert "No space left on device" in err and "keeps its previous contents" in err
    assert snapshot(out) == before and [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_session_of_several_topics_is_checked_whole_before_any_runs(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the device the session asks for is there")
    doc = {"schema_version": 2, "topics": {
        "rope": {"active": "steady", "experiments": {"steady": {"params": {}}}},
        "vae_ib": {"active": "train", "experiments": {"train": {"params": {"device": "cuda", "epochs": 1}}}}}}
    session = tmp_path / "s.json"
    session.write_text(json.dumps(doc))
    assert cli.main(["replay", str(session), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "vae_ib:train" in capsys.readouterr().err and not (tmp_path / "out").exists()
