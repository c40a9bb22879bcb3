"""Reading a diagnostic: its result, the T0/T1 comparison and the report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from essor.companies.selectors import company_get
from essor.core.services import audit_trail
from essor.referentiel.texts import localised

from .. import selectors
from ..enums import DiagnosticStatus
from ..forms import ReasonForm
from ..models import Diagnostic
from ..perms import can_fill, can_validate
from ..presentation import comparison_rows, result_view
from ..progress import compare
from ..questionnaire import band_title
from ..services import current_results
from .common import language, notes_of


@login_required
def diagnostic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=pk)
    ref = diagnostic.referentiel.parsed
    results = current_results(diagnostic)
    view = result_view(ref, results, language(), notes_of(diagnostic))
    kpis = {k.id: localised(k.title, language()) for k in ref.kpis}
    manage = can_validate(request.user, diagnostic)
    return render(
        request,
        "diagnostics/diagnostic_detail.html",
        {
            "diagnostic": diagnostic,
            "view": view,
            "provisional": diagnostic.is_draft,
            "editable": can_fill(request.user, diagnostic),
            "can_validate": manage and diagnostic.status == DiagnosticStatus.SUBMITTED,
            "reason_form": ReasonForm(),
            "first_pillar": ref.pillars[0].id,
            "important_kpis": [kpis.get(k, k) for k in diagnostic.important_kpis],
            "timeline": audit_trail(diagnostic),
            "has_report": diagnostic.results is not None,
        },
    )


@login_required
def diagnostic_compare(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = company_get(user=request.user, pk=company_pk)
    t0, t1 = selectors.comparison_pair(user=request.user, company=company)
    context: dict[str, object] = {"company": company, "t0": t0, "t1": t1, "rows": None}
    if t0 is not None and t1 is not None:
        ref0, ref1 = t0.referentiel.parsed, t1.referentiel.parsed
        comparison = compare(ref0, t0.answers or {}, ref1, t1.answers or {})
        context.update(
            comparison=comparison,
            rows=comparison_rows(ref1, comparison, language()),
            overall_band_t0=band_title(ref0, comparison.overall.band_t0, language()),
            overall_band_t1=band_title(ref1, comparison.overall.band_t1, language()),
        )
    return render(request, "diagnostics/diagnostic_compare.html", context)


def _report_language(request: HttpRequest) -> str:
    wanted = request.GET.get("language", "")
    return wanted if wanted in ("fr", "en") else language()


def _report_ready(request: HttpRequest, diagnostic: Diagnostic) -> bool:
    if diagnostic.results is None:
        messages.info(request, _("The report is ready once the diagnostic is submitted."))
        return False
    return True


@login_required
def diagnostic_report(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=pk)
    if not _report_ready(request, diagnostic):
        return redirect(diagnostic)
    from essor.diagnostics import report  # written beside this app; imported when used

    return HttpResponse(report.report_html(diagnostic, _report_language(request)))


@login_required
def diagnostic_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = selectors.diagnostic_get(user=request.user, pk=pk)
    if not _report_ready(request, diagnostic):
        return redirect(diagnostic)
    from essor.diagnostics import report

    lang = _report_language(request)
    response = HttpResponse(report.report_pdf(diagnostic, lang), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diagnostic-{diagnostic.pk}-{lang}.pdf"'
    return response
