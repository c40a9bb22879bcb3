import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from essor.experts import selectors
from essor.experts.enums import ExpertStatus, MissionStatus
from essor.experts.models import ExpertProfile, Mission
from essor.experts.workflow import WorkflowError, mission_apply
from essor.territories.models import Department

from .schemas import ErrorOut

router = Router(tags=["experts"])


class SkillOut(Schema):
    skill: str
    level: int


class ExpertOut(Schema):
    id: int
    full_name: str
    firm: str | None
    status: str
    home_department: str = Field(..., alias="home_department.code")
    region: str = Field(..., alias="region.code")
    departments: list[str]
    skills: list[SkillOut]
    capacity: int
    open_missions: int
    daily_rate_cents: int | None
    languages: list[str]

    @staticmethod
    def resolve_firm(obj: ExpertProfile) -> str | None:
        return obj.firm.name if obj.firm else None

    @staticmethod
    def resolve_departments(obj: ExpertProfile) -> list[str]:
        return [d.code for d in obj.departments.all()]

    @staticmethod
    def resolve_skills(obj: ExpertProfile) -> list[SkillOut]:
        return [SkillOut(skill=s.skill, level=s.level) for s in obj.skills.all()]


class MissionCompanyOut(Schema):
    siren: str
    name: str
    department: str = Field(..., alias="department.code")


class MissionOut(Schema):
    id: int
    kind: str
    status: str
    company: MissionCompanyOut
    note: str
    created_at: dt.datetime
    status_changed_at: dt.datetime


def _experts(
    request: HttpRequest, *, status: str | None = None, department: str | None = None
) -> QuerySet[ExpertProfile]:
    qs = selectors.expert_list(user=request.user, status=status, department=department)
    return qs.prefetch_related(
        Prefetch("departments", queryset=Department.objects.only("code").order_by("code")),
        "skills",
    )


@router.get("/experts", response=list[ExpertOut], summary="Experts within your scope")
def expert_list(
    request: HttpRequest, status: ExpertStatus | None = None, department: str | None = None
) -> list[ExpertProfile]:
    qs = _experts(request, status=status, department=department)
    return list(qs.order_by("full_name", "pk"))


@router.get(
    "/experts/{expert_id}", response=ExpertOut, summary="One expert (404 outside your scope)"
)
def expert_detail(request: HttpRequest, expert_id: int) -> ExpertProfile:
    return get_object_or_404(_experts(request), pk=expert_id)


@router.get("/missions", response=list[MissionOut], summary="Your missions as an expert")
def my_missions(request: HttpRequest, status: MissionStatus | None = None) -> list[Mission]:
    qs = selectors.my_missions(user=request.user)
    if status:
        qs = qs.filter(status=status)
    return list(qs)


def _decide(request: HttpRequest, mission_id: int, transition: str, reason: str) -> Mission:
    mission = get_object_or_404(selectors.my_missions(user=request.user), pk=mission_id)
    try:
        return mission_apply(
            mission=mission, transition=transition, actor=request.user, reason=reason
        )
    except WorkflowError as exc:
        raise HttpError(409, str(exc)) from None


@router.post(
    "/missions/{mission_id}/accept",
    response={200: MissionOut, 409: ErrorOut},
    summary="Accept a mission proposed to you",
)
def mission_accept(request: HttpRequest, mission_id: int, reason: str = "") -> Mission:
    return _decide(request, mission_id, "accept", reason)


@router.post(
    "/missions/{mission_id}/decline",
    response={200: MissionOut, 409: ErrorOut},
    summary="Decline a mission proposed to you",
)
def mission_decline(request: HttpRequest, mission_id: int, reason: str = "") -> Mission:
    return _decide(request, mission_id, "decline", reason)
