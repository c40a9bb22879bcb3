"""Reads of experts, missions and matching, always scoped by the acting user."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from essor.accounts.perms import can_manage_region, scope_of
from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.territories.models import Department, Region
from essor.territories.selectors import region_get

from .adapter import ExpertFacts, FirmFacts
from .enums import (
    ASSIGNED_MISSION_STATUSES,
    INVOLVED_MISSION_STATUSES,
    OPEN_MISSION_STATUSES,
    ExpertStatus,
    MissionKind,
    MissionStatus,
)
from .models import CompanyNeed, ConflictDeclaration, ExpertProfile, MatchingRun, Mission
from .perms import visible_region_ids


def _with_load(qs: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
    return qs.annotate(
        open_missions=Count("missions", filter=Q(missions__status__in=OPEN_MISSION_STATUSES))
    )


def expert_list(
    *, user: Any, status: str | None = None, department: str | None = None
) -> QuerySet[ExpertProfile]:
    """The experts the user may see: all for a national admin; for a regional manager, those
    based in or covering one of their regions; nobody for anyone else.

    `status` keeps the experts of that referencing status, `department` (a code) those
    covering that department."""
    scope = scope_of(user)
    qs = ExpertProfile.objects.select_related("region", "home_department", "firm")
    if status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(departments__code=department.strip().upper())
    if scope.is_national_admin:
        return _with_load(qs)
    if not scope.is_regional_manager:
        return qs.none()
    covering = ExpertProfile.departments.through.objects.filter(
        expertprofile_id=OuterRef("pk"), department__region_id__in=scope.region_ids
    )
    return _with_load(qs.filter(Q(region_id__in=scope.region_ids) | Exists(covering)))


def expert_get(*, user: Any, pk: int) -> ExpertProfile:
    """The expert, or 404 when outside the user's scope."""
    return get_object_or_404(expert_list(user=user), pk=pk)


def own_profile(*, user: Any) -> ExpertProfile:
    """The user's own expert profile, or 404 if they have none."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return get_object_or_404(
        ExpertProfile.objects.select_related("region", "home_department", "firm"), user=user
    )


def open_mission_count(expert: ExpertProfile) -> int:
    return expert.missions.filter(status__in=OPEN_MISSION_STATUSES).count()


def missions_in_scope(*, user: Any, expert: ExpertProfile) -> QuerySet[Mission]:
    """An expert's missions a manager may see: those in their regions (all for an admin)."""
    qs = expert.missions.select_related("company", "region").prefetch_related("rating")
    regions = visible_region_ids(user)
    return qs if regions is None else qs.filter(region_id__in=regions)


def conflicts_in_scope(*, user: Any, expert: ExpertProfile) -> list[ConflictDeclaration]:
    """Declared conflicts a manager may see: group declarations, and firm declarations for
    firms of their regions (or unknown to the programme); all of them for an admin."""
    conflicts = list(expert.conflicts.all())
    regions = visible_region_ids(user)
    if regions is None:
        return conflicts
    foreign = set(
        Company.objects.filter(siren__in=[c.siren for c in conflicts if c.siren])
        .exclude(region_id__in=regions)
        .values_list("siren", flat=True)
    )
    return [c for c in conflicts if c.siren not in foreign]


def my_missions(*, user: Any) -> QuerySet[Mission]:
    return (
        Mission.objects.filter(expert__user=user)
        .select_related("company", "company__department", "region", "expert")
        .prefetch_related("rating")
    )


def mission_visible(*, user: Any) -> QuerySet[Mission]:
    """Missions the user may see: their own as expert, their firm's, their regions'."""
    scope = scope_of(user)
    qs = Mission.objects.select_related("company", "expert", "region")
    if scope.is_national_admin:
        return qs
    visible = Q(expert__user=user) | Q(company_id__in=scope.company_ids)
    if scope.is_regional_manager:
        visible |= Q(region_id__in=scope.region_ids)
    return qs.filter(visible) if user.is_authenticated else qs.none()


