"""Pages of funding requests: list and export, filing and editing, instruction, the
decision (idempotent), payments, closing, quotes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.accounts.enums import Role
from essor.accounts.perms import scope_of
from essor.core.formatting import euros_input, format_euros
from essor.core.services import audit_trail
from essor.territories.models import Region

from .. import exporting, selectors, services
from ..enums import DecisionOutcome, RequestStatus
from ..forms import CostLineFormSet, DecisionForm, NoteForm, PaymentForm, ReasonForm, RequestForm
from ..models import FundingRequest
from ..perms import can_edit_request, can_file_request, can_instruct, can_manage_envelopes
from ..rules import aid_check, max_allowed_cents
from .common import EXPORT_FORMATS, _export
from .feedback import form_refused


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not (scope.is_national_admin or scope.is_regional_manager) and not _files_anything(
        request.user
    ):
        raise Http404
    qs = selectors.request_list(user=request.user)
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    region = request.GET.get("region", "")
    if region:
        qs = qs.filter(region__code=region)
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    own_companies = selectors.funding_company_list(user=request.user).filter(
        pk__in=list(scope.company_ids)
    )
    return render(
        request,
        "funding/request_list.html",
        {
            "page": page,
            "statuses": RequestStatus.choices,
            "status": status,
            "region": region,
            "regions": Region.objects.order_by("name") if scope.is_national_admin else [],
            "query": query.urlencode(),
            "own_companies": own_companies,
        },
    )


def _files_anything(user: Any) -> bool:
    """Company users and experts see the list of their firms' requests."""
    scope = scope_of(user)
    return bool(scope.company_ids) or scope.has_role(Role.EXPERT)


@login_required
def request_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    scope = scope_of(request.user)
    if fmt not in EXPORT_FORMATS or not (scope.is_national_admin or scope.is_regional_manager):
        raise Http404
    headers, rows = exporting.request_table(selectors.request_list(user=request.user))
    return _export(_("funding-requests"), fmt, headers, rows)


def _line_data(formset: Any) -> list[services.CostLineData]:
    lines = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data:
            continue
        delete = bool(data.get("DELETE"))
        if not delete and not data.get("amount"):
            continue
        lines.append(
            services.CostLineData(
                cost_type=data.get("cost_type") or "",
                description=data.get("description") or "",
                amount_cents=data.get("amount") or 0,
                quote=data.get("quote"),
                line_id=data.get("line_id"),
                delete=delete,
                action_id=data.get("action"),
            )
        )
    return lines


def _action_choices(plans: list[Any]) -> list[tuple[Any, Any]]:
    """The actions of the firm's validated plans, grouped by plan (the `action` field)."""
    return [
        (
            plan.reference,
            [(a.pk, f"{n}. {a.title}") for n, a in enumerate(plan.actions.all(), 1)],
        )
        for plan in plans
    ]


def _lines_from_plan(plan: Any) -> list[dict[str, Any]]:
    """A new request filed from its plan: one cost per action, at its estimated cost."""
    return [
        {
            "action": action.pk,
            "description": action.title[:300],
            "amount": euros_input(action.estimated_cost_cents),
        }
        for action in plan.actions.exclude(status="abandoned")
        if action.estimated_cost_cents
    ]


