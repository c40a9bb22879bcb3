import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essor.territories.models import Department, Region

from .enums import JourneyState, SizeClass

OPEN_STATES = [
    s
    for s in JourneyState.values
    if s not in (JourneyState.CLOSED, JourneyState.NOT_ELIGIBLE, JourneyState.WITHDRAWN)
]


class Company(models.Model):
    """A firm (unité légale) identified by its SIREN, on one journey through the programme.

    `region` is derived from the department and is the tenancy key (design.md §7).
    `size_class` is computed by the services from the figures, never typed.
    `state` changes only through `essor.companies.journey`.
    """

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("legal name"), max_length=200)
    naf_code = models.CharField(_("NAF code"), max_length=6, db_index=True)
    naf_division = models.CharField(_("NAF division"), max_length=2, db_index=True)
    naf_section = models.CharField(_("NAF section"), max_length=1)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="companies", verbose_name=_("department")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="companies", verbose_name=_("region")
    )
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    turnover_cents = models.BigIntegerField(_("turnover (cents)"), null=True, blank=True)
    balance_sheet_cents = models.BigIntegerField(
        _("balance-sheet total (cents)"), null=True, blank=True
    )
    size_class = models.CharField(
        _("size class"), max_length=5, choices=SizeClass.choices, blank=True, db_index=True
    )
    group_name = models.CharField(_("group"), max_length=200, blank=True)
    state = models.CharField(
        _("journey state"),
        max_length=32,
        choices=JourneyState.choices,
        default=JourneyState.IDENTIFIED,
        db_index=True,
    )
    state_changed_at = models.DateTimeField(_("in this state since"), auto_now_add=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            models.Index(fields=["region", "state"]),
            models.Index(fields=["region", "naf_division", "size_class"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(turnover_cents__gte=0) | Q(turnover_cents__isnull=True),
                name="company_turnover_positive",
            ),
            models.CheckConstraint(
                condition=Q(balance_sheet_cents__gte=0) | Q(balance_sheet_cents__isnull=True),
                name="company_balance_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.siren})"

    def get_absolute_url(self) -> str:
        return reverse("companies:company_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Establishment(models.Model):
    """A site (établissement) of a company, identified by its SIRET."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="establishments", verbose_name=_("company")
    )
    siret = models.CharField(_("SIRET"), max_length=14, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    is_head_office = models.BooleanField(_("head office"), default=False)

    class Meta:
        ordering = ["siret"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")

    def __str__(self) -> str:
        return f"{self.name or self.company.name} ({self.siret})"


class Contact(models.Model):
    """A person at a company. Personal data: exportable and erasable on request."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("company")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    consent_at = models.DateTimeField(_("consent given on"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ImportStatus(models.TextChoices):
    """Where an import job stands. The dry run happens at upload; the import itself is a task."""

    CHECKED = "checked", _("Checked, waiting for confirmation")
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _import_upload_to(job: "ImportJob", filename: str) -> str:
    # A random name: the person's file name stays in `original_name`, never in a path.
    return f"imports/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:6]}"


class ImportJob(models.Model):
    """One uploaded company file: its dry-run report, then the import run as a background task.

    The job keeps the scope of the person who uploaded it (every region for a national admin,
    their regions for a regional manager): rows outside it are refused, and only people who
    manage that whole scope see the job (design.md §2).
    """

    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    is_national = models.BooleanField(_("national scope"), default=False)
    regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("regions")
    )
    file = models.FileField(_("file"), upload_to=_import_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    language = models.CharField(_("language of the report"), max_length=8, default="fr")
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    partial = models.BooleanField(_("valid rows only"), default=False)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("companies created"), default=0)
    updated_count = models.PositiveIntegerField(_("companies updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("companies unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    invalid_row_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    written = models.BooleanField(_("written"), default=False)
    progress_done = models.PositiveIntegerField(_("rows written so far"), default=0)
    progress_total = models.PositiveIntegerField(_("rows to write"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("company import")
        verbose_name_plural = _("company imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("companies:import_job", args=[self.pk])

    @property
    def valid_row_count(self) -> int:
        return self.created_count + self.updated_count + self.unchanged_count

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
