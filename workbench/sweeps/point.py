"""A sweep point that also keeps its run's usual files (``--keep-runs``): ``main.py run``'s curves,
arrays and session.json under the point's own folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from engines.core.sweep_points import run_point


def run_and_keep(topic: str, experiment_id: str, params: dict[str, Any], keep_dir: str) -> dict[str, Any]:
    from workbench.core.recording import RunRecord
    from workbench.core.session import Session, topic_state, write_session

    record = RunRecord(topic, dict(params), experiment=experiment_id, spool=True)
    try:
        result = run_point(topic, experiment_id, params, on_frame=record.add)
        if result["status"] != "error":
            folder = Path(keep_dir)
            record.write(folder)
            session = Session(topics={topic: topic_state(params, experiment_id)}, active_topic=topic,
                              status="complete" if result["status"] == "ok" else "diverged")
            write_session(folder / "session.json", session)
    finally:
        record.close()
    return result
