"""What a run produced, collected frame by frame, and written out as the CLI contract says.

``RunRecord`` is shared by the headless command line and the GUI's "export everything": curves are
one row per recorded step (``step`` plus one column per scalar series), arrays are those of the
latest frame (``<name>.csv`` with a header row, and all of them in ``arrays.npz``).
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engines.core.frame import Frame
from workbench.atomic import write_text_atomic, write_with


@dataclass
class RunRecord:
    topic: str
    params: dict[str, Any]
    rows: list[dict[str, float]] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    diverged: str = ""
    message: str = ""
    generation: int = 0  # the run controller's generation that produced these frames
    experiment: str = ""  # the experiment's id within the topic

    def add(self, frame: Frame) -> None:
        if frame.scalars:
            row = {"step": frame.step}
            for name, value in frame.scalars.items():
                if name not in self.series:
                    self.series.append(name)
                row[name] = float(value)
            self.rows.append(row)
        if frame.arrays:
            self.arrays.update(frame.arrays)
            self.columns.update(frame.columns)
        if frame.message:
            self.message = frame.message
        if frame.diverged:
            self.diverged = frame.diverged

    def curves_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["step", *self.series])
        for row in self.rows:
            writer.writerow([row["step"], *(_cell(row.get(name, math.nan)) for name in self.series)])
        return out.getvalue()

    def write(self, folder: str | Path, header_lines: tuple[str, ...] = ()) -> list[Path]:
        """Write curves.csv, one CSV per array and arrays.npz into ``folder``; return the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = [folder / "curves.csv"]
        write_text_atomic(written[0], _with_header(self.curves_csv(), header_lines))
        for name, array in self.arrays.items():
            path = folder / f"{name}.csv"
            write_text_atomic(path, _with_header(array_csv(array, self.columns.get(name)), header_lines))
            written.append(path)
        if self.arrays:
            npz = folder / "arrays.npz"
            write_with(npz, lambda tmp: _save_npz(tmp, self.arrays))
            written.append(npz)
        return written


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def _with_header(text: str, header_lines: tuple[str, ...]) -> str:
    return "".join(f"# {line}\n" for line in header_lines) + text


def _cell(value: float) -> str:
    return repr(float(value))


def array_csv(array: np.ndarray, columns: tuple[str, ...] | None = None) -> str:
    """A 1-D or 2-D array as CSV with a header row naming the columns."""
    data = np.asarray(array)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2:
        data = data.reshape(data.shape[0], -1)
    names = list(columns) if columns and len(columns) == data.shape[1] else [
        f"c{i}" for i in range(data.shape[1])
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in data:
        writer.writerow([_cell(v) if np.isscalar(v) and np.isreal(v) else v for v in row])
    return out.getvalue()