def mission_get(*, user: Any, pk: int) -> Mission:
    return get_object_or_404(mission_visible(user=user), pk=pk)


def company_missions(*, user: Any) -> QuerySet[Mission]:
    """The missions at the user's own firm(s) (company users)."""
    return (
        Mission.objects.filter(company_id__in=scope_of(user).company_ids)
        .filter(status__in=INVOLVED_MISSION_STATUSES)
        .select_related("company", "expert")
        .prefetch_related("rating")
    )


def expert_mission_company_ids(expert_id: int) -> QuerySet[Mission, int]:
    """The firms where this expert has (or had) a mission: the pipeline's expert filter."""
    missions = Mission.objects.filter(expert_id=expert_id, status__in=INVOLVED_MISSION_STATUSES)
    return missions.values_list("company_id", flat=True)


def experts_of_companies(companies: QuerySet[Any]) -> list[tuple[int, str]]:
    """(id, name) of the experts with a mission at one of `companies`, by name."""
    return list(
        ExpertProfile.objects.filter(
            missions__company__in=companies, missions__status__in=INVOLVED_MISSION_STATUSES
        )
        .distinct()
        .order_by("full_name", "pk")
        .values_list("pk", "full_name")
    )


def expert_company_ids(user: Any) -> QuerySet[Mission, int]:
    """The firms an expert is assigned to (`company_list` lets them see those firms)."""
    # A suspended (or withdrawn) expert loses access to the firms until reinstated.
    missions = Mission.objects.filter(
        expert__user=user,
        expert__status=ExpertStatus.REFERENCED,
        status__in=ASSIGNED_MISSION_STATUSES,
    )
    return missions.values_list("company_id", flat=True)


# --------------------------------------------------------------------------- matching


def matching_regions(*, user: Any) -> QuerySet[Region]:
    scope = scope_of(user)
    qs = Region.objects.order_by("name")
    return qs if scope.is_national_admin else qs.filter(pk__in=scope.region_ids)


def matching_region_get(*, user: Any, code: str) -> Region:
    region = region_get(user=user, code=code)
    if not can_manage_region(user, region.pk):
        raise Http404
    return region


def _awaiting() -> QuerySet[Company]:
    busy = Mission.objects.filter(
        company_id=OuterRef("pk"), kind=MissionKind.DIAGNOSTIC, status__in=OPEN_MISSION_STATUSES
    )
    return Company.objects.filter(state=JourneyState.ELIGIBLE).exclude(Exists(busy))


def awaiting_firms(*, region: Region) -> QuerySet[Company]:
    """Firms of the region waiting for a diagnostic expert: eligible, with no open
    diagnostic mission."""
    return (
        _awaiting()
        .filter(region=region)
        .select_related("department")
        .order_by("state_changed_at", "pk")
    )


def awaiting_counts(region_ids: list[int]) -> dict[int, int]:
    """Firms awaiting a diagnostic expert, per region, in one query."""
    rows = (
        _awaiting()
        .filter(region_id__in=region_ids)
        .order_by()
        .values("region_id")
        .annotate(n=Count("pk"))
    )
    return {row["region_id"]: row["n"] for row in rows}


SELF_ASSESSMENT_NEEDS = 3
"""How many of a self-assessment's first priorities become needs of the firm for matching."""


def company_needs(company_ids: list[int]) -> dict[int, frozenset[str]]:
    """The skills each firm needs: those its manager stated (`CompanyNeed`), and the first
    priorities of its latest complete self-assessment when it has one (the dimensions with
    the largest weighted gaps, methodology.md §6), so that an expert strong there is chosen."""
    needs: dict[int, set[str]] = defaultdict(set)
    for company_id, skill in CompanyNeed.objects.filter(company_id__in=company_ids).values_list(
        "company_id", "skill"
    ):
        needs[company_id].add(skill)
    for company_id, dimensions in self_assessment_priorities(company_ids).items():
        needs[company_id].update(dimensions)
    return {pk: frozenset(needs.get(pk, ())) for pk in company_ids}


