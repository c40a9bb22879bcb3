"""Follow-up after support: the T1 diagnostic due date, the 12-month impact survey, reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from essor.accounts.enums import Role
from essor.accounts.models import User
from essor.companies.models import Company
from essor.core.services import audit_record
from essor.core.workflow import status_record

from .enums import ImpactKind, SurveyStatus
from .models import FollowUp, ImpactFigure, ImpactSurvey

# The T1 diagnostic is due three months after the support ends (methodology: T0 → T1).
T1_DELAY_DAYS = 90
# Reminders: at most REMINDER_MAX, at least REMINDER_EVERY_DAYS apart.
REMINDER_EVERY_DAYS = 14
REMINDER_MAX = 3


def one_year_after(day: dt.date) -> dt.date:
    """The same day a year later (29 February gives 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def followup_start(*, company: Company, actor: Any, today: dt.date | None = None) -> FollowUp:
    """Open the follow-up when the support ends: T1 due in 90 days, survey due in 12 months.

    Idempotent: a firm has one follow-up; starting it again keeps the first dates.
    """
    today = today or timezone.localdate()
    followup, created = FollowUp.objects.get_or_create(
        company=company,
        defaults={
            "started_on": today,
            "t1_due_on": today + dt.timedelta(days=T1_DELAY_DAYS),
            "region_code": company.region.code,
        },
    )
    survey, _created = ImpactSurvey.objects.get_or_create(
        company=company,
        defaults={"due_on": one_year_after(today), "region_code": company.region.code},
    )
    if created:
        audit_record(
            actor=actor,
            verb="followup.start",
            obj=followup,
            after={
                "t1_due_on": followup.t1_due_on.isoformat(),
                "survey_due_on": survey.due_on.isoformat(),
            },
            region_code=company.region.code,
        )
    return followup


def followup_on_support_end(company: Company, actor: Any) -> None:
    """Journey effect of "start_follow_up"."""
    followup_start(company=company, actor=actor)


def _company_users(company: Company) -> list[User]:
    return list(
        User.objects.filter(
            memberships__company=company, memberships__role=Role.COMPANY_USER, is_active=True
        ).distinct()
    )


def _mail_survey(survey: ImpactSurvey, *, reminder: bool) -> int:
    """E-mail every company user of the firm, each in their own language, once the
    transaction that records the sending commits (a rolled-back run sends nothing, so the
    next run does not send twice). Returns the number of e-mails."""
    messages: list[tuple[str, str, str]] = []
    path = reverse("followup:survey", args=[survey.pk])
    for user in _company_users(survey.company):
        with translation.override(user.language):
            subject = (
                _("Reminder: your essor impact survey is waiting")
                if reminder
                else _("essor: your 12-month impact survey")
            )
            body = _(
                "Hello,\n\nTwelve months ago your support in the Industrie du Futur programme "
                "ended. Please tell us what it changed for %(company)s: jobs, sales, investment "
                "and savings, with a supporting document when you have one.\n\n"
                "Answer here: %(url)s\n"
            ) % {"company": survey.company.name, "url": settings.ESSOR_SITE_URL + path}
        messages.append((str(subject), body, user.email))

    def send() -> None:
        for subject, body, address in messages:
            send_mail(subject, body, None, [address])

    transaction.on_commit(send)
    return len(messages)


@dataclass(frozen=True)
class ReminderRun:
    surveys_sent: int
    reminders_sent: int
    emails: int


@transaction.atomic
def surveys_send_due(*, now: dt.datetime | None = None) -> ReminderRun:
    """Send the surveys that have fallen due, and remind those left unanswered.

    A survey is sent on its due date; it is then reminded every 14 days, three times at most.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    surveys = emails = reminders = 0
    due = ImpactSurvey.objects.select_for_update().select_related("company")
    for survey in due.filter(status=SurveyStatus.SCHEDULED, due_on__lte=today):
        emails += _mail_survey(survey, reminder=False)
        survey.sent_at = survey.last_reminder_at = now
        status_record(
            survey,
            target=SurveyStatus.SENT,
            verb="impact_survey.send",
            actor=None,
            region_code=survey.region_code,
            fields=["sent_at", "last_reminder_at"],
        )
        surveys += 1
    cutoff = now - dt.timedelta(days=REMINDER_EVERY_DAYS)
    for survey in due.filter(
        status=SurveyStatus.SENT, last_reminder_at__lte=cutoff, reminders_sent__lt=REMINDER_MAX
    ):
        emails += _mail_survey(survey, reminder=True)
        survey.last_reminder_at = now
        survey.reminders_sent += 1
        survey.save(update_fields=["last_reminder_at", "reminders_sent"])
        reminders += 1
    return ReminderRun(surveys, reminders, emails)


class SurveyError(ValueError):
    pass


@transaction.atomic
def survey_submit(
    *,
    survey: ImpactSurvey,
    actor: Any,
    figures: dict[str, tuple[int, UploadedFile | None, str]],
) -> ImpactSurvey:
    """Record the declared figures (value, optional supporting document, comment) once."""
    survey = ImpactSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.SUBMITTED:
        raise SurveyError(_("This survey has already been answered."))
    for kind, (value, evidence, comment) in figures.items():
        if kind not in ImpactKind.values:
            raise SurveyError(_("Unknown figure “%(kind)s”.") % {"kind": kind})
        if value < 0:
            raise SurveyError(
                _("%(figure)s cannot be negative.") % {"figure": ImpactKind(kind).label}
            )
        figure = ImpactFigure(survey=survey, kind=kind, value=value, comment=comment[:300])
        if evidence is not None:
            figure.evidence.save(evidence.name or "document", evidence, save=False)
        figure.save()
    survey.submitted_at = timezone.now()
    survey.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    status_record(
        survey,
        target=SurveyStatus.SUBMITTED,
        verb="impact_survey.submit",
        actor=actor,
        region_code=survey.region_code,
        fields=["submitted_at", "submitted_by"],
        after={k: v[0] for k, v in figures.items()},
    )
    return survey
