"""The two workflows of the experts capability, each in one place: referencing and missions.

Referencing (an expert's `status`):
    application → under review → referenced ⇄ suspended; refused from application or review;
    withdrawn from any state but refused. Decided by a national admin or a regional manager
    of the expert's region (`perms.can_decide_referencing`); suspending, withdrawing and
    refusing need a reason. Referencing grants the user the expert role; withdrawing
    revokes it. Suspending or withdrawing declines the expert's missions not yet accepted,
    so that their firms can be matched again.

Missions (a mission's `status`):
    proposed → accepted or declined (by the expert) → done (accepted missions only).
    Accepting needs a referenced expert. Accepting a diagnostic mission moves an eligible
    firm to "diagnostic scheduled" on its journey (`essor.companies.journey`).

States change only through `referencing_apply` and `mission_apply`; each transition is
guarded and writes an audit event (who, when, from, to, why).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.accounts.enums import Role
from essor.companies.enums import JourneyState
from essor.core.workflow import status_record

from .enums import ExpertStatus as E
from .enums import MissionKind
from .enums import MissionStatus as M
from .models import ExpertProfile, Mission


class WorkflowError(Exception):
    """A transition that is not allowed now; the message says why, in the user's language."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: str | Promise
    needs_reason: bool = False


def _table(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


REFERENCING: dict[str, Transition] = _table(
    Transition("start_review", frozenset({E.APPLICATION}), E.UNDER_REVIEW, _("Start the review")),
    Transition("reference", frozenset({E.UNDER_REVIEW}), E.REFERENCED, _("Reference the expert")),
    Transition(
        "refuse",
        frozenset({E.APPLICATION, E.UNDER_REVIEW}),
        E.REFUSED,
        _("Refuse the application"),
        needs_reason=True,
    ),
    Transition("suspend", frozenset({E.REFERENCED}), E.SUSPENDED, _("Suspend"), needs_reason=True),
    Transition("reinstate", frozenset({E.SUSPENDED}), E.REFERENCED, _("Reinstate")),
    Transition(
        "withdraw",
        frozenset({E.APPLICATION, E.UNDER_REVIEW, E.REFERENCED, E.SUSPENDED}),
        E.WITHDRAWN,
        _("Withdraw from the programme"),
        needs_reason=True,
    ),
)

MISSION: dict[str, Transition] = _table(
    Transition("accept", frozenset({M.PROPOSED}), M.ACCEPTED, _("Accept")),
    Transition("decline", frozenset({M.PROPOSED}), M.DECLINED, _("Decline")),
    Transition("complete", frozenset({M.ACCEPTED}), M.DONE, _("Mark as done")),
)

# Transitions of a mission that only its expert takes (the others: expert or manager).
EXPERT_ONLY = frozenset({"accept", "decline"})

ExpertGuard = Callable[[ExpertProfile], str | None]


def _ready_to_be_referenced(expert: ExpertProfile) -> str | None:
    """Rule: a referenced expert covers at least one department and declares one skill,
    otherwise matching could never propose them and the referencing would mean nothing."""
    problems = []
    if not expert.departments.exists():
        problems.append(str(_("no department covered")))
    if not expert.skills.exists():
        problems.append(str(_("no skill declared")))
    if expert.capacity < 1:
        problems.append(str(_("capacity is zero")))
    if problems:
        return str(_("The profile is not complete: %(problems)s.")) % {
            "problems": ", ".join(problems)
        }
    return None


_REFERENCING_GUARDS: dict[str, list[ExpertGuard]] = {
    "reference": [_ready_to_be_referenced],
    "reinstate": [_ready_to_be_referenced],
}


def _check_reason(spec: Transition, reason: str) -> None:
    if spec.needs_reason and not reason:
        raise WorkflowError(str(_("A reason is required for “%(label)s”.")) % {"label": spec.label})


def referencing_blocking_reasons(expert: ExpertProfile, spec: Transition) -> list[str]:
    reasons = []
    if expert.status not in spec.sources:
        reasons.append(
            str(_("Not possible from the state “%(state)s”."))
            % {"state": expert.get_status_display()}
        )
    for guard in _REFERENCING_GUARDS.get(spec.name, []):
        reason = guard(expert)
        if reason:
            reasons.append(reason)
    return reasons


def referencing_available(expert: ExpertProfile) -> list[Transition]:
    """The referencing decisions possible now (offered on the expert's page)."""
    return [t for t in REFERENCING.values() if expert.status in t.sources]


@transaction.atomic
def referencing_apply(
    *, expert: ExpertProfile, transition: str, actor: Any, reason: str = ""
) -> ExpertProfile:
    """Move an expert along the referencing workflow, or raise WorkflowError with the reason."""
    spec = REFERENCING.get(transition)
    if spec is None:
        raise WorkflowError(f"unknown transition {transition!r}")
    reason = reason.strip()
    locked = ExpertProfile.objects.select_for_update().select_related("region").get(pk=expert.pk)
    _check_reason(spec, reason)
    problems = referencing_blocking_reasons(locked, spec)
    if problems:
        raise WorkflowError(" ".join(problems))
    locked.status_changed_at = timezone.now()
    status_record(
        locked,
        target=spec.target,
        verb=f"expert.{spec.name}",
        actor=actor,
        reason=reason,
        region_code=locked.region.code,
        fields=["status_changed_at"],
    )
    _after_referencing(locked, spec, actor, reason)
    expert.status, expert.status_changed_at = locked.status, locked.status_changed_at
    return locked


def _after_referencing(expert: ExpertProfile, spec: Transition, actor: Any, reason: str) -> None:
    from essor.accounts.models import Membership
    from essor.accounts.services import membership_grant, membership_revoke

    if spec.target == E.REFERENCED:
        membership_grant(actor=actor, user=expert.user, role=Role.EXPERT, organisation=expert.firm)
    if spec.name in ("suspend", "withdraw"):
        for mission in expert.missions.filter(status=M.PROPOSED):
            mission_apply(
                mission=mission,
                transition="decline",
                actor=actor,
                reason=str(_("The expert was suspended or withdrawn: %(reason)s"))
                % {"reason": reason},
            )
    if spec.name == "withdraw":
        for membership in Membership.objects.filter(user=expert.user, role=Role.EXPERT):
            membership_revoke(actor=actor, membership=membership, reason=reason)


@transaction.atomic
def mission_apply(*, mission: Mission, transition: str, actor: Any, reason: str = "") -> Mission:
    """Move a mission along, or raise WorkflowError with the reason.

    The caller checks who may act (`perms.can_act_on_mission`).
    """
    spec = MISSION.get(transition)
    if spec is None:
        raise WorkflowError(f"unknown transition {transition!r}")
    reason = reason.strip()
    locked = (
        Mission.objects.select_for_update()
        .select_related("expert", "company", "region")
        .get(pk=mission.pk)
    )
    _check_reason(spec, reason)
    if locked.status not in spec.sources:
        raise WorkflowError(
            str(_("Not possible from the state “%(state)s”."))
            % {"state": locked.get_status_display()}
        )
    if spec.name == "accept" and not locked.expert.is_referenced:
        raise WorkflowError(
            str(_("Only a referenced expert can accept a mission; this profile is “%(status)s”."))
            % {"status": locked.expert.get_status_display()}
        )
    locked.status_changed_at = timezone.now()
    status_record(
        locked,
        target=spec.target,
        verb=f"mission.{spec.name}",
        actor=actor,
        reason=reason,
        region_code=locked.region.code,
        fields=["status_changed_at"],
    )
    if (
        spec.name == "accept"
        and locked.kind == MissionKind.DIAGNOSTIC
        and locked.company.state == JourneyState.ELIGIBLE
    ):
        _schedule_diagnostic(locked, actor)
    mission.status, mission.status_changed_at = locked.status, locked.status_changed_at
    return locked


def _schedule_diagnostic(mission: Mission, actor: Any) -> None:
    """The firm's diagnostic is scheduled once an expert accepts it (design.md §3)."""
    from essor.companies.journey import TransitionError, journey_apply

    # journey_apply locks the firm and re-checks its state: if it moved meanwhile (or a
    # guard refuses), the mission stays accepted and the journey is left as it is.
    with contextlib.suppress(TransitionError):
        journey_apply(
            company=mission.company,
            transition="schedule_diagnostic",
            actor=actor,
            reason=str(_("Diagnostic mission accepted by %(expert)s"))
            % {"expert": mission.expert.full_name},
            by_system=True,
        )
