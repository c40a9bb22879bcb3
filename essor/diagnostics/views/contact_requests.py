"""The regional platform's inbox of visitors' requests that name a firm already followed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.accounts.perms import can_view_people

from .. import selectors
from ..enums import ContactRequestStatus
from ..presentation import result_view
from ..services import contact_request_attach, contact_request_dismiss, current_results
from ..workflow import DiagnosticError
from .common import language


def _can_open(request: HttpRequest) -> None:
    # A contact request is a list of people: national admins and regional managers only.
    if not can_view_people(request.user):
        raise Http404


@login_required
def contact_request_list(request: HttpRequest) -> HttpResponse:
    _can_open(request)
    requests = selectors.contact_request_list(user=request.user)
    return render(
        request,
        "diagnostics/contact_requests.html",
        {
            "pending": requests.filter(status=ContactRequestStatus.PENDING),
            "decided": requests.exclude(status=ContactRequestStatus.PENDING)[:50],
        },
    )


@login_required
def contact_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.contact_request_get(user=request.user, pk=pk)
    diagnostic = item.diagnostic
    view = result_view(diagnostic.referentiel.parsed, current_results(diagnostic), language())
    return render(
        request,
        "diagnostics/contact_request.html",
        {"item": item, "view": view, "pending": item.status == ContactRequestStatus.PENDING},
    )


@login_required
@require_POST
def contact_request_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.contact_request_get(user=request.user, pk=pk)
    try:
        contact_request_attach(request=item, actor=request.user)
    except DiagnosticError as exc:
        messages.error(request, str(exc))
        return redirect(item)
    messages.success(
        request,
        _("%(person)s is now a contact of %(company)s, and the self-assessment is attached.")
        % {"person": str(item), "company": item.company.name},
    )
    return redirect(item.company)


@login_required
@require_POST
def contact_request_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.contact_request_get(user=request.user, pk=pk)
    try:
        contact_request_dismiss(
            request=item, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DiagnosticError as exc:
        messages.error(request, str(exc))
        return redirect(item)
    messages.success(request, _("Request dismissed; the person's details are erased."))
    return redirect("diagnostics:contact_request_list")
