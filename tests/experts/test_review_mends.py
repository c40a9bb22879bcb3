"""Wording and read-only facts of the experts pages (review mends): the needs page shows the
self-assessment's needs, sending one pair reads in the singular, languages by their names,
and the API refuses an unknown status."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from essor.accounts.services import api_token_create
from essor.companies.journey import journey_apply
from essor.diagnostics.services import (
    diagnostic_save_answers,
    diagnostic_submit,
    self_assessment_link,
    self_assessment_start,
)
from essor.experts.matching_service import matching_run_create
from essor.experts.models import ExpertProfile
from essor.experts.skills import skill_title
from tests.conftest import Cast
from tests.factories import make_company

pytestmark = pytest.mark.django_db


def _client(cast: Cast, actor: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.users[actor])
    return client


def test_the_needs_page_shows_the_self_assessments_needs_read_only(cast: Cast) -> None:
    company = cast.company_a
    url = reverse("experts:company_needs", args=[company.pk])
    client = _client(cast, "manager_a")
    response = client.get(url)
    assert response.context["derived_needs"] == ()
    assert "no complete self-assessment" in response.content.decode()

    diagnostic = self_assessment_start()
    levels = {
        "pilotage-performance-a1": 5,
        "organisation-securite-a1": 5,
        "systemes-information-a1": 5,
        "chaine-logistique-a1": 5,
        "automatisation-robotique-a1": 0,
        "donnees-ia-a1": 0,
    }
    diagnostic_save_answers(
        diagnostic=diagnostic,
        answers={qid: {"level": level} for qid, level in levels.items()},
        actor=None,
    )
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    self_assessment_link(diagnostic=diagnostic, company=company, actor=cast.users["company"])

    response = client.get(url)
    derived = response.context["derived_needs"]
    assert {"automatisation-robotique", "donnees-ia"} <= set(derived)
    body = response.content.decode()
    assert "Needs from the self-assessment" in body
    for skill in derived:
        assert skill_title(skill, "en") in body
    # Read-only: saving the stated needs does not store the derived ones.
    client.post(url, {"skills": ["cybersecurite"]})
    assert set(company.expert_needs.values_list("skill", flat=True)) == {"cybersecurite"}


def test_sending_a_single_pair_reads_in_the_singular(cast: Cast) -> None:
    firm = make_company(n=90, department="69", name="Firme Seule")
    journey_apply(company=firm, transition="confirm_eligible", actor=None)
    run = matching_run_create(region=cast.region_a, actor=cast.users["manager_a"])
    assert run.result["assigned_count"] == 1
    response = _client(cast, "manager_a").post(reverse("experts:matching_send", args=[run.pk]))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(t.startswith("1 mission proposed to the expert;") for t in texts), texts


def test_working_languages_are_shown_by_their_names(cast: Cast) -> None:
    expert = cast.expert_profile
    ExpertProfile.objects.filter(pk=expert.pk).update(languages=["fr", "de"])
    response = _client(cast, "manager_a").get(expert.get_absolute_url())
    assert response.context["working_languages"] == ["French", "German"]
    assert "French, German" in response.content.decode()


def test_the_api_refuses_an_unknown_status(cast: Cast) -> None:
    _token, secret = api_token_create(user=cast.users["manager_a"], name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    assert client.get("/api/v1/experts?status=bogus", headers=headers).status_code == 422
    experts = client.get("/api/v1/experts?status=referenced", headers=headers).json()
    assert [e["full_name"] for e in experts] == ["Marc Expert"]
    assert client.get("/api/v1/experts?status=suspended", headers=headers).json() == []
    _token, secret = api_token_create(user=cast.users["expert"], name="t")
    response = client.get(
        "/api/v1/missions?status=bogus", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 422


def test_sending_reads_the_facts_once_not_per_pair(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from essor.experts.matching_service import matching_run_send
    from essor.experts.models import Mission
    from tests.experts.factories import make_expert

    def per_send(first: int, count: int) -> int:
        for n in range(first, first + count):
            firm = make_company(n=n, department="69", name=f"Firme {n}")
            journey_apply(company=firm, transition="confirm_eligible", actor=None)
        run = matching_run_create(region=cast.region_a, actor=None)
        assert run.result["assigned_count"] == count
        with CaptureQueriesContext(connection) as captured:
            matching_run_send(run=run, actor=cast.users["manager_a"])
        assert Mission.objects.filter(matching_run=run).count() == count
        return sum(1 for q in captured.captured_queries if "SAVEPOINT" not in q["sql"])

    for i in range(4):
        make_expert(email=f"z{i}@example.fr", name=f"Z {i}", capacity=4)
    one, four = per_send(100, 1), per_send(110, 4)
    # Each further pair costs its two locks, one check and two writes only: the facts of
    # the experts and firms are read once for the whole send.
    assert (four - one) / 3 <= 5, (one, four)


def test_a_send_counts_the_places_its_own_pairs_take(cast: Cast) -> None:
    from essor.experts.matching_service import matching_run_send
    from essor.experts.models import MatchingRun, Mission
    from essor.experts.services import AssignmentError
    from tests.experts.factories import make_expert, make_mission

    firms = []
    for n in (120, 121):
        firm = make_company(n=n, department="69", name=f"Firme {n}")
        journey_apply(company=firm, transition="confirm_eligible", actor=None)
        firms.append(firm)
    solo = make_expert(email="solo@example.fr", name="Expert Solo", capacity=2)
    run = matching_run_create(region=cast.region_a, actor=None)
    for row in run.result["rows"]:  # both pairs given to the same expert
        row["pair"] = {**(row["pair"] or {}), "expert": solo.pk}
    MatchingRun.objects.filter(pk=run.pk).update(result=run.result)
    # Meanwhile one of the expert's two places is taken by hand.
    make_mission(solo, make_company(n=122, department="69", name="Autre"), kind="support")
    with translation.override("en"), pytest.raises(AssignmentError, match="no place left"):
        matching_run_send(run=run, actor=cast.users["manager_a"])
    assert not Mission.objects.filter(matching_run=run).exists()
