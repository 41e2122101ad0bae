"""Exports of one experiment's page, each labelled with that experiment's own parameters.

A mixin of ``ExperimentHost``: it reads the host's ``topic``, ``experiment``, ``view``, ``record``
and ``shown_params()``.  PNG (the page's view, with a scale factor), SVG (one plot), CSV of every
plotted curve, NPZ of the arrays of the run's last frame, and "everything" (all of them, the run's
own files and a session) into a folder.  Every file is written atomically (``workbench.core.atomic``),
and every CSV header names the experiment and the parameters of the result it holds.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMenu, QToolButton

from workbench.pages import export

EXPORTS = (("png", "PNG image…", "PNG image (*.png)"),
           ("svg", "SVG (vector) of a plot", "SVG image (*.svg)"),
           ("csv", "CSV of every plotted series…", "CSV (*.csv)"),
           ("npz", "NPZ of the arrays…", "NumPy arrays (*.npz)"),
           ("everything", "Everything into a folder…", ""))


class HostExport:
    """Export and provenance of an ExperimentHost (see the module docstring).

    ``export_handler(host, kind)``, when set (the main window sets it), asks where to write — so
    the window remembers the last folder and the resolution; a page on its own asks itself."""

    export_handler = None
    theme = "light"          # the page's theme (ExperimentHost.apply_theme keeps it)
    export_theme = "light"   # pictures are made light, for papers and slides, whatever the window's theme

    @contextmanager
    def _export_styled(self):
        """Plots in the export theme while a picture is made, then back to the window's."""
        shown = self.theme
        if shown == self.export_theme:
            yield
            return
        self.apply_theme(self.export_theme)
        try:
            yield
        finally:
            self.apply_theme(shown)

    def provenance(self) -> tuple[str, ...]:
        return (f"topic: {self.topic}", *self.provenance_block(), export.versions_line())

    def provenance_block(self, plots: tuple[str, ...] = ()) -> tuple[str, ...]:
        """This experiment's share of a header: its name, the parameters of the shown result."""
        return export.experiment_lines(f"{self.topic}:{self.experiment_id}", self.shown_params(), plots)

    def export_csv(self, path: str | Path) -> None:
        """Every plotted curve, with this experiment's own parameters in the header."""
        self.view.draw()
        export.write_series_csv(self.view.series(), path, self.provenance())

    def export_png(self, path: str | Path, scale: float = 2.0) -> None:
        self.view.draw()
        with self._export_styled():
            export.render_widget_png(self.view_widget(), path, scale)

    def export_svg(self, path: str | Path, plot: str | None = None) -> None:
        """One plot as SVG: ``plot`` by name, else the first one on screen."""
        self.view.draw()
        plots = self.view.plots()
        if not plots:
            raise ValueError(f"{self.experiment.title} has no plot to export")
        with self._export_styled():
            export.plot_svg(plots[plot or self.visible_plot()], path)

    def visible_plot(self) -> str | None:
        """The name of the first plot the user can see (a plot in a hidden tab is not)."""
        plots = self.view.plots()
        for name, item in plots.items():
            views = item.scene().views() if item.scene() is not None else []
            if any(view.isVisible() for view in views):
                return name
        return next(iter(plots), None)

    def can_export(self, kind: str) -> bool:
        """Whether this export has anything to write now (the menus disable it otherwise)."""
        if kind == "npz":
            return bool(self.record.arrays)
        if kind == "svg":
            return bool(self.view.plots())
        return True

    def export_npz(self, path: str | Path) -> None:
        if not self.record.arrays:
            raise ValueError(f"{self.experiment.title} has no arrays yet: run it first")
        export.write_npz(self.record.arrays, path)

    def export_everything(self, folder: str | Path, scale: float = 2.0) -> list[Path]:
        """The page as PNG, every plot as SVG and PNG, the plotted curves, the run's own files
        (curves.csv, one CSV per array, arrays.npz), all labelled with this experiment's values."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.view.draw()
        written = [folder / f"{self.topic}_{self.experiment_id}.png"]
        self.export_png(written[0], scale)
        with self._export_styled():
            for name, item in self.view.plots().items():
                export.plot_svg(item, folder / f"{name}.svg")
                export.plot_png(item, folder / f"{name}.png", scale)
                written += [folder / f"{name}.svg", folder / f"{name}.png"]
        written.append(folder / "plotted_series.csv")
        self.export_csv(written[-1])
        written += self.record.write(folder, self.provenance())
        return written

    def view_widget(self):
        """The widget that shows the plots (the page itself when the host is its own view)."""
        return self if self.view is self else self.view

    def export_menu_button(self) -> QToolButton:
        self.export_button = QToolButton(text="Export", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup,
                                         toolTip="This experiment's plots or data, labelled with its own parameters")
        menu = QMenu(self.export_button)
        menu.aboutToShow.connect(self._fill_export_menu)  # bound methods: no cycle keeps the page alive
        menu.triggered.connect(self._on_export_action)
        self.export_button.setMenu(menu)  # filled as it opens: the view may not be built yet here
        return self.export_button

    def _fill_export_menu(self) -> None:
        """The entries that can run now; SVG offers each plot, the one on screen first."""
        menu = self.export_button.menu()
        menu.clear()
        for kind, text, _ in EXPORTS:
            if kind == "svg":
                plots = list(self.view.plots())
                shown = self.visible_plot()
                svg = menu.addMenu(text)
                svg.setEnabled(bool(plots))
                for name in sorted(plots, key=lambda n: n != shown):
                    svg.addAction(f"{name}…" + (" (on screen)" if name == shown else "")).setData(f"svg:{name}")
                continue
            action = menu.addAction(text)
            action.setData(kind)
            action.setEnabled(self.can_export(kind))

    def _on_export_action(self, action) -> None:
        if action.data() is None:
            return
        if self.export_handler is not None:
            self.export_handler(self, action.data())
        else:
            self._ask_export(action.data())

    def _ask_export(self, kind: str) -> None:
        kind, _, plot = kind.partition(":")
        pattern = next(p for k, _, p in EXPORTS if k == kind)
        title = f"Export {self.experiment.title}"
        if kind == "everything":
            path = QFileDialog.getExistingDirectory(self, title)
        else:
            path, _ = QFileDialog.getSaveFileName(self, title, f"{self.topic}_{self.experiment_id}.{kind}", pattern)
        if not path:
            return
        try:
            getattr(self, f"export_{kind}")(path, *([plot] if plot else []))
        except (OSError, ValueError, KeyError) as exc:
            self._show_error(f"export failed: {exc}")
