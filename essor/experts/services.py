"""Writes for experts, conflicts, missions and ratings (every change audited).

Matching runs are written by `matching_service`. Status changes go through `workflow`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from essor.accounts.enums import Role
from essor.accounts.models import User
from essor.accounts.services import user_create
from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.companies.validation import FieldError, clean_siren
from essor.core.services import audit_record
from essor.territories.models import Department, Organisation

from . import adapter
from .enums import OPEN_MISSION_STATUSES, Language, MissionKind, MissionStatus
from .models import (
    CompanyNeed,
    ConflictDeclaration,
    ExpertProfile,
    ExpertSkill,
    MatchingRun,
    Mission,
    MissionRating,
)
from .skills import skill_ids


class ExpertError(ValueError):
    """A write refused for a reason the user can fix; the message says which."""


class AssignmentError(ExpertError):
    """An assignment that breaks a hard constraint (`adapter.assignment_problems`)."""


def _snapshot(expert: ExpertProfile) -> dict[str, Any]:
    return {
        "full_name": expert.full_name,
        "firm": expert.firm_id,
        "home_department": expert.home_department.code,
        "departments": sorted(expert.departments.values_list("code", flat=True)),
        "capacity": expert.capacity,
        "daily_rate_cents": expert.daily_rate_cents,
        "languages": list(expert.languages),
    }


def _clean_languages(languages: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(languages))
    unknown = [code for code in chosen if code not in Language.values]
    if unknown:
        raise ExpertError(_("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)})
    return chosen


@transaction.atomic
def expert_apply(
    *, actor: Any, email: str, full_name: str, home_department: Department,
    firm: Organisation | None = None, capacity: int = 3, daily_rate_cents: int | None = None,
    languages: Iterable[str] = ("fr",), departments: Iterable[Department] = (),
) -> ExpertProfile:  # fmt: skip
    """Record an application. The person's account is created if needed (they log in after
    a password reset); the expert role is granted only once referenced (`workflow`)."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(actor=actor, email=email, full_name=full_name.strip(), password=None)
    elif ExpertProfile.objects.filter(user=user).exists():
        raise ExpertError(_("This person already has an expert profile."))
    elif user.is_superuser or user.memberships.exclude(role=Role.EXPERT).exists():
        # An account that acts for a firm, a region or the programme is not turned into an
        # expert's by someone else's form: the person applies with another address.
        raise ExpertError(
            _(
                "%(email)s is the account of a user with another role in the programme: "
                "an expert applies with an address of their own."
            )
            % {"email": email}
        )
    expert = ExpertProfile.objects.create(
        user=user,
        full_name=full_name.strip(),
        firm=firm,
        home_department=home_department,
        region_id=home_department.region_id,
        capacity=capacity,
        daily_rate_cents=daily_rate_cents,
        languages=_clean_languages(languages),
    )
    expert.departments.set([home_department, *departments])
    audit_record(
        actor=actor,
        verb="expert.apply",
        obj=expert,
        after=_snapshot(expert),
        region_code=expert.region.code,
    )
    return expert


@transaction.atomic
def expert_update(
    *, expert: ExpertProfile, actor: Any, capacity: int, daily_rate_cents: int | None,
    languages: Iterable[str], departments: Iterable[Department],
    home_department: Department | None = None,
) -> ExpertProfile:  # fmt: skip
    """Change what the expert declares about themselves. The home department (and so the
    region, the tenancy key) changes only here, never directly."""
    departments = list(departments)
    if not departments:
        raise ExpertError(_("Cover at least one department."))
    if capacity > 50:
        raise ExpertError(_("A capacity above 50 missions at once is not plausible."))
    before = _snapshot(expert)
    expert.capacity = capacity
    expert.daily_rate_cents = daily_rate_cents
    expert.languages = _clean_languages(languages)
    if home_department is not None:
        expert.home_department = home_department
        expert.region_id = home_department.region_id
    expert.save()
    expert.departments.set(departments)
    after = _snapshot(expert)
    if after != before:
        audit_record(
            actor=actor,
            verb="expert.update",
            obj=expert,
            before=before,
            after=after,
            region_code=expert.region.code,
        )
    return expert


