"""Funding requests as the firm files them (and the aids it declares from outside)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.companies.enums import JourneyState
from essor.companies.journey import journey_apply
from essor.companies.models import Company
from essor.core.services import audit_record

from ..enums import AidRegime, RequestStatus
from ..models import DeclaredAid, FundingCostLine, FundingRequest, Instrument
from ..selectors import undertaking_lock
from ..workflow import WorkflowError, request_move
from .base import FundingError, _user

# The journey states from which a firm may file a request: its action plan is validated.
FILING_STATES = frozenset(
    {
        JourneyState.PLAN_VALIDATED,
        JourneyState.FINANCING_REQUESTED,
        JourneyState.FINANCING_GRANTED,
        JourneyState.SUPPORT_UNDERWAY,
        JourneyState.FOLLOW_UP,
    }
)


def financing_request_guard(company: Company) -> str | None:
    """Journey guard on "request_financing", and the rule for filing: no funding request
    without a validated action plan (design.md §3) — the firm is at "action plan validated"
    or a later open step."""
    if company.state in FILING_STATES:
        return None
    return str(_("A funding request needs a validated action plan first."))


@dataclass
class CostLineData:
    cost_type: str
    description: str
    amount_cents: int
    quote: UploadedFile | None = None
    line_id: int | None = None
    delete: bool = False
    action_id: int | None = None
    """The action of the request's plan this cost pays for."""


def plan_for_request(company: Company, plan: Any) -> Any:
    """The rule of design.md §3, "no funding request without a validated plan", on the
    request itself: it finances one validated action plan of the firm."""
    from essor.actionplans.enums import PlanStatus

    if plan is None:
        raise FundingError(
            _("Choose the validated action plan the request finances (field “%(field)s”).")
            % {"field": FundingRequest._meta.get_field("action_plan").verbose_name}
        )
    if plan.company_id != company.pk or plan.status != PlanStatus.VALIDATED:
        raise FundingError(
            _("The action plan %(ref)s is not a validated plan of %(company)s.")
            % {"ref": plan.reference, "company": company.name}
        )
    return plan


def _check_lines_in_plan(request: FundingRequest) -> None:
    """Every cost that names an action names one of the request's plan, including the lines
    kept unchanged when the draft moved to another plan."""
    stray = request.lines.filter(action__isnull=False).exclude(action__plan=request.action_plan)
    line = stray.first()
    if line is not None:
        raise FundingError(
            _(
                "The cost “%(cost)s” names an action that is not in the plan %(ref)s (field “action”)."
            )
            % {"cost": line.description, "ref": request.action_plan.reference}  # type: ignore[union-attr]
        )


def _lines_save(request: FundingRequest, lines: list[CostLineData]) -> None:
    existing = {line.pk: line for line in request.lines.all()}
    for data in lines:
        line = existing.get(data.line_id) if data.line_id else None
        if data.delete:
            if line is not None:
                if line.quote:
                    line.quote.delete(save=False)
                line.delete()
            continue
        if data.amount_cents <= 0:
            raise FundingError(_("Each cost must be more than zero."))
        if line is None:
            line = FundingCostLine(request=request)
        line.action_id = data.action_id
        line.cost_type = data.cost_type
        line.description = data.description.strip()[:300]
        line.amount_cents = data.amount_cents
        if data.quote is not None:
            if line.quote:
                line.quote.delete(save=False)
            line.quote_name = Path(data.quote.name or "quote").name[:200]
            line.quote.save(data.quote.name or "quote", data.quote, save=False)
        line.save()


@transaction.atomic
def request_save(
    *, actor: Any, company: Company, title: str, instrument: Instrument, amount_cents: int,
    lines: list[CostLineData], description: str = "", request: FundingRequest | None = None,
    action_plan: Any = None,
) -> FundingRequest:  # fmt: skip
    """Create a draft request for the firm, or update a draft. Filing needs a validated
    action plan: the firm is at that step (`financing_request_guard`) and the request names
    one validated plan of the firm (`action_plan`, kept from the draft when not given);
    each cost may name the action of that plan it pays for."""
    reason = financing_request_guard(company)
    if reason:
        raise FundingError(reason)
    if action_plan is None and request is not None:
        action_plan = request.action_plan
    plan_for_request(company, action_plan)
    if amount_cents <= 0:
        raise FundingError(_("The amount asked must be more than zero."))
    created = request is None
    if request is None:
        request = FundingRequest(company=company, region_id=company.region_id, created_by=actor)
    else:
        # Under the request's row lock: a submit at the same moment waits, then this sees it.
        request = FundingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if request.status != RequestStatus.DRAFT:
            raise FundingError(_("Only a draft can be changed."))
    request.title = title.strip()[:200]
    request.description = description.strip()
    request.instrument = instrument
    request.amount_cents = amount_cents
    request.action_plan = action_plan
    request.save()
    _lines_save(request, lines)
    _check_lines_in_plan(request)
    audit_record(
        actor=actor,
        verb="funding.request.create" if created else "funding.request.update",
        obj=request,
        after={
            "amount_cents": amount_cents,
            "instrument": instrument.code,
            "costs_cents": request.total_costs_cents,
            "action_plan": action_plan.pk,
            "actions": sorted({line.action_id for line in request.lines.all() if line.action_id}),
        },
        region_code=company.region.code,
    )
    return request


