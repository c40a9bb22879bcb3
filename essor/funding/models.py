"""Financing: budget, regional envelopes, instruments, requests, decisions and the ledger.

Money is integer cents in `*_cents` fields. Every money movement is a `LedgerEntry`, which
is append-only (no update, no delete: corrections are reversal entries); balances are
derived from the ledger (`essor.funding.ledger`). Writes go through `essor.funding.services`.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from essor.companies.models import Company
from essor.dashboard.models import Programme
from essor.territories.models import Region

from .enums import (
    Account,
    AidRegime,
    CostType,
    DecisionOutcome,
    EntryKind,
    InstrumentKind,
    PaymentBasis,
    RequestStatus,
)
from .rules import InstrumentRules


class Budget(models.Model):
    """The programme's financing budget, split by the national admin into regional envelopes.

    The sum of the envelopes' allocations never exceeds it (`services.envelope_set`).
    """

    programme = models.OneToOneField(
        Programme, on_delete=models.PROTECT, related_name="budget", verbose_name=_("programme")
    )
    amount_cents = models.BigIntegerField(_("budget (cents)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gte=0), name="budget_positive")
        ]

    def __str__(self) -> str:
        return str(self.programme)


class Envelope(models.Model):
    """A region's share of the budget. Its balances come from the ledger; the row itself is
    the lock every money movement on the envelope takes (SELECT … FOR UPDATE)."""

    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="envelopes", verbose_name=_("budget")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="envelopes", verbose_name=_("region")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["region__name"]
        verbose_name = _("regional envelope")
        verbose_name_plural = _("regional envelopes")
        constraints = [
            models.UniqueConstraint(fields=["budget", "region"], name="one_envelope_per_region")
        ]

    def __str__(self) -> str:
        return str(self.region)

    def get_absolute_url(self) -> str:
        return reverse("funding:envelope_detail", args=[self.region.code])


class Instrument(models.Model):
    """A financing instrument and its rules, as data the national admin can edit.

    Shipped defaults: `essor/funding/data/instruments.yaml`. The rules are applied by the
    pure core `essor.funding.rules` (intensity by size class, ceiling per firm, de minimis
    at the gross grant equivalent `gge_percent` of the nominal).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    eligible_cost_types = models.JSONField(_("eligible cost types"), default=list)
    max_intensity_percent = models.JSONField(
        _("maximum aid intensity by size class (%)"),
        default=dict,
        help_text=_('Percent of the eligible costs, e.g. {"micro": 50, "pme": 50, "eti": 30}.'),
    )
    ceiling_per_firm_cents = models.BigIntegerField(_("ceiling per firm (cents)"))
    gge_percent = models.PositiveSmallIntegerField(
        _("gross grant equivalent (% of the nominal)"),
        help_text=_("Share of the nominal amount counted towards the de minimis ceiling."),
    )
    is_active = models.BooleanField(_("open to new decisions"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("financing instrument")
        verbose_name_plural = _("financing instruments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ceiling_per_firm_cents__gte=0), name="instrument_ceiling_positive"
            ),
            models.CheckConstraint(
                condition=Q(gge_percent__lte=100), name="instrument_gge_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name

    def rules(self) -> InstrumentRules:
        return InstrumentRules(
            code=self.code,
            label=self.display_name,
            eligible_cost_types=frozenset(self.eligible_cost_types),
            max_intensity_percent={k: int(v) for k, v in self.max_intensity_percent.items()},
            ceiling_per_firm_cents=self.ceiling_per_firm_cents,
            gge_percent=self.gge_percent,
        )


class FundingRequest(models.Model):
    """A firm's request for financing of its modernisation project.

    Filed by a user of the firm or by its assigned expert, once the firm's action plan is
    validated (journey state "plan validated" or later); instructed and decided by a
    manager of the firm's region. `region` is the firm's region (tenancy key, design.md §7).
    `status` changes only through `essor.funding.workflow`.

    `action_plan` is the firm's validated action plan the request finances; its cost lines
    name the actions of that plan they pay for (`services.request_save` enforces both). It
    is nullable for the requests filed before plans existed (migration 0003).
    """

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="funding_requests",
        verbose_name=_("company"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    title = models.CharField(_("project"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("instrument asked for"),
    )
    amount_cents = models.BigIntegerField(_("amount asked (cents)"))
    action_plan = models.ForeignKey(
        "actionplans.ActionPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_requests",
        verbose_name=_("action plan"),
        help_text=_("The validated action plan this request finances."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
        db_index=True,
    )
    instruction_note = models.TextField(_("instruction notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("funding request")
        verbose_name_plural = _("funding requests")
        indexes = [models.Index(fields=["region", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gte=0), name="request_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("funding:request_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"DF-{self.pk:06d}" if self.pk else "DF-…"

    @property
    def total_costs_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines.all())

    @property
    def leverage_cents(self) -> int:
        """Private investment the aid leverages: the project's costs minus the aid asked."""
        return max(self.total_costs_cents - self.amount_cents, 0)


def _quote_upload_to(line: FundingCostLine, filename: str) -> str:
    # A random name: the person's file name stays in `quote_name`, never in a path.
    return f"funding/quotes/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:6]}"


class FundingCostLine(models.Model):
    """One cost of the project, with its supplier quote attached (a file under MEDIA_ROOT).

    `action` is the action of the request's plan this cost belongs to.
    """

    request = models.ForeignKey(
        FundingRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    cost_type = models.CharField(_("cost type"), max_length=20, choices=CostType.choices)
    description = models.CharField(_("description"), max_length=300)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    quote = models.FileField(_("quote"), upload_to=_quote_upload_to, max_length=200, blank=True)
    quote_name = models.CharField(_("quote file name"), max_length=200, blank=True)
    action = models.ForeignKey(
        "actionplans.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name=_("action"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="cost_line_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return self.description


class Decision(models.Model):
    """The regional manager's decision on a request: granted (amount, instrument,
    conditions) or refused (reason). One per request; idempotent by `idempotency_key`: a
    repeated submission with the same key returns this decision instead of deciding again.

    `checks` keeps the aid rules' figures at the time of the decision (de minimis total,
    intensity, ceiling), for the record.
    """

    request = models.OneToOneField(
        FundingRequest, on_delete=models.PROTECT, related_name="decision", verbose_name=_("request")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("instrument"),
    )
    amount_cents = models.BigIntegerField(_("amount granted (cents)"), default=0)
    gge_cents = models.BigIntegerField(_("gross grant equivalent (cents)"), default=0)
    conditions = models.TextField(_("conditions"), blank=True)
    reason = models.TextField(_("reason for refusal"), blank=True)
    checks = models.JSONField(_("aid rule figures"), default=dict, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(outcome=DecisionOutcome.GRANTED, amount_cents__gt=0, instrument__isnull=False)
                    | Q(outcome=DecisionOutcome.REFUSED, amount_cents=0)
                ),
                name="decision_amount_matches_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.get_outcome_display()}"


class Payment(models.Model):
    """A payment against a granted request, on a milestone or an invoice. Its ledger entry
    carries the money; a payment never exceeds what is committed and not yet paid."""

    request = models.ForeignKey(
        FundingRequest, on_delete=models.PROTECT, related_name="payments", verbose_name=_("request")
    )
    basis = models.CharField(_("basis"), max_length=10, choices=PaymentBasis.choices)
    reference = models.CharField(_("milestone or invoice"), max_length=200)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    paid_on = models.DateField(_("paid on"))
    entry = models.OneToOneField(
        "LedgerEntry", on_delete=models.PROTECT, related_name="payment", verbose_name=_("entry")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.reference}"


class DeclaredAid(models.Model):
    """An aid the firm received from outside the programme, as declared (e.g. its de minimis
    attestation). De minimis aids count towards the ceiling of Regulation (EU) 2023/2831 at
    the grant equivalent declared."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="declared_aids", verbose_name=_("company")
    )
    granting_body = models.CharField(_("granting body"), max_length=200)
    regime = models.CharField(
        _("regime"), max_length=12, choices=AidRegime.choices, default=AidRegime.DE_MINIMIS
    )
    granted_on = models.DateField(_("granted on"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    gge_cents = models.BigIntegerField(_("gross grant equivalent (cents)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared by"),
    )
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        ordering = ["-granted_on", "-pk"]
        verbose_name = _("declared aid")
        verbose_name_plural = _("declared aids")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0, gge_cents__gte=0), name="declared_aid_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.granting_body} ({self.granted_on})"


class AppendOnlyError(Exception):
    """Ledger entries are never changed or deleted: record a reversal instead."""


class LedgerEntryQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("ledger entries are append-only: record a reversal")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("ledger entries are append-only: record a reversal")


class LedgerEntry(models.Model):
    """One money movement on an envelope, in integer cents. Append-only.

    `account` is the balance it moves (see `essor.funding.ledger`): its own kind's account,
    or, for a reversal, the account of the entry it reverses (`reverses`), by the opposite
    amount. The model refuses updates and deletes; on PostgreSQL a trigger refuses them too,
    on SQLite a trigger refuses updates (migration 0002).
    """

    envelope = models.ForeignKey(
        Envelope, on_delete=models.PROTECT, related_name="entries", verbose_name=_("envelope")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    account = models.CharField(_("account"), max_length=12, choices=Account.choices)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    request = models.ForeignKey(
        FundingRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("request"),
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("instrument"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=200)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["envelope", "account"]),
            models.Index(fields=["request", "account"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=EntryKind.ALLOCATION, account=Account.ALLOCATED, request__isnull=True)
                    & ~Q(amount_cents=0)
                )
                | Q(
                    kind=EntryKind.COMMITMENT,
                    account=Account.COMMITTED,
                    amount_cents__gt=0,
                    request__isnull=False,
                )
                | Q(
                    kind=EntryKind.PAYMENT,
                    account=Account.PAID,
                    amount_cents__gt=0,
                    request__isnull=False,
                )
                | Q(
                    kind=EntryKind.RELEASE,
                    account=Account.RELEASED,
                    amount_cents__gt=0,
                    request__isnull=False,
                )
                | (Q(kind=EntryKind.REVERSAL, reverses__isnull=False) & ~Q(amount_cents=0)),
                name="ledger_entry_kind_account_amount",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.amount_cents}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("ledger entries are append-only: record a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("ledger entries are append-only: record a reversal")

    @property
    def actor_name(self) -> str:
        """The actor as the ledger shows it: like an audit event's actor, the platform
        itself is named in the reader's language, a person by the name recorded."""
        from essor.core.models import AuditEvent

        return AuditEvent(actor_id=self.actor_id, actor_label=self.actor_label).actor_display
