"""The company journey (design.md §3): every state and transition, in one place.

States change only through `journey_apply`. Each transition is guarded and writes an audit
event (who, when, from, to, why). Transitions marked `manual` are offered to regional
managers on the company page; the others are taken by the services of the capability that
owns the step (a validated diagnostic moves the firm to "diagnosed", a validated plan to
"action plan validated", a funding decision to "financing granted"...), so that no firm
reaches a step without the record that proves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.core.services import audit_record

from .enums import JourneyState as S
from .models import OPEN_STATES, Company


class TransitionError(Exception):
    """A transition that is not allowed now; the message says why."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: str | Promise
    manual: bool = True
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "confirm_eligible", frozenset({S.IDENTIFIED}), S.ELIGIBLE, _("Confirm eligibility")
        ),
        Transition(
            "declare_not_eligible",
            frozenset({S.IDENTIFIED, S.ELIGIBLE}),
            S.NOT_ELIGIBLE,
            _("Declare not eligible"),
            needs_reason=True,
        ),
        Transition(
            "schedule_diagnostic",
            frozenset({S.ELIGIBLE}),
            S.DIAGNOSTIC_SCHEDULED,
            _("Schedule the diagnostic"),
        ),
        Transition(
            "record_diagnosis",
            frozenset({S.DIAGNOSTIC_SCHEDULED}),
            S.DIAGNOSED,
            _("Diagnostic validated"),
            manual=False,
        ),
        Transition(
            "validate_plan",
            frozenset({S.DIAGNOSED}),
            S.PLAN_VALIDATED,
            _("Action plan validated"),
            manual=False,
        ),
        Transition(
            "request_financing",
            frozenset({S.PLAN_VALIDATED}),
            S.FINANCING_REQUESTED,
            _("Financing requested"),
            manual=False,
        ),
        Transition(
            "grant_financing",
            frozenset({S.FINANCING_REQUESTED}),
            S.FINANCING_GRANTED,
            _("Financing granted"),
            manual=False,
        ),
        Transition(
            "start_support",
            frozenset({S.PLAN_VALIDATED, S.FINANCING_GRANTED}),
            S.SUPPORT_UNDERWAY,
            _("Start the support"),
        ),
        Transition(
            "start_follow_up",
            frozenset({S.SUPPORT_UNDERWAY}),
            S.FOLLOW_UP,
            _("End the support, start the follow-up"),
        ),
        Transition("close", frozenset({S.FOLLOW_UP}), S.CLOSED, _("Close the journey")),
        Transition(
            "withdraw",
            frozenset(OPEN_STATES),
            S.WITHDRAWN,
            _("Withdraw (the firm leaves the programme)"),
            needs_reason=True,
        ),
    )
}

Guard = Callable[[Company], str | None]
_GUARDS: dict[str, list[Guard]] = {}
Effect = Callable[[Company, Any], None]
_EFFECTS: dict[str, list[Effect]] = {}


def register_guard(transition: str, guard: Guard) -> None:
    """Add a precondition to a transition; the guard returns None or the reason it refuses.

    Capabilities that land later register theirs (e.g. "no support without a validated plan").
    """
    if transition not in TRANSITIONS:
        raise KeyError(f"unknown transition {transition!r}")
    if guard not in _GUARDS.setdefault(transition, []):
        _GUARDS[transition].append(guard)


def register_effect(transition: str, effect: Effect) -> None:
    """Run `effect(company, actor)` after a transition, in the same database transaction
    (e.g. the follow-up schedules the T1 diagnostic and the impact survey)."""
    if transition not in TRANSITIONS:
        raise KeyError(f"unknown transition {transition!r}")
    if effect not in _EFFECTS.setdefault(transition, []):
        _EFFECTS[transition].append(effect)


def _eligibility_guard(company: Company) -> str | None:
    from .services import company_eligibility

    reasons = company_eligibility(company)
    if reasons:
        return str(_("The firm does not meet the programme's rules: %(reasons)s")) % {
            "reasons": "; ".join(str(r) for r in reasons)
        }
    return None


register_guard("confirm_eligible", _eligibility_guard)


def blocking_reasons(company: Company, transition: Transition) -> list[str]:
    reasons = []
    if company.state not in transition.sources:
        reasons.append(
            str(_("Not possible from the state “%(state)s”."))
            % {"state": company.get_state_display()}
        )
    for guard in _GUARDS.get(transition.name, []):
        reason = guard(company)
        if reason:
            reasons.append(reason)
    return reasons


def available_transitions(company: Company) -> list[Transition]:
    """The manual transitions possible now (what the company page offers)."""
    return [
        t
        for t in TRANSITIONS.values()
        if t.manual and company.state in t.sources and not blocking_reasons(company, t)
    ]


@transaction.atomic
def journey_apply(
    *, company: Company, transition: str, actor: Any, reason: str = "", by_system: bool = False
) -> Company:
    """Move a company along its journey, or raise TransitionError with the reason.

    The row is locked (SELECT … FOR UPDATE on PostgreSQL) so that two people acting at once
    cannot both move the firm from the same state.
    """
    spec = TRANSITIONS.get(transition)
    if spec is None:
        raise TransitionError(f"unknown transition {transition!r}")
    if not spec.manual and not by_system:
        raise TransitionError(
            str(_("“%(label)s” happens through its own step, not by hand.")) % {"label": spec.label}
        )
    reason = reason.strip()
    if spec.needs_reason and not reason:
        raise TransitionError(
            str(_("A reason is required for “%(label)s”.")) % {"label": spec.label}
        )
    locked = Company.objects.select_for_update().get(pk=company.pk)
    problems = blocking_reasons(locked, spec)
    if problems:
        raise TransitionError(" ".join(problems))
    before = locked.state
    locked.state = spec.target
    locked.state_changed_at = timezone.now()
    locked.save(update_fields=["state", "state_changed_at", "updated_at"])
    audit_record(
        actor=actor,
        verb=f"journey.{spec.name}",
        obj=locked,
        before={"state": before},
        after={"state": spec.target},
        reason=reason,
        region_code=locked.region.code,
    )
    for effect in _EFFECTS.get(spec.name, []):
        effect(locked, actor)
    company.state, company.state_changed_at = locked.state, locked.state_changed_at
    return locked
