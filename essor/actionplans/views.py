"""Pages of action plans. Every object comes through a scoped selector (404 outside scope);
every write goes through `essor.actionplans.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.core.formatting import euros_input
from essor.core.services import audit_trail
from essor.diagnostics.selectors import diagnostic_get
from essor.funding.perms import can_file_request
from essor.funding.selectors import request_list as funding_request_list

from . import reference, selectors, services
from .forms import FORM_FIELD, ActionForm, ProgressForm, ReasonForm
from .models import Action, ActionPlan
from .perms import (
    can_company_validate,
    can_create_plan,
    can_edit_plan,
    can_list_awaiting,
    can_manager_validate,
    can_report_progress,
    can_return,
)
from .workflow import PlanError


@login_required
def company_plans(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = selectors.plan_company_get(user=request.user, pk=company_pk)
    rows = selectors.company_plan_rows(user=request.user, company=company)
    return render(
        request,
        "actionplans/company_plans.html",
        {"company": company, "plans": rows.plans, "buildable": rows.buildable},
    )


@login_required
@require_POST
def plan_create(request: HttpRequest, diagnostic_pk: int) -> HttpResponse:
    diagnostic = diagnostic_get(user=request.user, pk=diagnostic_pk)
    if not can_create_plan(request.user, diagnostic):
        raise Http404
    try:
        plan = services.plan_create(diagnostic=diagnostic, actor=request.user)
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect(diagnostic)
    messages.success(
        request,
        _("Action plan opened with one action per top priority: complete and edit them."),
    )
    return redirect(plan)


@login_required
def plan_queue(request: HttpRequest) -> HttpResponse:
    """A manager's work list: plans the firm validated, waiting for the region."""
    if not can_list_awaiting(request.user):
        raise Http404
    awaiting = list(
        selectors.plans_awaiting_validation(user=request.user).order_by(
            "company_validated_at", "pk"
        )
    )
    preparing = list(
        selectors.plans_in_preparation(user=request.user).order_by("-updated_at", "pk")[:100]
    )
    return render(
        request,
        "actionplans/plan_queue.html",
        {"awaiting": awaiting, "preparing": preparing},
    )


def _rows(plan: ActionPlan, actions: list[Action]) -> list[dict[str, Any]]:
    ref = plan.diagnostic.referentiel.parsed
    dimensions = dict(reference.dimension_choices(ref))
    kpis = dict(reference.kpi_choices(ref))
    today = timezone.localdate()
    return [
        {
            "action": action,
            "number": number,
            "dimension": dimensions.get(action.dimension_id, action.dimension_id),
            "family": reference.family_name(action.technology_family)
            if action.technology_family
            else "",
            "kpis": [kpis.get(k, k) for k in action.kpi_effects],
            "late": action.is_late_on(today),
        }
        for number, action in enumerate(actions, 1)
    ]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    actions = list(plan.actions.all())
    user = request.user
    editable = can_edit_plan(user, plan)
    progress = can_report_progress(user, plan)
    return render(
        request,
        "actionplans/plan_detail.html",
        {
            "plan": plan,
            "rows": _rows(plan, actions),
            "summary": selectors.plan_summary(actions),
            "editable": editable,
            "problems": services.submission_problems(plan, actions) if editable else [],
            "can_company_validate": can_company_validate(user, plan),
            "can_manager_validate": can_manager_validate(user, plan),
            "can_return": can_return(user, plan),
            "can_report_progress": progress,
            "progress_forms": {
                a.pk: ProgressForm(
                    initial={"status": a.status, "progress": a.progress}, prefix=f"a{a.pk}"
                )
                for a in actions
            }
            if progress
            else {},
            "can_file": plan.is_validated and can_file_request(user, plan.company),
            "reason_form": ReasonForm(),
            "timeline": audit_trail(plan),
            # Only the requests the viewer may open (the funding app's scope, not the plan's).
            "requests": list(
                funding_request_list(user=user)
                .filter(action_plan=plan)
                .order_by("-created_at", "-pk")
            )
            if plan.is_validated
            else [],
        },
    )


def _action_form_page(
    request: HttpRequest, plan: ActionPlan, action: Action | None
) -> HttpResponse:
    ref = plan.diagnostic.referentiel.parsed
    initial: dict[str, Any] = {}
    if action is not None:
        initial = {
            "title": action.title,
            "dimension_id": action.dimension_id,
            "technology_family": action.technology_family,
            "description": action.description,
            "estimated_cost": euros_input(action.estimated_cost_cents)
            if action.estimated_cost_cents is not None
            else "",
            "start_date": action.start_date,
            "end_date": action.end_date,
            "owner": action.owner,
            "kpi_effects": list(action.kpi_effects),
        }
    form = ActionForm(
        request.POST if request.method == "POST" else None, initial=initial, referentiel=ref
    )
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                services.action_add(plan=plan, actor=request.user, data=form.data_object())
            else:
                services.action_update(action=action, actor=request.user, data=form.data_object())
        except services.ActionInvalid as exc:
            for name, message in exc.errors.items():
                form.add_error(FORM_FIELD.get(name, name), message)
        except PlanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Action saved."))
            return redirect(plan)
    return render(
        request,
        "actionplans/action_form.html",
        {"plan": plan, "action": action, "form": form},
    )


def _editable_plan(request: HttpRequest, pk: int) -> ActionPlan:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not can_edit_plan(request.user, plan):
        raise Http404
    return plan


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_form_page(request, _editable_plan(request, pk), None)


@login_required
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    return _action_form_page(request, plan, get_object_or_404(plan.actions, pk=action_pk))


@login_required
@require_POST
def action_delete(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    action = get_object_or_404(plan.actions, pk=action_pk)
    try:
        services.action_remove(action=action, actor=request.user)
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Action removed."))
    return redirect(plan)


@login_required
@require_POST
def action_progress(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not can_report_progress(request.user, plan):
        raise Http404
    action = get_object_or_404(plan.actions, pk=action_pk)
    form = ProgressForm(request.POST, prefix=f"a{action.pk}")
    if not form.is_valid():
        messages.error(
            request,
            _("Action “%(title)s”: choose a status and a progress from 0 to 100.")
            % {"title": action.title},
        )
        return redirect(plan)
    try:
        services.action_progress_set(
            action=action,
            actor=request.user,
            status=form.cleaned_data["status"],
            progress=form.cleaned_data["progress"],
        )
    except PlanError as exc:
        messages.error(
            request, _("Action “%(title)s”: %(error)s") % {"title": action.title, "error": exc}
        )
    else:
        messages.success(request, _("Progress saved."))
    return redirect(plan)


def _step(request: HttpRequest, pk: int, allowed: Any, step: Any, done: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not allowed(request.user, plan):
        raise Http404
    try:
        step(plan=plan, actor=request.user)
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(plan)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        can_edit_plan,
        services.plan_submit,
        _("Plan submitted to the firm for validation."),
    )


@login_required
@require_POST
def plan_company_validate(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        can_company_validate,
        services.plan_company_validate,
        _("Plan validated for the firm; it now waits for the regional validation."),
    )


@login_required
@require_POST
def plan_validate(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        can_manager_validate,
        services.plan_validate,
        _("Plan validated: the firm may now file funding requests from it."),
    )


@login_required
@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not can_return(request.user, plan):
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the plan is returned (field “Reason”)."))
        return redirect(plan)
    try:
        services.plan_return(plan=plan, actor=request.user, reason=form.cleaned_data["reason"])
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Plan returned for changes."))
    return redirect(plan)
