from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from essor.companies.models import Company

from .enums import ImpactKind, SurveyStatus


class FollowUp(models.Model):
    """Opened when a firm's support ends: a T1 diagnostic is due, then the impact survey."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="followup", verbose_name=_("company")
    )
    started_on = models.DateField(_("support ended on"))
    t1_due_on = models.DateField(_("T1 diagnostic due on"))
    region_code = models.CharField(_("region"), max_length=3, db_index=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.company} – {self.started_on}"


class ImpactSurvey(models.Model):
    """The impact survey sent to the company 12 months after its support ended."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="impact_survey", verbose_name=_("company")
    )
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SurveyStatus.choices, default=SurveyStatus.SCHEDULED
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_reminder_at = models.DateTimeField(_("last reminder at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    submitted_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region_code = models.CharField(_("region"), max_length=3, db_index=True)

    class Meta:
        verbose_name = _("impact survey")
        verbose_name_plural = _("impact surveys")

    def __str__(self) -> str:
        return f"{self.company} – {self.due_on}"


def evidence_path(instance: "ImpactFigure", filename: str) -> str:
    return f"impact/{instance.survey.company_id}/{instance.kind}/{filename}"


class ImpactFigure(models.Model):
    """One declared figure; `value` is persons for jobs and cents for money."""

    survey = models.ForeignKey(
        ImpactSurvey, on_delete=models.CASCADE, related_name="figures", verbose_name=_("survey")
    )
    kind = models.CharField(_("figure"), max_length=20, choices=ImpactKind.choices)
    value = models.BigIntegerField(_("value"))
    evidence = models.FileField(_("supporting document"), upload_to=evidence_path, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("impact figure")
        verbose_name_plural = _("impact figures")
        constraints = [
            models.UniqueConstraint(fields=["survey", "kind"], name="one_figure_per_kind"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="impact_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
