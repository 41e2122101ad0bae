"""What a run produced, collected frame by frame, and written out as the CLI contract says.

``RunRecord`` is shared by the headless command line and the GUI's "export everything": curves are
one row per recorded step (``step`` plus one column per scalar series), arrays are those of the
latest frame (``<name>.csv`` with a header row, and all of them in ``arrays.npz``).  Memory is
bounded however long the run (``workbench.core.scalar_table``): the command line spools every row to
disk and writes them all; the GUI keeps a thinned table and says so in the file's header.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engines.core.frame import Frame
from workbench.core.atomic import write_text_atomic, write_with
from workbench.core.scalar_table import ROW_CAPACITY, RowSpool, ScalarTable, cell


@dataclass
class RunRecord:
    """One run's frames: scalars in a bounded ``ScalarTable`` (optionally every row also in a
    full-resolution ``RowSpool``), the latest arrays, the last message and divergence."""

    topic: str
    params: dict[str, Any]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    diverged: str = ""
    message: str = ""
    generation: int = 0  # the run controller's generation that produced these frames
    experiment: str = ""  # the experiment's id within the topic
    capacity: int = ROW_CAPACITY
    spool: bool = False  # keep every row on disk too (the headless command line)
    table: ScalarTable = field(init=False)

    def __post_init__(self):
        self.table = ScalarTable(self.capacity)
        self._spool = RowSpool() if self.spool else None

    @property
    def series(self) -> list[str]:
        return list(self.table.names)

    @property
    def recorded(self) -> int:
        """How many rows of scalars the run produced (more than are kept once it ran long)."""
        return self.table.recorded

    def column(self, name: str) -> np.ndarray:
        return self.table.column(name)

    def last(self, name: str) -> float:
        return self.table.last(name)

    def add(self, frame: Frame) -> None:
        if frame.scalars:
            self.table.append(frame.step, {k: float(v) for k, v in frame.scalars.items()})
            if self._spool is not None:
                index = {name: i for i, name in enumerate(self.table.names)}
                cells = ["nan"] * len(index)
                for name, value in frame.scalars.items():
                    cells[index[name]] = cell(value)
                self._spool.write([cell(frame.step, is_step=True), *cells])
        if frame.arrays:
            self.arrays.update(frame.arrays)
            self.columns.update(frame.columns)
        if frame.message:
            self.message = frame.message
        if frame.diverged:
            self.diverged = frame.diverged

    def nbytes(self) -> int:
        return self.table.nbytes() + sum(int(np.asarray(a).nbytes) for a in self.arrays.values())

    def snapshot(self) -> "RunRecord":
        """A copy that another thread can write while this record keeps growing (no spool)."""
        twin = RunRecord(self.topic, dict(self.params), {k: np.array(v, copy=True) for k, v in self.arrays.items()},
                         dict(self.columns), self.diverged, self.message, self.generation, self.experiment,
                         self.capacity)
        twin.table = self.table.copy()
        return twin

    def _write_curves(self, path: Path, header_lines: tuple[str, ...]) -> None:
        names = self.table.names
        note = () if self._spool is not None else tuple(filter(None, [self.table.thinning_note()]))

        def write(tmp: Path) -> None:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                fh.write(_with_header(",".join(["step", *names]) + "\n", header_lines + note))
                if self._spool is not None:
                    fh.writelines(self._spool.lines(len(names) + 1))
                    return
                for row in self.table.rows():
                    fh.write(",".join([cell(row[0], is_step=True), *map(cell, row[1:])]) + "\n")

        write_with(path, write)

    def write(self, folder: str | Path, header_lines: tuple[str, ...] = ()) -> list[Path]:
        """Write curves.csv, one CSV per array and arrays.npz into ``folder``; return the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = [folder / "curves.csv"]
        self._write_curves(written[0], header_lines)
        for name, array in self.arrays.items():
            path = folder / f"{name}.csv"
            write_text_atomic(path, _with_header(array_csv(array, self.columns.get(name)), header_lines))
            written.append(path)
        if self.arrays:
            npz = folder / "arrays.npz"
            write_with(npz, lambda tmp: _save_npz(tmp, self.arrays))
            written.append(npz)
        return written

    def close(self) -> None:
        """Drop the spool's temporary file (a record that is written keeps it until then)."""
        if self._spool is not None:
            self._spool.close()


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def _with_header(text: str, header_lines: tuple[str, ...]) -> str:
    return "".join(f"# {line}\n" for line in header_lines) + text


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
        writer.writerow([cell(v) if np.isscalar(v) and np.isreal(v) else v for v in row])
    return out.getvalue()
