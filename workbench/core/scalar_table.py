"""The scalar samples of a run as columns of bounded size, and their full-resolution spool.

A run that lasts an hour at 60 frames a second makes 216 000 rows; a dict per row (what the record
kept before) grows without bound, against DESIGN.md §3.  ``ScalarTable`` keeps one preallocated
float64 block of ``capacity`` rows: when it fills, its older half is thinned to every second row,
so recent rows stay at full resolution and older ones grow coarser (the scheme of
``widgets.ring_series``, row-wise so the columns stay aligned; the same ``step`` is kept in every
column).  How many rows were recorded and how they were thinned is stated in the header of every
file written from it (``thinning_note``).

``RowSpool`` writes every row, as it comes, to a temporary file; the headless command line uses it,
so its ``curves.csv`` keeps full resolution however long the run was.  Columns only ever get
appended, so a row written before a new series appeared is padded when the file is assembled.

Qt-free: the headless command line imports it.
"""
from __future__ import annotations

import math
import tempfile
from typing import IO, Iterator, Mapping

import numpy as np

ROW_CAPACITY = 8192
_INITIAL_COLUMNS = 8


class ScalarTable:
    """``step`` plus one float64 column per series, at most ``capacity`` rows in memory."""

    def __init__(self, capacity: int = ROW_CAPACITY):
        if capacity < 8:
            raise ValueError(f"ScalarTable capacity must be at least 8, got {capacity}")
        self.capacity = int(capacity)
        self.names: list[str] = []
        self._index: dict[str, int] = {}
        self._data = np.full((self.capacity, _INITIAL_COLUMNS + 1), np.nan)
        self.kept = 0
        self.recorded = 0
        self.thinnings = 0

    def append(self, step: float, scalars: Mapping[str, float]) -> None:
        for name in scalars:
            if name not in self._index:
                self._add_column(name)
        if self.kept == self.capacity:
            self._thin_older_half()
        row = self._data[self.kept]
        row[:] = np.nan
        row[0] = step
        for name, value in scalars.items():
            row[self._index[name]] = value
        self.kept += 1
        self.recorded += 1

    def column(self, name: str) -> np.ndarray:
        """A copy of one column (``step`` or a series) over the kept rows."""
        index = 0 if name == "step" else self._index[name]
        return self._data[:self.kept, index].copy()

    def last(self, name: str) -> float:
        """The newest value of a series (NaN when the newest row did not carry it)."""
        if not self.kept or name not in self._index:
            return math.nan
        return float(self._data[self.kept - 1, self._index[name]])

    def rows(self) -> Iterator[np.ndarray]:
        """The kept rows, oldest first: ``step`` then the series in ``names`` order."""
        width = len(self.names) + 1
        for i in range(self.kept):
            yield self._data[i, :width]

    def nbytes(self) -> int:
        return int(self._data.nbytes)

    def copy(self) -> "ScalarTable":
        """An independent copy of the kept rows (to write from another thread)."""
        twin = ScalarTable.__new__(ScalarTable)
        twin.__dict__.update(self.__dict__)
        twin.names, twin._index = list(self.names), dict(self._index)
        twin._data = self._data.copy()
        return twin

    def thinning_note(self) -> str:
        """One line for a file header; empty while every recorded row is kept."""
        if not self.thinnings:
            return ""
        return (f"rows: {self.recorded} recorded, {self.kept} kept: each time the {self.capacity}-row buffer "
                f"filled its older half was thinned to every second row ({self.thinnings} times), so the "
                "oldest rows are the furthest apart; the newest are at full resolution")

    def _add_column(self, name: str) -> None:
        self._index[name] = len(self.names) + 1
        self.names.append(name)
        if len(self.names) + 1 > self._data.shape[1]:
            wider = np.full((self.capacity, 2 * self._data.shape[1]), np.nan)
            wider[:self.kept, :self._data.shape[1]] = self._data[:self.kept]
            self._data = wider

    def _thin_older_half(self) -> None:
        half = (self.kept // 2) // 2 * 2
        older = self._data[0:half:2].copy()
        rest = self._data[half:self.kept].copy()
        self._data[:len(older)] = older
        self._data[len(older):len(older) + len(rest)] = rest
        self.kept = len(older) + len(rest)
        self.thinnings += 1


class RowSpool:
    """Every row at full resolution in an anonymous temporary file (deleted when closed)."""

    def __init__(self) -> None:
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.count = 0

    def write(self, cells: list[str]) -> None:
        self._file.write(",".join(cells) + "\n")
        self.count += 1

    def lines(self, width: int) -> Iterator[str]:
        """The spooled rows, each padded to ``width`` cells (columns that appeared later)."""
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            cells = line.rstrip("\n").split(",")
            yield ",".join(cells + ["nan"] * (width - len(cells))) + "\n"
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()


def cell(value: float, is_step: bool = False) -> str:
    """A CSV cell: steps as integers where they are, everything else as ``repr(float)``."""
    value = float(value)
    if is_step and value.is_integer():
        return str(int(value))
    return repr(value)
