"""Missions: who may be assigned, the expert's answers, the journey, the firm's rating."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from essor.companies.enums import JourneyState
from essor.companies.journey import journey_apply
from essor.companies.models import Company
from essor.core.models import AuditEvent
from essor.experts.enums import MissionStatus
from essor.experts.models import Mission, MissionRating
from essor.experts.services import AssignmentError, ExpertError, conflict_declare, mission_rate
from essor.experts.workflow import WorkflowError, mission_apply, referencing_apply
from tests.conftest import Cast
from tests.experts.factories import make_expert, make_mission
from tests.factories import make_company

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def refused(error: type[Exception], match: str) -> Iterator[None]:
    """Expect a refusal, its message in English (the thread may hold French from a page)."""
    with translation.override("en"), pytest.raises(error, match=match):
        yield


def _client(cast: Cast, actor: str) -> Client:
    client = Client()
    client.force_login(cast.users[actor])
    return client


def eligible_firm(n: int, department: str = "69", **extra: Any) -> Company:
    firm = make_company(n=n, department=department, **extra)
    journey_apply(company=firm, transition="confirm_eligible", actor=None)
    return firm


def test_only_referenced_experts_can_be_assigned(cast: Cast) -> None:
    firm = eligible_firm(50)
    applicant = make_expert(email="applicant@example.fr", referenced=False)
    with refused(AssignmentError, match="not referenced"):
        make_mission(applicant, firm)
    referencing_apply(expert=cast.expert_profile, transition="suspend", actor=None, reason="x")
    with refused(AssignmentError, match="not referenced"):
        make_mission(cast.expert_profile, firm)
    assert not Mission.objects.filter(company=firm).exists()


def test_a_manual_assignment_breaking_a_conflict_is_refused_with_the_reason(cast: Cast) -> None:
    firm = eligible_firm(51, group_name="Groupe Rhodanien")
    conflict_declare(
        expert=cast.expert_profile, actor=cast.users["expert"], group_name="groupe  RHODANIEN",
        reason="ancien directeur de la filiale",
    )  # fmt: skip
    client = _client(cast, "manager_a")
    response = client.post(
        reverse("experts:mission_create", args=[cast.expert_profile.pk]),
        {"siren": firm.siren, "kind": "diagnostic"},
        follow=True,
    )
    text = response.content.decode()
    assert "ancien directeur de la filiale" in text
    assert not Mission.objects.filter(company=firm).exists()
    other = eligible_firm(52)
    conflict_declare(
        expert=cast.expert_profile, actor=None, siren=other.siren, reason="mon beau-frère"
    )
    with refused(AssignmentError, match="mon beau-frère"):
        make_mission(cast.expert_profile, other)


def test_capacity_coverage_and_a_busy_firm_are_refused(cast: Cast) -> None:
    expert = make_expert(email="busy@example.fr", capacity=1)
    make_mission(expert, eligible_firm(53))
    with refused(AssignmentError, match="no place left"):
        make_mission(expert, eligible_firm(54))
    with refused(AssignmentError, match="does not cover"):
        make_mission(cast.expert_profile, eligible_firm(55, department="73"))
    taken = Mission.objects.get(expert=expert).company
    with refused(AssignmentError, match="already has an open diagnostic"):
        make_mission(cast.expert_profile, taken)
    with refused(AssignmentError, match="not awaiting a diagnostic"):
        make_mission(cast.expert_profile, make_company(n=56))  # identified, not eligible


def test_accepting_a_diagnostic_schedules_it_on_the_journey(cast: Cast) -> None:
    firm = eligible_firm(57)
    mission = make_mission(cast.expert_profile, firm)
    client = _client(cast, "expert")
    page = client.get(reverse("experts:my_missions")).content.decode()
    assert firm.name in page
    # Only proposed: the expert sees the mission, not yet the firm's own pages.
    assert client.get(firm.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("experts:mission_transition", args=[mission.pk]), {"transition": "accept"}
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    firm.refresh_from_db()
    assert mission.status == MissionStatus.ACCEPTED
    assert firm.state == JourneyState.DIAGNOSTIC_SCHEDULED
    assert client.get(firm.get_absolute_url()).status_code == 200  # assigned: the firm opens
    event = AuditEvent.objects.get(verb="journey.schedule_diagnostic", object_id=str(firm.pk))
    assert event.actor == cast.users["expert"] and "Marc Expert" in event.reason


def test_acceptance_leaves_a_firm_that_moved_meanwhile(cast: Cast) -> None:
    firm = eligible_firm(58)
    mission = make_mission(cast.expert_profile, firm)
    journey_apply(company=firm, transition="withdraw", actor=None, reason="cession")
    mission_apply(mission=mission, transition="accept", actor=cast.users["expert"])
    firm.refresh_from_db()
    assert firm.state == JourneyState.WITHDRAWN and mission.status == MissionStatus.ACCEPTED


def test_only_the_expert_answers_a_proposal(cast: Cast) -> None:
    proposal = make_mission(cast.expert_profile, cast.company_a, kind="support")
    url = reverse("experts:mission_transition", args=[proposal.pk])
    for actor in ("manager_a", "admin", "company"):
        assert _client(cast, actor).post(url, {"transition": "accept"}).status_code == 404
    response = _client(cast, "expert").post(
        url, {"transition": "decline", "reason": "indisponible en mars"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == MissionStatus.DECLINED
    event = AuditEvent.objects.get(verb="mission.decline", object_id=str(proposal.pk))
    assert event.reason == "indisponible en mars"
    with refused(WorkflowError, match="Not possible"):
        mission_apply(mission=proposal, transition="accept", actor=cast.users["expert"])


def test_a_declined_firm_is_not_proposed_to_the_same_expert_again(cast: Cast) -> None:
    firm = eligible_firm(59)
    mission = make_mission(cast.expert_profile, firm)
    mission_apply(mission=mission, transition="decline", actor=cast.users["expert"])
    with refused(AssignmentError, match="already declined"):
        make_mission(cast.expert_profile, firm)


def test_rating_only_by_the_company_user_once_done(cast: Cast) -> None:
    # A support mission at company_a, the company user's firm.
    mission = make_mission(cast.expert_profile, cast.company_a, kind="support")
    url = reverse("experts:mission_rate", args=[mission.pk])
    company = _client(cast, "company")
    assert company.post(url, {"score": "5"}).status_code == 200  # not done: no form
    assert not MissionRating.objects.exists()
    with refused(ExpertError, match="once it is done"):
        mission_rate(mission=mission, actor=cast.users["company"], score=5)
    mission_apply(mission=mission, transition="accept", actor=cast.users["expert"])
    mission_apply(mission=mission, transition="complete", actor=cast.users["manager_a"])
    for actor in ("expert", "manager_a", "admin"):
        assert _client(cast, actor).post(url, {"score": "1"}).status_code == 404
    assert url in company.get(reverse("experts:company_missions")).content.decode()
    response = company.post(url, {"score": "4", "comment": "Très utile"})
    assert response.status_code == 302
    rating = MissionRating.objects.get(mission=mission)
    assert (rating.score, rating.comment, rating.rated_by) == (
        4,
        "Très utile",
        cast.users["company"],
    )
    assert company.post(url, {"score": "1"}).status_code == 200  # a second rating is refused
    assert MissionRating.objects.get(mission=mission).score == 4
    # Seen by the manager on the expert's page, never by the expert there.
    page = _client(cast, "manager_a").get(cast.expert_profile.get_absolute_url()).content.decode()
    assert "Très utile" in page and "4/5" in page
    assert _client(cast, "expert").get(cast.expert_profile.get_absolute_url()).status_code == 404


def test_the_expert_edits_skills_coverage_and_conflicts(cast: Cast) -> None:
    client = _client(cast, "expert")
    url = reverse("experts:my_profile")
    response = client.post(
        url,
        {"form": "profile", "capacity": "5", "daily_rate": "1 250", "languages": ["fr", "de"],
         "departments": ["69", "73", "74"]},
    )  # fmt: skip
    assert response.status_code == 302
    expert = cast.expert_profile
    expert.refresh_from_db()
    assert (expert.capacity, expert.daily_rate_cents, expert.languages) == (
        5,
        125_000,
        ["fr", "de"],
    )
    assert sorted(expert.departments.values_list("code", flat=True)) == ["69", "73", "74"]
    response = client.post(
        url, {"form": "skills", "skill_cybersecurite": "3", "skill_fabrication-additive": "1"}
    )
    assert response.status_code == 302
    assert dict(expert.skills.values_list("skill", "level")) == {
        "cybersecurite": 3,
        "fabrication-additive": 1,
    }
    response = client.post(url, {"form": "conflict", "siren": "123", "reason": "x"})
    assert response.status_code == 200 and not expert.conflicts.exists()
    response = client.post(url, {"form": "conflict", "group_name": "Groupe X", "reason": "client"})
    assert response.status_code == 302
    conflict = expert.conflicts.get()
    assert AuditEvent.objects.filter(verb="expert.conflict_declare", reason="client").exists()
    client.post(reverse("experts:my_conflict_delete", args=[conflict.pk]))
    assert not expert.conflicts.exists()


def test_api_lists_in_scope_and_lets_the_expert_answer(cast: Cast) -> None:
    from essor.accounts.services import api_token_create

    _token, secret = api_token_create(user=cast.users["expert"], name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    proposal = make_mission(cast.expert_profile, cast.company_a, kind="support")
    missions = client.get("/api/v1/missions", headers=headers).json()
    assert {m["company"]["siren"] for m in missions} == {cast.company_a.siren}
    assert {m["status"] for m in missions} == {"accepted", "proposed"}
    response = client.post(
        f"/api/v1/missions/{proposal.pk}/accept",
        headers=headers,
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    response = client.post(
        f"/api/v1/missions/{proposal.pk}/decline", headers={**headers, "Accept-Language": "en"}
    )
    assert response.status_code == 409 and "Not possible" in response.json()["detail"]
    assert client.get("/api/v1/experts", headers=headers).json() == []  # not a manager
    _token, secret = api_token_create(user=cast.users["manager_a"], name="t")
    experts = Client().get("/api/v1/experts", headers={"Authorization": f"Bearer {secret}"}).json()
    assert [e["full_name"] for e in experts] == ["Marc Expert"]
    assert experts[0]["open_missions"] == 2 and experts[0]["region"] == "84"
