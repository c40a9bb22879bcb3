from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import ObjectiveUnit


class Programme(models.Model):
    """A national programme; its objectives are data the national admin can edit."""

    slug = models.SlugField(_("identifier"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    launched_on = models.DateField(_("launched on"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    eligible_size_classes = models.JSONField(
        _("eligible size classes"), default=list, blank=True, help_text=_("Empty: all.")
    )
    eligible_naf_sections = models.JSONField(
        _("eligible NAF sections"), default=list, blank=True, help_text=_("Empty: all.")
    )
    eligible_naf_divisions = models.JSONField(
        _("eligible NAF divisions"),
        default=list,
        blank=True,
        help_text=_("Divisions eligible outside the eligible sections."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name


class Objective(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("programme")
    )
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    target = models.BigIntegerField(_("target"))
    unit = models.CharField(_("unit"), max_length=10, choices=ObjectiveUnit.choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["programme", "position"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="unique_objective_key"),
            models.CheckConstraint(
                condition=models.Q(target__gte=0), name="objective_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label
