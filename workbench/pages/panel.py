"""A topic's dock: one page per experiment, each an ExperimentHost, and the topic's help.

A topic panel says which pages it has (``build_pages``: a host and a tab title each, the main
experiment first); everything else — running, status, undo, sessions, provenance, themes, exports,
shutting down — is the hosts' and is done here by enumerating them, so no page can be missed.
A topic without a panel of its own gets one ``GenericView`` page per experiment.

For scripts and the main window, the panel also answers for its *main* page (``form``,
``params``, ``play``, ``record`` …) and for the page in view (``current_host``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from engines.core.experiment import find
from widgets import HelpPane
from workbench.pages import export
from workbench.pages.experiment_host import ExperimentHost
from workbench.core.session import ExperimentState, Session, TopicState, write_session
from workbench.pages.sweep_view import SweepView

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


class TopicPanel(QWidget):
    """Pages of experiments in tabs, with the help last."""

    statusMessage = Signal(str)

    def __init__(self, topic_id: str, engine, parent=None):
        super().__init__(parent)
        self.topic_id, self.engine = topic_id, engine
        self.experiments = tuple(engine.EXPERIMENTS)
        self.tabs = QTabWidget()
        self.pages: list[ExperimentHost] = []
        for host, title in self.build_pages():
            self._add_page(host, title)
            if host.experiment.sweep is not None:  # every experiment that declares a sweep gets its page
                self._add_page(SweepView(self.topic_id, host.experiment, host.values), host.experiment.sweep.title)
        self.help = HelpPane()
        self.help.set_markdown_file(RESOURCES / "topics" / f"{self.topic_id}.md")
        self.help.pageRequested.connect(self._show_requested_page)
        self.tabs.addTab(self.help, "Help")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tabs)

    # --- pages ----------------------------------------------------------------------------------
    def build_pages(self) -> list[tuple[ExperimentHost, str]]:
        """(host, tab title) per experiment, the main one first; by default a generic view of each.
        The sweep page of an experiment that declares one follows its page by itself."""
        from workbench.topics.generic import GenericView

        return [(ExperimentHost(self.topic_id, e, view=GenericView(e), transport=True), e.title)
                for e in self.experiments]

    def _add_page(self, host: ExperimentHost, title: str) -> None:
        self.pages.append(host)
        self.tabs.addTab(host, title)
        host.statusMessage.connect(self.statusMessage)

    @property
    def main(self) -> ExperimentHost:
        """The main experiment's page."""
        return self.pages[0]

    def page(self, experiment_id: str) -> ExperimentHost:
        """The page that runs that experiment (not its sweep)."""
        return next(p for p in self.pages if p.experiment_id == experiment_id and not isinstance(p, SweepView))

    def sweep_views(self) -> list[SweepView]:
        return [p for p in self.pages if isinstance(p, SweepView)]

    def experiment_pages(self) -> list[ExperimentHost]:
        return [p for p in self.pages if not isinstance(p, SweepView)]

    def current_host(self) -> ExperimentHost:
        """The page in view (the main one while the help is shown)."""
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, ExperimentHost) else self.main

    def _show_requested_page(self, experiment_id: str) -> None:
        """A ``page:<id>`` link in the help: show that page (an unknown id changes nothing)."""
        if any(p.experiment_id == experiment_id for p in self.experiment_pages()):
            self.show_page(experiment_id)

    def show_page(self, experiment_id: str) -> ExperimentHost:
        host = self.page(experiment_id)
        self.tabs.setCurrentWidget(host)
        return host

    # --- the main page, for scripts and tests ---------------------------------------------------
    @property
    def form(self):
        return self.main.form

    @property
    def schema(self):
        return self.main.schema

    @property
    def params(self) -> dict[str, Any]:
        return self.main.values()

    @property
    def shown_params(self) -> dict[str, Any]:
        return self.main.shown_params()

    @property
    def controller(self):
        return self.main.controller

    @property
    def record(self):
        return self.main.record

    @property
    def history(self):
        return self.main.history

    def set_params(self, values: dict[str, Any], text: str = "set parameters") -> None:
        self.main.set_values(values, text)

    def reset_defaults(self) -> None:
        self.main.reset_defaults()

    def play(self) -> None:
        self.main.play()

    def stop(self) -> None:
        self.main.stop()

    # --- sessions -------------------------------------------------------------------------------
    def state(self) -> TopicState:
        """Every experiment's values, each sweep's in its experiment, and the page in view."""
        states: dict[str, ExperimentState] = {}
        for host in self.experiment_pages():
            states[host.experiment_id] = host.state()
        for sweep in self.sweep_views():
            states[sweep.experiment_id].sweep = sweep.sweep_values()
        return TopicState(states, self.current_host().experiment_id)

    def restore(self, state: TopicState) -> None:
        """Apply a validated session: each experiment it holds, each sweep, and the page shown."""
        for host in self.experiment_pages():
            saved = state.experiments.get(host.experiment_id)
            if saved is not None:
                host.restore(saved)
        for sweep in self.sweep_views():
            saved = state.experiments.get(sweep.experiment_id)
            if saved is not None and saved.sweep is not None:
                sweep.set_sweep_values(saved.sweep)
        find(self.experiments, state.active, self.topic_id)
        self.show_page(state.active)

    # --- provenance and export ------------------------------------------------------------------
    def _named_plots(self) -> list[tuple[ExperimentHost, dict[str, str]]]:
        """Per page that shows a result, its plots' names in the panel's exports: a plot name that
        an earlier page already uses gets the page's experiment in front (batchnorm's descent and
        neuron pages both have a ``loss``), so no page's curves overwrite another's."""
        taken: set[str] = set()
        out = []
        for host in self.pages:
            if not host.shown_params():
                continue
            prefix = f"{host.experiment_id}_sweep" if isinstance(host, SweepView) else host.experiment_id
            names = {}
            for name in host.view.plots():
                names[name] = name if name not in taken else f"{prefix}.{name}"
                taken.add(names[name])
            out.append((host, names))
        return out

    def provenance(self) -> tuple[str, ...]:
        """Each page that shows a result, with the parameters that result was computed with and
        the plots (as the CSV names them) that show it."""
        blocks: list[str] = []
        for host, names in self._named_plots():
            blocks += host.provenance_block(tuple(names.values()))
        return (f"topic: {self.topic_id}", *blocks, export.versions_line())

    def plots(self) -> dict[str, Any]:
        out = {}
        for host, names in self._named_plots():
            items = host.view.plots()
            out.update({names[name]: items[name] for name in names if name in items})
        return out

    def series(self) -> dict[str, dict[str, tuple]]:
        out = {}
        for host, names in self._named_plots():
            host.view.draw()
            curves = host.view.series()
            out.update({names.get(name, name): data for name, data in curves.items()})
        return out

    def export_png(self, path: str | Path, scale: float = 1.0) -> None:
        self.current_host().export_png(path, scale)

    def export_svg(self, path: str | Path, plot: str | None = None) -> None:
        self.current_host().export_svg(path, plot)

    def export_csv(self, path: str | Path) -> None:
        """Every plotted curve of every page; the header says which experiment each plot shows."""
        export.write_series_csv(self.series(), path, self.provenance())

    def export_npz(self, path: str | Path) -> None:
        self.current_host().export_npz(path)

    def export_everything(self, folder: str | Path, scale: float = 2.0) -> list[Path]:
        """Each page that shows a result into a folder of its own, and the session of every page."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for host in self.pages:
            if host.shown_params():
                sub = f"{host.experiment_id}_sweep" if isinstance(host, SweepView) else host.experiment_id
                written += host.export_everything(folder / sub, scale)
        write_session(folder / "session.json", Session({self.topic_id: self.state()}, self.topic_id))
        written.append(folder / "session.json")
        return written

    def apply_theme(self, name: str) -> None:
        for host in self.pages:
            host.apply_theme(name)

    def shutdown(self) -> bool:
        """Stop every page's run and wait for them."""
        return all([host.shutdown() for host in self.pages])
