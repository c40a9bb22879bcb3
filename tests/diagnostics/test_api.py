"""The diagnostics API: référentiels (read), diagnostics (create, answer, submit, results)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from essor.accounts.services import api_token_create
from essor.diagnostics.models import Diagnostic
from essor.referentiel.loader import load_file
from essor.referentiel.scoring import score_validated
from tests.conftest import Cast
from tests.diagnostics.helpers import EXAMPLE_ANSWERS, expert_diagnostic
from tests.referentiel.test_versions import DATA

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user: Any) -> None:
        self.headers = {"Authorization": f"Bearer {api_token_create(user=user, name='t')[1]}"}

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        return Client().generic(
            method,
            "/api/v1" + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self.headers,
        )


def test_referentiels_are_readable_as_published(cast: Cast) -> None:
    api = Api(cast.users["company"])
    listing = api("GET", "/referentiels").json()
    assert {(r["id"], r["version"], r["kind"]) for r in listing} == {
        ("industrie-du-futur", "2026.1", "full"),
        ("industrie-du-futur-autodiagnostic", "2026.1", "self_assessment"),
    }
    document = api("GET", "/referentiels/industrie-du-futur/2026.1").json()
    assert document == load_file(DATA / "industrie-du-futur-2026.1.yaml")
    assert api("GET", "/referentiels/industrie-du-futur/1999").status_code == 404


def test_the_expert_answers_submits_and_reads_the_results(cast: Cast) -> None:
    manager = Api(cast.users["manager_a"])
    created = manager(
        "POST",
        "/diagnostics",
        {"company_id": cast.company_a.pk, "expert_id": cast.users["expert"].pk},
    )
    assert created.status_code == 201, created.content
    diagnostic_id = created.json()["id"]
    assert created.json()["referentiel"] == {"id": "industrie-du-futur", "version": "2026.1"}
    assert created.json()["expert"] == cast.users["expert"].email
    # only the expert answers
    assert (
        manager("PUT", f"/diagnostics/{diagnostic_id}/answers", {"answers": {}}).status_code == 404
    )
    expert = Api(cast.users["expert"])
    bad = {
        **EXAMPLE_ANSWERS,
        "feuille-de-route-q1": {"level": 2.5},
        "feuille-de-route-q2": {"option": "nope"},
    }
    response = expert("PUT", f"/diagnostics/{diagnostic_id}/answers", {"answers": bad})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"feuille-de-route-q1", "feuille-de-route-q2"}
    assert "integer from 0 to 5" in errors["feuille-de-route-q1"][0]
    assert sorted(response.json()["saved"]) == sorted(EXAMPLE_ANSWERS)
    cleared = expert(
        "PUT",
        f"/diagnostics/{diagnostic_id}/answers",
        {"answers": {"ressources-circularite-q3": None}},
    )
    assert cleared.json() == {"saved": [], "cleared": ["ressources-circularite-q3"]}
    draft = expert("GET", f"/diagnostics/{diagnostic_id}/results").json()
    assert draft["dimensions"]["efficacite-energetique"]["score"] == 30.0
    submitted = expert("POST", f"/diagnostics/{diagnostic_id}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert expert("POST", f"/diagnostics/{diagnostic_id}/submit").status_code == 409
    assert (
        expert("PUT", f"/diagnostics/{diagnostic_id}/answers", {"answers": {}}).status_code == 409
    )
    results = Api(cast.users["company"])("GET", f"/diagnostics/{diagnostic_id}/results").json()
    stored = Diagnostic.objects.get(pk=diagnostic_id)
    assert results == stored.results == score_validated(stored.referentiel.parsed, stored.answers)
    assert set(results) == {"referentiel", "overall", "pillars", "dimensions"}


def test_outside_the_scope_a_diagnostic_does_not_exist(cast: Cast) -> None:
    diagnostic = expert_diagnostic(cast.company_a, expert=cast.users["expert"])
    for actor in ("manager_b", "steering", "supplier", "outsider"):
        api = Api(cast.users[actor])
        for method, path in (
            ("GET", f"/diagnostics/{diagnostic.pk}"),
            ("GET", f"/diagnostics/{diagnostic.pk}/results"),
            ("POST", f"/diagnostics/{diagnostic.pk}/submit"),
        ):
            assert api(method, path).status_code == 404, (actor, path)
        created = api("POST", "/diagnostics", {"company_id": cast.company_a.pk})
        assert created.status_code == 404


def test_creation_conflicts_and_bad_input(cast: Cast) -> None:
    admin = Api(cast.users["admin"])
    first = admin("POST", "/diagnostics", {"company_id": cast.company_b.pk})
    assert first.status_code == 201 and first.json()["expert"] is None
    again = admin("POST", "/diagnostics", {"company_id": cast.company_b.pk})
    assert again.status_code == 409
    unknown = admin(
        "POST",
        "/diagnostics",
        {
            "company_id": cast.company_b.pk,
            "phase": "t1",
            "referentiel": {"id": "x", "version": "1"},
        },
    )
    assert unknown.status_code == 422
    from tests.experts.factories import foreign_expert

    # An expert who neither has a mission at the firm nor covers its department.
    far = Api(cast.users["manager_a"])(
        "POST",
        "/diagnostics",
        {"company_id": cast.company_a.pk, "expert_id": foreign_expert().user.pk},
    )
    assert far.status_code == 422 and "expert_id" in far.json()["detail"]
    company = Api(cast.users["company"])
    own = company(
        "POST", "/diagnostics", {"company_id": cast.company_a.pk, "kind": "self_assessment"}
    )
    assert own.status_code == 201
    assert own.json()["referentiel"]["id"] == "industrie-du-futur-autodiagnostic"
    expert_kind = company("POST", "/diagnostics", {"company_id": cast.company_a.pk})
    assert expert_kind.status_code == 404  # a company user does not open expert diagnostics
