"""Matching in the web app: run, review, change a pair, send; and the managers' scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essor.companies.journey import journey_apply
from essor.companies.models import Company
from essor.core.models import AuditEvent
from essor.experts.enums import MatchingRunStatus, MissionStatus
from essor.experts.matching_service import matching_run_create
from essor.experts.models import MatchingRun, Mission
from essor.experts.services import conflict_declare
from tests.conftest import Cast
from tests.experts.factories import make_expert, make_mission
from tests.factories import make_company

pytestmark = pytest.mark.django_db


def _client(cast: Cast, actor: str) -> Client:
    client = Client()
    client.force_login(cast.users[actor])
    return client


def eligible_firm(n: int, department: str = "69", **extra: Any) -> Company:
    firm = make_company(n=n, department=department, name=f"Firme {n}", **extra)
    journey_apply(company=firm, transition="confirm_eligible", actor=None)
    return firm


def _row(run: MatchingRun, firm: Company) -> dict[str, Any]:
    run.refresh_from_db()
    return next(r for r in run.result["rows"] if r["company"] == firm.pk)


def test_run_review_change_a_pair_send_and_the_expert_sees_it(cast: Cast) -> None:
    lyon, ain, isere = eligible_firm(70), eligible_firm(71, "01"), eligible_firm(72, "38")
    Company.objects.filter(pk=isere.pk).update(group_name="Groupe Alpin")
    grenoble = make_expert(email="grenoble@example.fr", name="Expert Grenoble", home="38",
                           covers=("38", "69"), capacity=2)  # fmt: skip
    conflicted = make_expert(email="alpin@example.fr", name="Expert Alpin", home="38",
                             covers=("38",), capacity=2)  # fmt: skip
    conflict_declare(
        expert=conflicted, actor=None, group_name="groupe alpin", reason="associé du groupe"
    )
    breton = make_expert(email="breton@example.fr", name="Expert Breton", home="29", covers=("29",))

    client = _client(cast, "manager_a")
    response = client.get(reverse("experts:matching_index"))
    assert response["Location"] == reverse("experts:matching_region", args=["84"])
    page = client.get(response["Location"]).content.decode()
    assert all(f.name in page for f in (lyon, ain, isere))

    response = client.post(
        reverse("experts:matching_run_new", args=["84"]),
        {"distance": "1", "skill": "50", "load": "10"},
    )
    run = MatchingRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    assert run.result["assigned_count"] == 3 and run.status == MatchingRunStatus.DRAFT
    # Nobody conflicted is ever proposed, nor offered in the change list.
    for row in run.result["rows"]:
        assert row["pair"]["expert"] != conflicted.pk or row["company"] != isere.pk
    assert conflicted.pk not in {c["expert"] for c in _row(run, isere)["candidates"]}

    review = client.get(run.get_absolute_url())
    body = review.content.decode()
    assert "Expert Grenoble" in body and "Marc Expert" in body and "km" in body
    line = next(li for li in review.context["lines"] if li["company"] == lyon)
    assert line["expert"] is not None and line["next_expert"] is not None
    assert line["row"]["next"]["cost"] >= line["row"]["pair"]["cost"]

    # A change that breaks a declared conflict is refused, with the declared reason.
    response = client.post(
        reverse("experts:matching_pair", args=[run.pk]),
        {"company": isere.pk, "expert": conflicted.pk},
        follow=True,
    )
    assert "associé du groupe" in response.content.decode()
    assert _row(run, isere)["pair"]["expert"] != conflicted.pk
    # An expert outside the manager's scope is unknown, and not named.
    response = client.post(
        reverse("experts:matching_pair", args=[run.pk]),
        {"company": lyon.pk, "expert": breton.pk},
        follow=True,
    )
    assert "Expert Breton" not in response.content.decode()
    # A valid change: Lyon goes to the other eligible expert.
    chosen = _row(run, lyon)["pair"]["expert"]
    other = grenoble if chosen == cast.expert_profile.pk else cast.expert_profile
    client.post(
        reverse("experts:matching_pair", args=[run.pk]), {"company": lyon.pk, "expert": other.pk}
    )
    row = _row(run, lyon)
    assert row["pair"]["expert"] == other.pk and row["changed"]
    assert row["next"]["expert"] != other.pk  # the next best is recomputed
    assert row["pair"]["km"] >= 0 and row["pair"]["cost"] > 0
    assert AuditEvent.objects.filter(verb="matching.change", object_id=str(run.pk)).count() == 1

    response = client.post(reverse("experts:matching_send", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == MatchingRunStatus.SENT
    missions = Mission.objects.filter(matching_run=run)
    assert missions.count() == 3
    assert set(missions.values_list("status", flat=True)) == {MissionStatus.PROPOSED}
    assert missions.get(company=lyon).expert == other
    assert AuditEvent.objects.filter(verb="mission.propose").count() == 3 + 1  # + the cast's
    assert AuditEvent.objects.filter(verb="matching.send", actor=cast.users["manager_a"]).exists()
    # Sending twice creates nothing more.
    client.post(reverse("experts:matching_send", args=[run.pk]))
    assert Mission.objects.filter(matching_run=run).count() == 3

    expert_page = _client(cast, "expert").get(reverse("experts:my_missions")).content.decode()
    for mission in missions.filter(expert=cast.expert_profile):
        assert mission.company.name in expert_page
    # The firms now have an open diagnostic mission: they no longer await an expert.
    assert (
        "Firme 70"
        not in client.get(reverse("experts:matching_region", args=["84"])).content.decode()
    )


def test_a_send_is_all_or_nothing(cast: Cast) -> None:
    first, second = eligible_firm(73), eligible_firm(74)
    run = matching_run_create(region=cast.region_a, actor=cast.users["manager_a"])
    assert run.result["assigned_count"] == 2
    # Meanwhile the second firm got its expert by hand.
    other = make_expert(email="autre@example.fr", name="Autre Expert")
    make_mission(other, second)
    response = _client(cast, "manager_a").post(
        reverse("experts:matching_send", args=[run.pk]), follow=True
    )
    assert second.name in response.content.decode()
    assert not Mission.objects.filter(matching_run=run).exists()
    assert not Mission.objects.filter(company=first).exists()
    run.refresh_from_db()
    assert run.status == MatchingRunStatus.DRAFT


def test_a_new_run_replaces_the_draft(cast: Cast) -> None:
    eligible_firm(75)
    old = matching_run_create(region=cast.region_a, actor=None)
    new = matching_run_create(region=cast.region_a, actor=None)
    old.refresh_from_db()
    assert (old.status, new.status) == (MatchingRunStatus.DISCARDED, MatchingRunStatus.DRAFT)
    response = _client(cast, "manager_a").post(reverse("experts:matching_send", args=[old.pk]))
    assert response.status_code == 302 and not Mission.objects.filter(matching_run=old).exists()


def test_a_manager_neither_matches_nor_sees_another_regions_firms(cast: Cast) -> None:
    breton_firm = eligible_firm(76, "29")
    foreign_run = matching_run_create(region=cast.region_b, actor=None)
    client = _client(cast, "manager_a")
    assert client.get(reverse("experts:matching_region", args=["53"])).status_code == 404
    assert client.post(reverse("experts:matching_run_new", args=["53"])).status_code == 404
    assert client.get(foreign_run.get_absolute_url()).status_code == 404
    assert client.post(reverse("experts:matching_send", args=[foreign_run.pk])).status_code == 404
    own_run = matching_run_create(region=cast.region_a, actor=None)
    response = client.post(
        reverse("experts:matching_pair", args=[own_run.pk]),
        {"company": breton_firm.pk, "expert": cast.expert_profile.pk},
        follow=True,
    )
    assert "Firme 76" not in response.content.decode()
    assert client.get(reverse("experts:company_needs", args=[breton_firm.pk])).status_code == 404


def test_a_manager_sees_only_their_regions_side_of_an_expert(cast: Cast) -> None:
    # Based in region B, covering one department of region A.
    both = make_expert(email="both@example.fr", name="Expert Deux Régions", home="35",
                       covers=("35", "69"))  # fmt: skip
    breton_only = make_expert(email="b@example.fr", name="Expert Breton", home="29", covers=("29",))
    breton_firm = make_company(n=77, department="35", name="Secret Breton")
    make_mission(both, breton_firm, kind="support")
    conflict_declare(expert=both, actor=None, siren=breton_firm.siren, reason="raison bretonne")
    conflict_declare(
        expert=both, actor=None, siren=cast.company_a.siren, reason="raison rhodanienne"
    )
    client = _client(cast, "manager_a")
    listing = client.get(reverse("experts:expert_list")).content.decode()
    assert "Expert Deux Régions" in listing and "Expert Breton" not in listing
    assert client.get(breton_only.get_absolute_url()).status_code == 404
    page = client.get(both.get_absolute_url())
    body = page.content.decode()
    assert "Secret Breton" not in body and "raison bretonne" not in body
    assert "raison rhodanienne" in body
    assert page.context["transitions"] == [] and page.context["timeline"] is None
    admin = _client(cast, "admin").get(both.get_absolute_url()).content.decode()
    assert "Secret Breton" in admin and "raison bretonne" in admin
    for actor in ("steering", "company", "supplier", "expert"):
        assert _client(cast, actor).get(reverse("experts:expert_list")).status_code == 404


def test_review_and_lists_take_a_bounded_number_of_queries(cast: Cast) -> None:
    client = _client(cast, "manager_a")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(80, 83):
        eligible_firm(n)
    make_expert(email="x1@example.fr", name="X Un")
    run = matching_run_create(region=cast.region_a, actor=None)
    few = (queries(run.get_absolute_url()), queries(reverse("experts:expert_list")),
           queries(reverse("experts:matching_region", args=["84"])))  # fmt: skip
    for n in range(83, 95):
        eligible_firm(n, ("69", "01", "38", "42")[n % 4])
    for i in range(6):
        make_expert(email=f"y{i}@example.fr", name=f"Y {i}", capacity=4)
    run = matching_run_create(region=cast.region_a, actor=None)
    many = (queries(run.get_absolute_url()), queries(reverse("experts:expert_list")),
            queries(reverse("experts:matching_region", args=["84"])))  # fmt: skip
    assert many == few
    assert max(many) <= 15


@pytest.mark.parametrize("weight", ["1e300", "10001", "-1", "abc"])
def test_out_of_range_weights_are_refused_with_a_message(cast: Cast, weight: str) -> None:
    response = _client(cast, "manager_a").post(
        reverse("experts:matching_run_new", args=["84"]),
        {"distance": weight, "skill": "50", "load": "10"},
        follow=True,
    )
    assert response.status_code == 200
    assert not MatchingRun.objects.exists()
    assert "10" in " ".join(str(m) for m in response.context["messages"])


def test_expert_form_bounds_capacity_and_daily_rate(cast: Cast) -> None:
    response = _client(cast, "manager_a").post(
        reverse("experts:expert_create"),
        {
            "email": "nouvelle@example.fr",
            "full_name": "Nouvelle Experte",
            "home_department": "69",
            "capacity": "40000",
            "daily_rate": "1e12",
        },
    )
    assert response.status_code == 200
    assert {"capacity", "daily_rate"} <= set(response.context["form"].errors)
