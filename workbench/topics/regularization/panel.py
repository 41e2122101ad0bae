"""The regularisation panel: the scale-shift explorer, the conservation experiment (drawn from what
it declares) and the decay experiment (a plot per coordinate)."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.generic import GenericView
from workbench.topics.regularization.decay_view import DecayView
from workbench.topics.regularization.explorer_view import ExplorerView


class RegularizationPanel(TopicPanel):
    def build_pages(self):
        explorer, conservation, decay = self.experiments
        return [(ExplorerView(), explorer.title),
                (ExperimentHost(self.topic_id, conservation, view=GenericView(conservation), transport=True),
                 conservation.title),
                (ExperimentHost(self.topic_id, decay, view=DecayView(), transport=True), decay.title)]
