"""The action plan workflow: every status and transition, in one place.

    draft ──submit──> submitted ──company_validate──> company_validated ──validate──> validated
      ↑                   │                                  │
      └─ returned <───return (with a reason) ────────────────┘
    returned ──submit──> submitted

The firm and its expert prepare the plan (draft, or returned for changes) and submit it;
the firm validates it; a manager of the firm's region validates it, which moves the firm's
journey to "action plan validated" (`services.plan_validate`). A status changes only
through `plan_transition`, which locks the row, checks the source status and writes an
audit event (who, when, from, to, why).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.core.workflow import status_record

from .enums import PlanStatus as S
from .models import ActionPlan


class PlanError(Exception):
    """An operation on an action plan that is refused; the message says why (translated)."""


class WorkflowError(PlanError):
    """A transition that is not possible now."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: str | Promise
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, _("Submit for validation")
        ),
        Transition(
            "company_validate",
            frozenset({S.SUBMITTED}),
            S.COMPANY_VALIDATED,
            _("Validate for the firm"),
        ),
        Transition(
            "validate", frozenset({S.COMPANY_VALIDATED}), S.VALIDATED, _("Validate the plan")
        ),
        Transition(
            "return",
            frozenset({S.SUBMITTED, S.COMPANY_VALIDATED}),
            S.RETURNED,
            _("Return for changes"),
            needs_reason=True,
        ),
    )
}


def blocking_reason(plan: ActionPlan, transition: Transition) -> str | None:
    if plan.status not in transition.sources:
        return str(_("Not possible while the plan is “%(status)s”.")) % {
            "status": plan.get_status_display()
        }
    return None


@transaction.atomic
def plan_transition(
    *, plan: ActionPlan, name: str, actor: Any, reason: str = "", fields: tuple[str, ...] = ()
) -> ActionPlan:
    """Move a plan to its next status, or raise WorkflowError with the reason.

    The row is locked (SELECT … FOR UPDATE on PostgreSQL): two people validating at once
    cannot both pass the status check. `fields` are other fields the caller set on `plan`
    (dates, who validated) that are saved with the status.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise WorkflowError(f"unknown transition {name!r}")
    reason = reason.strip()
    if spec.needs_reason and not reason:
        raise WorkflowError(str(_("A reason is required for “%(label)s”.")) % {"label": spec.label})
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    problem = blocking_reason(locked, spec)
    if problem:
        raise WorkflowError(problem)
    for field in fields:
        setattr(locked, field, getattr(plan, field))
    status_record(
        locked,
        target=spec.target,
        verb=f"actionplan.{spec.name}",
        actor=actor,
        reason=reason,
        region_code=locked.region.code,
        fields=fields,
    )
    plan.status = locked.status
    return plan