def self_assessment_priorities(company_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The first priorities (dimension ids) of each firm's latest complete self-assessment,
    in three queries whatever the number of firms."""
    from essor.diagnostics.enums import DiagnosticKind
    from essor.diagnostics.models import Diagnostic, DimensionScore
    from essor.referentiel.prioritisation import PrioritisationError, prioritise

    latest: dict[int, Diagnostic] = {}
    for diagnostic in (
        Diagnostic.objects.complete()
        .filter(kind=DiagnosticKind.SELF_ASSESSMENT, company_id__in=company_ids)
        .select_related("referentiel")
        .order_by("company_id", "-completed_at", "-pk")
    ):
        if diagnostic.company_id is not None:
            latest.setdefault(diagnostic.company_id, diagnostic)
    scores: dict[int, dict[str, float]] = defaultdict(dict)
    for diagnostic_id, dimension_id, score in DimensionScore.objects.filter(
        diagnostic_id__in=[d.pk for d in latest.values()], is_pillar=False
    ).values_list("diagnostic_id", "dimension_id", "score"):
        scores[diagnostic_id][dimension_id] = score
    out: dict[int, tuple[str, ...]] = {}
    for company_id, diagnostic in latest.items():
        try:
            ranking = prioritise(diagnostic.referentiel.parsed, scores[diagnostic.pk])
        except PrioritisationError:
            continue
        out[company_id] = tuple(p.dimension_id for p in ranking.top(SELF_ASSESSMENT_NEEDS))
    return out


def expert_facts(qs: QuerySet[ExpertProfile]) -> list[ExpertFacts]:
    """Plain facts of experts for the matching adapter, in a bounded number of queries."""
    experts = list(
        _with_load(qs).prefetch_related(
            Prefetch("departments", queryset=Department.objects.only("code")),
            "skills",
            "conflicts",
        )
    )
    return [
        ExpertFacts(
            pk=e.pk,
            status=e.status,
            home_department=e.home_department.code,
            departments=frozenset(d.code for d in e.departments.all()),
            skills=frozenset(s.skill for s in e.skills.all()),
            capacity=e.capacity,
            open_missions=e.open_missions,  # type: ignore[attr-defined]
            conflict_sirens=frozenset(c.siren for c in e.conflicts.all() if c.siren),
            conflict_groups=frozenset(c.group_name for c in e.conflicts.all() if c.group_name),
        )
        for e in experts
    ]


def firm_facts(companies: list[Company]) -> list[FirmFacts]:
    pks = [c.pk for c in companies]
    needs = company_needs(pks)
    declined: dict[int, set[int]] = defaultdict(set)
    for company_id, expert_id in Mission.objects.filter(
        company_id__in=pks, kind=MissionKind.DIAGNOSTIC, status=MissionStatus.DECLINED
    ).values_list("company_id", "expert_id"):
        declined[company_id].add(expert_id)
    return [
        FirmFacts(
            pk=c.pk,
            siren=c.siren,
            department=c.department.code,
            needs=needs[c.pk],
            group_name=c.group_name,
            declined_by=frozenset(declined.get(c.pk, ())),
        )
        for c in companies
    ]


def matching_experts(*, region: Region) -> QuerySet[ExpertProfile]:
    """Referenced experts covering at least one department of the region."""
    covering = ExpertProfile.departments.through.objects.filter(
        expertprofile_id=OuterRef("pk"), department__region=region
    )
    return (
        ExpertProfile.objects.filter(status=ExpertStatus.REFERENCED)
        .filter(Exists(covering))
        .select_related("home_department")
        .order_by("pk")
    )


def matching_run_list(*, user: Any, region: Region) -> QuerySet[MatchingRun]:
    if not can_manage_region(user, region.pk):
        return MatchingRun.objects.none()
    return MatchingRun.objects.filter(region=region).select_related("created_by")


def matching_run_get(*, user: Any, pk: int) -> MatchingRun:
    run = get_object_or_404(MatchingRun.objects.select_related("region", "created_by"), pk=pk)
    if not can_manage_region(user, run.region_id):
        raise Http404
    return run
