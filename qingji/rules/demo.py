"""The demo city's own rules: the city committee reports every half month (the seeds' justice bureau does), so
the rules page shows a value that is not the default and where it comes from."""

from qingji.organisations.models import Org
from qingji.rules.services import rule_set


def load() -> None:
    rule_set(actor=None, org=Org.objects.get(code="QH-ZFW"), key="bulletin.cadence", value="half_monthly",
             reason="市委政法委：专项活动期间每半个月通报一次化解进展")