@transaction.atomic
def expert_skills_set(
    *, expert: ExpertProfile, actor: Any, levels: Mapping[str, int]
) -> ExpertProfile:
    """Replace the expert's skills by `levels` (skill id → level 1 to 3)."""
    known = skill_ids()
    unknown = sorted(set(levels) - known)
    if unknown:
        raise ExpertError(_("Unknown skill: %(ids)s.") % {"ids": ", ".join(unknown)})
    bad = sorted(skill for skill, level in levels.items() if level not in (1, 2, 3))
    if bad:
        raise ExpertError(_("A skill level is 1, 2 or 3."))
    before = dict(expert.skills.values_list("skill", "level"))
    if before == dict(levels):
        return expert
    expert.skills.all().delete()
    ExpertSkill.objects.bulk_create(
        ExpertSkill(expert=expert, skill=skill, level=level) for skill, level in levels.items()
    )
    audit_record(
        actor=actor,
        verb="expert.skills",
        obj=expert,
        before={"skills": before},
        after={"skills": dict(levels)},
        region_code=expert.region.code,
    )
    return expert


@transaction.atomic
def conflict_declare(
    *, expert: ExpertProfile, actor: Any, reason: str, siren: str = "", group_name: str = ""
) -> ConflictDeclaration:
    """Declare a conflict of interest with one firm (SIREN) or a group, with its reason."""
    reason = reason.strip()
    group_name = " ".join(group_name.split())
    if bool(siren.strip()) == bool(group_name):
        raise ExpertError(_("Name either one firm (its SIREN) or one group."))
    if not reason:
        raise ExpertError(_("Say why there is a conflict of interest."))
    if siren.strip():
        try:
            siren = clean_siren(siren)
        except FieldError as exc:
            raise ExpertError(str(exc)) from None
    conflict = ConflictDeclaration.objects.create(
        expert=expert, siren=siren.strip(), group_name=group_name[:200], reason=reason
    )
    audit_record(
        actor=actor,
        verb="expert.conflict_declare",
        obj=expert,
        after={"siren": conflict.siren, "group": conflict.group_name},
        reason=reason,
        region_code=expert.region.code,
    )
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: ConflictDeclaration, actor: Any) -> None:
    expert = conflict.expert
    audit_record(
        actor=actor,
        verb="expert.conflict_withdraw",
        obj=expert,
        before={"siren": conflict.siren, "group": conflict.group_name},
        reason=conflict.reason,
        region_code=expert.region.code,
    )
    conflict.delete()


def _conflict_for(expert: ExpertProfile, company: Company) -> ConflictDeclaration | None:
    key = adapter.group_key(company.group_name) if company.group_name.strip() else None
    for conflict in expert.conflicts.all():
        if conflict.siren and conflict.siren == company.siren:
            return conflict
        if key and conflict.group_name and adapter.group_key(conflict.group_name) == key:
            return conflict
    return None


