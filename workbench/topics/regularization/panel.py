"""The regularisation panel: the regulariser race (trained in a child process), the scale-shift
explorer, the conservation experiment (drawn from what it declares) and the decay experiment (a
plot per coordinate)."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.generic import GenericView
from workbench.topics.regularization.decay_view import DecayView
from workbench.topics.regularization.explorer_view import ExplorerView
from workbench.topics.regularization.race_view import RaceView


RACE_HELP = ("<b>Regulariser race.</b> Every ticked method trains its own copy of one network on the same "
             "batches. L2 penalises Σ‖W‖², which a ReLU net can move without changing its function; "
             "WEISSI penalises Σlog‖W‖, which it cannot. Set an initial imbalance to see it. No "
             "published numbers exist for WEISSI: the race shows its own, and WEISSI losing is a result.")


class RegularizationPanel(TopicPanel):
    IN_PROCESS: bool | None = None  # None: as the experiment declares (the race in a child process)

    def build_pages(self):
        race, explorer, conservation, decay = self.experiments
        self.race = RaceView()
        # 30 Hz: eleven plots of seven curves need no more
        return [(ExperimentHost(self.topic_id, race, view=self.race, transport=True, process=self.IN_PROCESS,
                                redraw_ms=33, help_text=RACE_HELP), race.title),
                (ExplorerView(), explorer.title),
                (ExperimentHost(self.topic_id, conservation, view=GenericView(conservation), transport=True),
                 conservation.title),
                (ExperimentHost(self.topic_id, decay, view=DecayView(), transport=True), decay.title)]
