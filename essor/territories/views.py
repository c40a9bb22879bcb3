from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from essor.accounts.perms import can_manage_region

from . import selectors
from .enums import OrganisationKind


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    regions = selectors.region_list(user=request.user)
    return render(request, "territories/region_list.html", {"regions": regions})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(user=request.user, code=code)
    organisations = selectors.organisation_list(user=request.user).filter(region=region)
    return render(
        request,
        "territories/region_detail.html",
        {
            "region": region,
            "departments": selectors.department_list(user=request.user, region=region),
            "organisations": organisations,
            "can_manage": can_manage_region(request.user, region.pk),
        },
    )


@login_required
def region_team(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(user=request.user, code=code)
    team = selectors.region_team(user=request.user, region=region)
    return render(request, "territories/region_team.html", {"region": region, "team": team})


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = selectors.department_list(user=request.user)
    return render(request, "territories/department_list.html", {"departments": departments})


@login_required
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    department = selectors.department_get(user=request.user, code=code)
    return render(request, "territories/department_detail.html", {"department": department})


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.organisation_list(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in OrganisationKind.values:
        qs = qs.filter(kind=kind)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(name__icontains=query)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/organisation_list.html",
        {"page": page, "kinds": OrganisationKind.choices, "kind": kind, "q": query},
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    return render(request, "territories/organisation_detail.html", {"organisation": organisation})