def assignment_refusals(
    *, expert: ExpertProfile, company: Company, kind: str = MissionKind.DIAGNOSTIC,
    places_taken: int = 0, facts: tuple[adapter.ExpertFacts, adapter.FirmFacts] | None = None,
) -> list[str]:  # fmt: skip
    """Why this expert cannot be given this firm, in words (empty list: allowed).

    The solver's hard constraints (`matching-format.md` §1, `adapter.assignment_problems`),
    applied to a manual choice: referenced, covers the firm's department, no declared
    conflict of interest (refused with the declared reason), has not declined this firm's
    diagnostic, has a place left (open missions plus `places_taken` other pairs of the
    same matching run).

    `facts`: the expert's and the firm's facts when the caller already loaded them (for
    many pairs at once); they are read here otherwise.
    """
    if facts is None:
        from .selectors import expert_facts, firm_facts

        (expert_data,) = expert_facts(
            ExpertProfile.objects.filter(pk=expert.pk).select_related("home_department")
        )
        (firm,) = firm_facts([company])
    else:
        expert_data, firm = facts
    if kind != MissionKind.DIAGNOSTIC:
        firm = adapter.FirmFacts(firm.pk, firm.siren, firm.department, firm.needs, firm.group_name)
    names = {"expert": expert.full_name, "company": company.name}
    refusals = []
    for problem in adapter.assignment_problems(expert_data, firm, places_taken):
        if problem == "status":
            refusals.append(
                _("%(expert)s is not referenced (status: %(status)s).")
                % {**names, "status": expert.get_status_display()}
            )
        elif problem == "coverage":
            refusals.append(
                _("%(expert)s does not cover the department %(department)s.")
                % {**names, "department": company.department.code}
            )
        elif problem == "conflict":
            conflict = _conflict_for(expert, company)
            refusals.append(
                _("%(expert)s declared a conflict of interest with %(company)s: %(reason)s")
                % {**names, "reason": conflict.reason if conflict else "—"}
            )
        elif problem == "declined":
            refusals.append(_("%(expert)s already declined the diagnostic of %(company)s.") % names)
        elif problem == "capacity":
            refusals.append(
                _("%(expert)s has no place left (capacity %(capacity)s, %(open)s open missions).")
                % {
                    **names,
                    "capacity": expert_data.capacity,
                    "open": expert_data.open_missions + places_taken,
                }
            )
    return refusals


@transaction.atomic
def mission_propose(
    *, actor: Any, expert: ExpertProfile, company: Company, kind: str = MissionKind.DIAGNOSTIC,
    matching_run: MatchingRun | None = None, note: str = "",
    facts: tuple[adapter.ExpertFacts, adapter.FirmFacts] | None = None, places_taken: int = 0,
) -> Mission:  # fmt: skip
    """Propose a mission to an expert, or raise AssignmentError with every reason it breaks.

    The expert's row is locked first so that two managers proposing at once cannot both
    take the expert's last place. A diagnostic mission needs an eligible firm without an
    open diagnostic mission; a support mission needs a firm still on its journey.

    `facts` and `places_taken` (see `assignment_refusals`) serve a caller proposing many
    missions at once: it has locked the rows before loading the facts, and counts in
    `places_taken` the missions it has already proposed to this expert since.
    """
    if kind not in MissionKind.values:
        raise AssignmentError(_("Unknown kind of mission."))
    expert = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
    # The firm's row too (after the expert's, always in this order): two managers proposing a
    # diagnostic mission for the same firm at once are serialised, the second one is refused.
    company = (
        Company.objects.select_for_update(of=("self",))
        .select_related("department", "region")
        .get(pk=company.pk)
    )
    refusals = []
    if kind == MissionKind.DIAGNOSTIC:
        if company.state != JourneyState.ELIGIBLE:
            refusals.append(
                _("%(company)s is “%(state)s”, not awaiting a diagnostic.")
                % {"company": company.name, "state": company.get_state_display()}
            )
        elif Mission.objects.filter(
            company=company, kind=MissionKind.DIAGNOSTIC, status__in=OPEN_MISSION_STATUSES
        ).exists():
            refusals.append(
                _("%(company)s already has an open diagnostic mission.") % {"company": company.name}
            )
    elif not company.is_open:
        refusals.append(
            _("%(company)s has left the programme (“%(state)s”).")
            % {"company": company.name, "state": company.get_state_display()}
        )
    refusals += assignment_refusals(
        expert=expert, company=company, kind=kind, places_taken=places_taken, facts=facts
    )
    if refusals:
        raise AssignmentError(" ".join(str(r) for r in refusals))
    try:
        with transaction.atomic():
            mission = Mission.objects.create(
                kind=kind,
                expert=expert,
                company=company,
                region=company.region,
                matching_run=matching_run,
                proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
                note=note.strip(),
            )
    except IntegrityError:
        # The database's own guard (one open diagnostic mission per firm) caught a race.
        raise AssignmentError(
            _("%(company)s already has an open diagnostic mission.") % {"company": company.name}
        ) from None
    audit_record(
        actor=actor,
        verb="mission.propose",
        obj=mission,
        after={
            "status": MissionStatus.PROPOSED,
            "kind": kind,
            "expert": expert.pk,
            "company": company.siren,
            "matching_run": matching_run.pk if matching_run else None,
        },
        region_code=company.region.code,
    )
    return mission


