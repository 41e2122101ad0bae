"""The wok panel: the material-and-source comparator (its own view); the routine, the coated-pan
timer and the hot-spot comparison are still to come (issue 18)."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.wok.comparator_view import ComparatorView

COMPARATOR_HELP = ("<b>Material and source.</b> A pan heats from cold on the chosen source. The wall is thin, so "
                   "it has one temperature per ring along its meridian; heat spreads along it about √(kt/h) "
                   "before convection and radiation take it. The dashed lines are the oil smoke point and the "
                   "PTFE limits.")


class WokPanel(TopicPanel):
    def build_pages(self):
        (comparator,) = self.experiments
        self.comparator = ComparatorView()
        return [(ExperimentHost(self.topic_id, comparator, view=self.comparator, transport=True, redraw_ms=33,
                                help_text=COMPARATOR_HELP), comparator.title)]
