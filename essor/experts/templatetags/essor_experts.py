from django import template
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from essor.core.formatting import format_thousands
from essor.core.models import AuditEvent
from essor.experts.enums import ExpertStatus, MissionStatus
from essor.experts.skills import skill_title as _skill_title

register = template.Library()


@register.filter
def skill_title(skill_id: str) -> str:
    """A skill id shown by its title in the active language."""
    return _skill_title(str(skill_id), get_language() or "fr")


@register.filter
def skill_titles(skill_ids: list[str]) -> str:
    language = get_language() or "fr"
    return "; ".join(_skill_title(str(s), language) for s in skill_ids) or "—"


@register.filter
def cost(units: int | None) -> str:
    """An integer matching cost (1 unit = 0.01 of cost, matching-format.md §1) as a decimal."""
    if units is None:
        return "—"
    language = get_language() or "fr"
    whole, rest = divmod(abs(int(units)), 100)
    sign = "-" if int(units) < 0 else ""
    mark = "," if language.startswith("fr") else "."
    return f"{sign}{format_thousands(whole, language)}{mark}{rest:02d}"


@register.filter
def km(value: float | None) -> str:
    if value is None:
        return "—"
    language = get_language() or "fr"
    return f"{format_thousands(round(float(value)), language)}\u00a0km"


VERB_LABELS: dict[str, str | Promise] = {
    "expert.apply": _("application recorded"),
    "expert.update": _("profile updated"),
    "expert.skills": _("skills updated"),
    "expert.conflict_declare": _("conflict of interest declared"),
    "expert.conflict_withdraw": _("conflict of interest withdrawn"),
    "expert.erase": _("personal data erased"),
    "mission.propose": _("mission proposed"),
    "mission.rate": _("mission rated"),
}


def _status(value: object) -> str:
    for enum in (ExpertStatus, MissionStatus):
        try:
            return str(enum(str(value)).label)
        except ValueError:
            continue
    return str(value)


@register.filter
def describe_expert_event(event: AuditEvent) -> str:
    """A timeline line: the status change (translated) or what happened to the profile."""
    before = (event.before or {}).get("status")
    after = (event.after or {}).get("status")
    if before and after:
        return f"{_status(before)} → {_status(after)}"
    return str(VERB_LABELS.get(event.verb, event.verb))