@transaction.atomic
def mission_rate(*, mission: Mission, actor: Any, score: int, comment: str = "") -> MissionRating:
    """The firm rates a finished mission once (1 to 5); the caller checks it is the firm."""
    mission = (
        Mission.objects.select_for_update(of=("self",)).select_related("region").get(pk=mission.pk)
    )
    if mission.status != MissionStatus.DONE:
        raise ExpertError(_("A mission is rated once it is done."))
    if MissionRating.objects.filter(mission=mission).exists():
        raise ExpertError(_("This mission has already been rated."))
    if score not in range(1, 6):
        raise ExpertError(_("The score is a whole number from 1 to 5."))
    try:
        with transaction.atomic():
            rating = MissionRating.objects.create(
                mission=mission, score=score, comment=comment.strip(), rated_by=actor
            )
    except IntegrityError:
        raise ExpertError(_("This mission has already been rated.")) from None
    audit_record(
        actor=actor,
        verb="mission.rate",
        obj=mission,
        after={"score": score},
        region_code=mission.region.code,
    )
    return rating


@transaction.atomic
def company_needs_set(*, company: Company, actor: Any, skills: Iterable[str]) -> list[str]:
    """Replace the skills the firm needs from its expert (used by matching)."""
    wanted = sorted(set(skills))
    unknown = sorted(set(wanted) - skill_ids())
    if unknown:
        raise ExpertError(_("Unknown skill: %(ids)s.") % {"ids": ", ".join(unknown)})
    before = sorted(company.expert_needs.values_list("skill", flat=True))
    if before == wanted:
        return wanted
    company.expert_needs.all().delete()
    CompanyNeed.objects.bulk_create(CompanyNeed(company=company, skill=s) for s in wanted)
    audit_record(
        actor=actor,
        verb="company.needs",
        obj=company,
        before={"needs": before},
        after={"needs": wanted},
        region_code=company.region.code,
    )
    return wanted


def expert_export(expert: ExpertProfile) -> dict[str, Any]:
    """Everything held about an expert, for a right-of-access request (RGPD art. 15)."""
    return {
        "full_name": expert.full_name,
        "email": expert.user.email,
        "firm": expert.firm.name if expert.firm else None,
        "home_department": expert.home_department.code,
        "departments": sorted(expert.departments.values_list("code", flat=True)),
        "skills": dict(expert.skills.values_list("skill", "level")),
        "capacity": expert.capacity,
        "daily_rate_cents": expert.daily_rate_cents,
        "languages": list(expert.languages),
        "status": expert.status,
        "conflicts": [
            {"siren": c.siren, "group": c.group_name, "reason": c.reason}
            for c in expert.conflicts.all()
        ],
        "missions": [
            {"kind": m.kind, "company": m.company.siren, "status": m.status}
            for m in expert.missions.select_related("company")
        ],
    }


@transaction.atomic
def expert_erase(*, expert: ExpertProfile, actor: Any, reason: str = "") -> ExpertProfile:
    """Erase an expert's personal data (RGPD art. 17), keeping the row and the missions so
    that counts and the firms' histories stay true. The expert must be withdrawn first."""
    from .enums import ExpertStatus

    if expert.status not in (ExpertStatus.WITHDRAWN, ExpertStatus.REFUSED):
        raise ExpertError(_("Withdraw the expert from the programme before erasing their data."))
    expert.full_name = _("(erased)")
    expert.daily_rate_cents = None
    expert.languages = []
    expert.save()
    expert.conflicts.all().delete()
    # The account goes too: no name, no address, no way in (the row stays for the history).
    user = expert.user
    user.full_name = ""
    user.email = f"erased-{user.pk}@invalid.essor"
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["full_name", "email", "is_active", "password"])
    user.api_tokens.all().delete()
    audit_record(
        actor=actor,
        verb="expert.erase",
        obj=expert,
        reason=reason,
        region_code=expert.region.code,
    )
    return expert
