"""A sweep's folder: ``sweep.json`` (what was swept, with what, on which back-end), ``results.csv``
(one row per finished run) and, with ``--keep-runs``, each run's own files under ``runs/NNNN/``.

The table is rewritten atomically after every finished run, so an interrupted sweep leaves a whole
table behind, and a sweep started again on the same folder skips the points already in it (resume).
A folder that holds a *different* sweep (another experiment, grid, fixed values or seeds) is refused,
and so is one that holds anything but a sweep: nothing of the user's is mixed or overwritten.
"""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from engines.core.params import ParameterError
from workbench.core.atomic import write_text_atomic
from workbench.core.versions import package_versions
from workbench.sweeps.grid import Point, SweepGrid

APP = "scientific-spaces-workbench sweep"
KEY_COLUMNS = ("run", "seed", "status", "seconds")
MESSAGE_COLUMN = "message"


def cell(value: Any) -> str:
    """A value as the table writes it (and as resume compares it): repr for floats, so 0.001 stays
    0.001 and 1e-7 stays 1e-07, exactly what was run."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    return "" if value is None else str(value)


def point_key(values: tuple[Any, ...], seed: int | None) -> tuple[str, ...]:
    return (*map(cell, values), cell(seed))


class SweepFolder:
    """``--out`` of a sweep: its description, its table so far, where each kept run goes."""

    def __init__(self, out: str | Path, grid: SweepGrid, backend: str):
        self.out, self.grid = Path(out), grid
        self.axis_names = [a.name for a in grid.axes]
        self.scalars = [s.name for s in grid.experiment.series()]
        self.columns = ["run", *self.axis_names, "seed", "status", "seconds", *self.scalars, MESSAGE_COLUMN]
        self.description = {"app": APP, **grid.describe(), "backend": backend, "versions": package_versions()}
        self.rows: dict[tuple[str, ...], dict[str, str]] = {}
        self._check_folder()

    def _check_folder(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise ParameterError("--out", f"--out {self.out}: is a file; give a folder (missing, empty or an earlier sweep's)")
        if not self.out.exists() or not any(self.out.iterdir()):
            return
        try:
            earlier = json.loads((self.out / "sweep.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ParameterError("--out", f"--out {self.out}: holds files that are not a sweep's; give a missing or "
                                          "empty folder, or an earlier sweep's folder to resume it") from None
        mine = {k: v for k, v in self.description.items() if k not in ("backend", "versions")}
        theirs = {k: earlier.get(k) for k in mine}
        if json.loads(json.dumps(mine)) != theirs:
            changed = ", ".join(k for k in mine if json.loads(json.dumps(mine[k])) != theirs[k])
            raise ParameterError("--out", f"--out {self.out}: holds a different sweep ({changed} differ); resume it "
                                          "with the same experiment, grid, --set values and --seeds, or give a new folder")
        self._read_table()

    def _read_table(self) -> None:
        path = self.out / "results.csv"
        if not path.is_file():
            return
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                key = (*(row.get(n, "") for n in self.axis_names), row.get("seed", ""))
                if row.get("status") in ("ok", "diverged", "error"):
                    self.rows[key] = row

    def todo(self, points: list[Point]) -> list[Point]:
        """The points not yet in the table."""
        return [p for p in points if point_key(p.values, p.seed) not in self.rows]

    def start(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.out / "sweep.json", json.dumps(self.description, indent=2, ensure_ascii=False) + "\n")
        self._write_table()

    def run_dir(self, point: Point) -> Path:
        return self.out / "runs" / f"{point.index:04d}"

    def add(self, point: Point, result: dict[str, Any]) -> None:
        row = {"run": str(point.index), **dict(zip(self.axis_names, map(cell, point.values))), "seed": cell(point.seed),
               "status": result["status"], "seconds": f"{result['seconds']:.3f}",
               **{name: cell(result["scalars"].get(name, math.nan)) for name in self.scalars},
               MESSAGE_COLUMN: result.get("message", "")}
        self.rows[point_key(point.values, point.seed)] = row
        self._write_table()

    def _write_table(self) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in sorted(self.rows.values(), key=lambda r: int(r["run"])):
            writer.writerow(row)
        write_text_atomic(self.out / "results.csv", buffer.getvalue())
