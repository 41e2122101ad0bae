"""The vae_ib topic panel (a package: one module per view)."""
from workbench.topics.vae_ib.panel import VaeIbPanel

__all__ = ["VaeIbPanel"]
