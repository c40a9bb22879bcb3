"""Writes of the matching workflow: run the solver for a region, change a pair, send.

A run stores its proposals (`MatchingRun.result`, built by `adapter.solve_and_explain`);
the manager reviews them, may change any pair (the hard constraints are checked here, on
the server, with the same rules as the solver), and sends: every pair becomes a proposed
diagnostic mission, all or nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.companies.models import Company
from essor.core.services import audit_record
from essor.territories.models import Region
from essor.territories.reference import department_centroids

from . import adapter, selectors
from .enums import MatchingRunStatus, MissionKind
from .matching_input import DEFAULT_WEIGHTS
from .models import ExpertProfile, MatchingRun
from .services import AssignmentError, ExpertError, assignment_refusals, mission_propose


@transaction.atomic
def matching_run_create(
    *, region: Region, actor: Any, weights: Mapping[str, float] | None = None
) -> MatchingRun:
    """Solve the region's matching exactly and store the proposals for review.

    Firms: the region's eligible firms with no open diagnostic mission. Experts: the
    referenced experts covering at least one of the region's departments. Earlier runs
    still waiting for review are discarded: only the newest one can be sent.
    """
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    firms = list(selectors.awaiting_firms(region=region))
    experts = selectors.expert_facts(selectors.matching_experts(region=region))
    result = adapter.solve_and_explain(
        experts, selectors.firm_facts(firms), weights, department_centroids()
    )
    MatchingRun.objects.filter(region=region, status=MatchingRunStatus.DRAFT).update(
        status=MatchingRunStatus.DISCARDED
    )
    run = MatchingRun.objects.create(
        region=region,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        parameters={"weights": weights},
        result=result,
    )
    audit_record(
        actor=actor,
        verb="matching.run",
        obj=run,
        after={
            "firms": result["firm_count"],
            "experts": result["expert_count"],
            "assigned": result["assigned_count"],
            "total_cost": result["total_cost"],
        },
        region_code=region.code,
    )
    return run


def _row(run: MatchingRun, company_pk: int) -> dict[str, Any]:
    for row in run.result.get("rows", []):
        if row["company"] == company_pk:
            return row
    raise ExpertError(_("This firm is not part of this matching run."))


@transaction.atomic
def matching_pair_change(
    *, run: MatchingRun, actor: Any, company_pk: int, expert_pk: int | None
) -> MatchingRun:
    """Give a firm of the run another expert (or none), or raise AssignmentError saying why.

    The expert must be referenced, cover the firm's department, have no declared conflict
    with it, not have declined it, and keep a place once the run's other pairs are counted.
    """
    run = MatchingRun.objects.select_for_update().select_related("region").get(pk=run.pk)
    if run.status != MatchingRunStatus.DRAFT:
        raise ExpertError(_("This matching run has been sent or replaced: it cannot change."))
    row = _row(run, company_pk)
    company = Company.objects.select_related("department", "region").get(pk=company_pk)
    before = row["pair"]["expert"] if row["pair"] else None
    if expert_pk is None:
        row["pair"] = None
    else:
        # Only an expert the manager may see: a refusal must not name anyone else.
        expert = selectors.expert_list(user=actor).filter(pk=expert_pk).first()
        if expert is None:
            raise AssignmentError(_("Unknown expert."))
        taken = sum(
            1
            for other in run.result["rows"]
            if other is not row and other["pair"] and other["pair"]["expert"] == expert_pk
        )
        (facts,) = selectors.expert_facts(
            ExpertProfile.objects.filter(pk=expert_pk).select_related("home_department")
        )
        (firm,) = selectors.firm_facts([company])
        refusals = assignment_refusals(
            expert=expert, company=company, places_taken=taken, facts=(facts, firm)
        )
        if refusals:
            raise AssignmentError(" ".join(str(r) for r in refusals))
        row["pair"] = adapter.explain_pair(
            facts, firm, run.result["weights"], department_centroids()
        )
    chosen = row["pair"]["expert"] if row["pair"] else None
    others = [c for c in row["candidates"] if c["expert"] != chosen]
    row["next"] = {"expert": others[0]["expert"], "cost": others[0]["cost"]} if others else None
    row["changed"] = True
    rows = run.result["rows"]
    run.result["assigned_count"] = sum(1 for r in rows if r["pair"])
    run.result["total_cost"] = sum(r["pair"]["cost"] for r in rows if r["pair"])
    run.save(update_fields=["result"])
    audit_record(
        actor=actor,
        verb="matching.change",
        obj=run,
        before={"company": company.siren, "expert": before},
        after={"company": company.siren, "expert": expert_pk},
        region_code=run.region.code,
    )
    return run


@transaction.atomic
def matching_run_send(*, run: MatchingRun, actor: Any) -> list[Any]:
    """Create a proposed diagnostic mission for every pair of the run, all or nothing.

    Every pair is checked again (a firm or an expert may have changed since the run); if
    any is refused, nothing is sent and the error names each refused pair.
    """
    run = MatchingRun.objects.select_for_update().select_related("region").get(pk=run.pk)
    if run.status != MatchingRunStatus.DRAFT:
        raise ExpertError(_("This matching run has already been sent or replaced."))
    pairs = [row for row in run.result.get("rows", []) if row["pair"]]
    if not pairs:
        raise ExpertError(_("There is no pair to send."))
    # Lock every row first, in `mission_propose`'s order (the experts, then the firms), so
    # that the facts read once below stay true while the pairs are proposed one by one.
    experts = {
        e.pk: e
        for e in ExpertProfile.objects.select_for_update()
        .filter(pk__in={row["pair"]["expert"] for row in pairs})
        .order_by("pk")
    }
    companies = {
        c.pk: c
        for c in Company.objects.select_for_update(of=("self",))
        .select_related("department", "region")
        .filter(pk__in={row["company"] for row in pairs})
        .order_by("pk")
    }
    expert_facts = {
        f.pk: f
        for f in selectors.expert_facts(
            ExpertProfile.objects.filter(pk__in=experts).select_related("home_department")
        )
    }
    firm_facts = {f.pk: f for f in selectors.firm_facts(list(companies.values()))}
    proposed: Counter[int] = Counter()  # missions proposed by this send, per expert
    missions = []
    problems = []
    for row in pairs:
        company = companies.get(row["company"])
        expert = experts.get(row["pair"]["expert"])
        if company is None or expert is None:
            problems.append(_("A firm or an expert of this run no longer exists."))
            continue
        try:
            with transaction.atomic():
                missions.append(
                    mission_propose(
                        actor=actor,
                        expert=expert,
                        company=company,
                        kind=MissionKind.DIAGNOSTIC,
                        matching_run=run,
                        facts=(expert_facts[expert.pk], firm_facts[company.pk]),
                        places_taken=proposed[expert.pk],
                    )
                )
        except AssignmentError as exc:
            problems.append(f"{company.name}: {exc}")
        else:
            proposed[expert.pk] += 1
    if problems:
        raise AssignmentError(
            _("Nothing was sent. Change these pairs first: %(problems)s")
            % {"problems": " ".join(str(p) for p in problems)}
        )
    run.status = MatchingRunStatus.SENT
    run.sent_at = timezone.now()
    run.save(update_fields=["status", "sent_at"])
    audit_record(
        actor=actor,
        verb="matching.send",
        obj=run,
        after={"missions": len(missions)},
        region_code=run.region.code,
    )
    return missions
