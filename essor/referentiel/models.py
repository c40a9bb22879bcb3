"""Published référentiel versions (`referentiel-format.md` §6).

A row is written only by `essor.referentiel.services.referentiel_publish`, after the pure
validator accepted the document, and is never changed afterwards: a (ref_id, version) pair
is immutable once published, so that every diagnostic is always re-scored against exactly
the text it was answered with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import ReferentielKind

if TYPE_CHECKING:
    from .model import Referentiel


class ReferentielVersion(models.Model):
    ref_id = models.CharField(_("référentiel id"), max_length=100)
    version = models.CharField(_("version"), max_length=50)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReferentielKind.choices, default=ReferentielKind.FULL
    )
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    document = models.JSONField(_("document"), help_text=_("The document as published."))
    digest = models.CharField(
        _("content digest"),
        max_length=64,
        help_text=_("SHA-256 of the normalised document: equal digests, equal content."),
    )
    published_at = models.DateTimeField(_("published on"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["ref_id", "-published_at", "-pk"]
        verbose_name = _("référentiel version")
        verbose_name_plural = _("référentiel versions")
        constraints = [
            models.UniqueConstraint(fields=["ref_id", "version"], name="unique_referentiel_version")
        ]

    def __str__(self) -> str:
        return f"{self.ref_id} {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("referentiel:version_detail", args=[self.pk])

    @property
    def title(self) -> str:
        """The title in the active language (French otherwise)."""
        return self.title_en if (get_language() or "fr").startswith("en") else self.title_fr

    @property
    def parsed(self) -> Referentiel:
        """The parsed référentiel, cached in-process per (id, version, digest)."""
        from .services import referentiel_of

        return referentiel_of(self)
