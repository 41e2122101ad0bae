"""The fixed command-line contract (DESIGN.md §5): output, files, columns and exit codes."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def read_csv(path):
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    return rows


def test_list_shows_exactly_the_built_topics():
    from engines.registry import built_topics

    result = cli("list")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == built_topics()
    assert "rope\tThe spinning rope" in lines


def test_params_text_and_json():
    text = cli("params", "rope")
    assert text.returncode == 0 and "top_radius" in text.stdout and "restart" in text.stdout
    described = json.loads(cli("params", "rope", "--json").stdout)
    by_name = {d["name"]: d for d in described}
    assert {"scenario", "length", "span", "omega", "gravity", "density", "top_radius", "mode"} <= set(by_name)
    assert by_name["omega"]["unit"] == "rad/s" and by_name["omega"]["live"] is True
    assert by_name["scenario"]["choices"] == ["hanging", "troposkein", "jump", "su_original"]
    chain = {d["name"]: d for d in json.loads(cli("params", "rope:dynamics", "--json").stdout)}
    assert chain["damping"]["live"] is True and chain["beads"]["live"] is False and "scenario" not in chain


@pytest.mark.parametrize("args,fragment", [
    (["--set", "omega=-1"], "omega"),
    (["--set", "colour=red"], "colour"),
    (["--set", "scenario=spiral"], "one of hanging, troposkein, jump, su_original"),
    (["--set", "length"], "NAME=VALUE"),
    (["--set", "mode=2", "--set", "omega=3"], "mode"),
    (["--set", "omega=3", "--set", "omega=4"], "given twice"),
    (["--set", "points=inf"], "an integer in [11, 5001]"),
])
def test_bad_values_exit_2_and_write_nothing(tmp_path, args, fragment):
    out = tmp_path / "out"
    result = cli("run", "rope", *args, "--out", out)
    assert result.returncode == 2, result.stderr
    assert fragment in result.stderr
    assert not out.exists()


def test_unknown_topic_exits_2():
    assert cli("params", "nope").returncode == 2
    assert cli("run", "nope", "--out", "/tmp/x-never").returncode == 2


def test_mode_that_does_not_exist_names_the_smallest_omega(tmp_path):
    result = cli("run", "rope", "--set", "mode=2", "--set", "omega=3", "--out", tmp_path / "o")
    assert result.returncode == 2
    assert "mode" in result.stderr and "8.64" in result.stderr  # sqrt(7.61782 * 9.81 / 1)


def test_run_hanging_writes_the_contract_files(tmp_path):
    out = tmp_path / "hanging"
    omega = (2 * 9.81 / 1.0) ** 0.5  # λ = 2
    result = cli("run", "rope", "--set", f"omega={omega}", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "%" in result.stderr  # the progress bar
    for name in ("session.json", "curves.csv", "shape.csv", "arrays.npz"):
        assert (out / name).exists(), name
    shape = read_csv(out / "shape.csv")
    assert list(shape[0]) == ["s", "x", "y", "z", "tension"]
    curves = read_csv(out / "curves.csv")
    assert {"step", "max_radius", "end_angle_deg", "end_tension", "free_end_radius", "depth"} <= set(curves[0])
    # the note's mode-1 row at λ = 2: r_f/L = 0.70064, θ_top = 33.293°, T_top/(ρgL) = 1.19635
    assert float(curves[0]["free_end_radius"]) == pytest.approx(0.70064, abs=1e-4)
    assert float(curves[0]["end_angle_deg"]) == pytest.approx(33.293, abs=2e-3)
    assert float(curves[0]["end_tension"]) == pytest.approx(1.19635 * 0.03 * 9.81, rel=1e-4)
    arrays = np.load(out / "arrays.npz")
    assert arrays["shape"].shape[1] == 5


def test_run_dynamics_writes_curves_over_time_and_the_final_shape(tmp_path):
    out = tmp_path / "dynamics"
    result = cli("run", "rope", "--set", "scenario=dynamics", "--set", "duration=2", "--set", "beads=20",
                 "--set", "frame=lab", "--out", out)
    assert result.returncode == 0, result.stderr
    curves = read_csv(out / "curves.csv")
    assert {"t", "free_end_radius", "max_radius", "out_of_plane", "end_tension", "energy"} <= set(curves[0])
    times = [float(row["t"]) for row in curves]
    assert times[0] == 0.0 and times[-1] == pytest.approx(2.0) and len(times) == 121  # 1/60 s apart
    shape = read_csv(out / "shape.csv")
    assert list(shape[0]) == ["s", "x", "y", "z", "tension"] and len(shape) == 21
    assert float(shape[-1]["s"]) == pytest.approx(1.0)  # the free end, the whole rope from the top
    lam1 = read_csv(out / "critical.csv")[0]
    assert float(lam1["lambda_chain"]) == pytest.approx(1.41080, abs=1e-5)  # the note's λ1(20)
    session = json.loads((out / "session.json").read_text())["topics"]["rope"]  # scenario=dynamics meant
    assert session["active"] == "dynamics" and "scenario" not in session["experiments"]["dynamics"]["params"]


def test_troposkein_reproduces_the_jump_rope_example(tmp_path):
    out = tmp_path / "tropo"
    result = cli("run", "rope", "--set", "scenario=troposkein", "--set", "length=2.7",
                 "--set", "span=0.6", "--out", out)
    assert result.returncode == 0, result.stderr
    curves = read_csv(out / "curves.csv")
    assert float(curves[0]["max_radius"]) == pytest.approx(1.27439, abs=1e-4)


def test_replay_reproduces_the_run(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert cli("run", "rope", "--set", "scenario=jump", "--set", "length=2.7", "--set", "span=0.6",
               "--set", "omega=12.566370614359172", "--out", first).returncode == 0
    result = cli("replay", first / "session.json", "--out", second)
    assert result.returncode == 0, result.stderr
    assert (first / "shape.csv").read_text() == (second / "shape.csv").read_text()
    sag = float(read_csv(second / "curves.csv")[0]["max_radius"])
    assert sag == pytest.approx(1.2739, abs=1e-4)


def test_replay_of_a_bad_session_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result = cli("replay", bad, "--out", tmp_path / "o")
    assert result.returncode == 2 and "not valid JSON" in result.stderr
    assert not (tmp_path / "o").exists()


def test_gui_opens_with_a_topic_and_saves_a_screenshot(tmp_path):
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_SETTINGS_DIR": str(tmp_path)}
    png = tmp_path / "window.png"
    result = subprocess.run([sys.executable, "main.py", "--topic", "rope", "--screenshot", str(png)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert image.width() > 800 and image.height() > 500


def test_gui_rejects_an_unbuilt_and_an_unknown_topic(monkeypatch, capsys):
    """Every topic is built now, so an unbuilt one is made by hiding one from the registry."""
    from workbench.shell import app

    monkeypatch.setattr(app, "built_topics", lambda: ["rope"])
    assert app.launch(["--topic", "wok"]) == 2
    assert "'wok' is not built yet; built: rope" in capsys.readouterr().err
    result = subprocess.run([sys.executable, "main.py", "--topic", "nosuch"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "invalid choice: 'nosuch'" in result.stderr


def test_out_that_is_a_file_and_seed_on_a_deterministic_topic_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("run", "rope", "--out", blocker)
    assert result.returncode == 2 and "not a folder" in result.stderr
    result = cli("run", "rope", "--seed", "3", "--out", tmp_path / "o")
    assert result.returncode == 2 and "deterministic" in result.stderr
    assert not (tmp_path / "o").exists()


def test_written_files_are_readable_by_others(tmp_path):
    import os
    import stat

    assert cli("run", "rope", "--out", tmp_path / "o").returncode == 0
    mode = stat.S_IMODE(os.stat(tmp_path / "o" / "shape.csv").st_mode)
    assert mode & 0o044 == 0o044 & ~_umask()


def _umask():
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_help_lists_the_window_options_too():
    out = cli("--help").stdout
    assert "without a command, opens the window" in out
    assert all(option in out for option in ("--topic", "--theme light|dark", "--screenshot PNG"))
