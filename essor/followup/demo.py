"""Demo follow-ups: firms past their support get their real dates and, when due, answers."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from essor.companies.enums import JourneyState
from essor.core.models import AuditEvent

from .enums import SurveyStatus
from .models import FollowUp, ImpactFigure, ImpactSurvey
from .services import T1_DELAY_DAYS, one_year_after


@transaction.atomic
def demo_followups_update(seed: int = 2015) -> int:
    """Date each demo follow-up from its journey event; answer the surveys already due."""
    rng = random.Random(seed)
    today = timezone.localdate()
    answered = 0
    for followup in FollowUp.objects.select_related("company").filter(
        company__state__in=[JourneyState.FOLLOW_UP, JourneyState.CLOSED]
    ):
        event = (
            AuditEvent.objects.filter(
                object_type="companies.company",
                object_id=str(followup.company_id),
                verb="journey.start_follow_up",
            )
            .order_by("created_at")
            .first()
        )
        if event is None:
            continue
        # Most demo follow-ups started over a year ago, so that their survey is due.
        recent = followup.company.state == JourneyState.FOLLOW_UP and rng.random() < 0.3
        started = today - dt.timedelta(
            days=rng.randint(30, 300) if recent else rng.randint(370, 560)
        )
        moved = event.created_at + (started - timezone.localdate(event.created_at))
        AuditEvent.objects.filter(pk=event.pk).update(created_at=moved)
        AuditEvent.objects.filter(
            object_type="companies.company",
            object_id=str(followup.company_id),
            verb="journey.close",
        ).update(created_at=moved + dt.timedelta(days=366))
        followup.started_on = started
        followup.t1_due_on = started + dt.timedelta(days=T1_DELAY_DAYS)
        followup.save(update_fields=["started_on", "t1_due_on"])
        survey = ImpactSurvey.objects.get(company=followup.company)
        survey.due_on = one_year_after(started)
        if survey.due_on > today or survey.status == SurveyStatus.SUBMITTED:
            survey.save(update_fields=["due_on"])
            continue
        survey.status = SurveyStatus.SUBMITTED
        survey.sent_at = timezone.now() - dt.timedelta(days=rng.randint(20, 60))
        survey.submitted_at = survey.sent_at + dt.timedelta(days=rng.randint(1, 15))
        survey.save()
        headcount = followup.company.headcount or 20
        figures = {
            "jobs_created": rng.randint(0, max(1, headcount // 10)),
            "jobs_kept": rng.randint(headcount // 3, headcount),
            "additional_sales": rng.randint(0, 60) * 1_000_000,
            "investment": rng.randint(5, 80) * 1_000_000,
            "cost_savings": rng.randint(0, 30) * 500_000,
        }
        for kind, value in figures.items():
            figure = ImpactFigure(survey=survey, kind=kind, value=value)
            if rng.random() < 0.5:
                figure.evidence.save(
                    f"justificatif-{kind}.txt",
                    ContentFile(f"Justificatif démo {followup.company.siren} {kind}".encode()),
                    save=False,
                )
            figure.save()
        answered += 1
    return answered
