"""Pages of experts (their profile and missions) and of company users (rating missions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.accounts.perms import scope_of
from essor.territories.models import Department

from .. import selectors
from ..enums import MissionStatus
from ..forms import ConflictForm, ExpertProfileForm, RatingForm, SkillsForm, TransitionForm
from ..models import ExpertProfile
from ..perms import can_act_on_mission, can_rate_mission
from ..services import (
    ExpertError,
    conflict_declare,
    conflict_withdraw,
    expert_skills_set,
    expert_update,
)
from ..services import (
    mission_rate as mission_rate_record,
)
from ..workflow import MISSION, WorkflowError, mission_apply


def _profile_initial(expert: ExpertProfile) -> dict[str, object]:
    return {
        "capacity": expert.capacity,
        "daily_rate": expert.daily_rate_cents,  # EurosField shows the cents in euros
        "languages": list(expert.languages),
        "departments": list(expert.departments.values_list("code", flat=True)),
    }


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """The expert's own profile: availability, coverage, skills and conflicts of interest."""
    expert = selectors.own_profile(user=request.user)
    posted = request.POST.get("form") if request.method == "POST" else None
    profile_form = ExpertProfileForm(
        request.POST if posted == "profile" else None, initial=_profile_initial(expert)
    )
    skills_form = SkillsForm(
        request.POST if posted == "skills" else None,
        initial={f"skill_{s.skill}": s.level for s in expert.skills.all()},
    )
    conflict_form = ConflictForm(request.POST if posted == "conflict" else None)
    if posted == "profile" and profile_form.is_valid():
        data = profile_form.cleaned_data
        try:
            expert_update(
                expert=expert,
                actor=request.user,
                capacity=data["capacity"],
                daily_rate_cents=data["daily_rate"],
                languages=data["languages"],
                departments=Department.objects.filter(code__in=data["departments"]),
            )
        except ExpertError as exc:
            profile_form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("experts:my_profile")
    elif posted == "skills" and skills_form.is_valid():
        try:
            expert_skills_set(expert=expert, actor=request.user, levels=skills_form.levels())
        except ExpertError as exc:
            skills_form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your skills are saved."))
            return redirect("experts:my_profile")
    elif posted == "conflict" and conflict_form.is_valid():
        data = conflict_form.cleaned_data
        try:
            conflict_declare(
                expert=expert,
                actor=request.user,
                siren=data["siren"],
                group_name=data["group_name"],
                reason=data["reason"],
            )
        except ExpertError as exc:
            conflict_form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your declaration is recorded."))
            return redirect("experts:my_profile")
    return render(
        request,
        "experts/my_profile.html",
        {
            "expert": expert,
            "profile_form": profile_form,
            "skills_form": skills_form,
            "conflict_form": conflict_form,
            "conflicts": expert.conflicts.all(),
            "open_missions": selectors.open_mission_count(expert),
        },
    )


@login_required
@require_POST
def my_conflict_delete(request: HttpRequest, pk: int) -> HttpResponse:
    expert = selectors.own_profile(user=request.user)
    conflict = get_object_or_404(expert.conflicts, pk=pk)
    conflict_withdraw(conflict=conflict, actor=request.user)
    messages.success(request, _("The declaration is withdrawn."))
    return redirect("experts:my_profile")


@login_required
def my_missions(request: HttpRequest) -> HttpResponse:
    expert = selectors.own_profile(user=request.user)
    missions = list(selectors.my_missions(user=request.user))
    return render(
        request,
        "experts/my_missions.html",
        {
            "expert": expert,
            "proposed": [m for m in missions if m.status == MissionStatus.PROPOSED],
            "accepted": [m for m in missions if m.status == MissionStatus.ACCEPTED],
            "past": [
                m for m in missions if m.status in (MissionStatus.DONE, MissionStatus.DECLINED)
            ],
        },
    )


@login_required
@require_POST
def mission_transition(request: HttpRequest, pk: int) -> HttpResponse:
    mission = selectors.mission_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    name = form.cleaned_data["transition"] if form.is_valid() else ""
    if name in MISSION and not can_act_on_mission(request.user, mission, name):
        raise Http404
    try:
        if name not in MISSION:
            raise WorkflowError(_("Unknown action."))
        mission_apply(
            mission=mission, transition=name, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Mission at %(company)s: “%(status)s”.")
            % {"company": mission.company.name, "status": mission.get_status_display()},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("experts:my_missions")
    return redirect(target)


@login_required
def company_missions(request: HttpRequest) -> HttpResponse:
    """The expert missions at the user's firm, to follow and rate them."""
    if not scope_of(request.user).company_ids:
        raise Http404
    return render(
        request,
        "experts/company_missions.html",
        {"missions": selectors.company_missions(user=request.user)},
    )


@login_required
def mission_rate(request: HttpRequest, pk: int) -> HttpResponse:
    mission = selectors.mission_get(user=request.user, pk=pk)
    if not can_rate_mission(request.user, mission):
        raise Http404
    rated = hasattr(mission, "rating")
    rateable = mission.status == MissionStatus.DONE and not rated
    form = RatingForm(request.POST or None) if rateable else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            mission_rate_record(
                mission=mission,
                actor=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you: your rating is recorded."))
            return redirect("experts:company_missions")
    return render(
        request,
        "experts/mission_rate.html",
        {"mission": mission, "form": form, "rated": rated},
    )
