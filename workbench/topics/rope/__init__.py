"""The spinning-rope topic panel (a package: the panel, and the live dynamics' plots in their own
module; the panel is imported on first use)."""


def __getattr__(name):
    if name == "RopePanel":
        from workbench.topics.rope.panel import RopePanel

        return RopePanel
    raise AttributeError(name)


__all__ = ["RopePanel"]
