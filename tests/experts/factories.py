"""Experts and missions for the tests, written through the services as the platform would."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from essor.companies.models import Company
from essor.experts.enums import MissionKind
from essor.experts.models import ExpertProfile, Mission
from essor.experts.services import expert_apply, expert_skills_set, mission_propose
from essor.experts.workflow import referencing_apply
from essor.territories.models import Department
from tests.factories import UserFactory


def make_expert(
    *, user: Any = None, email: str | None = None, name: str = "Expert Test", home: str = "69",
    covers: Iterable[str] = ("69", "01", "38", "42"), skills: Mapping[str, int] | None = None,
    capacity: int = 3, referenced: bool = True, firm: Any = None,
) -> ExpertProfile:  # fmt: skip
    """A referenced expert (or a bare application with `referenced=False`)."""
    if user is None:
        user = UserFactory(**({"email": email} if email else {}), full_name=name)
    expert = expert_apply(
        actor=None,
        email=user.email,
        full_name=name,
        home_department=Department.objects.get(code=home),
        firm=firm,
        capacity=capacity,
        daily_rate_cents=95_000,
        departments=Department.objects.filter(code__in=list(covers)),
    )
    expert_skills_set(
        expert=expert,
        actor=None,
        levels=skills if skills is not None else {"automatisation-robotique": 3, "donnees-ia": 2},
    )
    if referenced:
        referencing_apply(expert=expert, transition="start_review", actor=None)
        referencing_apply(expert=expert, transition="reference", actor=None)
    return expert


def make_mission(
    expert: ExpertProfile, company: Company, kind: str = MissionKind.DIAGNOSTIC
) -> Mission:
    return mission_propose(actor=None, expert=expert, company=company, kind=kind)


# --------------------------------------------------------------------------- matrix targets
# Idempotent: the permission matrix asks for a target once per actor.

FOREIGN_EXPERT_EMAIL = "expert.b@example.fr"


def foreign_expert() -> ExpertProfile:
    """An expert based in region B (Bretagne) who covers region B only."""
    found = ExpertProfile.objects.filter(user__email=FOREIGN_EXPERT_EMAIL).first()
    return found or make_expert(
        email=FOREIGN_EXPERT_EMAIL, name="Expert Breton", home="29", covers=("29", "56", "22")
    )


def foreign_mission(company_b: Company) -> Mission:
    """A support mission of the region-B expert at company_b."""
    expert = foreign_expert()
    found = Mission.objects.filter(expert=expert, company=company_b).first()
    return found or make_mission(expert, company_b, kind=MissionKind.SUPPORT)
