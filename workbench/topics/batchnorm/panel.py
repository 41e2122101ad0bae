"""The batch-normalisation panel: two nets A and B trained side by side with Santurkar's probes and
their loss surfaces, the learning-rate sweep, the exact single-layer pictures behind Su's argument
(the descent lemma, the single neuron, BN's gradient projection), internal covariate shift and
noisy BN, each page computing on its own."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.batchnorm.descent_view import DescentView
from workbench.topics.batchnorm.ics_view import IcsView
from workbench.topics.batchnorm.neuron_view import NeuronView
from workbench.topics.batchnorm.noisy_view import NoisyView
from workbench.topics.batchnorm.pair_view import PairView
from workbench.topics.batchnorm.projection_view import ProjectionView


class BatchNormPanel(TopicPanel):
    IN_PROCESS: bool | None = None  # None: as the experiment declares (training in a child process)

    @property
    def sweep(self):
        return self.sweep_views()[0]

    def build_pages(self):
        self.pair = PairView()
        host = ExperimentHost(self.topic_id, self.experiments[0], view=self.pair, transport=True,
                              process=self.IN_PROCESS, redraw_ms=33)
        return [(host, "Nets A and B"), (DescentView(), "Descent lemma"),
                (NeuronView(), "Su's single neuron"), (ProjectionView(), "BN gradient projection"),
                (IcsView(), "Internal covariate shift"), (NoisyView(), "Noisy BN")]
