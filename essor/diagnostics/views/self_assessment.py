"""The public self-assessment: no account; the answers are saved in the database under a
random token kept in the visitor's session, one pillar per page, then the result and the
offer to be contacted by the region's platform."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.accounts.perms import scope_of
from essor.companies.models import Company
from essor.referentiel.prioritisation import prioritise
from essor.referentiel.texts import localised

from .. import selectors
from ..forms import ContactForm
from ..models import ContactRequest, Diagnostic
from ..presentation import result_view
from ..questionnaire import pillar_page
from ..scoring import raw_scores
from ..services import (
    ContactDetails,
    current_results,
    default_referentiel,
    diagnostic_submit,
    self_assessment_contact_request,
    self_assessment_link,
    self_assessment_start,
)
from ..workflow import DiagnosticError
from .common import language, page_with_errors, save_page

SESSION_KEY = "essor_self_assessment"
# Dimensions named as "where to start" on the result page.
FIRST_PRIORITIES = 3


def _current(request: HttpRequest) -> Diagnostic | None:
    return selectors.self_assessment_by_token(request.session.get(SESSION_KEY))


def _pillar_url(diagnostic: Diagnostic, pillar_id: str | None = None) -> str:
    pillar_id = pillar_id or diagnostic.referentiel.parsed.pillars[0].id
    return reverse("diagnostics:self_pillar", args=[pillar_id])


def self_start(request: HttpRequest) -> HttpResponse:
    current = _current(request)
    if request.method == "POST":
        if current is not None and current.is_draft and request.POST.get("action") == "continue":
            return redirect(_pillar_url(current))
        try:
            diagnostic = self_assessment_start()
        except DiagnosticError as exc:
            messages.error(request, str(exc))
            return redirect("diagnostics:self_start")
        request.session[SESSION_KEY] = diagnostic.token
        return redirect(_pillar_url(diagnostic))
    try:
        version = default_referentiel("self_assessment")
    except DiagnosticError:
        version = None
    ref = version.parsed if version is not None else None
    return render(
        request,
        "diagnostics/self/start.html",
        {
            "version": version,
            "description": localised(ref.description, language()) if ref else "",
            "question_count": len(ref.questions) if ref else 0,
            "pillar_titles": [localised(p.title, language()) for p in ref.pillars] if ref else [],
            "current": current,
        },
    )


def self_pillar(request: HttpRequest, pillar_id: str) -> HttpResponse:
    diagnostic = _current(request)
    if diagnostic is None:
        return redirect("diagnostics:self_start")
    if not diagnostic.is_draft:
        return redirect("diagnostics:self_result")
    ref = diagnostic.referentiel.parsed
    if pillar_id not in {p.id for p in ref.pillars}:
        raise Http404
    if request.method == "POST":
        parsed, saved, _notes = save_page(request, diagnostic, ref, pillar_id, notes=False)
        if parsed.errors or saved.errors:
            messages.error(
                request,
                _("Your other answers are saved; the ones marked below need a correction."),
            )
            page = page_with_errors(diagnostic, ref, pillar_id, parsed, saved, {}, None, {})
            return _render(request, diagnostic, page)
        go = request.POST.get("go", "next")
        ids = [p.id for p in ref.pillars]
        index = ids.index(pillar_id)
        if go == "previous" and index > 0:
            return redirect(_pillar_url(diagnostic, ids[index - 1]))
        if go == "next" and index + 1 < len(ids):
            return redirect(_pillar_url(diagnostic, ids[index + 1]))
        if go in ("next", "finish"):
            try:
                diagnostic_submit(diagnostic=diagnostic, actor=None)
            except DiagnosticError as exc:
                messages.error(request, str(exc))
                return redirect(_pillar_url(diagnostic, pillar_id))
            return redirect("diagnostics:self_result")
        return redirect(_pillar_url(diagnostic, pillar_id))
    page = pillar_page(ref, pillar_id, diagnostic.answers or {}, language())
    return _render(request, diagnostic, page)


def _render(request: HttpRequest, diagnostic: Diagnostic, page: object) -> HttpResponse:
    return render(
        request,
        "diagnostics/self/pillar.html",
        {"diagnostic": diagnostic, "page": page, "levels": range(6)},
    )


def self_result(request: HttpRequest) -> HttpResponse:
    diagnostic = _current(request)
    if diagnostic is None:
        return redirect("diagnostics:self_start")
    if diagnostic.is_draft:
        return redirect(_pillar_url(diagnostic))
    ref = diagnostic.referentiel.parsed
    results = current_results(diagnostic)
    scores = raw_scores(ref, diagnostic.answers or {})
    ranking = prioritise(ref, scores.dimensions).top(FIRST_PRIORITIES)
    titles = {d.id: localised(d.title, language()) for d in ref.dimensions}
    return render(
        request,
        "diagnostics/self/result.html",
        {
            "diagnostic": diagnostic,
            "view": result_view(ref, results, language()),
            # "How to read it": the overall is the mean of the pillars or of the dimensions.
            "overall_by_pillars": ref.overall == "pillars",
            "priorities": [titles[p.dimension_id] for p in ranking],
            "own_companies": _own_companies(request) if diagnostic.company_id is None else [],
        },
    )


def _own_companies(request: HttpRequest) -> list[Company]:
    """The firms a logged-in company user acts for: they can record the result for one."""
    return list(Company.objects.filter(pk__in=scope_of(request.user).company_ids).order_by("name"))


@require_POST
def self_link(request: HttpRequest) -> HttpResponse:
    diagnostic = _current(request)
    if diagnostic is None:
        return redirect("diagnostics:self_start")
    company = next(
        (c for c in _own_companies(request) if str(c.pk) == request.POST.get("company")), None
    )
    if company is None:
        raise Http404
    try:
        self_assessment_link(diagnostic=diagnostic, company=company, actor=request.user)
    except DiagnosticError as exc:
        messages.error(request, str(exc))
        return redirect("diagnostics:self_result")
    messages.success(
        request, _("Self-assessment recorded for %(company)s.") % {"company": company.name}
    )
    return redirect(diagnostic)


def self_contact(request: HttpRequest) -> HttpResponse:
    diagnostic = _current(request)
    if diagnostic is None or diagnostic.is_draft:
        return redirect("diagnostics:self_start")
    if (
        diagnostic.company_id is not None
        or ContactRequest.objects.filter(diagnostic=diagnostic).exists()
    ):
        return redirect("diagnostics:self_thanks")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.company_data is not None:
        data = form.cleaned_data
        try:
            self_assessment_contact_request(
                diagnostic=diagnostic,
                company_data=form.company_data,
                contact=ContactDetails(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                ),
            )
        except DiagnosticError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("diagnostics:self_thanks")
    return render(request, "diagnostics/self/contact.html", {"form": form})


def self_thanks(request: HttpRequest) -> HttpResponse:
    diagnostic = _current(request)
    if diagnostic is None:
        return redirect("diagnostics:self_start")
    from essor.territories.enums import OrganisationKind
    from essor.territories.models import Organisation

    # The same message whether the firm was new or already followed: the visitor learns
    # nothing from the programme's records, only which platform received the request.
    pending = ContactRequest.objects.filter(diagnostic=diagnostic).first()
    if diagnostic.company is not None:
        region = diagnostic.company.region
    elif pending is not None:
        region = pending.region
    else:
        return redirect("diagnostics:self_start")
    platform = Organisation.objects.filter(
        kind=OrganisationKind.REGIONAL_PLATFORM, region=region, is_active=True
    ).first()
    return render(
        request,
        "diagnostics/self/thanks.html",
        {"region": region, "platform": platform},
    )
