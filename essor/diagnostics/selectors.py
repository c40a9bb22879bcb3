"""Reads of diagnostics, always scoped by the acting user (see `perms.py` for the rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from essor.accounts.enums import Role
from essor.accounts.perms import scope_of
from essor.companies.models import Company

from .enums import DiagnosticKind, DiagnosticStatus, Phase
from .models import ContactRequest, Diagnostic
from .perms import is_active_expert


def diagnostic_list(*, user: Any) -> QuerySet[Diagnostic]:
    """The diagnostics the user may see one by one (never an anonymous self-assessment)."""
    qs = Diagnostic.objects.select_related(
        "company", "company__region", "referentiel", "expert", "region"
    ).filter(company__isnull=False)
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope_of(user)
    if scope.is_national_admin:
        return qs
    visible = Q(company_id__in=scope.company_ids)
    if is_active_expert(user) or not scope.has_role(Role.EXPERT):
        # The expert named on a diagnostic, unless suspended or withdrawn.
        visible |= Q(expert=user)
    if scope.is_regional_manager:
        visible |= Q(company__region_id__in=scope.region_ids)
    return qs.filter(visible)


def diagnostic_get(*, user: Any, pk: int) -> Diagnostic:
    """The diagnostic, or 404 when it is outside the user's scope."""
    return get_object_or_404(diagnostic_list(user=user), pk=pk)


def self_assessment_by_token(token: str | None) -> Diagnostic | None:
    """The self-assessment a visitor's session points to, if it still exists."""
    if not token:
        return None
    return (
        Diagnostic.objects.select_related("referentiel", "company")
        .filter(token=token, kind=DiagnosticKind.SELF_ASSESSMENT)
        .first()
    )


def company_diagnostics(*, user: Any, company: Company) -> QuerySet[Diagnostic]:
    return diagnostic_list(user=user).filter(company=company).order_by("-created_at", "-pk")


def phases_open(company: Company) -> list[str]:
    """The phases (T0, T1) of which the firm has no expert diagnostic yet."""
    taken = set(
        Diagnostic.objects.filter(company=company, kind=DiagnosticKind.EXPERT).values_list(
            "phase", flat=True
        )
    )
    return [phase for phase in Phase.values if phase not in taken]


def comparison_pair(*, user: Any, company: Company) -> tuple[Diagnostic | None, Diagnostic | None]:
    """The firm's T0 and T1 expert diagnostics that have results (submitted or validated).

    Only a T0 on the T1's référentiel id pairs with it (`progress.compare` refuses two
    different référentiels); otherwise T0 is None. `user=None` reads without scoping, for
    a caller that has already checked the user may see the T1 (the report).
    """
    base = (
        Diagnostic.objects.filter(company=company)
        if user is None
        else company_diagnostics(user=user, company=company)
    )
    qs = base.filter(
        kind=DiagnosticKind.EXPERT,
        status__in=[DiagnosticStatus.SUBMITTED, DiagnosticStatus.VALIDATED],
    ).select_related("referentiel")
    t1 = qs.filter(phase=Phase.T1).first()
    t0_qs = qs.filter(phase=Phase.T0)
    if t1 is not None:
        t0_qs = t0_qs.filter(referentiel__ref_id=t1.referentiel.ref_id)
    return t0_qs.first(), t1


def contact_request_list(*, user: Any) -> QuerySet[ContactRequest]:
    """Visitors' requests naming a known firm: for its region's managers and national admins."""
    qs = ContactRequest.objects.select_related("company", "region", "diagnostic", "decided_by")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope_of(user)
    if scope.is_national_admin:
        return qs
    if scope.is_regional_manager:
        return qs.filter(region_id__in=scope.region_ids)
    return qs.none()


def contact_request_get(*, user: Any, pk: int) -> ContactRequest:
    return get_object_or_404(contact_request_list(user=user), pk=pk)
