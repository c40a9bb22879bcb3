from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.accounts.perms import can_manage_region
from essor.core.formatting import euros_input
from essor.core.services import audit_record, audit_trail
from essor.territories.models import Department

from . import selectors
from .enums import JourneyState
from .forms import (
    CompanyFilterForm,
    CompanyForm,
    ContactEraseForm,
    ContactForm,
    EstablishmentForm,
    TransitionForm,
)
from .journey import TRANSITIONS, TransitionError, available_transitions, journey_apply
from .models import Company
from .perms import can_list_companies, can_manage_company, can_see_contacts
from .services import (
    company_eligibility,
    company_save,
    contact_add,
    contact_erase,
    contact_export,
    establishment_add,
)


def _filters(request: HttpRequest) -> tuple[CompanyFilterForm, selectors.CompanyFilters]:
    experts = selectors.pipeline_experts(user=request.user)
    form = CompanyFilterForm(request.GET or None, experts=experts)
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.CompanyFilters(
            state=data["state"],
            size_class=data["size_class"],
            naf_division=data["naf_division"].strip(),
            department=data["department"].strip().upper(),
            q=data["q"].strip(),
            stuck=data["stuck"],
            since=data["since"],
            expert=data.get("expert"),
        )
    return form, selectors.CompanyFilters()


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    if not can_list_companies(request.user):
        raise Http404
    form, filters = _filters(request)
    qs = selectors.company_filter(selectors.company_list(user=request.user), filters)
    page = Paginator(qs.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    stuck_ids = set(
        selectors.company_list(user=request.user)
        .filter(pk__in=[c.pk for c in page.object_list])
        .filter(selectors.stuck_condition())
        .values_list("pk", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "companies/company_list.html",
        {"form": form, "page": page, "stuck_ids": stuck_ids, "query": query.urlencode()},
    )


@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    if not can_list_companies(request.user):
        raise Http404
    form, filters = _filters(request)
    qs = selectors.company_filter(selectors.company_list(user=request.user), filters)
    counts = selectors.state_counts(qs)
    stuck = selectors.state_counts(qs.filter(selectors.stuck_condition()))
    funnel_states = [s for s in JourneyState.values if s not in ("not_eligible", "withdrawn")]
    reached = {}
    running = 0
    for state in reversed(funnel_states):
        running += counts[state]
        reached[state] = running  # firms that reached at least this step (and are not out)
    top = max(reached.values(), default=0) or 1
    columns = []
    for state in JourneyState:
        firms = list(qs.filter(state=state).order_by("state_changed_at")[:8])
        columns.append(
            {
                "state": state,
                "count": counts[state],
                "stuck": stuck[state],
                "reached": reached.get(state),
                "percent": round(100 * reached[state] / top) if state in reached else None,
                "firms": firms,
            }
        )
    return render(
        request,
        "companies/pipeline.html",
        {"form": form, "columns": columns, "total": sum(counts.values())},
    )


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.company_get(user=request.user, pk=pk)
    manage = can_manage_company(request.user, company)
    return render(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "can_manage": manage,
            "eligibility": company_eligibility(company),
            "transitions": available_transitions(company) if manage else [],
            "timeline": audit_trail(company),
            "establishments": company.establishments.select_related("department"),
            "contacts": company.contacts.all() if can_see_contacts(request.user, company) else None,
            "erase_form": ContactEraseForm() if manage else None,
            "stuck": selectors.company_list(user=request.user)
            .filter(pk=company.pk)
            .filter(selectors.stuck_condition())
            .exists(),
        },
    )


@login_required
@require_POST
def company_transition(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.company_get(user=request.user, pk=pk)
    if not can_manage_company(request.user, company):
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["transition"] not in TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return redirect(company)
    name = form.cleaned_data["transition"]
    try:
        journey_apply(
            company=company, transition=name, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(company)s is now “%(state)s”.")
            % {"company": company.name, "state": company.get_state_display()},
        )
    return redirect(company)


@login_required
def company_create(request: HttpRequest) -> HttpResponse:
    if not can_list_companies(request.user):
        raise Http404
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.company_data is not None:
        data = form.company_data
        region_id = Department.objects.get(code=data.department_code).region_id
        if not can_manage_region(request.user, region_id):
            form.add_error("department", _("This department is outside your region(s)."))
        else:
            existing = selectors.company_list(user=request.user).filter(siren=data.siren).first()
            if existing is None and Company.objects.filter(siren=data.siren).exists():
                form.add_error("siren", _("This SIREN is already followed by another region."))
            else:
                company, created = company_save(data=data, actor=request.user, company=existing)
                messages.success(
                    request, _("Company created.") if created else _("Company updated.")
                )
                return redirect(company)
    return render(request, "companies/company_form.html", {"form": form, "company": None})


@login_required
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.company_get(user=request.user, pk=pk)
    if not can_manage_company(request.user, company):
        raise Http404
    initial = {
        "siren": company.siren,
        "name": company.name,
        "naf_code": company.naf_code,
        "department": company.department.code,
        "headcount": company.headcount if company.headcount is not None else "",
        "turnover": euros_input(company.turnover_cents),
        "balance_sheet": euros_input(company.balance_sheet_cents),
        "group_name": company.group_name,
    }
    form = CompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and form.company_data is not None:
        data = form.company_data
        region_id = Department.objects.get(code=data.department_code).region_id
        if data.siren != company.siren:
            form.add_error("siren", _("The SIREN of a company cannot change."))
        elif not can_manage_region(request.user, region_id):
            form.add_error("department", _("This department is outside your region(s)."))
        else:
            company_save(data=data, actor=request.user, company=company)
            messages.success(request, _("Company updated."))
            return redirect(company)
    return render(request, "companies/company_form.html", {"form": form, "company": company})


def _managed_company(request: HttpRequest, pk: int) -> Company:
    """The company if the user may edit it; 404 otherwise (outside scope or read-only)."""
    company = selectors.company_get(user=request.user, pk=pk)
    if not can_manage_company(request.user, company):
        raise Http404
    return company


@login_required
def establishment_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = _managed_company(request, pk)
    form = EstablishmentForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        establishment_add(
            company=company,
            siret=data["siret"],
            actor=request.user,
            name=data["name"].strip(),
            address=data["address"].strip(),
            department_code=data["department"] or None,
            is_head_office=data["is_head_office"],
        )
        messages.success(request, _("Establishment %(siret)s added.") % {"siret": data["siret"]})
        return redirect(company)
    return render(
        request,
        "companies/establishment_form.html",
        {"form": form, "company": company},
    )


@login_required
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = _managed_company(request, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = contact_add(
            company=company,
            actor=request.user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            job_title=data["job_title"],
            email=data["email"],
            phone=data["phone"],
            consent=data["consent"],
        )
        messages.success(request, _("Contact %(name)s added.") % {"name": contact})
        return redirect(company)
    return render(request, "companies/contact_form.html", {"form": form, "company": company})


@login_required
@require_POST
def contact_erase_view(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    company = _managed_company(request, pk)
    contact = get_object_or_404(company.contacts, pk=contact_pk, erased_at__isnull=True)
    form = ContactEraseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the erasure."))
        return redirect(company)
    contact_erase(contact=contact, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("The contact's personal data is erased."))
    return redirect(company)


@login_required
def contact_export_view(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Everything held about one contact, as a JSON file (right of access, RGPD art. 15)."""
    company = _managed_company(request, pk)
    contact = get_object_or_404(company.contacts, pk=contact_pk)
    audit_record(
        actor=request.user,
        verb="contact.export",
        obj=contact,
        region_code=company.region.code,
    )
    response = JsonResponse(contact_export(contact), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    return response