@transaction.atomic
def request_submit(*, request: FundingRequest, actor: Any) -> FundingRequest:
    """Submit a draft for instruction. The firm's journey moves to "financing requested"
    (by the system) when this is its first request after its plan was validated."""
    locked = (
        FundingRequest.objects.select_for_update(of=("self",))
        .select_related("company")
        .get(pk=request.pk)
    )
    company = locked.company
    reason = financing_request_guard(company)
    if reason:
        raise FundingError(reason)
    if not locked.lines.exists():
        raise FundingError(_("Add at least one cost line before submitting."))
    plan_for_request(company, locked.action_plan)
    _check_lines_in_plan(locked)
    if not locked.lines.filter(action__isnull=False).exists():
        raise FundingError(
            _("Link at least one cost to the action of the plan it pays for (field “action”).")
        )
    if locked.amount_cents <= 0:
        raise FundingError(_("The amount asked must be more than zero."))
    locked.submitted_at = timezone.now()
    try:
        request_move(request=locked, transition="submit", actor=actor, fields=["submitted_at"])
    except WorkflowError as exc:
        raise FundingError(str(exc)) from None
    if company.state == JourneyState.PLAN_VALIDATED:
        journey_apply(
            company=company,
            transition="request_financing",
            actor=actor,
            reason=str(_("Funding request %(ref)s submitted.") % {"ref": locked.reference}),
            by_system=True,
        )
    request.status, request.submitted_at = locked.status, locked.submitted_at
    return locked


@transaction.atomic
def request_withdraw(*, request: FundingRequest, actor: Any, reason: str = "") -> FundingRequest:
    locked = FundingRequest.objects.select_for_update().get(pk=request.pk)
    try:
        request_move(request=locked, transition="withdraw", actor=actor, reason=reason)
    except WorkflowError as exc:
        raise FundingError(str(exc)) from None
    request.status = locked.status
    return locked


@transaction.atomic
def request_note(*, request: FundingRequest, actor: Any, note: str) -> FundingRequest:
    """The manager's instruction notes on a submitted request (audited)."""
    locked = FundingRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.SUBMITTED:
        raise FundingError(_("Only a submitted request is under instruction."))
    before = locked.instruction_note
    locked.instruction_note = note.strip()
    locked.save(update_fields=["instruction_note", "updated_at"])
    audit_record(
        actor=actor,
        verb="funding.request.note",
        obj=locked,
        before={"note": before},
        after={"note": locked.instruction_note},
        region_code=locked.region.code,
    )
    return locked


@transaction.atomic
def declared_aid_add(
    *, company: Company, actor: Any, granting_body: str, granted_on: dt.date,
    amount_cents: int, gge_cents: int | None = None, regime: str = AidRegime.DE_MINIMIS,
    note: str = "",
) -> DeclaredAid:  # fmt: skip
    """Record an aid the firm received from outside the programme (its de minimis
    attestation); it counts towards the de minimis ceiling at its grant equivalent."""
    if amount_cents <= 0:
        raise FundingError(_("The amount must be more than zero."))
    if granted_on > timezone.localdate():
        raise FundingError(_("The grant date cannot be in the future."))
    # Under the undertaking's row locks, like a decision: a declaration and a decision for
    # the same undertaking do not interleave.
    undertaking_lock(company)
    gge = amount_cents if gge_cents is None else gge_cents
    if gge < 0 or gge > amount_cents:
        raise FundingError(_("The grant equivalent is between zero and the amount."))
    aid = DeclaredAid.objects.create(
        company=company, granting_body=granting_body.strip()[:200], regime=regime,
        granted_on=granted_on, amount_cents=amount_cents, gge_cents=gge, note=note.strip()[:300],
        declared_by=_user(actor),
    )  # fmt: skip
    audit_record(
        actor=actor,
        verb="funding.aid.declare",
        obj=aid,
        after={"amount_cents": amount_cents, "gge_cents": gge, "regime": regime},
        region_code=company.region.code,
    )
    return aid
