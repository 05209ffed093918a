"""Checkpoints of the summary computation: its grouped figures as of chosen days, kept exact.

The summary as of day D is the checkpoint of the latest valid day C <= D plus the status periods that
changed between C and D (reports/checkpoints.py). A checkpoint holds what the summary's grouped query
returns, for every (source, handling unit, status, method): the cases, the key-supervision cases and
the overdue cases as of the end of `day`, for every case (`scope` "all") or for one campaign's cases
(`scope` "campaign:<id>"). One row a day, its groups as JSON: a province's day is a few thousand
groups, read whole and filtered to the units in scope in Python.

Database triggers (migrations 0001 and 0002) keep them honest: any change to a status period, to a case's
unit, source, key supervision, registration date, deadline, category or flags, to a review, its
accountability or its matter, to judicial aid, to the work log, or to a campaign's membership that touches a
day at or before the last checkpoint moves
`CheckpointState.dirty_from` back to that day, and the summary ignores checkpoints from `dirty_from` on
until `qingji report checkpoints` rebuilds them.
"""

from django.db import models


class SummaryCheckpoint(models.Model):
    """The summary's grouped figures for one scope as of the end of `day`: a list of
    [source, handling unit id, status, method, cases, key-supervision cases, overdue cases]."""

    scope = models.CharField(max_length=24)
    day = models.DateField()
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
    # Per handling unit id: [cases, settled cases], for the trends, which read many days.
    totals = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="checkpoint_scope_day")]


class CheckpointState(models.Model):
    """Per scope: checkpoints exist for days up to `built_through`; those on or after `dirty_from` are stale."""

    scope = models.CharField(max_length=24, unique=True)
    built_through = models.DateField(null=True)
    dirty_from = models.DateField(null=True)
    refreshed_at = models.DateTimeField(null=True)
