"""The policy-gradient / zeroth-order panel: the estimator lab, the score-function bandit and
training a classifier for accuracy and the equivalence microscope (both in a child process)."""
from __future__ import annotations

from workbench.pages.experiment_host import ExperimentHost
from workbench.pages.panel import TopicPanel
from workbench.topics.pg_zoo.bandit_view import BanditView
from workbench.topics.pg_zoo.blackbox_view import BlackBoxView
from workbench.topics.pg_zoo.classifier_view import ClassifierView
from workbench.topics.pg_zoo.equivalence_view import EquivalenceView
from workbench.topics.pg_zoo.estimator_view import EstimatorView

ESTIMATOR_HELP = ("<b>Estimator lab.</b> Each estimate averages N perturbations "
                  "(f(x + εu) − b)·u/ε. With Gaussian u it is unbiased for the gradient of the smoothed "
                  "f_ε at every ε, also for the step and the accuracy. Watch what the baseline, ε and "
                  "central differences do to its second moment.")
BANDIT_HELP = ("<b>Score-function bandit.</b> REINFORCE's (r_y − b)(e_y − p) averages to the exact "
               "gradient p ⊙ (r − pᵀr) for every b, but its variance is a parabola in b. Its minimum is "
               "eq. 9's b*; the usual b = E_p[r] can be worse than none.")


CLASSIFIER_HELP = ("<b>Train for accuracy directly.</b> Six methods train one digits classifier "
                   "(linear, or with a hidden layer) from the same start on the same batches. The ZO methods score perturbed "
                   "weights by their accuracy: compare them against steps and against forward passes, "
                   "and watch how few perturbations change a prediction when ε is small.")


EQUIVALENCE_HELP = ("<b>Equivalence microscope.</b> The weights are frozen. The ZO gradient of the "
                    "accuracy is compared with the softmax policy gradient over (ε, τ): close where the "
                    "two scales match. With the probit policy the equivalence is exact, and the cosine "
                    "goes to 1 as the population grows.")


BLACKBOX_HELP = ("<b>ES vs gradient on a black box.</b> Gradient descent, zeroth-order steps and an "
                 "evolution strategy on the same start, each with its own Adam, measured in function "
                 "evaluations: a gradient by forward differences costs d + 1 of them.")


class PgZooPanel(TopicPanel):
    IN_PROCESS: bool | None = None  # None: as the experiment declares (training in a child process)

    def build_pages(self):
        estimator, bandit, classifier, equivalence, blackbox = self.experiments
        self.estimator, self.bandit, self.classifier = EstimatorView(), BanditView(), ClassifierView()
        self.equivalence = EquivalenceView()
        bandit_host = ExperimentHost(self.topic_id, bandit, view=self.bandit, transport=True, help_text=BANDIT_HELP)
        self.bandit.shiftRequested.connect(lambda amount: self._shift_rewards(bandit_host, amount))
        return [(ExperimentHost(self.topic_id, estimator, view=self.estimator, transport=True,
                                help_text=ESTIMATOR_HELP), estimator.title),
                (bandit_host, bandit.title),
                (ExperimentHost(self.topic_id, classifier, view=self.classifier, transport=True,
                                process=self.IN_PROCESS, help_text=CLASSIFIER_HELP), classifier.title),
                (ExperimentHost(self.topic_id, equivalence, view=self.equivalence, transport=True,
                                process=self.IN_PROCESS, help_text=EQUIVALENCE_HELP), equivalence.title),
                (ExperimentHost(self.topic_id, blackbox, view=BlackBoxView(), transport=True,
                                help_text=BLACKBOX_HELP), blackbox.title)]

    @staticmethod
    def _shift_rewards(host: ExperimentHost, amount: float) -> None:
        """The bandit's "r + c" buttons: one more constant on every reward, and a new run."""
        host.set_values({"shift": host.form.values()["shift"] + amount})
        host.start()
