"""Reads of follow-ups and impact figures, scoped by the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from essor.accounts.perms import scope_of
from essor.territories.models import Region

from .enums import ImpactKind, SurveyStatus
from .models import ImpactFigure, ImpactSurvey


def survey_for_company_user(*, user: Any, pk: int) -> ImpactSurvey:
    """A company user's own survey, once it has been sent; 404 otherwise."""
    scope = scope_of(user)
    return get_object_or_404(
        ImpactSurvey.objects.select_related("company").exclude(status=SurveyStatus.SCHEDULED),
        pk=pk,
        company_id__in=scope.company_ids,
    )


def can_view_impact(user: Any) -> bool:
    scope = scope_of(user)
    return scope.sees_national or scope.is_regional_manager


@dataclass
class ImpactRow:
    """One region's declared impact; figures are hidden below the small-count threshold."""

    region: Region
    answered: int
    hidden: bool
    with_evidence: dict[str, int] = field(default_factory=dict)
    without_evidence: dict[str, int] = field(default_factory=dict)


def impact_report(*, user: Any) -> list[ImpactRow]:
    """Declared impact per region, figures with and without a supporting document apart.

    Aggregates only (design.md §2): rows with fewer answered surveys than the small-count
    threshold (k = 5) are marked `hidden`; views pass them through `hide_small`.
    """
    if not can_view_impact(user):
        raise Http404
    scope = scope_of(user)
    regions: QuerySet[Region] = Region.objects.order_by("name")
    if not scope.sees_national:
        regions = regions.filter(pk__in=scope.region_ids)
    by_code = {r.code: r for r in regions}
    answered = dict(
        ImpactSurvey.objects.filter(status=SurveyStatus.SUBMITTED, region_code__in=by_code)
        .values_list("region_code")
        .annotate(n=Count("pk"))
        .values_list("region_code", "n")
    )
    sums = (
        ImpactFigure.objects.filter(
            survey__status=SurveyStatus.SUBMITTED, survey__region_code__in=by_code
        )
        .values("survey__region_code", "kind")
        .annotate(
            proven=Sum("value", filter=~Q(evidence="")),
            declared=Sum("value", filter=Q(evidence="")),
        )
    )
    rows = {
        code: ImpactRow(
            region=region,
            answered=answered.get(code, 0),
            hidden=answered.get(code, 0) < settings.ESSOR_SMALL_COUNT_THRESHOLD,
            with_evidence=dict.fromkeys(ImpactKind.values, 0),
            without_evidence=dict.fromkeys(ImpactKind.values, 0),
        )
        for code, region in by_code.items()
    }
    for item in sums:
        row = rows[item["survey__region_code"]]
        row.with_evidence[item["kind"]] = item["proven"] or 0
        row.without_evidence[item["kind"]] = item["declared"] or 0
    return list(rows.values())


def impact_total(rows: list[ImpactRow]) -> ImpactRow | None:
    """The sum over the rows, itself hidden below the small-count threshold.

    Must be computed before `hide_small` so that hidden regions still count in the total. It
    is also hidden when the hidden regions hold between 1 and k - 1 answers together: the
    total minus the visible rows would then give the figures of fewer than k firms.
    """
    if not rows:
        return None
    k = settings.ESSOR_SMALL_COUNT_THRESHOLD
    answered = sum(r.answered for r in rows)
    in_hidden_rows = sum(r.answered for r in rows if r.hidden)
    total = ImpactRow(
        region=Region(code="", name=str(_("All your regions")), name_en=str(_("All your regions"))),
        answered=answered,
        hidden=answered < k or 0 < in_hidden_rows < k,
        with_evidence={k: sum(r.with_evidence.get(k, 0) for r in rows) for k in ImpactKind.values},
        without_evidence={
            k: sum(r.without_evidence.get(k, 0) for r in rows) for k in ImpactKind.values
        },
    )
    return total


def hide_small(rows: list[ImpactRow]) -> list[ImpactRow]:
    """Blank the figures of every row under the threshold (design.md §2, k = 5)."""
    for row in rows:
        if row.hidden:
            row.with_evidence, row.without_evidence = {}, {}
    return rows
