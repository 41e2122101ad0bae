"""The VAE / information-bottleneck panel: the training page (curves, latent space, information
plane, a VAE's images and decoupling), the β sweep, and the normal-distribution algebra."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.vae_ib.algebra_view import NormalAlgebraView
from workbench.topics.vae_ib.training_view import TrainingView


class VaeIbPanel(TopicPanel):
    IN_PROCESS: bool | None = None  # None: as the experiment declares (training in a child process)

    def __init__(self, topic_id, engine, parent=None):
        super().__init__(topic_id, engine, parent)
        self.sweep = self.sweep_views()[0]
        self.sweep.finished.connect(self._show_sweep_endpoints)

    def build_pages(self):
        self.training = TrainingView()
        # 30 Hz: the curves need no 60 Hz, and each repaint of four plots costs ~15 ms
        host = ExperimentHost(self.topic_id, self.experiments[0], view=self.training, transport=True,
                              process=self.IN_PROCESS, redraw_ms=33)
        self.algebra = NormalAlgebraView()
        return [(host, "Training"), (self.algebra, "Normal algebra")]

    def _show_sweep_endpoints(self, _status: str = "") -> None:
        """A finished (or stopped) sweep's members as end points in the information plane."""
        table, columns = self.sweep.table()
        self.training.show_sweep_endpoints(self.sweep.sweep_values()["sweep_param"], table, columns)
