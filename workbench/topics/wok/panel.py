"""The wok panel: the material-and-source comparator, the three-step routine by hand, the coated-pan
timer (seconds to the coating's limits against power) and the hot spots of every material."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.wok.coated_view import CoatedView
from workbench.topics.wok.comparator_view import ComparatorView
from workbench.topics.wok.hotspots_view import HotspotsView
from workbench.topics.wok.routine_view import RoutineView

COMPARATOR_HELP = ("<b>Material and source.</b> A pan heats from cold on the chosen source. The wall is thin, so "
                   "it has one temperature per ring along its meridian; heat spreads along it about √(kt/h) "
                   "before convection and radiation take it. The dashed lines are the oil smoke point and the "
                   "PTFE limits.")

ROUTINE_HELP = ("<b>Three-step routine.</b> Press Run: the wok heats dry and the clock takes the steps — oil "
                "at <i>preheat_to</i>, then the heat off (home) or the hot oil swapped for cold (restaurant), "
                "then the food, which cooks for <i>food_seconds</i>. Take a step yourself with its button "
                "(past 193 °C a drop of water would skitter) and from then on the steps wait for you "
                "(<i>manual</i>). The read-out gives the contact temperature, whether the food stews, sears "
                "or burns, and how far the pan falls under the food.")


class WokPanel(TopicPanel):
    def build_pages(self):
        comparator, routine, coated, hotspots = self.experiments
        self.comparator, self.routine, self.hotspots = ComparatorView(), RoutineView(), HotspotsView()
        routine_host = ExperimentHost(self.topic_id, routine, view=self.routine, transport=True, redraw_ms=16,
                                      help_text=ROUTINE_HELP)
        self.routine.stepRequested.connect(
            lambda: routine_host.set_values({"clicks": routine_host.values()["clicks"] + 1, "manual": True},
                                            "next step"))
        return [(ExperimentHost(self.topic_id, comparator, view=self.comparator, transport=True, redraw_ms=16,
                                help_text=COMPARATOR_HELP), comparator.title),
                (routine_host, routine.title),
                (ExperimentHost(self.topic_id, coated, view=CoatedView()), coated.title),
                (ExperimentHost(self.topic_id, hotspots, view=self.hotspots), hotspots.title)]
