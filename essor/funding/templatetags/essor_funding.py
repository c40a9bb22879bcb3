from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.core.models import AuditEvent
from essor.funding.enums import RequestStatus
from essor.funding.rules import DE_MINIMIS_CEILING_CENTS

register = template.Library()

VERB_LABELS: dict[str, str | Promise] = {
    "funding.request.create": _("request created"),
    "funding.request.update": _("request updated"),
    "funding.request.note": _("instruction notes updated"),
}


def _status(value: object) -> str:
    try:
        return str(RequestStatus(str(value)).label)
    except ValueError:
        return str(value)


@register.filter
def describe_request_event(event: AuditEvent) -> str:
    """A line of a request's timeline: the status change, or what happened to it."""
    before = (event.before or {}).get("status")
    after = (event.after or {}).get("status")
    if before and after:
        return f"{_status(before)} → {_status(after)}"
    return str(VERB_LABELS.get(event.verb, event.verb))


@register.filter
def percent_of(part: int | None, whole: int | None) -> int:
    """`part` as a whole percent of `whole`, bounded to [0, 100] (for progress bars)."""
    if not whole or part is None or whole <= 0:
        return 0
    return max(0, min(100, round(100 * part / whole)))


@register.inclusion_tag("funding/_company_section.html", takes_context=True)
def company_funding(context: dict[str, Any], company: Any) -> dict[str, Any]:
    """The financing section of a company page: the requests the viewer may open, the de
    minimis total of the undertaking, and the link to the firm's aid history."""
    from essor.funding import selectors
    from essor.funding.perms import can_file_request

    user = context["request"].user
    if not selectors.funding_company_list(user=user).filter(pk=company.pk).exists():
        return {"visible": False}
    used = selectors.de_minimis_used(company)
    requests = list(
        selectors.request_list(user=user).filter(company=company).order_by("-created_at", "-pk")[:5]
    )
    return {
        "visible": True,
        "company": company,
        "requests": requests,
        "de_minimis_cents": used,
        "room_cents": DE_MINIMIS_CEILING_CENTS - used,
        "can_file": can_file_request(user, company),
    }
