from workbench.topics.wok.panel import WokPanel

__all__ = ["WokPanel"]
