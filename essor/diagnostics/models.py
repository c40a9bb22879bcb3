"""Diagnostics: a questionnaire answered against one stored référentiel version.

- `answers` maps question id -> answer object exactly as in the answers file of
  `referentiel-format.md` §2; every answer was checked by the pure checks when saved.
- `results` is the §4 scoring output, computed by the pure scorer when the diagnostic is
  submitted and stored; `diagnostic_rescore` recomputes it from the answers at any time.
- `status` changes only through `essor.diagnostics.workflow`.

Peer benchmark (docs/methodology.md §7): when a diagnostic is *complete* (an expert
diagnostic once validated, a self-assessment once submitted and linked to a firm), the
company's peer keys and the unrounded overall score are copied onto the row
(`naf_division`, `naf_section`, `size_class` — the headcount class of §7 —, `region_code`,
`overall_score`, `completed_at`) and one `DimensionScore` row is written per scored
dimension and pillar. `is_current` marks the latest complete diagnostic of each firm on each
référentiel version (the one that counts as a peer), kept by `essor.diagnostics.peers` in
the transaction that changes it; every change to the peers of a group also renews that
group's `PeerGroupStamp`. The benchmark then reads only indexed columns:

    Diagnostic.objects.filter(is_current=True, referentiel=version, naf_division="25",
                              size_class="10-49", region_code="84")
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essor.referentiel.models import ReferentielVersion
from essor.territories.models import Region

from .enums import ContactRequestStatus, DiagnosticKind, DiagnosticStatus, HeadcountClass, Phase
from .peers import COMPLETE


class DiagnosticQuerySet(models.QuerySet["Diagnostic"]):
    def complete(self) -> DiagnosticQuerySet:
        """Complete diagnostics with their peer keys filled (the benchmark population)."""
        return self.filter(COMPLETE, completed_at__isnull=False)


class Diagnostic(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=DiagnosticKind.choices)
    phase = models.CharField(_("phase"), max_length=2, choices=Phase.choices, default=Phase.T0)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DiagnosticStatus.choices,
        default=DiagnosticStatus.DRAFT,
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnostics",
        verbose_name=_("company"),
        help_text=_("Empty for a self-assessment taken anonymously."),
    )
    referentiel = models.ForeignKey(
        ReferentielVersion,
        on_delete=models.PROTECT,
        related_name="diagnostics",
        verbose_name=_("référentiel version"),
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_diagnostics",
        verbose_name=_("expert"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    token = models.CharField(
        _("session token"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Self-assessments: the random key kept in the visitor's session."),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    results = models.JSONField(_("results"), null=True, blank=True)
    important_kpis = models.JSONField(
        _("important KPIs"),
        default=list,
        blank=True,
        help_text=_("The KPI ids the firm says matter most (prioritisation)."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    # Peer keys, copied from the company when the diagnostic is complete (see module doc).
    naf_division = models.CharField(_("NAF division"), max_length=2, blank=True)
    naf_section = models.CharField(_("NAF section"), max_length=1, blank=True)
    size_class = models.CharField(
        _("headcount class"), max_length=10, choices=HeadcountClass.choices, blank=True
    )
    region_code = models.CharField(_("region code"), max_length=3, blank=True)
    overall_score = models.FloatField(_("overall score (unrounded)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("complete since"), null=True, blank=True)
    is_current = models.BooleanField(
        _("current peer record"),
        default=False,
        editable=False,
        help_text=_(
            "The latest complete diagnostic of its firm on this référentiel version: the one "
            "that counts in peer benchmarks."
        ),
    )

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        indexes = [
            # The peer population (methodology.md §7), counted from the index alone (the
            # trailing columns, for the firm's exclusion and the overall line, are there
            # for index-only scans).
            models.Index(
                fields=[
                    "referentiel",
                    "naf_division",
                    "size_class",
                    "region_code",
                    "company",
                    "overall_score",
                ],
                condition=Q(is_current=True, overall_score__isnull=False),
                name="diagnostic_current_division",
            ),
            models.Index(
                fields=["referentiel", "naf_section", "size_class", "company", "overall_score"],
                condition=Q(is_current=True, overall_score__isnull=False),
                name="diagnostic_current_section",
            ),
            models.Index(fields=["company", "kind", "phase"], name="diagnostic_company_kind"),
            models.Index(fields=["region", "status"], name="diagnostic_region_status"),
        ]
        constraints = [
            # One expert diagnostic per phase and firm: T0 before support, T1 after.
            models.UniqueConstraint(
                fields=["company", "phase"],
                condition=Q(kind="expert"),
                name="one_expert_diagnostic_per_phase",
            ),
            # A firm counts once among its peers (§7).
            models.UniqueConstraint(
                fields=["company", "referentiel"],
                condition=Q(is_current=True),
                name="one_current_diagnostic_per_version",
            ),
        ]

    def __str__(self) -> str:
        who = self.company.name if self.company_id and self.company else _("anonymous")
        return f"{self.get_kind_display()} {self.get_phase_display()} — {who}"

    def get_absolute_url(self) -> str:
        return reverse("diagnostics:diagnostic_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == DiagnosticStatus.DRAFT

    @property
    def is_expert(self) -> bool:
        return self.kind == DiagnosticKind.EXPERT


class DimensionNote(models.Model):
    """What the expert observed on one dimension, and the target level agreed with the firm."""

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="notes", verbose_name=_("diagnostic")
    )
    dimension_id = models.CharField(_("dimension"), max_length=100)
    evidence = models.TextField(_("evidence notes"), blank=True)
    target_level = models.PositiveSmallIntegerField(
        _("target level"), null=True, blank=True, validators=[MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["diagnostic", "pk"]
        verbose_name = _("dimension note")
        verbose_name_plural = _("dimension notes")
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "dimension_id"], name="unique_dimension_note"
            ),
            models.CheckConstraint(
                condition=Q(target_level__lte=5) | Q(target_level__isnull=True),
                name="dimension_note_target_0_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diagnostic_id}/{self.dimension_id}"


class DimensionScore(models.Model):
    """The unrounded score of one dimension (or pillar) of a complete diagnostic.

    Pillar and dimension ids share one namespace in a référentiel, so one table holds both;
    `is_pillar` tells them apart. A dimension whose score is null has no row.

    `is_current` and the peer keys repeat those of the diagnostic while it is its firm's
    current peer record with an overall score (kept by `essor.diagnostics.peers`), so that
    a peer group's scores of one line are read in order from one partial index.
    """

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="dimension_scores",
        verbose_name=_("diagnostic"),
    )
    dimension_id = models.CharField(_("dimension or pillar"), max_length=100)
    is_pillar = models.BooleanField(_("pillar"), default=False)
    score = models.FloatField(_("score (unrounded)"))
    # Copies of the diagnostic's, for the peer benchmark (see the class doc).
    is_current = models.BooleanField(default=False, editable=False)
    referentiel = models.ForeignKey(
        ReferentielVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    naf_division = models.CharField(max_length=2, blank=True, editable=False)
    naf_section = models.CharField(max_length=1, blank=True, editable=False)
    size_class = models.CharField(max_length=10, blank=True, editable=False)
    region_code = models.CharField(max_length=3, blank=True, editable=False)

    class Meta:
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")
        indexes = [
            models.Index(fields=["dimension_id", "score"], name="dimension_score_lookup"),
            # A peer group's scores, line by line, in order (methodology.md §7).
            models.Index(
                fields=["referentiel", "naf_section", "size_class", "dimension_id", "score"],
                condition=Q(is_current=True),
                name="dimension_score_current_sect",
            ),
            models.Index(
                fields=[
                    "referentiel",
                    "naf_division",
                    "size_class",
                    "dimension_id",
                    "score",
                    "region_code",
                ],
                condition=Q(is_current=True),
                name="dimension_score_current_div",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "dimension_id"], name="unique_dimension_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension_id}: {self.score:.2f}"


class PeerGroupStamp(models.Model):
    """A value renewed whenever the peers of one group change (methodology.md §7).

    One row per référentiel version and peer group of the widening ladder: `scope`
    "division" with a region code (step 1) or none (step 2, national), or "section"
    (step 3, national). `essor.diagnostics.peers` renews `stamp` in the transaction that
    changes the group's current diagnostics or their scores, with a value never given
    before (a database sequence on PostgreSQL), so that a copy of the group's sorted scores
    taken with stamp s is exact for as long as the stamp reads s.
    """

    referentiel = models.ForeignKey(
        ReferentielVersion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    scope = models.CharField(max_length=8)
    code = models.CharField(max_length=2)
    size_class = models.CharField(max_length=10)
    region_code = models.CharField(max_length=3, blank=True)
    stamp = models.BigIntegerField()

    class Meta:
        verbose_name = _("peer group stamp")
        verbose_name_plural = _("peer group stamps")
        constraints = [
            models.UniqueConstraint(
                fields=["referentiel", "scope", "code", "size_class", "region_code"],
                name="unique_peer_group_stamp",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.code} {self.size_class} {self.region_code or 'national'}"


class ContactRequest(models.Model):
    """A visitor's request to be contacted, after a self-assessment, naming a firm that is
    already followed by the programme.

    An anonymous form cannot change a known firm: the self-assessment stays unattached and
    out of the benchmark, and no contact is added, until the regional platform of the firm
    confirms the request (`attach`) or dismisses it (`dismiss`, which erases the person's
    details). A firm not yet known is created by the request itself and needs no row here.
    """

    diagnostic = models.OneToOneField(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="contact_request",
        verbose_name=_("self-assessment"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="contact_requests",
        verbose_name=_("company named"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    consent_at = models.DateTimeField(_("consent given on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContactRequestStatus.choices,
        default=ContactRequestStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "status"], name="contact_request_region")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or str(_("(erased)"))

    def get_absolute_url(self) -> str:
        return reverse("diagnostics:contact_request", args=[self.pk])
