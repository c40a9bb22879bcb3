from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.companies.enums import JourneyState
from essor.core.models import AuditEvent

register = template.Library()

VERB_LABELS: dict[str, str | Promise] = {
    "company.create": _("record created"),
    "company.update": _("record updated"),
    "company.import": _("record imported"),
    "establishment.add": _("establishment added"),
    "contact.add": _("contact added"),
    "contact.erase": _("contact erased"),
    "contact.export": _("contact data exported"),
    "company.needs": _("needs for the choice of an expert updated"),
}


def _state(value: object) -> str:
    try:
        return str(JourneyState(str(value)).label)
    except ValueError:
        return str(value)


@register.filter
def describe_event(event: AuditEvent) -> str:
    """A timeline line: the state change (translated) or what happened to the record."""
    before = (event.before or {}).get("state")
    after = (event.after or {}).get("state")
    if before and after:
        return f"{_state(before)} → {_state(after)}"
    return str(VERB_LABELS.get(event.verb, event.verb))
