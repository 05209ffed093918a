from django import template
from django.http import QueryDict

register = template.Library()

STATUS_CLASSES = {
    "registered": "text-bg-secondary", "in_progress": "text-bg-primary", "closure_requested": "text-bg-warning",
    "closed_settled": "text-bg-success", "closed_unsettled": "text-bg-dark",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")


@register.simple_tag
def sort_query(query: str, key: str, current: str) -> str:
    """The query string that sorts by `key`, flipping direction when it is already the sort."""
    params = QueryDict(query, mutable=True)
    params["sort"] = f"-{key}" if current == key else key
    return params.urlencode()


@register.simple_tag
def page_query(query: str, number: int) -> str:
    params = QueryDict(query, mutable=True)
    params["page"] = str(number)
    return params.urlencode()


@register.filter
def deadline_state(case, today) -> str:  # type: ignore[no-untyped-def]
    if not case.deadline or not case.is_open:
        return ""
    days = (case.deadline - today).days
    if days < 0:
        return "overdue"
    return "due7" if days <= 7 else "on_time"
