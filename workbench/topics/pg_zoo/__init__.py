"""The policy-gradient / zeroth-order optimisation panel."""
from workbench.topics.pg_zoo.panel import PgZooPanel

__all__ = ["PgZooPanel"]
