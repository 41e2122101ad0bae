"""The batchnorm topic panel (a package: one module per view; the panel is imported on first use,
so a single view can be imported without the others)."""


def __getattr__(name):
    if name == "BatchNormPanel":
        from workbench.topics.batchnorm.panel import BatchNormPanel

        return BatchNormPanel
    raise AttributeError(name)


__all__ = ["BatchNormPanel"]
