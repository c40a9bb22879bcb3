"""Financing in the API: funding requests, decisions (idempotent) and envelopes.

The same selectors and services as the pages: an object outside the caller's scope is a
404; a refused movement is a 409 with the reason and its figures. A decision needs an
`Idempotency-Key` header: sending the same decision again with the same key returns the
first one (200) instead of deciding twice (201 the first time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from ninja.errors import HttpError

from essor.actionplans.selectors import validated_plans
from essor.companies.validation import MAX_CENTS
from essor.funding import selectors, services
from essor.funding.enums import CostType, DecisionOutcome, RequestStatus
from essor.funding.models import Decision, FundingRequest, Instrument
from essor.funding.perms import can_file_request, can_instruct
from essor.funding.selectors import ConsumptionRow

from .schemas import ErrorOut

router = Router(tags=["funding"])


class LineOut(Schema):
    id: int
    action_id: int | None
    cost_type: str
    description: str
    amount_cents: int
    has_quote: bool

    @staticmethod
    def resolve_has_quote(obj: Any) -> bool:
        return bool(obj.quote)


class DecisionOut(Schema):
    id: int
    outcome: str
    instrument: str | None
    amount_cents: int
    gge_cents: int
    conditions: str
    reason: str
    decided_at: dt.datetime

    @staticmethod
    def resolve_instrument(obj: Decision) -> str | None:
        return obj.instrument.code if obj.instrument else None


class RequestOut(Schema):
    id: int
    reference: str
    company_id: int
    company_name: str = Field(..., alias="company.name")
    siren: str = Field(..., alias="company.siren")
    region: str = Field(..., alias="region.code")
    action_plan_id: int | None
    title: str
    description: str
    instrument: str = Field(..., alias="instrument.code")
    amount_cents: int
    total_costs_cents: int
    status: str
    submitted_at: dt.datetime | None
    lines: list[LineOut]
    decision: DecisionOut | None

    @staticmethod
    def resolve_lines(obj: FundingRequest) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_decision(obj: FundingRequest) -> Decision | None:
        return getattr(obj, "decision", None)  # select_related by the list


class LineIn(Schema):
    action_id: int | None = Field(None, description="The action of the plan this cost pays for")
    cost_type: CostType
    description: str = Field(..., min_length=1, max_length=300)
    amount_cents: int = Field(..., gt=0, le=MAX_CENTS)


class RequestIn(Schema):
    action_plan_id: int | None = Field(
        None, description="The validated action plan financed; default: the firm's latest"
    )
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    instrument: str = Field(..., description="Instrument code: grant, repayable_advance…")
    amount_cents: int = Field(..., gt=0, le=MAX_CENTS)
    lines: list[LineIn] = Field(..., min_length=1)


class DecisionIn(Schema):
    outcome: DecisionOutcome
    instrument: str | None = Field(None, description="Code; default: the instrument asked for")
    amount_cents: int = Field(0, ge=0, le=MAX_CENTS)
    conditions: str = ""
    reason: str = ""


class BreachOut(Schema):
    rule: str
    message: str
    figures: dict[str, Any]


class RefusalOut(Schema):
    detail: str
    breaches: list[BreachOut] = []


class InstrumentCellOut(Schema):
    instrument: str
    committed_cents: int | None
    paid_cents: int | None


class EnvelopeOut(Schema):
    region: str
    region_name: str
    allocated_cents: int
    committed_cents: int | None
    paid_cents: int | None
    available_cents: int | None
    by_instrument: list[InstrumentCellOut]


def _envelope_out(row: ConsumptionRow, instruments: list[Instrument]) -> dict[str, Any]:
    hidden = row.hidden
    cells = []
    for instrument in instruments:
        cell = row.by_instrument[instrument.pk]
        cells.append(
            {
                "instrument": instrument.code,
                "committed_cents": None if cell.hidden else cell.balances.committed,
                "paid_cents": None if cell.hidden else cell.balances.paid,
            }
        )
    return {
        "region": row.region.code,
        "region_name": row.region.display_name,
        "allocated_cents": row.total.allocated,
        "committed_cents": None if hidden else row.total.committed,
        "paid_cents": None if hidden else row.total.paid,
        "available_cents": None if hidden else row.total.available,
        "by_instrument": cells,
    }


def _instrument(code: str | None) -> Instrument | None:
    if not code:
        return None
    instrument = Instrument.objects.filter(code=code, is_active=True).first()
    if instrument is None:
        raise HttpError(422, f"unknown or closed instrument {code!r}")
    return instrument


@router.get(
    "/funding/requests",
    response=list[RequestOut],
    summary="Funding requests within your scope",
)
def funding_request_list(
    request: HttpRequest, status: RequestStatus | None = None, region: str | None = None
) -> list[FundingRequest]:
    qs = (
        selectors.request_list(user=request.user)
        .select_related("decision__instrument")
        .prefetch_related("lines")
    )
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region__code=region)
    return list(qs.order_by("-created_at", "-pk")[:500])


@router.post(
    "/funding/companies/{company_id}/requests",
    response={201: RequestOut, 409: ErrorOut, 422: ErrorOut},
    summary="File a draft funding request for a firm (a user of the firm or its expert)",
)
def funding_request_create(
    request: HttpRequest, company_id: int, body: RequestIn | None = None
) -> Status[Any]:
    company = selectors.funding_company_get(user=request.user, pk=company_id)
    if not can_file_request(request.user, company):
        raise Http404
    if body is None:
        return Status(422, {"detail": "a JSON body is required"})
    instrument = _instrument(body.instrument)
    assert instrument is not None
    plans = validated_plans(company, user=request.user)
    plan = (
        plans.filter(pk=body.action_plan_id).first()
        if body.action_plan_id is not None
        else plans.first()
    )
    if plan is None:
        return Status(
            409,
            {
                "detail": str(
                    _("A funding request finances a validated action plan of the firm: none found.")
                )
            },
        )
    try:
        created = services.request_save(
            action_plan=plan,
            actor=request.user,
            company=company,
            title=body.title,
            description=body.description,
            instrument=instrument,
            amount_cents=body.amount_cents,
            lines=[
                services.CostLineData(
                    cost_type=line.cost_type,
                    description=line.description,
                    amount_cents=line.amount_cents,
                    action_id=line.action_id,
                )
                for line in body.lines
            ],
        )
    except services.FundingError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, created)


@router.get(
    "/funding/requests/{request_id}",
    response=RequestOut,
    summary="One funding request (404 outside your scope)",
)
def funding_request_detail(request: HttpRequest, request_id: int) -> FundingRequest:
    return selectors.request_get(user=request.user, pk=request_id)


@router.post(
    "/funding/requests/{request_id}/submit",
    response={200: RequestOut, 409: ErrorOut},
    summary="Submit a draft request for instruction",
)
def funding_request_submit(request: HttpRequest, request_id: int) -> Status[Any]:
    funding_request = selectors.request_get(user=request.user, pk=request_id)
    if not can_file_request(request.user, funding_request.company):
        raise Http404
    try:
        services.request_submit(request=funding_request, actor=request.user)
    except services.FundingError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, selectors.request_get(user=request.user, pk=request_id))


@router.post(
    "/funding/requests/{request_id}/decisions",
    response={200: DecisionOut, 201: DecisionOut, 400: ErrorOut, 409: RefusalOut, 422: ErrorOut},
    summary="Decide a submitted request (regional manager); idempotent by Idempotency-Key",
)
def funding_decision_create(
    request: HttpRequest,
    request_id: int,
    body: DecisionIn | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status[Any]:
    funding_request = selectors.request_get(user=request.user, pk=request_id)
    if not can_instruct(request.user, funding_request.region_id):
        raise Http404
    if not idempotency_key or not idempotency_key.strip():
        return Status(400, {"detail": "the Idempotency-Key header is required"})
    if len(idempotency_key.strip()) > 80:
        return Status(400, {"detail": "the Idempotency-Key header has at most 80 characters"})
    if body is None:
        return Status(422, {"detail": "a JSON body is required"})
    try:
        decision, created = services.decision_create(
            request=funding_request,
            actor=request.user,
            idempotency_key=idempotency_key,
            outcome=body.outcome,
            instrument=_instrument(body.instrument),
            amount_cents=body.amount_cents,
            conditions=body.conditions,
            reason=body.reason,
        )
    except services.AidRulesRefusal as exc:
        return Status(
            409,
            {
                "detail": str(exc),
                "breaches": [
                    {"rule": b.rule, "message": b.message(), "figures": dict(b.figures)}
                    for b in exc.verdict.breaches
                ],
            },
        )
    except services.FundingError as exc:
        return Status(409, {"detail": str(exc), "breaches": []})
    return Status(201 if created else 200, decision)


@router.get(
    "/funding/envelopes",
    response=list[EnvelopeOut],
    summary="Regional envelopes within your scope (allocated, committed, paid, available)",
)
def funding_envelope_list(request: HttpRequest) -> list[dict[str, Any]]:
    data = selectors.consumption(user=request.user)
    return [_envelope_out(row, data.instruments) for row in data.rows]


@router.get(
    "/funding/envelopes/{region_code}",
    response=EnvelopeOut,
    summary="One regional envelope (404 outside your scope)",
)
def funding_envelope_detail(request: HttpRequest, region_code: str) -> dict[str, Any]:
    data = selectors.consumption(user=request.user)
    for row in data.rows:
        if row.region.code == region_code:
            return _envelope_out(row, data.instruments)
    raise Http404
