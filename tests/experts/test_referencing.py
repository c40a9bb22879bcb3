"""The referencing workflow: guarded, audited transitions decided in the expert's region."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from essor.accounts.enums import Role
from essor.accounts.models import Membership
from essor.core.models import AuditEvent
from essor.core.services import audit_trail
from essor.experts.enums import ExpertStatus, MissionStatus
from essor.experts.services import ExpertError, expert_erase, expert_export
from essor.experts.workflow import REFERENCING, WorkflowError, referencing_apply
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


def test_every_status_is_reached_and_sources_are_statuses() -> None:
    targets = {t.target for t in REFERENCING.values()}
    assert targets | {ExpertStatus.APPLICATION} == set(ExpertStatus.values)
    for t in REFERENCING.values():
        assert t.sources <= set(ExpertStatus.values)


def test_an_application_is_reviewed_referenced_and_audited(cast: Cast) -> None:
    expert = make_expert(email="new@example.fr", referenced=False)
    assert expert.status == ExpertStatus.APPLICATION
    assert not Membership.objects.filter(user=expert.user, role=Role.EXPERT).exists()
    manager = cast.users["manager_a"]
    referencing_apply(expert=expert, transition="start_review", actor=manager)
    referencing_apply(
        expert=expert, transition="reference", actor=manager, reason="dossier complet"
    )
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.REFERENCED
    assert Membership.objects.filter(user=expert.user, role=Role.EXPERT).exists()
    event = audit_trail(expert).filter(verb="expert.reference").get()
    assert (event.actor, event.reason, event.region_code) == (manager, "dossier complet", "84")
    assert event.before == {"status": "under_review"} and event.after == {"status": "referenced"}


@pytest.mark.parametrize("transition", ["suspend", "withdraw"])
def test_suspending_or_withdrawing_needs_a_reason(cast: Cast, transition: str) -> None:
    expert = cast.expert_profile
    with refused(WorkflowError, match="reason"):
        referencing_apply(expert=expert, transition=transition, actor=cast.users["admin"])
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.REFERENCED
    assert not AuditEvent.objects.filter(verb=f"expert.{transition}").exists()


def test_a_refusal_needs_a_reason_and_cannot_come_after_referencing(cast: Cast) -> None:
    expert = make_expert(email="refused@example.fr", referenced=False)
    with refused(WorkflowError, match="reason"):
        referencing_apply(expert=expert, transition="refuse", actor=None, reason=" ")
    referencing_apply(expert=expert, transition="refuse", actor=None, reason="hors périmètre")
    assert expert.status == ExpertStatus.REFUSED
    with refused(WorkflowError, match="Not possible"):
        referencing_apply(expert=cast.expert_profile, transition="refuse", actor=None, reason="x")


def test_an_incomplete_profile_cannot_be_referenced(cast: Cast) -> None:
    expert = make_expert(email="bare@example.fr", referenced=False, skills={})
    referencing_apply(expert=expert, transition="start_review", actor=None)
    with refused(WorkflowError, match="no skill declared"):
        referencing_apply(expert=expert, transition="reference", actor=None)


def test_suspension_declines_open_proposals_and_reinstatement_restores(cast: Cast) -> None:
    expert = cast.expert_profile
    proposal = make_mission(expert, cast.company_a, kind="support")
    assert proposal.status == MissionStatus.PROPOSED
    referencing_apply(
        expert=expert, transition="suspend", actor=cast.users["manager_a"], reason="plainte"
    )
    proposal.refresh_from_db()
    assert proposal.status == MissionStatus.DECLINED
    assert AuditEvent.objects.filter(verb="mission.decline", object_id=str(proposal.pk)).exists()
    # Suspended: the firm of the accepted mission is out of reach until reinstatement.
    client = Client()
    client.force_login(cast.users["expert"])
    assert client.get(cast.company_a.get_absolute_url()).status_code == 404
    referencing_apply(expert=expert, transition="reinstate", actor=cast.users["manager_a"])
    assert expert.status == ExpertStatus.REFERENCED
    assert client.get(cast.company_a.get_absolute_url()).status_code == 200


def test_an_account_with_another_role_is_not_turned_into_an_expert(cast: Cast) -> None:
    for actor in ("company", "manager_b", "admin"):
        with refused(ExpertError, match="another role"):
            make_expert(user=cast.users[actor], name="Quelqu'un")


def test_withdrawal_revokes_the_expert_role(cast: Cast) -> None:
    user = cast.users["expert"]
    referencing_apply(
        expert=cast.expert_profile,
        transition="withdraw",
        actor=cast.users["admin"],
        reason="retraite",
    )
    assert not Membership.objects.filter(user=user, role=Role.EXPERT).exists()
    # ...and with it the firms of past missions.
    assert _client(cast, "expert").get(cast.company_a.get_absolute_url()).status_code == 404


def test_managers_decide_only_in_their_region(cast: Cast) -> None:
    # An expert based in region B who also covers a department of region A.
    breton = make_expert(
        email="breton@example.fr", home="35", covers=("35", "69"), referenced=False
    )
    url = reverse("experts:expert_transition", args=[breton.pk])
    manager_a = _client(cast, "manager_a")
    assert manager_a.get(breton.get_absolute_url()).status_code == 200  # covers region A
    assert manager_a.post(url, {"transition": "start_review"}).status_code == 404
    breton.refresh_from_db()
    assert breton.status == ExpertStatus.APPLICATION
    own = make_expert(email="rhone@example.fr", referenced=False)
    response = manager_a.post(
        reverse("experts:expert_transition", args=[own.pk]), {"transition": "start_review"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == ExpertStatus.UNDER_REVIEW


def test_a_manager_records_an_application_in_their_region_only(cast: Cast) -> None:
    client = _client(cast, "manager_a")
    data = {"email": "Nouvel.Expert@Example.fr", "full_name": "Nouvel Expert", "capacity": "3",
            "daily_rate": "1 100,00", "home_department": "29"}  # fmt: skip
    response = client.post(reverse("experts:expert_create"), data)
    assert "home_department" in response.context["form"].errors
    response = client.post(reverse("experts:expert_create"), {**data, "home_department": "38"})
    assert response.status_code == 302
    from essor.experts.models import ExpertProfile

    expert = ExpertProfile.objects.get(user__email="nouvel.expert@example.fr")
    assert (expert.region.code, expert.daily_rate_cents, expert.status) == (
        "84",
        110_000,
        "application",
    )
    assert list(expert.departments.values_list("code", flat=True)) == ["38"]


def test_expert_data_is_exportable_and_erasable(cast: Cast) -> None:
    expert = cast.expert_profile
    data = expert_export(expert)
    assert (
        data["email"] == "expert@example.fr"
        and data["missions"][0]["company"] == cast.company_a.siren
    )
    with refused(ExpertError, match="Withdraw the expert"):
        expert_erase(expert=expert, actor=cast.users["admin"])
    referencing_apply(expert=expert, transition="withdraw", actor=None, reason="demande RGPD")
    expert_erase(expert=expert, actor=cast.users["admin"], reason="demande RGPD")
    expert.refresh_from_db()
    assert expert.full_name != "Marc Expert" and expert.daily_rate_cents is None
    assert expert.missions.count() == 1  # the firm's history stays
    user = expert.user
    user.refresh_from_db()
    assert "expert@example.fr" not in user.email and user.full_name == ""
    assert not user.is_active and not user.has_usable_password()


def test_support_missions_do_not_move_the_journey(cast: Cast) -> None:
    firm = make_company(n=60)
    mission = make_mission(cast.expert_profile, firm, kind="support")
    from essor.experts.workflow import mission_apply

    mission_apply(mission=mission, transition="accept", actor=cast.users["expert"])
    firm.refresh_from_db()
    assert firm.state == "identified"
