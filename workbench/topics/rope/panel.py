"""The spinning-rope panel: the steady shapes (instant solves: every change redraws at frame rate)
and the live bead chain (a simulation with the transport: ω, its ramp, damping, drag and the frame
reach the running chain; any other change restarts it), one page each."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.rope.chain_view import ChainView
from workbench.topics.rope.steady_view import SteadyView

REPAINT_MS = 17  # ≤ 60 Hz: a drag of ω redraws at frame rate
CHAIN_HELP = ("<b>Live bead chain.</b> Press Play to spin the rope. ω, its ramp, damping, drag and the frame "
              "act on the running rope (live); any other change restarts it.")


class RopePanel(TopicPanel):
    def build_pages(self):
        steady, chain = self.experiments
        self.steady = SteadyView()
        self.chain = ChainView()
        return [(ExperimentHost(self.topic_id, steady, view=self.steady, status_line=True, redraw_ms=REPAINT_MS),
                 steady.title),
                (ExperimentHost(self.topic_id, chain, view=self.chain, transport=True, restart_on_change=True,
                                redraw_ms=REPAINT_MS, help_text=CHAIN_HELP), chain.title)]

    def shutdown(self) -> bool:
        self.steady._spin_timer.stop()  # noqa: SLF001
        return super().shutdown()