def _request_form_page(
    request: HttpRequest, company: Any, funding_request: FundingRequest | None
) -> HttpResponse:
    from essor.actionplans.selectors import validated_plans

    plans_qs = validated_plans(company, user=request.user).prefetch_related("actions")
    plans = list(plans_qs)
    if funding_request is None:
        chosen = next((p for p in plans if str(p.pk) == request.GET.get("plan", "")), None)
        initial: dict[str, Any] = {"action_plan": (chosen or plans[0]).pk if plans else None}
        lines_initial: list[dict[str, Any]] = _lines_from_plan(chosen) if chosen else []
    else:
        initial = {
            "action_plan": funding_request.action_plan_id,
            "title": funding_request.title,
            "description": funding_request.description,
            "instrument": funding_request.instrument_id,
            "amount": euros_input(funding_request.amount_cents),
        }
        lines_initial = [
            {
                "line_id": line.pk,
                "action": line.action_id,
                "cost_type": line.cost_type,
                "description": line.description,
                "amount": euros_input(line.amount_cents),
                "quote_name": line.quote_name,
            }
            for line in funding_request.lines.all()
        ]
    post = request.method == "POST"
    form = RequestForm(request.POST if post else None, initial=initial, plans=plans_qs)
    formset = CostLineFormSet(
        request.POST if post else None,
        request.FILES if post else None,
        initial=lines_initial,
        prefix="lines",
        form_kwargs={"actions": _action_choices(plans)},
    )
    blocked = services.financing_request_guard(company)
    if not blocked and not plans:
        blocked = _("A funding request finances a validated action plan: the firm has none yet.")
    if post and not blocked and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            saved = services.request_save(
                actor=request.user,
                company=company,
                title=data["title"],
                description=data["description"],
                instrument=data["instrument"],
                amount_cents=data["amount"],
                lines=_line_data(formset),
                request=funding_request,
                action_plan=data["action_plan"],
            )
        except services.FundingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Draft saved. Submit it when it is complete."))
            return redirect(saved)
    return render(
        request,
        "funding/request_form.html",
        {
            "company": company,
            "funding_request": funding_request,
            "form": form,
            "formset": formset,
            "blocked": blocked,
        },
    )


