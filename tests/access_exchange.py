"""数据交换 in the access matrix."""

from tests.access import Route

IMPORTERS = frozenset({"committee", "court", "court_a", "court_b", "police", "outsider", "province"})
EXPORTERS = IMPORTERS | {"committee_lead", "court_a_lead"}

ROUTES = [
    Route("exchange:import", IMPORTERS),
    Route("exchange:import_confirm", IMPORTERS, method="post"),
    # Without an uploaded workbook in the session there is nothing to mark: 404 for everyone.
    Route("exchange:import_marked", frozenset()),
    Route("exchange:template", IMPORTERS),
    Route("exchange:export_ledger", EXPORTERS),
]
