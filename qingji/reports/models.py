"""Checkpoints of the summary computation: each unit's grouped figures as of chosen days, kept exact.

The summary as of day D is, for every unit, the unit's checkpoint of the latest checkpoint day C <= D plus
what changed between C and D (reports/checkpoints.py). A checkpoint row holds what the summary's grouped
queries return for one handling unit as of the end of `day`, for every case (`scope` "all") or for one
campaign's cases (`scope` "campaign:<id>"): a province's day is a few hundred small rows.

Database triggers (migration 0003) keep them honest without making any writer wait: a change to a status
period, to a case's unit, source, key supervision, registration date, deadline, category or flags, to a
review, its accountability or its matter, to judicial aid, to the work log, or to a campaign's membership
that touches a day at or before the checkpoints' horizon records the units whose figures it changes, and
from which day, in `StaleUnit`. The summary counts those units in full (a unit's count is small) and every
other unit from its checkpoint, so one back-dated edit costs one unit's count, not months of history;
`checkpoints.maintain()` (run by the server right after such a write, and by the daily refresh) recomputes
the stale units' rows and clears their marks.
"""

from django.db import models


class SummaryCheckpoint(models.Model):
    """One handling unit's grouped figures for one scope as of the end of `day` (checkpoints.Figures.dump)."""

    scope = models.CharField(max_length=24)
    day = models.DateField()
    unit = models.BigIntegerField()  # the handling unit's id (no foreign key: a deleted unit's rows go stale)
    # [source, handling unit id, status, method, cases, key-supervision cases, overdue cases]
    groups = models.JSONField(default=list)
    # [handling unit id, grade, reviewed matters, with accountability]
    reviews = models.JSONField(default=list)
    # [handling unit id, cases with judicial aid, amount as a decimal string]
    aid = models.JSONField(default=list)
    # [category id or null, handling unit id, cases, settled cases]
    categories = models.JSONField(default=list)
    # [handling unit id, cases carrying each flag of ledger.models.CASE_FLAGS in that order]
    flags = models.JSONField(default=list)
    # [handling unit id, work kind, work-log entries]
    work = models.JSONField(default=list)
    # [cases, settled cases], for the trends, which read many days.
    totals = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "day", "unit"], name="checkpoint_scope_day_unit")]
        indexes = [models.Index(fields=["scope", "unit", "day"], name="checkpoint_scope_unit_day")]


class CheckpointState(models.Model):
    """Per scope: the days that have checkpoints (`days`, ISO dates, ascending), and the horizon: the latest day
    a checkpoint is built or being built for. The triggers mark changes that reach back to the horizon."""

    scope = models.CharField(max_length=24, unique=True)
    days = models.JSONField(default=list)
    horizon = models.DateField(null=True)
    refreshed_at = models.DateTimeField(null=True)


class StaleUnit(models.Model):
    """A unit whose checkpoints from `since` on are stale in `scope` ("" for every scope), written by the
    triggers; `generation` grows with every mark, so that a recomputation clears only the marks it saw."""

    scope = models.CharField(max_length=24, blank=True)
    unit = models.BigIntegerField()
    since = models.DateField()
    generation = models.BigIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "unit"], name="staleunit_scope_unit")]