@login_required
def request_create(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = selectors.funding_company_get(user=request.user, pk=company_pk)
    if not can_file_request(request.user, company):
        raise Http404
    return _request_form_page(request, company, None)


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = selectors.request_get(user=request.user, pk=pk)
    if not can_file_request(request.user, funding_request.company):
        raise Http404
    if not can_edit_request(request.user, funding_request):
        messages.error(request, _("Only a draft can be changed."))
        return redirect(funding_request)
    return _request_form_page(request, funding_request.company, funding_request)


def _detail_context(
    request: HttpRequest, funding_request: FundingRequest, decision_form: DecisionForm | None = None
) -> dict[str, Any]:
    user = request.user
    instruct = can_instruct(user, funding_request.region_id)
    can_file = can_file_request(user, funding_request.company)
    context: dict[str, Any] = {
        "r": funding_request,
        "lines": list(funding_request.lines.all()),  # prefetched with their actions
        "decision": getattr(funding_request, "decision", None),
        "payments": list(funding_request.payments.all()),
        "balances": selectors.request_balances(funding_request),
        "can_instruct": instruct,
        "can_file": can_file,
        "can_edit": can_edit_request(user, funding_request, can_file=can_file),
        "can_reverse": can_manage_envelopes(user),
        "timeline": audit_trail(funding_request),
    }
    if instruct and funding_request.status == RequestStatus.SUBMITTED:
        case = selectors.aid_case(funding_request)
        rules = funding_request.instrument.rules()
        verdict = aid_check(case, rules)
        most = max_allowed_cents(case, rules)
        context["verdict"] = verdict
        context["max_allowed_cents"] = most
        # Offer what may be granted: the amount asked, or the most the rules allow.
        offer = funding_request.amount_cents if verdict.allowed or not most else most
        context["note_form"] = NoteForm(initial={"note": funding_request.instruction_note})
        context["decision_form"] = decision_form or DecisionForm(
            initial={
                "idempotency_key": DecisionForm.new_key(),
                "instrument": funding_request.instrument_id,
                "amount": euros_input(offer),
                "outcome": DecisionOutcome.GRANTED,
            }
        )
    if instruct and funding_request.status == RequestStatus.GRANTED:
        context["payment_form"] = PaymentForm(initial={"paid_on": timezone.localdate()})
        context["close_form"] = ReasonForm()
    if instruct or context["can_reverse"]:
        context["entries"] = list(
            funding_request.entries.select_related("instrument").order_by("created_at", "pk")
        )
    return context


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = selectors.request_get(user=request.user, pk=pk)
    return render(request, "funding/request_detail.html", _detail_context(request, funding_request))


@login_required
@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = selectors.request_get(user=request.user, pk=pk)
    if not can_file_request(request.user, funding_request.company):
        raise Http404
    try:
        services.request_submit(request=funding_request, actor=request.user)
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Request submitted to the regional team."))
    return redirect(funding_request)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = selectors.request_get(user=request.user, pk=pk)
    if not can_file_request(request.user, funding_request.company):
        raise Http404
    form = ReasonForm(request.POST)
    if form_refused(request, form):
        return redirect(funding_request)
    try:
        services.request_withdraw(
            request=funding_request, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect(funding_request)


@login_required
@require_POST
def request_note(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = selectors.request_get(user=request.user, pk=pk)
    if not can_instruct(request.user, funding_request.region_id):
        raise Http404
    form = NoteForm(request.POST)
    if form_refused(request, form):
        return redirect(funding_request)
    try:
        services.request_note(
            request=funding_request, actor=request.user, note=form.cleaned_data["note"]
        )
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Notes saved."))
    return redirect(funding_request)


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide a request. The form carries an idempotency key: a repeated submission shows
    the decision already taken instead of deciding again."""
    funding_request = selectors.request_get(user=request.user, pk=pk)
    if not can_instruct(request.user, funding_request.region_id):
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision, created = services.decision_create(
                request=funding_request,
                actor=request.user,
                idempotency_key=data["idempotency_key"],
                outcome=data["outcome"],
                instrument=data["instrument"],
                amount_cents=data["amount"] or 0,
                conditions=data["conditions"],
                reason=data["reason"],
            )
        except services.FundingError as exc:
            form.add_error(None, str(exc))
        else:
            if created:
                messages.success(
                    request,
                    _("Decision recorded: %(outcome)s.")
                    % {"outcome": decision.get_outcome_display()},
                )
            else:
                messages.info(request, _("This decision had already been recorded."))
            return redirect(funding_request)
    if "idempotency_key" in form.errors:
        data = request.POST.copy()
        data["idempotency_key"] = DecisionForm.new_key()
        form = DecisionForm(data)
        form.is_valid()
    funding_request.refresh_from_db()
    return render(
        request,
        "funding/request_detail.html",
        _detail_context(request, funding_request, decision_form=form),
    )


@login_required
@require_POST
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = selectors.request_get(user=request.user, pk=pk)
    if not can_instruct(request.user, funding_request.region_id):
        raise Http404
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The payment is incomplete: basis, reference, amount and date."))
        return redirect(funding_request)
    data = form.cleaned_data
    try:
        services.payment_record(
            request=funding_request,
            actor=request.user,
            amount_cents=data["amount"],
            reference=data["reference"],
            basis=data["basis"],
            paid_on=data["paid_on"],
        )
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Payment recorded."))
    return redirect(funding_request)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = selectors.request_get(user=request.user, pk=pk)
    if not can_instruct(request.user, funding_request.region_id):
        raise Http404
    form = ReasonForm(request.POST)
    if form_refused(request, form):
        return redirect(funding_request)
    try:
        entry = services.request_close(
            request=funding_request, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        if entry is not None:
            messages.success(
                request,
                _("Project closed; %(amount)s released to the envelope.")
                % {"amount": format_euros(entry.amount_cents, get_language() or "fr")},
            )
        else:
            messages.success(request, _("Project closed; everything committed was paid."))
    return redirect(funding_request)


@login_required
def quote_download(request: HttpRequest, pk: int, line_pk: int) -> FileResponse:
    funding_request = selectors.request_get(user=request.user, pk=pk)
    line = get_object_or_404(funding_request.lines, pk=line_pk)
    if not line.quote:
        raise Http404
    try:
        handle = line.quote.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=line.quote_name or "quote")
