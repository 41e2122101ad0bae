"""Time a training run on its panel as a user runs it: the panel shown, its curves live, the run in
the panel's own process setting; the rate counts from the first frame's creation to the last one's,
in the engine's clock, so it compares with the same run headless (``headless_created``)."""
from __future__ import annotations


def headless_created(run, values: dict) -> list[float]:
    """The creation times of every frame of ``run`` headless."""
    from engines.core.frame import RunContext

    return [frame.created for frame in run(values, RunContext.for_params(values))]


def panel_created(panel_class, engine, values: dict) -> list[float]:
    """The creation times of the frames the panel's main page received, for one run of ``values``."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841
    panel = panel_class(engine.__name__.rsplit(".", 1)[-1], engine)
    panel.resize(1400, 900)
    panel.show()
    host = panel.main
    created: list[float] = []
    original_take = host.view.take

    def timed_take(frames, params):
        created.extend(frame.created for frame in frames)
        original_take(frames, params)

    host.view.take = timed_take
    host.set_values(values)
    host.start()
    loop = QEventLoop()
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: loop.quit() if not host.is_running() else None)
    timer.start()
    loop.exec()
    panel.shutdown()
    return created


def rate(created: list[float], steps: int) -> float:
    return steps / (created[-1] - created[0])
