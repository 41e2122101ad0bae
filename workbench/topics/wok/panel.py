"""The wok panel: the material-and-source comparator, the coated-pan timer (drawn from what it
declares: seconds against power) and the hot spots of every material side by side."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.generic import GenericView
from workbench.topics.wok.comparator_view import ComparatorView
from workbench.topics.wok.hotspots_view import HotspotsView

COMPARATOR_HELP = ("<b>Material and source.</b> A pan heats from cold on the chosen source. The wall is thin, so "
                   "it has one temperature per ring along its meridian; heat spreads along it about √(kt/h) "
                   "before convection and radiation take it. The dashed lines are the oil smoke point and the "
                   "PTFE limits.")


class WokPanel(TopicPanel):
    def build_pages(self):
        comparator, coated, hotspots = self.experiments
        self.comparator, self.hotspots = ComparatorView(), HotspotsView()
        return [(ExperimentHost(self.topic_id, comparator, view=self.comparator, transport=True, redraw_ms=16,
                                help_text=COMPARATOR_HELP), comparator.title),
                (ExperimentHost(self.topic_id, coated, view=GenericView(coated)), coated.title),
                (ExperimentHost(self.topic_id, hotspots, view=self.hotspots), hotspots.title)]
