"""Action plans and their actions.

A plan is built from one validated expert diagnostic of a firm (`diagnostic`), pre-filled
with one action per top priority of that diagnostic (docs/methodology.md §6), edited by the
firm and its expert, then validated by the firm and by a manager of its region. `region` is
the firm's region (tenancy key, design.md §7). `status` changes only through
`essor.actionplans.workflow`.

An action names the référentiel dimension it works on (`dimension_id`), the technology
family it relies on (`technology_family`, an id of `referentiel/data/technology_families.yaml`),
its estimated cost in integer cents, its dates, its owner and the KPIs it is expected to
move (ids of the référentiel's KPI list). Whether an action is late is computed, never
stored: see `Action.is_late_on` and `ActionQuerySet.late`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essor.territories.models import Region

from .enums import CLOSED_ACTION_STATUSES, EDITABLE_STATUSES, ActionStatus, PlanStatus


class ActionPlan(models.Model):
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("company"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    diagnostic = models.ForeignKey(
        "diagnostics.Diagnostic",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("source diagnostic"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    return_reason = models.TextField(_("reason for the last return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    company_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated for the firm by"),
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    company_validated_at = models.DateTimeField(
        _("validated by the firm at"), null=True, blank=True
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        indexes = [
            models.Index(fields=["region", "status"], name="actionplan_region_status"),
            models.Index(fields=["company", "status"], name="actionplan_company_status"),
        ]
        constraints = [
            # One plan per diagnostic: a new plan starts from a new diagnostic (T1 after T0).
            models.UniqueConstraint(fields=["diagnostic"], name="one_plan_per_diagnostic"),
        ]

    def __str__(self) -> str:
        company = self.company.name if self.company_id else "…"
        return f"{_('Action plan')} {self.reference} — {company}"

    def get_absolute_url(self) -> str:
        return reverse("actionplans:plan_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"PA-{self.pk:06d}" if self.pk else "PA-…"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_validated(self) -> bool:
        return self.status == PlanStatus.VALIDATED


class ActionQuerySet(models.QuerySet["Action"]):
    def late(self, today: dt.date | None = None) -> ActionQuerySet:
        """Actions not finished (neither done nor abandoned) whose end date is past."""
        today = today or timezone.localdate()
        return self.filter(end_date__lt=today).exclude(status__in=CLOSED_ACTION_STATUSES)


class Action(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    dimension_id = models.CharField(_("dimension"), max_length=100)
    technology_family = models.CharField(_("technology family"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    estimated_cost_cents = models.BigIntegerField(
        _("estimated cost (cents)"), null=True, blank=True
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    kpi_effects = models.JSONField(
        _("expected effect on the KPIs"),
        default=list,
        blank=True,
        help_text=_("The ids of the référentiel KPIs the action is expected to improve."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["plan", "status", "end_date"], name="action_plan_late")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="action_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost_cents__isnull=True) | Q(estimated_cost_cents__gte=0),
                name="action_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="action_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_late_on(self, today: dt.date) -> bool:
        """Not finished (neither done nor abandoned) and its end date is before `today`."""
        return (
            self.end_date is not None
            and self.end_date < today
            and self.status not in CLOSED_ACTION_STATUSES
        )
