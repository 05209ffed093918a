"""Guarded claims for periodic work: one conditional UPDATE decides which process runs a job, so two
`qingji remind --loop` processes never run the same day's scan twice."""

import datetime as dt

from django.db import IntegrityError, transaction

from qingji.supervision.models import ScheduledRun


def claim(name: str, *, now: dt.datetime, interval: dt.timedelta) -> bool:
    """True when this caller won the run due at `now`; the next run is then `interval` later."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(name=name, defaults={"next_run_at": now})
    except IntegrityError:
        pass
    won = ScheduledRun.objects.filter(name=name, next_run_at__lte=now).update(next_run_at=now + interval,
                                                                             last_run_at=now)
    return won == 1
