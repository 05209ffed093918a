"""The raw-SQL floors: hand-written SQL giving the same rows as the page or report, run on the
same database through the bare DB-API cursor (no ORM, no template, no middleware)."""

import datetime as dt

from django.db import connection

from qingji.ledger.models import OPEN_STATUSES
from qingji.organisations.models import Org

SORT_SQL = {
    "-registered_on": "c.registered_on DESC, c.id DESC",
    "deadline": "c.deadline ASC, c.id ASC",
}


def _scope(org: Org) -> tuple[str, list[object]]:
    """organisations.selectors.org_scope_q in SQL: the unit ids are read first and written into the
    query as a list (as the ledger page does; with a subquery SQLite sorts the whole scope)."""
    sql = "SELECT o.id FROM organisations_org o WHERE o.path LIKE %s"
    params: list[object] = [org.path + "%"]
    if org.is_committee and org.region_code:
        sql += " OR o.region_code LIKE %s"
        params.append(org.region_prefix + "%")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    return f"c.handling_org_id IN ({', '.join('%s' for _ in ids)})", list(ids)


def ledger_page(org: Org, *, statuses: list[str] | None = None, sources: list[str] | None = None,
                q: str = "", sort: str = "-registered_on", page: int = 1, page_size: int = 50) -> tuple[int, int]:
    """COUNT(*), the page of cases with their unit, category and lead official, and the petitioners' names."""
    where, params = _scope(org)
    conditions = [where]
    if statuses:
        conditions.append(f"c.status IN ({', '.join('%s' for _ in statuses)})")
        params += statuses
    if sources:
        conditions.append(f"c.source IN ({', '.join('%s' for _ in sources)})")
        params += sources
    if q:
        conditions.append("c.search_text LIKE %s")
        params.append(f"%{q}%")
    where_sql = " AND ".join(f"({c})" for c in conditions)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ledger_case c WHERE {where_sql}", params)
        total = cursor.fetchone()[0]
        pages = max(1, -(-total // page_size))
        page = min(page, pages)
        cursor.execute(
            "SELECT c.id, c.ledger_no, c.summary, c.source, c.registered_on, c.deadline, c.status, c.key_supervision, "
            "c.beijing_petition, c.provincial_petition, c.repeat_petition, c.cross_jurisdiction, "
            "c.discipline_related, c.group_petition, u.code, u.name, k.name, f.name "
            "FROM ledger_case c JOIN organisations_org u ON u.id = c.handling_org_id "
            "LEFT JOIN ledger_category k ON k.id = c.category_id "
            "LEFT JOIN ledger_responsibility r ON r.case_id = c.id "
            "LEFT JOIN organisations_official f ON f.id = r.lead_official_id "
            f"WHERE {where_sql} ORDER BY {SORT_SQL[sort]} LIMIT %s OFFSET %s",
            [*params, page_size, (page - 1) * page_size])
        rows = cursor.fetchall()
        ids = [r[0] for r in rows]
        if ids:
            cursor.execute(
                "SELECT cp.case_id, p.name FROM ledger_casepetitioner cp JOIN ledger_petitioner p "
                f"ON p.id = cp.petitioner_id WHERE cp.case_id IN ({', '.join('%s' for _ in ids)}) "
                "ORDER BY cp.position", ids)
            cursor.fetchall()
    return total, len(rows)


def summary(org: Org, as_of: dt.date) -> int:
    """The summary's GROUP BY over the status periods in force at the end of `as_of`, aid and reviews."""
    where, params = _scope(org)
    open_list = ", ".join("%s" for _ in OPEN_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.source, c.handling_org_id, p.status, p.method, COUNT(*), "
            "SUM(CASE WHEN c.key_supervision <> '' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN p.status IN ({open_list}) AND c.deadline < %s THEN 1 ELSE 0 END) "
            "FROM ledger_statusperiod p JOIN ledger_case c ON c.id = p.case_id "
            f"WHERE {where} AND c.registered_on <= %s AND p.valid_from <= %s "
            "AND (p.valid_to IS NULL OR p.valid_to > %s) "
            "GROUP BY c.source, c.handling_org_id, p.status, p.method",
            [*OPEN_STATUSES, as_of, *params, as_of, as_of, as_of])
        groups = cursor.fetchall()
        cursor.execute(
            "SELECT COUNT(DISTINCT a.case_id), SUM(a.amount) FROM ledger_judicialaid a JOIN ledger_case c "
            f"ON c.id = a.case_id WHERE {where} AND c.registered_on <= %s AND a.date <= %s",
            [*params, as_of, as_of])
        cursor.fetchall()
        cursor.execute(
            "SELECT r.grade, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM reviews_accountabilityaction x "
            "WHERE x.review_id = r.id) THEN 1 ELSE 0 END) FROM reviews_qualityreview r "
            "JOIN ledger_underlyingmatter m ON m.id = r.matter_id JOIN ledger_case c ON c.id = m.case_id "
            f"WHERE {where} AND c.registered_on <= %s AND r.reviewed_on <= %s GROUP BY r.grade",
            [*params, as_of, as_of])
        cursor.fetchall()
    return sum(g[4] for g in groups)
