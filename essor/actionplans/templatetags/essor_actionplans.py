from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.core.models import AuditEvent

register = template.Library()

VERB_LABELS: dict[str, str | Promise] = {
    "actionplan.create": _("plan opened from the diagnostic's priorities"),
    "actionplan.action.add": _("action added"),
    "actionplan.action.update": _("action changed"),
    "actionplan.action.remove": _("action removed"),
    "actionplan.submit": _("plan submitted for validation"),
    "actionplan.company_validate": _("plan validated by the firm"),
    "actionplan.validate": _("plan validated by the region"),
    "actionplan.return": _("plan returned for changes"),
    "actionplan.action.progress": _("progress of an action reported"),
}


@register.filter
def describe_plan_event(event: AuditEvent) -> str:
    label = str(VERB_LABELS.get(event.verb, event.verb))
    title = (event.after or event.before or {}).get("title")
    if not title:
        return label
    return str(_("%(what)s: %(title)s")) % {"what": label, "title": title}


@register.inclusion_tag("actionplans/_company_section.html", takes_context=True)
def company_action_plans(context: Any, company: Any) -> dict[str, Any]:
    """The action-plan section of a company page, for those who may see the firm's plans."""
    from essor.actionplans import selectors

    user = context["request"].user
    visible = selectors.plan_company_list(user=user).filter(pk=company.pk).exists()
    if not visible:
        return {"visible": False}
    rows = selectors.company_plan_rows(user=user, company=company, limit=5, buildable_limit=1)
    return {"visible": True, "company": company, "plans": rows.plans, "buildable": rows.buildable}


@register.inclusion_tag("actionplans/_diagnostic_link.html", takes_context=True)
def diagnostic_action_plan(context: Any, diagnostic: Any) -> dict[str, Any]:
    """On a validated diagnostic: its action plan, or the button that builds it."""
    from essor.actionplans import selectors
    from essor.actionplans.perms import can_create_plan
    from essor.diagnostics.enums import DiagnosticKind, DiagnosticStatus

    user = context["request"].user
    if diagnostic.kind != DiagnosticKind.EXPERT or diagnostic.status != DiagnosticStatus.VALIDATED:
        return {"show": False}
    plan = selectors.plan_list(user=user).filter(diagnostic=diagnostic).first()
    can_build = plan is None and can_create_plan(user, diagnostic)
    return {
        "show": plan is not None or can_build,
        "plan": plan,
        "can_build": can_build,
        "diagnostic": diagnostic,
    }
