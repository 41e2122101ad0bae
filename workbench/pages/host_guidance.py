"""What an experiment's page tells its user beyond the plots: what to do before the first result,
the "Try this" presets and what to look for, a value that breaks a relation between parameters
(marked at once), and settings refused before a run starts (the memory budget).

A mixin of ``ExperimentHost``: it reads the host's ``experiment``, ``schema``, ``form``,
``first_hint``, ``auto`` and ``start``, ``set_values``, ``_show_error``, ``finished``.
"""
from __future__ import annotations

from engines.core.params import ParameterError

ENDED_INVALID = "not computed"  # as experiment_host.ENDED_TEXT["invalid"]


class HostGuidance:
    def _show_first_hint(self) -> None:
        if self.auto:
            text = "Computing… (the first result of a session can take a few seconds: kernels load once)"
        else:
            text = (f"Nothing computed yet. Press ▶ Play (or Space) to run “{self.experiment.title}”; "
                    "the plots fill as it runs, and Stop keeps what it computed.")
        self.first_hint.setText(text)
        self.first_hint.show()
        self._hint_is_preset = False

    def _check_relations(self, changed: set[str]) -> None:
        """A value that breaks a declared relation (probe η min above probe η max) is marked at
        once under the parameter just moved (one of ``changed``), with the range it can take
        beside the others."""
        if self._relation_error:
            self.form.clear_error(self._relation_error)
            self._relation_error = ""
        try:
            self.schema.check_relations({**self.schema.defaults(), **self.form.values()}, given=set(changed))
        except ParameterError as exc:
            if exc.name in self.form.names():
                self.form.set_error(exc.name, str(exc))
                self._relation_error = exc.name

    def _refuse(self, exc: ParameterError) -> None:
        """Settings refused before a run starts (the memory budget): said as an engine's would be."""
        if exc.name in self.form.names():
            self.form.set_error(exc.name, str(exc))
            self._engine_error = exc.name
        self._show_error(f"{ENDED_INVALID}: {exc}")
        self.finished.emit("invalid")

    def apply_preset(self, preset) -> None:
        """A "Try this" preset: the defaults with its values (one undo step), run at once, and the
        page says what to look for."""
        self.set_values({**self.schema.defaults(), **preset.values}, f"try: {preset.name}")
        self.first_hint.setText(f"<b>Try this — {preset.name}.</b> Look for: {preset.look_for}")
        self.first_hint.show()
        self._hint_is_preset = True
        if not self.auto:
            self.start()
