"""The policy-gradient / zeroth-order panel: the estimator lab and the score-function bandit."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.pg_zoo.bandit_view import BanditView
from workbench.topics.pg_zoo.estimator_view import EstimatorView

ESTIMATOR_HELP = ("<b>Estimator lab.</b> Each estimate averages N perturbations "
                  "(f(x + εu) − b)·u/ε. With Gaussian u it is unbiased for the gradient of the smoothed "
                  "f_ε at every ε, also for the step and the accuracy. Watch what the baseline, ε and "
                  "central differences do to its second moment.")
BANDIT_HELP = ("<b>Score-function bandit.</b> REINFORCE's (r_y − b)(e_y − p) averages to the exact "
               "gradient p ⊙ (r − pᵀr) for every b, but its variance is a parabola in b. Its minimum is "
               "eq. 9's b*; the usual b = E_p[r] can be worse than none.")


class PgZooPanel(TopicPanel):
    def build_pages(self):
        estimator, bandit = self.experiments
        self.estimator, self.bandit = EstimatorView(), BanditView()
        return [(ExperimentHost(self.topic_id, estimator, view=self.estimator, transport=True,
                                help_text=ESTIMATOR_HELP), estimator.title),
                (ExperimentHost(self.topic_id, bandit, view=self.bandit, transport=True, help_text=BANDIT_HELP),
                 bandit.title)]
