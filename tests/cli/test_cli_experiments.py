"""Every experiment is a unit of the command line: ``list TOPIC``, ``params TOPIC:EXPERIMENT``,
``run TOPIC:EXPERIMENT`` and ``replay`` work for each, and a run writes exactly what the
experiment declares (engines.core.experiment)."""
import csv
import json

import numpy as np
import pytest

from engines.core.experiment import Series, Table
from engines.registry import built_topics, experiments
from tests.cli.test_cli import cli
from tests.quick_values import QUICK, set_args

REFS = [f"{topic}:{e.id}" for topic in built_topics() for e in experiments(topic)]


def test_every_experiment_has_quick_values():
    assert sorted(REFS) == sorted(QUICK)


@pytest.mark.parametrize("topic", built_topics())
def test_list_topic_prints_each_experiment_main_first(topic):
    result = cli("list", topic)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [r for r in REFS if r.startswith(topic + ":")]
    assert all(line.split("\t")[1] for line in lines)


def test_unknown_experiment_exits_2_and_names_the_ones_there_are(tmp_path):
    for args in (("params", "rope:spin"), ("run", "rope:spin", "--out", tmp_path / "o"), ("list", "ropes")):
        result = cli(*args)
        assert result.returncode == 2
    result = cli("run", "batchnorm:descnt", "--out", tmp_path / "o")
    assert "descnt" in result.stderr and "descent" in result.stderr and "neuron" in result.stderr
    assert not (tmp_path / "o").exists()


def test_params_of_an_experiment_are_its_own():
    described = {d["name"] for d in json.loads(cli("params", "batchnorm:descent", "--json").stdout)}
    assert {"model", "lambda1", "eta_over_L"} <= described
    assert "variant_a" not in described
    text = cli("params", "rope").stdout
    assert text.startswith("rope:steady") and "rope:dynamics" in text and "beads" not in text


@pytest.mark.parametrize("ref", REFS)
def test_every_experiment_runs_headless_and_writes_what_it_declares(tmp_path, ref):
    topic, experiment_id = ref.split(":")
    experiment = next(e for e in experiments(topic) if e.id == experiment_id)
    out = tmp_path / "out"
    result = cli("run", ref, *set_args(ref), "--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    session = json.loads((out / "session.json").read_text())["topics"][topic]
    assert session["active"] == experiment_id
    assert {k: session["experiments"][experiment_id]["params"][k] for k in QUICK[ref]} == QUICK[ref]
    declared_series = {o.name for o in experiment.outputs if isinstance(o, Series)}
    declared_tables = {o.name: o for o in experiment.outputs if isinstance(o, Table)}
    with open(out / "curves.csv") as fh:
        header = next(csv.reader(fh))
    assert header[0] == "step" and set(header[1:]) <= declared_series, set(header[1:]) - declared_series
    arrays = np.load(out / "arrays.npz") if (out / "arrays.npz").exists() else {}
    assert set(arrays) <= set(declared_tables), set(arrays) - set(declared_tables)
    for name in arrays:
        with open(out / f"{name}.csv") as fh:
            columns = next(csv.reader(fh))
        if declared_tables[name].columns:
            assert tuple(columns) == declared_tables[name].columns, name
    assert len(header) > 1 or arrays, "the run wrote no result at all"


def test_replay_reruns_the_sessions_experiment(tmp_path):
    first = cli("run", "batchnorm:descent", "--set", "eta_over_L=0.7", "--out", tmp_path / "a", "--quiet")
    assert first.returncode == 0, first.stderr
    again = cli("replay", tmp_path / "a" / "session.json", "--out", tmp_path / "b", "--quiet")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "a" / "path.csv").read_text() == (tmp_path / "b" / "path.csv").read_text()
    session = json.loads((tmp_path / "b" / "session.json").read_text())
    assert session["topics"]["batchnorm"]["active"] == "descent"
