"""What the dashboard shows. Panels come from the apps that own the figures."""

from qingji.organisations.selectors import visible_orgs


def dashboard_context(user) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"unit_count": visible_orgs(user).count()}
