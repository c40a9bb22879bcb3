"""A firm's aid history, and the aids it declares from outside the programme."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import DeclaredAidForm
from ..perms import can_declare_aid, can_file_request
from ..rules import DE_MINIMIS_CEILING_CENTS


@login_required
def company_aids(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.funding_company_get(user=request.user, pk=pk)
    return render(
        request,
        "funding/company_aids.html",
        {
            "company": company,
            "summary": selectors.aid_summary(company),
            "ceiling_cents": DE_MINIMIS_CEILING_CENTS,
            "requests": selectors.request_list(user=request.user).filter(company=company),
            "can_declare": can_declare_aid(request.user, company),
            "can_file": can_file_request(request.user, company),
            "form": DeclaredAidForm(),
        },
    )


@login_required
@require_POST
def declared_aid_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.funding_company_get(user=request.user, pk=pk)
    if not can_declare_aid(request.user, company):
        raise Http404
    form = DeclaredAidForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.declared_aid_add(
                company=company,
                actor=request.user,
                granting_body=data["granting_body"],
                regime=data["regime"],
                granted_on=data["granted_on"],
                amount_cents=data["amount"],
                gge_cents=data["gge"],
                note=data["note"],
            )
        except services.FundingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Aid recorded."))
            return redirect("funding:company_aids", pk=company.pk)
    else:
        messages.error(request, _("The aid is incomplete: granting body, regime, date and amount."))
    return redirect("funding:company_aids", pk=company.pk)
