"""The multi-task loss weighting panel: the weighting arena (trained in a child process), the
power-mean dial, the Pareto playground and primary + auxiliary."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.multitask.arena_view import ArenaView
from workbench.topics.multitask.auxiliary_view import AuxiliaryView
from workbench.topics.multitask.pareto_view import ParetoView
from workbench.topics.multitask.power_mean_view import PowerMeanView

ARENA_HELP = ("<b>Weighting arena.</b> Every ticked rule trains its own copy of one shared-trunk network "
              "from the same start on the same batches. Task k's loss is multiplied by λ and offset by c. "
              "The invariance monitor re-runs each rule unstressed, with λ only, with c only, and from a "
              "start one rounding error away: a rule that ignores the stress drifts only like that control.")

AUXILIARY_HELP = ("<b>Primary + auxiliary.</b> One task is the goal, the other must not get worse. With noisy "
                  "labels the clean set is the auxiliary: the projection removes the part of the noisy "
                  "gradient that would raise the clean loss, masking drops the samples whose gradient "
                  "disagrees with it. “L2 without λ” treats ½‖θ‖² as the auxiliary: ‖θ‖ then stays near "
                  "its start, so the initial scale does λ's job.")


class MultitaskPanel(TopicPanel):
    IN_PROCESS: bool | None = None  # None: as the experiment declares (the arena in a child process)

    def build_pages(self):
        arena, power_mean, pareto, auxiliary = self.experiments
        self.arena, self.auxiliary = ArenaView(), AuxiliaryView()
        self.power_mean, self.pareto = PowerMeanView(), ParetoView()
        return [(ExperimentHost(self.topic_id, arena, view=self.arena, transport=True, process=self.IN_PROCESS,
                                redraw_ms=33, help_text=ARENA_HELP), arena.title),
                (self.power_mean, power_mean.title), (self.pareto, pareto.title),
                (ExperimentHost(self.topic_id, auxiliary, view=self.auxiliary, transport=True, redraw_ms=33,
                                help_text=AUXILIARY_HELP), auxiliary.title)]
