"""Print EXPLAIN ANALYZE of the summary's grouped query as the ORM writes it (a development aid)."""

import sys

from bench import setup_django

setup_django()
import datetime as dt  # noqa: E402

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from qingji.ledger.models import OPEN_STATUSES, Case  # noqa: E402
from qingji.organisations.models import Org  # noqa: E402
from qingji.organisations.selectors import org_scope_q  # noqa: E402
from qingji.reports.selectors import scoped_cases  # noqa: E402

org = Org.objects.get(code=sys.argv[1])
day = dt.date.fromisoformat(sys.argv[2])
if "--list" in sys.argv:  # the scope as a literal list of unit ids, as the ledger page has it
    ids = list(Org.objects.filter(org_scope_q(org)).values_list("id", flat=True))
    scoped = Case.objects.filter(handling_org_id__in=ids, registered_on__lte=day)
else:
    scoped = scoped_cases(org=org, as_of=day)
in_force = Q(status_periods__valid_from__lte=day) & (
    Q(status_periods__valid_to__isnull=True) | Q(status_periods__valid_to__gt=day))
qs = (scoped.filter(in_force).values("source", "handling_org_id", "status_periods__status", "status_periods__method")
      .annotate(n=Count("status_periods__id"), key=Count("status_periods__id", filter=~Q(key_supervision="")),
                overdue=Count("status_periods__id",
                              filter=Q(status_periods__status__in=OPEN_STATUSES, deadline__lt=day))).order_by())
sql, params = qs.query.sql_with_params()
prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
with connection.cursor() as cursor:
    cursor.execute(prefix + sql, params)
    for row in cursor.fetchall():
        print(*row)
