"""Ctrl-C, SIGTERM and SIGHUP during a headless run: the engine stops cooperatively and what it
computed is written, marked ``interrupted`` (DESIGN.md §5: exit 130, 143 or 129).

The handlers only set a flag and ask the run's context to stop, so a second signal while the
results are being written changes nothing (every write goes to a staging folder anyway).  Signal
handlers can only be installed from the main thread, where the command line runs.
"""
from __future__ import annotations

import signal

from engines.core.frame import RunContext

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


class Interrupts:
    """A context manager: while it is open, the three signals stop the watched run."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._ctx: RunContext | None = None
        self._saved: dict[int, object] = {}

    def __enter__(self) -> "Interrupts":
        for signum in EXIT_CODES:
            self._saved[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        """Restore the handlers, unless a signal came: then the three are ignored from here on, so
        a second one, arriving while the process prints its last lines and exits, cannot kill it
        (Python puts back the default handler of a Python-level one when it finalises, but leaves
        an ignored signal ignored)."""
        for signum, handler in self._saved.items():
            signal.signal(signum, handler if self.signum is None else signal.SIG_IGN)

    def _handle(self, signum: int, _frame) -> None:
        if self.signum is None:
            self.signum = signum
        if self._ctx is not None:
            self._ctx.request_stop()

    def watch(self, ctx: RunContext) -> RunContext:
        """Stop this run on a signal (at once if one already came)."""
        self._ctx = ctx
        if self.signum is not None:
            ctx.request_stop()
        return ctx

    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum is not None else ""

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.signum]
