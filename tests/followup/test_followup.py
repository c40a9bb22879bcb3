"""Follow-up: T1 due date and impact survey on the journey, sending, reminders, answers, report."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essor.companies.journey import journey_apply
from essor.core.models import AuditEvent
from essor.followup.enums import SurveyStatus
from essor.followup.models import FollowUp, ImpactSurvey
from essor.followup.selectors import hide_small, impact_report, impact_total
from essor.followup.services import (
    REMINDER_MAX,
    one_year_after,
    survey_submit,
    surveys_send_due,
)
from essor.followup.tasks import send_impact_surveys
from tests.conftest import Cast
from tests.factories import make_company

pytestmark = pytest.mark.django_db


def _to_support(company, actor=None):  # type: ignore[no-untyped-def]
    from tests.diagnostics.helpers import validated_diagnostic

    for name in ("confirm_eligible", "schedule_diagnostic"):
        journey_apply(company=company, transition=name, actor=actor)
    validated_diagnostic(company)  # takes "record_diagnosis"; "validate_plan" needs it
    journey_apply(company=company, transition="validate_plan", actor=actor, by_system=True)
    journey_apply(company=company, transition="start_support", actor=actor)


def test_ending_the_support_schedules_the_t1_and_the_survey(cast: Cast) -> None:
    _to_support(cast.company_a)
    journey_apply(
        company=cast.company_a, transition="start_follow_up", actor=cast.users["manager_a"]
    )
    followup = FollowUp.objects.get(company=cast.company_a)
    today = timezone.localdate()
    assert followup.t1_due_on == today + dt.timedelta(days=90)
    survey = ImpactSurvey.objects.get(company=cast.company_a)
    assert survey.due_on == one_year_after(today)
    assert survey.status == SurveyStatus.SCHEDULED
    assert (
        AuditEvent.objects.filter(verb="followup.start", actor=cast.users["manager_a"]).count() == 1
    )


def test_one_year_after_a_leap_day() -> None:
    assert one_year_after(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def _due_survey(cast: Cast) -> ImpactSurvey:
    return ImpactSurvey.objects.create(
        company=cast.company_a, due_on=timezone.localdate(), region_code="84"
    )


def test_due_surveys_are_sent_then_reminded_every_two_weeks_three_times(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    survey = _due_survey(cast)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        run = surveys_send_due(now=now)
    assert (run.surveys_sent, run.reminders_sent) == (1, 0)
    assert [m.to for m in mail.outbox] == [["company@example.fr"]]
    assert f"/impact/survey/{survey.pk}/" in mail.outbox[0].body
    # nothing more the next day
    assert surveys_send_due(now=now + dt.timedelta(days=1)).emails == 0
    for week in (2, 4, 6, 8, 10):
        with django_capture_on_commit_callbacks(execute=True):
            surveys_send_due(now=now + dt.timedelta(weeks=week))
    survey.refresh_from_db()
    assert survey.reminders_sent == REMINDER_MAX
    assert len(mail.outbox) == 1 + REMINDER_MAX


def test_the_daily_task_sends_the_due_surveys(cast: Cast) -> None:
    _due_survey(cast)
    result = send_impact_surveys.enqueue()
    assert result.return_value == {"surveys": 1, "reminders": 0, "emails": 1}


def test_no_e_mail_leaves_when_the_run_is_rolled_back(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    _due_survey(cast)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        surveys_send_due()
        transaction.set_rollback(True)
    assert mail.outbox == []
    assert ImpactSurvey.objects.get().status == SurveyStatus.SCHEDULED


def test_a_survey_not_yet_due_is_not_sent(cast: Cast) -> None:
    ImpactSurvey.objects.create(
        company=cast.company_a, due_on=timezone.localdate() + dt.timedelta(days=1), region_code="84"
    )
    assert surveys_send_due().surveys_sent == 0
    assert mail.outbox == []


def test_the_company_user_answers_with_a_document(cast: Cast, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    survey = _due_survey(cast)
    surveys_send_due()
    client = Client()
    client.force_login(cast.users["company"])
    url = reverse("followup:survey", args=[survey.pk])
    bad = client.post(url, {"jobs_created": "-2"})
    assert bad.status_code == 200 and bad.context["form"].errors["jobs_created"]
    response = client.post(
        url,
        {
            "jobs_created": "3",
            "jobs_kept": "12",
            "additional_sales": "250 000",
            "investment": "180000,50",
            "cost_savings": "0",
            "investment_evidence": SimpleUploadedFile("facture.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED
    figures = {f.kind: f for f in survey.figures.all()}
    assert figures["investment"].value == 18_000_050
    assert figures["investment"].evidence.name.endswith(".pdf")
    assert not figures["additional_sales"].evidence
    again = client.post(url, {"jobs_created": "99"})  # a second answer is not taken
    assert again.status_code == 200
    assert again.context["survey"].status == SurveyStatus.SUBMITTED
    assert survey.figures.get(kind="jobs_created").value == 3


def test_a_survey_is_only_for_its_own_company_users(cast: Cast) -> None:
    survey = _due_survey(cast)
    surveys_send_due()
    url = reverse("followup:survey", args=[survey.pk])
    for actor in ("manager_a", "expert", "admin", "steering"):
        client = Client()
        client.force_login(cast.users[actor])
        assert client.get(url).status_code == 404, actor


def _answered(company, region: str, *, jobs: int, evidence: bool) -> None:  # type: ignore[no-untyped-def]
    survey = ImpactSurvey.objects.create(
        company=company, due_on=timezone.localdate(), region_code=region
    )
    upload = SimpleUploadedFile("preuve.pdf", b"%PDF") if evidence else None
    survey_submit(survey=survey, actor=None, figures={"jobs_created": (jobs, upload, "")})


def test_impact_report_splits_evidence_and_hides_small_regions(
    cast: Cast, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    for n in range(5):
        _answered(make_company(n=100 + n, department="69"), "84", jobs=2, evidence=n < 2)
    for n in range(4):
        _answered(make_company(n=200 + n, department="29"), "53", jobs=7, evidence=True)
    # One more small region: the hidden regions hold 5 answers together, so the total (which
    # reveals the hidden regions' sum once the visible rows are subtracted) may be shown.
    _answered(make_company(n=250, department="75"), "11", jobs=3, evidence=True)
    report = impact_report(user=cast.users["steering"])
    total = impact_total(report)
    assert total is not None and total.answered == 10 and not total.hidden
    assert total.with_evidence["jobs_created"] == 2 * 2 + 4 * 7 + 3  # hidden regions count
    rows = {row.region.code: row for row in hide_small(report)}
    assert rows["84"].answered == 5 and not rows["84"].hidden
    assert rows["84"].with_evidence["jobs_created"] == 4
    assert rows["84"].without_evidence["jobs_created"] == 6
    assert rows["53"].hidden and rows["53"].with_evidence == {}
    # a regional manager sees their region only
    assert [r.region.code for r in impact_report(user=cast.users["manager_a"])] == ["84"]


def test_the_total_is_hidden_when_it_would_reveal_a_small_region(
    cast: Cast, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """5 answers in one region, 4 in another: total minus the first would be the 4 firms'."""
    settings.MEDIA_ROOT = tmp_path
    for n in range(5):
        _answered(make_company(n=500 + n, department="69"), "84", jobs=2, evidence=False)
    for n in range(4):
        _answered(make_company(n=600 + n, department="29"), "53", jobs=7, evidence=False)
    total = impact_total(impact_report(user=cast.users["steering"]))
    assert total is not None and total.answered == 9 and total.hidden


def test_impact_page_shows_the_total_and_hides_small_regions(
    cast: Cast, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    for n in range(3):
        _answered(make_company(n=300 + n, department="69"), "84", jobs=1, evidence=False)
    for n in range(3):
        _answered(make_company(n=400 + n, department="29"), "53", jobs=1, evidence=False)
    client = Client()
    client.force_login(cast.users["steering"])
    response = client.get(reverse("followup:impact"))
    assert response.context["total"].answered == 6 and not response.context["total"].hidden
    assert all(row.hidden for row in response.context["rows"])
    assert b"!!INVALID" not in response.content
