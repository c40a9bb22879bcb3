from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.core.models import AuditEvent

register = template.Library()

VERB_LABELS: dict[str, str | Promise] = {
    "diagnostic.create": _("diagnostic opened"),
    "diagnostic.submit": _("diagnostic submitted"),
    "diagnostic.validate": _("diagnostic validated"),
    "diagnostic.reopen": _("diagnostic sent back to the expert"),
    "diagnostic.contact_request": _("the firm asked to be contacted"),
    "diagnostic.link": _("self-assessment recorded for the firm"),
}


@register.filter
def describe_diagnostic_event(event: AuditEvent) -> str:
    return str(VERB_LABELS.get(event.verb, event.verb))


@register.inclusion_tag("diagnostics/_company_section.html", takes_context=True)
def company_diagnostics(context: Any, company: Any) -> dict[str, Any]:
    """The diagnostics section of a company page: what the user may see, and what to do."""
    from essor.diagnostics import selectors
    from essor.diagnostics.perms import can_start_expert_diagnostic

    user = context["request"].user
    diagnostics = list(selectors.company_diagnostics(user=user, company=company)[:10])
    return {
        "company": company,
        "diagnostics": diagnostics,
        "can_start": can_start_expert_diagnostic(user, company)
        and bool(selectors.phases_open(company)),
    }


@register.filter
def localised(text: Any) -> str:
    """A référentiel text (language -> text) in the active language."""
    from essor.referentiel.texts import localised as pick

    return pick(text)
