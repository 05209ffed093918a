"""The audit log's CSV export keeps formula-like text inert in a spreadsheet, as the workbooks do, and leaves
empty cells empty."""

import csv
import io

import pytest
from django.urls import reverse

from qingji.audit.services import audit_log
from qingji.security.audit_views import COLUMNS

pytestmark = pytest.mark.django_db


def test_the_csv_export_neutralises_formula_text_and_keeps_empty_cells_empty(client, users, login):
    # A sign-in attempt's username is whatever was typed: the lockout writes it to the log as is.
    for typed in ("\t=HYPERLINK(\"http://x\")", "\r=1+2", "-3", "@SUM(A1)", "plain"):
        audit_log(actor=None, action="auth.locked_out", object_type="account", object_repr=typed)
    login(users["auditor"])
    export = client.get(reverse("security:audit_export", args=["csv"]), {"action": "auth.locked_out"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"), newline="")))[1:]
    column = {name: i for i, name in enumerate(COLUMNS)}
    objects = sorted(row[column["object_repr"]] for row in rows)
    assert objects == sorted(["'\t=HYPERLINK(\"http://x\")", "'\r=1+2", "'-3", "'@SUM(A1)", "plain"])
    for row in rows:
        user, object_id, unit, ip = (row[column[c]] for c in ("actor_name", "object_id", "org_code", "ip"))
        assert (user, object_id, unit, ip) == ("", "", "", "")
