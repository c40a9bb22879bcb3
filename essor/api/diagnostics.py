"""Référentiels (read) and diagnostics (create, answer, submit, read results).

Scoped exactly like the pages (`essor.diagnostics.perms`): outside a user's scope a
diagnostic does not exist (404), and writing what one may only read is 404 too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from essor.companies.models import Company
from essor.diagnostics import selectors
from essor.diagnostics.enums import DiagnosticKind
from essor.diagnostics.models import Diagnostic
from essor.diagnostics.perms import (
    can_start_expert_diagnostic,
    can_start_self_assessment_for,
    is_respondent,
)
from essor.diagnostics.services import (
    current_results,
    diagnostic_create,
    diagnostic_save_answers,
    diagnostic_submit,
)
from essor.diagnostics.workflow import DiagnosticError
from essor.referentiel.models import ReferentielVersion
from essor.referentiel.selectors import referentiel_version_find, referentiel_version_list
from essor.referentiel.services import referentiel_export

from .schemas import ErrorOut

router = Router(tags=["diagnostics"])


class ReferentielOut(Schema):
    id: str
    version: str
    kind: str
    title_fr: str
    title_en: str
    published_at: dt.datetime

    @staticmethod
    def resolve_id(obj: ReferentielVersion) -> str:
        return obj.ref_id


class ReferentielKey(Schema):
    id: str
    version: str


class NoteOut(Schema):
    dimension_id: str
    evidence: str
    target_level: int | None


class DiagnosticOut(Schema):
    id: int
    kind: str
    phase: str
    status: str
    company_id: int | None
    referentiel: ReferentielKey
    expert: str | None
    answers: dict[str, Any]
    important_kpis: list[str]
    notes: list[NoteOut]
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    validated_at: dt.datetime | None

    @staticmethod
    def resolve_referentiel(obj: Diagnostic) -> dict[str, str]:
        return {"id": obj.referentiel.ref_id, "version": obj.referentiel.version}

    @staticmethod
    def resolve_expert(obj: Diagnostic) -> str | None:
        return obj.expert.email if obj.expert else None

    @staticmethod
    def resolve_notes(obj: Diagnostic) -> list[dict[str, Any]]:
        return [
            {"dimension_id": n.dimension_id, "evidence": n.evidence, "target_level": n.target_level}
            for n in obj.notes.all()
        ]


class DiagnosticIn(Schema):
    company_id: int
    kind: Literal["expert", "self_assessment"] = "expert"
    phase: Literal["t0", "t1"] = "t0"
    expert_id: int | None = None
    referentiel: ReferentielKey | None = None


class AnswersIn(Schema):
    answers: dict[str, Any]


class AnswersOut(Schema):
    saved: list[str]
    cleared: list[str]


class AnswersErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]
    saved: list[str]
    cleared: list[str]


@router.get("/referentiels", response=list[ReferentielOut], summary="Published référentiels")
def referentiel_list(request: HttpRequest) -> list[ReferentielVersion]:
    return list(referentiel_version_list(user=request.user))


@router.get(
    "/referentiels/{ref_id}/{version}",
    response=dict[str, Any],
    summary="One référentiel version: the document as published",
)
def referentiel_document(request: HttpRequest, ref_id: str, version: str) -> dict[str, Any]:
    row = referentiel_version_find(user=request.user, ref_id=ref_id, version=version)
    return referentiel_export(row)


@router.post(
    "/diagnostics",
    response={201: DiagnosticOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Open a diagnostic of a firm in your scope",
)
def diagnostic_new(request: HttpRequest, payload: DiagnosticIn) -> Any:
    user = request.user
    company = Company.objects.select_related("region").filter(pk=payload.company_id).first()
    expert_kind = payload.kind == DiagnosticKind.EXPERT
    allowed = company is not None and (
        can_start_expert_diagnostic(user, company)
        if expert_kind
        else can_start_self_assessment_for(user, company)
    )
    if not allowed or company is None:
        raise Http404
    from essor.companies.perms import can_manage_company

    expert: Any = None
    if expert_kind:
        if not can_manage_company(user, company):
            expert = user  # an expert opening the diagnostic of their own mission
        elif payload.expert_id is not None:
            from essor.diagnostics.forms import expert_candidates

            expert = expert_candidates(company).filter(pk=payload.expert_id).first()
            if expert is None:
                return Status(
                    422,
                    {
                        "detail": f"expert_id: {payload.expert_id} is not an expert who may "
                        "carry out this firm's diagnostic (its accepted diagnostic mission, "
                        "or a referenced expert covering its department)"
                    },
                )
    version = None
    if payload.referentiel is not None:
        version = ReferentielVersion.objects.filter(
            ref_id=payload.referentiel.id, version=payload.referentiel.version
        ).first()
        if version is None:
            return Status(422, {"detail": "referentiel: no such published version"})
    try:
        diagnostic = diagnostic_create(
            company=company,
            actor=user,
            kind=payload.kind,
            phase=payload.phase,
            expert=expert,
            referentiel=version,
        )
    except DiagnosticError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, diagnostic)


@router.get(
    "/diagnostics/{diagnostic_id}",
    response=DiagnosticOut,
    summary="One diagnostic: status, answers, notes (404 outside your scope)",
)
def diagnostic_detail(request: HttpRequest, diagnostic_id: int) -> Diagnostic:
    return selectors.diagnostic_get(user=request.user, pk=diagnostic_id)


@router.put(
    "/diagnostics/{diagnostic_id}/answers",
    response={200: AnswersOut, 404: ErrorOut, 409: ErrorOut, 422: AnswersErrorOut},
    summary="Save some answers (null clears one); bad ones are refused per question",
)
def diagnostic_answers(request: HttpRequest, diagnostic_id: int, payload: AnswersIn) -> Any:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=diagnostic_id)
    if not is_respondent(request.user, diagnostic):
        raise Http404
    if not diagnostic.is_draft:
        return Status(
            409, {"detail": f"the diagnostic is {diagnostic.status}: answers no longer change"}
        )
    try:
        saved = diagnostic_save_answers(
            diagnostic=diagnostic, answers=payload.answers, actor=request.user
        )
    except DiagnosticError as exc:
        return Status(409, {"detail": str(exc)})
    if saved.errors:
        return Status(
            422,
            {
                "detail": "some answers were refused; the others are saved",
                "errors": saved.errors,
                "saved": saved.saved,
                "cleared": saved.cleared,
            },
        )
    return Status(200, {"saved": saved.saved, "cleared": saved.cleared})


@router.post(
    "/diagnostics/{diagnostic_id}/submit",
    response={200: DiagnosticOut, 404: ErrorOut, 409: ErrorOut},
    summary="Submit a draft: its answers are scored and the result stored",
)
def diagnostic_submit_op(request: HttpRequest, diagnostic_id: int) -> Any:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=diagnostic_id)
    if not is_respondent(request.user, diagnostic):
        raise Http404
    if not diagnostic.is_draft:
        return Status(409, {"detail": f"the diagnostic is already {diagnostic.status}"})
    try:
        diagnostic_submit(diagnostic=diagnostic, actor=request.user)
    except DiagnosticError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, diagnostic)


@router.get(
    "/diagnostics/{diagnostic_id}/results",
    response=dict[str, Any],
    summary="The scoring output (referentiel-format.md §4); for a draft, of its answers now",
)
def diagnostic_results(request: HttpRequest, diagnostic_id: int) -> dict[str, Any]:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=diagnostic_id)
    return current_results(diagnostic)
