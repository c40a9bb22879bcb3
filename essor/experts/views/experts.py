"""Pages of national admins and regional managers: the experts, their referencing, and
proposing a mission by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.accounts.perms import can_manage_region, can_view_people
from essor.companies.selectors import company_list
from essor.companies.validation import FieldError, clean_siren
from essor.core.services import audit_trail
from essor.territories.models import Department
from essor.territories.selectors import organisation_list

from .. import selectors
from ..enums import ExpertStatus, Language
from ..forms import ExpertCreateForm, MissionProposeForm, TransitionForm
from ..perms import can_decide_referencing
from ..services import AssignmentError, ExpertError, expert_apply, mission_propose
from ..workflow import REFERENCING, WorkflowError, referencing_apply, referencing_available


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    if not can_view_people(request.user):
        raise Http404
    status = request.GET.get("status", "")
    department = request.GET.get("department", "").strip().upper()
    qs = selectors.expert_list(
        user=request.user,
        status=status if status in ExpertStatus.values else None,
        department=department or None,
    )
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(full_name__icontains=query) | Q(firm__name__icontains=query))
    page = Paginator(qs.order_by("full_name", "pk"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "experts/expert_list.html",
        {
            "page": page,
            "statuses": ExpertStatus.choices,
            "status": status,
            "department": department,
            "q": query,
            "query": params.urlencode(),
        },
    )


@login_required
def expert_create(request: HttpRequest) -> HttpResponse:
    """Record an application on behalf of a consultant (a regional manager or the admin)."""
    if not can_view_people(request.user):
        raise Http404
    form = ExpertCreateForm(
        request.POST or None, organisations=organisation_list(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = Department.objects.get(code=data["home_department"])
        if not can_manage_region(request.user, department.region_id):
            form.add_error("home_department", _("This department is outside your region(s)."))
        else:
            try:
                expert = expert_apply(
                    actor=request.user,
                    email=data["email"],
                    full_name=data["full_name"],
                    home_department=department,
                    firm=data["firm"],
                    capacity=data["capacity"],
                    daily_rate_cents=data["daily_rate"],
                )
            except ExpertError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Application recorded."))
                return redirect(expert)
    return render(request, "experts/expert_form.html", {"form": form})


def _language_label(code: str) -> str:
    """A working language by its translated name (the code itself if no longer offered)."""
    try:
        return str(Language(code).label)
    except ValueError:
        return code.upper()


@login_required
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expert = selectors.expert_get(user=request.user, pk=pk)
    decide = can_decide_referencing(request.user, expert)
    missions = list(selectors.missions_in_scope(user=request.user, expert=expert))
    # The ratings are prefetched with the missions: no second query.
    scores = [m.rating_or_none.score for m in missions if m.rating_or_none is not None]
    ratings = {"average": sum(scores) / len(scores) if scores else None, "count": len(scores)}
    return render(
        request,
        "experts/expert_detail.html",
        {
            "expert": expert,
            "can_decide": decide,
            "transitions": referencing_available(expert) if decide else [],
            "skills": expert.skills.all(),
            "departments": expert.departments.order_by("code"),
            "working_languages": [_language_label(code) for code in expert.languages],
            "missions": missions,
            "ratings": ratings,
            "conflicts": selectors.conflicts_in_scope(user=request.user, expert=expert),
            "timeline": audit_trail(expert) if decide else None,
            "propose_form": MissionProposeForm() if expert.is_referenced else None,
        },
    )


@login_required
@require_POST
def expert_transition(request: HttpRequest, pk: int) -> HttpResponse:
    expert = selectors.expert_get(user=request.user, pk=pk)
    if not can_decide_referencing(request.user, expert):
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["transition"] not in REFERENCING:
        messages.error(request, _("Unknown action."))
        return redirect(expert)
    try:
        referencing_apply(
            expert=expert,
            transition=form.cleaned_data["transition"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(expert)s is now “%(status)s”.")
            % {"expert": expert.full_name, "status": expert.get_status_display()},
        )
    return redirect(expert)


@login_required
@require_POST
def mission_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a mission to this expert at a firm of the manager's regions (by SIREN)."""
    expert = selectors.expert_get(user=request.user, pk=pk)
    form = MissionProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(expert)
    try:
        siren = clean_siren(form.cleaned_data["siren"])
    except FieldError as exc:
        messages.error(request, str(exc))
        return redirect(expert)
    company = company_list(user=request.user).filter(siren=siren).first()
    if company is None or not can_manage_region(request.user, company.region_id):
        messages.error(request, _("No firm with this SIREN is followed in your region(s)."))
        return redirect(expert)
    try:
        mission_propose(
            actor=request.user,
            expert=expert,
            company=company,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    except AssignmentError as exc:
        messages.error(request, _("Mission refused: %(reason)s") % {"reason": exc})
    else:
        messages.success(
            request,
            _("Mission proposed to %(expert)s at %(company)s.")
            % {"expert": expert.full_name, "company": company.name},
        )
    return redirect(expert)
