"""Print EXPLAIN ANALYZE of the summary's full grouped query (without checkpoints) as the ORM writes it
(a development aid)."""

import sys

from bench import setup_django

setup_django()
import datetime as dt  # noqa: E402

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from qingji.ledger.models import OPEN_STATUSES  # noqa: E402
from qingji.organisations.models import Org  # noqa: E402
from qingji.reports.selectors import periods_as_of, scoped_cases, unit_ids  # noqa: E402

org = Org.objects.get(code=sys.argv[1])
day = dt.date.fromisoformat(sys.argv[2])
scoped = scoped_cases(units=unit_ids(org), as_of=day)
qs = (periods_as_of(scoped, day).values("case__source", "case__handling_org_id", "status", "method")
      .annotate(n=Count("id"), key=Count("id", filter=~Q(case__key_supervision="")),
                overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, case__deadline__lt=day))).order_by())
sql, params = qs.query.sql_with_params()
prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
with connection.cursor() as cursor:
    cursor.execute(prefix + sql, params)
    for row in cursor.fetchall():
        print(*row)
