"""The expert diagnostic, page by page: create, answer one pillar per page, sum up, submit;
then the regional manager validates or sends it back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.companies.models import Company
from essor.companies.perms import can_manage_company
from essor.companies.selectors import company_get
from essor.referentiel.texts import localised

from .. import selectors
from ..enums import DiagnosticKind, DiagnosticStatus
from ..forms import DiagnosticCreateForm, KpiForm, ReasonForm
from ..models import Diagnostic
from ..perms import can_fill, can_start_expert_diagnostic, can_validate, has_diagnostic_scope
from ..questionnaire import pillar_page
from ..services import (
    current_results,
    diagnostic_create,
    diagnostic_reopen,
    diagnostic_set_kpis,
    diagnostic_submit,
    diagnostic_validate,
)
from ..workflow import DiagnosticError
from .common import language, notes_of, page_with_errors, save_page


@login_required
def company_diagnostics(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = company_get(user=request.user, pk=company_pk)
    diagnostics = selectors.company_diagnostics(user=request.user, company=company)
    t0, t1 = selectors.comparison_pair(user=request.user, company=company)
    return render(
        request,
        "diagnostics/company_diagnostics.html",
        {
            "company": company,
            "diagnostics": diagnostics,
            "can_start": can_start_expert_diagnostic(request.user, company)
            and bool(selectors.phases_open(company)),
            "can_compare": t0 is not None and t1 is not None,
        },
    )


@login_required
def diagnostic_new(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = Company.objects.select_related("region").filter(pk=company_pk).first()
    if company is None or not can_start_expert_diagnostic(request.user, company):
        raise Http404
    self_expert = not can_manage_company(request.user, company)
    form = DiagnosticCreateForm(request.POST or None, company=company, self_expert=self_expert)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            diagnostic = diagnostic_create(
                company=company,
                actor=request.user,
                kind=DiagnosticKind.EXPERT,
                phase=data["phase"],
                expert=request.user if self_expert else data.get("expert"),
                referentiel=data["referentiel"],
            )
        except DiagnosticError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Diagnostic created."))
            if can_fill(request.user, diagnostic):
                return redirect(_first_page(diagnostic))
            return redirect(diagnostic)
    return render(request, "diagnostics/diagnostic_new.html", {"form": form, "company": company})


def _first_page(diagnostic: Diagnostic) -> str:
    first = diagnostic.referentiel.parsed.pillars[0].id
    return reverse("diagnostics:diagnostic_pillar", args=[diagnostic.pk, first])


@login_required
def diagnostic_list(request: HttpRequest) -> HttpResponse:
    if not has_diagnostic_scope(request.user):
        raise Http404
    qs = selectors.diagnostic_list(user=request.user)
    status = request.GET.get("status", "")
    if status in DiagnosticStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-updated_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "diagnostics/diagnostic_list.html",
        {"page": page, "status": status, "statuses": DiagnosticStatus.choices},
    )


@login_required
def diagnostic_pillar(request: HttpRequest, pk: int, pillar_id: str) -> HttpResponse:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=pk)
    ref = diagnostic.referentiel.parsed
    if pillar_id not in {p.id for p in ref.pillars}:
        raise Http404
    editable = can_fill(request.user, diagnostic)
    with_notes = diagnostic.kind == DiagnosticKind.EXPERT
    notes = notes_of(diagnostic) if with_notes else {}
    if request.method == "POST":
        if not editable:
            raise Http404
        try:
            parsed, saved, note_errors = save_page(
                request, diagnostic, ref, pillar_id, notes=with_notes
            )
        except DiagnosticError as exc:
            messages.error(request, str(exc))
            return redirect(diagnostic)
        if parsed.errors or saved.errors or note_errors:
            messages.error(
                request,
                _("The other answers are saved; the ones marked below need a correction."),
            )
            page = page_with_errors(
                diagnostic, ref, pillar_id, parsed, saved, note_errors,
                current_results(diagnostic), notes_of(diagnostic),
            )  # fmt: skip
            return _render_pillar(request, diagnostic, page, editable, with_notes)
        messages.success(request, _("Saved."))
        return redirect(_after_save(diagnostic, pillar_id, request.POST.get("go", "stay")))
    page = pillar_page(
        ref, pillar_id, diagnostic.answers or {}, language(),
        results=current_results(diagnostic), notes=notes,
    )  # fmt: skip
    return _render_pillar(request, diagnostic, page, editable, with_notes)


def _after_save(diagnostic: Diagnostic, pillar_id: str, go: str) -> str:
    ids = [p.id for p in diagnostic.referentiel.parsed.pillars]
    index = ids.index(pillar_id)
    if go == "next" and index + 1 < len(ids):
        pillar_id = ids[index + 1]
    elif go == "previous" and index > 0:
        pillar_id = ids[index - 1]
    elif go == "summary" or (go == "next" and index + 1 == len(ids)):
        return reverse("diagnostics:diagnostic_summary", args=[diagnostic.pk])
    elif go.startswith("pillar:") and go[7:] in ids:
        pillar_id = go[7:]
    return reverse("diagnostics:diagnostic_pillar", args=[diagnostic.pk, pillar_id])


def _render_pillar(
    request: HttpRequest, diagnostic: Diagnostic, page: object, editable: bool, with_notes: bool
) -> HttpResponse:
    ref = diagnostic.referentiel.parsed
    return render(
        request,
        "diagnostics/diagnostic_pillar.html",
        {
            "diagnostic": diagnostic,
            "page": page,
            "editable": editable,
            "with_notes": with_notes,
            "pillars": [(p.id, localised(p.title, language())) for p in ref.pillars],
            "levels": range(6),
        },
    )


@login_required
def diagnostic_summary(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=pk)
    ref = diagnostic.referentiel.parsed
    editable = can_fill(request.user, diagnostic)
    form = KpiForm(
        request.POST or None,
        ref=ref,
        language=language(),
        initial={"kpis": diagnostic.important_kpis},
    )
    if not editable:
        form.fields["kpis"].disabled = True
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                diagnostic_set_kpis(
                    diagnostic=diagnostic, kpis=form.cleaned_data["kpis"], actor=request.user
                )
            except DiagnosticError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Saved."))
            return redirect("diagnostics:diagnostic_summary", pk=diagnostic.pk)
    answers = diagnostic.answers or {}
    pillars = []
    unanswered_total = 0
    for pillar in ref.pillars:
        questions = [q for d in pillar.dimensions for q in d.questions]
        missing = [q for q in questions if q.id not in answers]
        unanswered_total += len(missing)
        pillars.append(
            {
                "id": pillar.id,
                "title": localised(pillar.title, language()),
                "answered": len(questions) - len(missing),
                "total": len(questions),
                "missing": [(q.id, localised(q.text, language())) for q in missing],
            }
        )
    return render(
        request,
        "diagnostics/diagnostic_summary.html",
        {
            "diagnostic": diagnostic,
            "pillars": pillars,
            "pillar_links": [(p["id"], p["title"]) for p in pillars],
            "unanswered": unanswered_total,
            "form": form,
            "editable": editable,
        },
    )


@login_required
@require_POST
def diagnostic_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=pk)
    if not can_fill(request.user, diagnostic):
        raise Http404
    try:
        diagnostic_submit(diagnostic=diagnostic, actor=request.user)
    except DiagnosticError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Diagnostic submitted: the regional manager will validate it."))
    return redirect(diagnostic)


@login_required
@require_POST
def diagnostic_validate_view(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=pk)
    if not can_validate(request.user, diagnostic):
        raise Http404
    try:
        diagnostic_validate(diagnostic=diagnostic, actor=request.user)
    except DiagnosticError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Diagnostic validated."))
    return redirect(diagnostic)


@login_required
@require_POST
def diagnostic_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=pk)
    if not can_validate(request.user, diagnostic):
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the expert must complete or correct."))
        return redirect(diagnostic)
    try:
        diagnostic_reopen(
            diagnostic=diagnostic, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DiagnosticError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Diagnostic sent back to the expert."))
    return redirect(diagnostic)
