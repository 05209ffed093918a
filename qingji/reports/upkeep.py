"""The checkpoints' upkeep inside the server (reports/checkpoints.py): a thread in each worker process of
`qingji serve` that recomputes the units a back-dated write marked stale within seconds of its commit, and
brings the checkpoints up to yesterday once a day. One upkeep runs at a time across the workers and
processes (the checkpoints' upkeep lock): the others skip their turn. The figures are exact without it; it
keeps them fast."""

import datetime as dt
import logging
import threading
import time

from django.db import close_old_connections, connection
from django.utils import timezone

from qingji.reports import checkpoints
from qingji.reports.models import CheckpointState, StaleUnit

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0  # how often a worker looks for stale units
DAILY_CHECK_SECONDS = 60.0  # how often it asks whether yesterday's checkpoints are built

_wake = threading.Event()
_stop = threading.Event()
_started = threading.Lock()
_thread: threading.Thread | None = None


def start() -> None:
    """Start this process's upkeep thread (once)."""
    global _thread
    with _started:
        if _thread is None:
            _stop.clear()
            _thread = threading.Thread(target=_run, name="qingji-upkeep", daemon=True)
            _thread.start()


def stop() -> None:
    """Stop the thread after its current turn (and close its connection)."""
    global _thread
    with _started:
        if _thread is not None:
            _stop.set()
            _wake.set()
            _thread.join()
            _thread = None


def wake() -> None:
    """Look for stale units now rather than at the next poll (after an import in this process)."""
    _wake.set()


def _run() -> None:
    checked = 0.0
    while not _stop.is_set():
        _wake.wait(POLL_SECONDS)
        _wake.clear()
        if _stop.is_set():
            break
        try:
            close_old_connections()
            if time.monotonic() - checked >= DAILY_CHECK_SECONDS:
                checked = time.monotonic()
                if refresh_due():
                    checkpoints.refresh(wait=False)
            if StaleUnit.objects.exists():
                checkpoints.maintain(wait=False)
        except Exception:  # the next turn tries again; the figures stay exact meanwhile
            log.exception("checkpoint upkeep failed")
            connection.close()
        finally:
            close_old_connections()  # kept for CONN_MAX_AGE (PostgreSQL), closed at once on SQLite
    connection.close()


def refresh_due(today: dt.date | None = None) -> bool:
    """Whether the checkpoints of every case reach yesterday."""
    yesterday = (today or timezone.localdate()) - dt.timedelta(days=1)
    horizon = CheckpointState.objects.filter(scope="all").values_list("horizon", flat=True).first()
    return horizon is None or horizon < yesterday
