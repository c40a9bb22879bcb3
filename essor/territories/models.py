from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import OrganisationKind


class Region(models.Model):
    """A region of the Code officiel géographique (INSEE); reference data, loaded from the package."""

    code = models.CharField(_("INSEE code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("territories:region_detail", args=[self.code])

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name


class Department(models.Model):
    """A département with the centroid used for expert–company distances."""

    code = models.CharField(_("INSEE code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region")
    )
    latitude = models.FloatField(_("centroid latitude"))
    longitude = models.FloatField(_("centroid longitude"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("territories:department_detail", args=[self.code])


class Organisation(models.Model):
    """A partner of the programme: regional platform, federation, cluster, financing body...

    National organisations have no region; every other one carries the region it works in,
    which is also its tenancy key (design.md §7).
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("region"),
        help_text=_("Empty for a national organisation."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(kind=OrganisationKind.REGIONAL_PLATFORM),
                name="one_platform_per_region",
                violation_error_message=_("This region already has a regional platform."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.REGIONAL_PLATFORM) | Q(region__isnull=False),
                name="platform_has_region",
                violation_error_message=_("A regional platform must have a region."),
            ),
        ]
        indexes = [models.Index(fields=["region", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:organisation_detail", args=[self.pk])
