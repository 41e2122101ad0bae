"""The command line's progress says "done" only when the run has returned and never shows a NaN
ETA; settings whose memory estimate exceeds what is available are refused before anything runs."""
from __future__ import annotations

import io

from engines.core.experiment import Experiment
from engines.core.frame import Frame
from engines.core.memory import MemoryEstimate, parse_size
from engines.core.params import Param, ParamSchema
from workbench import cli
from workbench.core.headless import StderrProgress, run_experiment

SCHEMA = ParamSchema([Param("n", 3, kind="int", lo=1, hi=10)])


def _early_one(params, ctx):
    """An engine whose last phase reports 1.0 before it has finished (as batchnorm's did)."""
    yield Frame(0, 0.0)
    for i in range(params["n"]):
        yield Frame(i + 1, 1.0, {"x": float(i)})


def test_the_bar_reaches_1_only_after_the_run_returned(tmp_path):
    seen = []
    run_experiment("rope", Experiment("fake", "fake", SCHEMA, _early_one), SCHEMA.defaults(), tmp_path / "o",
                   seen.append)
    assert seen[-1] == 1.0 and seen.count(1.0) == 1 and max(seen[:-1]) < 1.0


def test_the_text_bar_never_prints_nan_and_says_done_once():
    out = io.StringIO()
    bar = StderrProgress("t", out)
    for fraction in (0.0, 0.0, 0.5, 0.999, 1.0):
        bar(fraction, force=True)
    text = out.getvalue()
    assert "nan" not in text.lower() and "ETA –" in text and text.count("done in") == 1


def test_settings_above_the_memory_available_are_refused_with_the_estimate_and_drivers(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKBENCH_MEMORY_LIMIT", "100M")
    assert cli.main(["run", "batchnorm", "--set", "steps=5", "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "348 MiB of memory" in err and "100 MiB available" in err and "reduce probe_points, batch_size, width or depth" in err
    assert not (tmp_path / "out").exists()
    monkeypatch.setenv("WORKBENCH_MEMORY_LIMIT", "64G")
    assert cli.main(["params", "batchnorm"]) == 0
    assert "memory: about 0.34 GiB at the defaults" in capsys.readouterr().out


def test_an_experiment_without_an_estimate_is_never_refused_and_sizes_parse():
    Experiment("fake", "fake", SCHEMA, _early_one).check_memory({"n": 3}, available=1.0)
    big = Experiment("fake", "fake", SCHEMA, _early_one, memory=lambda p: MemoryEstimate(2e9, ("n",)))
    big.check_memory({"n": 3}, available=4e9)
    try:
        big.check_memory({"n": 3}, available=1e9)
    except ValueError as exc:
        assert exc.name == "n" and "reduce n" in str(exc)
    else:
        raise AssertionError("2 GB of settings passed a 1 GB budget")
    assert parse_size("512M") == 512 * 2**20 and parse_size("2G") == 2 * 2**30 and parse_size("1000") == 1000
