"""The matching pages of regional managers: firms awaiting an expert, runs, review, send."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.accounts.perms import can_manage_region, can_view_people
from essor.companies.models import Company
from essor.companies.selectors import company_get

from .. import selectors
from ..adapter import expert_pks
from ..enums import MatchingRunStatus
from ..forms import MatchingRunForm, NeedsForm, PairChangeForm
from ..matching_service import matching_pair_change, matching_run_create, matching_run_send
from ..models import ExpertProfile
from ..services import ExpertError, company_needs_set
from ..skills import skill_choices


@login_required
def matching_index(request: HttpRequest) -> HttpResponse:
    if not can_view_people(request.user):
        raise Http404
    regions = list(selectors.matching_regions(user=request.user))
    counts = selectors.awaiting_counts([r.pk for r in regions])
    if len(regions) == 1:
        return redirect("experts:matching_region", code=regions[0].code)
    return render(
        request,
        "experts/matching_index.html",
        {"rows": [(region, counts.get(region.pk, 0)) for region in regions]},
    )


@login_required
def matching_region(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.matching_region_get(user=request.user, code=code)
    firms = selectors.awaiting_firms(region=region)
    page = Paginator(firms, 50).get_page(request.GET.get("page"))
    needs = selectors.company_needs([c.pk for c in page.object_list])
    return render(
        request,
        "experts/matching_region.html",
        {
            "region": region,
            "page": page,
            "needs": needs,
            "expert_count": selectors.matching_experts(region=region).count(),
            "form": MatchingRunForm(),
            "runs": selectors.matching_run_list(user=request.user, region=region)[:10],
        },
    )


@login_required
@require_POST
def matching_run_new(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.matching_region_get(user=request.user, code=code)
    form = MatchingRunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The weights are numbers from 0 to 10,000."))
        return redirect("experts:matching_region", code=region.code)
    run = matching_run_create(region=region, actor=request.user, weights=form.weights())
    return redirect(run)


@login_required
def matching_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Review a run: every proposed pair with why, and a list to change it."""
    run = selectors.matching_run_get(user=request.user, pk=pk)
    result: dict[str, Any] = run.result or {}
    rows = result.get("rows", [])
    companies = Company.objects.select_related("department").in_bulk(
        [row["company"] for row in rows]
    )
    experts = ExpertProfile.objects.select_related("home_department").in_bulk(expert_pks(rows))
    language = get_language() or "fr"
    titles = {skill: title for _g, group in skill_choices(language) for skill, title in group}
    lines = []
    for row in rows:
        pair = row["pair"]
        lines.append(
            {
                "row": row,
                "company": companies.get(row["company"]),
                "expert": experts.get(pair["expert"]) if pair else None,
                "next_expert": experts.get(row["next"]["expert"]) if row["next"] else None,
                "candidates": [
                    (experts.get(c["expert"]), c["cost"])
                    for c in row["candidates"]
                    if c["expert"] in experts
                ],
                "needs": [titles.get(s, s) for s in row["needs"]],
            }
        )
    return render(
        request,
        "experts/matching_run.html",
        {
            "run": run,
            "result": result,
            "lines": lines,
            "editable": run.status == MatchingRunStatus.DRAFT,
            "unassigned": sum(1 for row in rows if not row["pair"]),
        },
    )


@login_required
@require_POST
def matching_pair(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.matching_run_get(user=request.user, pk=pk)
    form = PairChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an expert from the list."))
        return redirect(run)
    try:
        matching_pair_change(
            run=run,
            actor=request.user,
            company_pk=form.cleaned_data["company"],
            expert_pk=form.cleaned_data["expert"],
        )
    except ExpertError as exc:
        messages.error(request, _("Change refused: %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("The pair is changed."))
    return redirect(f"{run.get_absolute_url()}#firm-{form.cleaned_data['company']}")


@login_required
@require_POST
def matching_send(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.matching_run_get(user=request.user, pk=pk)
    try:
        missions = matching_run_send(run=run, actor=request.user)
    except ExpertError as exc:
        messages.error(request, str(exc))
        return redirect(run)
    messages.success(
        request,
        ngettext(
            "%(count)s mission proposed to the expert; they accept or decline it on their page.",
            "%(count)s missions proposed to the experts; they accept or decline them on their page.",
            len(missions),
        )
        % {"count": len(missions)},
    )
    return redirect("experts:matching_region", code=run.region.code)


@login_required
def company_needs(request: HttpRequest, pk: int) -> HttpResponse:
    """The skills a firm needs from its expert, as its manager states them, beside the
    needs its latest complete self-assessment adds (read-only)."""
    company = company_get(user=request.user, pk=pk)
    if not can_manage_region(request.user, company.region_id):
        raise Http404
    current = sorted(company.expert_needs.values_list("skill", flat=True))
    form = NeedsForm(request.POST or None, initial={"skills": current})
    if request.method == "POST" and form.is_valid():
        try:
            company_needs_set(
                company=company, actor=request.user, skills=form.cleaned_data["skills"]
            )
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The needs of %(company)s are saved.") % {"company": company.name}
            )
            return redirect("experts:matching_region", code=company.region.code)
    # The self-assessment's priorities also count (`selectors.company_needs`): shown, not edited.
    derived = selectors.self_assessment_priorities([company.pk]).get(company.pk, ())
    return render(
        request,
        "experts/company_needs.html",
        {"company": company, "form": form, "derived_needs": derived},
    )
