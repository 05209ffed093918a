"""gunicorn's hooks for `qingji serve` (`-c python:qingji.web.gunicorn_conf`)."""

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Each worker keeps the summary's checkpoints current in a background thread (reports/upkeep.py); one at a
    time does the work, the others skip their turn."""
    from qingji.reports import upkeep

    upkeep.start()
