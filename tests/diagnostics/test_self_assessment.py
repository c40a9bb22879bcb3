"""The public self-assessment, end to end with the test client: start, pages, result,
request to be contacted (the firm is created as "identified" with the consent recorded)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.core.models import AuditEvent
from essor.diagnostics.enums import ContactRequestStatus, DiagnosticKind, DiagnosticStatus
from essor.diagnostics.models import ContactRequest, Diagnostic
from essor.referentiel.models import ReferentielVersion
from essor.referentiel.scoring import score_validated
from tests.factories import valid_siren

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference")]


def _pillars() -> list[str]:
    version = ReferentielVersion.objects.get(ref_id="industrie-du-futur-autodiagnostic")
    return [p.id for p in version.parsed.pillars]


def _first_choices(client: Client, pillar_id: str) -> dict[str, Any]:
    """Answer every question of a page with its last choice (the most mature one)."""
    version = ReferentielVersion.objects.get(ref_id="industrie-du-futur-autodiagnostic")
    ref = version.parsed
    pillar = next(p for p in ref.pillars if p.id == pillar_id)
    data: dict[str, Any] = {}
    for dimension in pillar.dimensions:
        for q in dimension.questions:
            if q.kind == "single":
                data[q.id] = q.options[-1].id
            elif q.kind == "multiple":
                data[q.id] = [o.id for o in q.options if (o.weight or 0) > 0]
            elif q.kind == "level":
                data[q.id] = "3"
    return data


def test_an_anonymous_visitor_takes_the_self_assessment_and_asks_to_be_contacted() -> None:
    client = Client()
    start = client.get(reverse("diagnostics:self_start"))
    assert start.status_code == 200
    assert "27" in start.content.decode()  # the number of questions
    response = client.post(reverse("diagnostics:self_start"), {"action": "start"})
    pillars = _pillars()
    assert response["Location"] == reverse("diagnostics:self_pillar", args=[pillars[0]])
    diagnostic = Diagnostic.objects.get(kind=DiagnosticKind.SELF_ASSESSMENT)
    assert diagnostic.company is None and diagnostic.token
    # every page saves, then goes on
    for index, pillar_id in enumerate(pillars):
        page = client.get(reverse("diagnostics:self_pillar", args=[pillar_id]))
        assert page.status_code == 200
        last = index + 1 == len(pillars)
        data = {**_first_choices(client, pillar_id), "go": "finish" if last else "next"}
        response = client.post(reverse("diagnostics:self_pillar", args=[pillar_id]), data)
        assert response.status_code == 302
        expected = (
            reverse("diagnostics:self_result")
            if last
            else reverse("diagnostics:self_pillar", args=[pillars[index + 1]])
        )
        assert response["Location"] == expected
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.SUBMITTED
    assert diagnostic.results == score_validated(diagnostic.referentiel.parsed, diagnostic.answers)
    result = client.get(reverse("diagnostics:self_result"))
    body = result.content.decode()
    assert result.status_code == 200
    overall = diagnostic.results["overall"]["score"]
    assert f"{overall:.2f}".replace(".", ",") in body
    assert "Où commencer" in body or "Where to start" in body
    # answers no longer change once the result is shown
    response = client.get(reverse("diagnostics:self_pillar", args=[pillars[0]]))
    assert response["Location"] == reverse("diagnostics:self_result")
    # be contacted: consent is required
    contact_url = reverse("diagnostics:self_contact")
    form = {
        "siren": valid_siren(77),
        "name": "Tôlerie du Gier",
        "department": "42",
        "naf_code": "25.11Z",
        "headcount": "35",
        "first_name": "Anne",
        "last_name": "Vidal",
        "email": "Anne.Vidal@example.fr",
        "phone": "04 77 00 00 00",
    }
    page = client.get(contact_url).content.decode()
    for field in ("siren", "name", "department", "naf_code", "first_name", "email", "consent"):
        assert page.count(f'name="{field}"') == 1, field
    refused = client.post(contact_url, form)
    assert refused.status_code == 200
    assert not Company.objects.filter(siren=form["siren"]).exists()
    response = client.post(contact_url, {**form, "consent": "on"})
    assert response["Location"] == reverse("diagnostics:self_thanks")
    company = Company.objects.get(siren=form["siren"])
    assert company.state == JourneyState.IDENTIFIED
    assert company.region.code == "84"  # Loire is in Auvergne-Rhône-Alpes
    contact = company.contacts.get()
    assert (contact.email, contact.consent_at is not None) == ("anne.vidal@example.fr", True)
    diagnostic.refresh_from_db()
    assert diagnostic.company == company
    assert (diagnostic.region_code, diagnostic.naf_division, diagnostic.size_class) == (
        "84",
        "25",
        "10-49",
    )
    event = AuditEvent.objects.get(verb="diagnostic.contact_request")
    assert event.actor is None and event.region_code == "84"
    thanks = client.get(reverse("diagnostics:self_thanks")).content.decode()
    assert "Auvergne-Rhône-Alpes" in thanks  # the platform that received the request
    # asking twice does not create a second firm or contact
    assert client.get(contact_url)["Location"] == reverse("diagnostics:self_thanks")


def test_a_bad_answer_is_refused_and_the_rest_of_the_page_is_saved() -> None:
    client = Client()
    client.post(reverse("diagnostics:self_start"), {"action": "start"})
    pillar_id = _pillars()[0]
    data = _first_choices(client, pillar_id)
    data["feuille-de-route-a1"] = "not-an-option"  # a tampered form
    response = client.post(
        reverse("diagnostics:self_pillar", args=[pillar_id]), {**data, "go": "next"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "not-an-option" in body and "feuille-de-route-a1" in body
    diagnostic = Diagnostic.objects.get()
    assert "feuille-de-route-a1" not in diagnostic.answers
    assert diagnostic.answers["pilotage-performance-a1"] == {"level": 3}
    assert diagnostic.status == DiagnosticStatus.DRAFT


@pytest.mark.parametrize("level", ["²", "9" * 5000, "6", "-1", " 3"])
def test_a_level_that_is_not_0_to_5_is_refused_without_an_error_page(level: str) -> None:
    client = Client()
    client.post(reverse("diagnostics:self_start"), {"action": "start"})
    pillar_id = _pillars()[0]
    data = _first_choices(client, pillar_id)
    data["pilotage-performance-a1"] = level
    response = client.post(
        reverse("diagnostics:self_pillar", args=[pillar_id]), {**data, "go": "next"}
    )
    assert response.status_code == 200
    assert "pilotage-performance-a1" not in Diagnostic.objects.get().answers


def test_the_pages_lead_back_to_the_start_without_a_self_assessment() -> None:
    client = Client()
    for name, args in (
        ("diagnostics:self_pillar", ["strategie-pilotage"]),
        ("diagnostics:self_result", []),
        ("diagnostics:self_contact", []),
        ("diagnostics:self_thanks", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response["Location"] == reverse("diagnostics:self_start")


def test_a_visitor_continues_or_starts_again() -> None:
    client = Client()
    client.post(reverse("diagnostics:self_start"), {"action": "start"})
    first = Diagnostic.objects.get()
    page = client.get(reverse("diagnostics:self_start")).content.decode()
    assert 'value="continue"' in page
    client.post(reverse("diagnostics:self_start"), {"action": "continue"})
    assert Diagnostic.objects.count() == 1
    client.post(reverse("diagnostics:self_start"), {"action": "restart"})
    assert Diagnostic.objects.count() == 2
    assert client.session["essor_self_assessment"] != first.token


def test_an_existing_firm_is_not_changed_by_the_form(cast: Any) -> None:
    client = Client()
    client.post(reverse("diagnostics:self_start"), {"action": "start"})
    diagnostic = Diagnostic.objects.get()
    from essor.diagnostics.services import diagnostic_submit

    diagnostic_submit(diagnostic=diagnostic, actor=None)
    company = cast.company_a
    response = client.post(
        reverse("diagnostics:self_contact"),
        {
            "siren": company.siren,
            "name": "Un autre nom",
            "department": "29",
            "naf_code": "10.20Z",
            "first_name": "Luc",
            "last_name": "Morel",
            "email": "luc@example.fr",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.department.code) == ("Usinage Rhône A", "69")
    # Nothing is written into the known firm by an anonymous form: no contact, no attached
    # self-assessment (so nothing in its list nor in the benchmark) until its platform confirms.
    assert not company.contacts.filter(email="luc@example.fr").exists()
    diagnostic.refresh_from_db()
    assert diagnostic.company is None and not diagnostic.is_current
    request = ContactRequest.objects.get(diagnostic=diagnostic)
    assert (request.company, request.status) == (company, ContactRequestStatus.PENDING)
    thanks = client.get(reverse("diagnostics:self_thanks")).content.decode()
    assert "Usinage Rhône A" not in thanks and "Auvergne" in thanks
    assert client.get(reverse("diagnostics:self_contact"))["Location"] == reverse(
        "diagnostics:self_thanks"
    )  # sent once

    manager = Client()
    manager.force_login(cast.users["manager_a"])
    inbox = manager.get(reverse("diagnostics:contact_request_list")).content.decode()
    assert "Luc Morel" in inbox
    other = Client()
    other.force_login(cast.users["manager_b"])
    assert (
        "Luc Morel" not in other.get(reverse("diagnostics:contact_request_list")).content.decode()
    )
    assert other.get(request.get_absolute_url()).status_code == 404
    assert (
        other.post(reverse("diagnostics:contact_request_attach", args=[request.pk])).status_code
        == 404
    )

    response = manager.post(reverse("diagnostics:contact_request_attach", args=[request.pk]))
    assert response["Location"] == company.get_absolute_url()
    request.refresh_from_db()
    diagnostic.refresh_from_db()
    assert (
        request.status == ContactRequestStatus.ATTACHED
        and request.decided_by == cast.users["manager_a"]
    )
    assert diagnostic.company == company and diagnostic.completed_at is not None
    assert company.contacts.get(email="luc@example.fr").consent_at == request.consent_at
    assert AuditEvent.objects.filter(verb="diagnostic.contact_request.attach").count() == 1
    assert manager.get(diagnostic.get_absolute_url()).status_code == 200
    # Decided once: a second attach changes nothing.
    manager.post(reverse("diagnostics:contact_request_attach", args=[request.pk]))
    assert company.contacts.filter(email="luc@example.fr").count() == 1


def test_a_dismissed_request_erases_the_person_and_attaches_nothing(cast: Any) -> None:
    from tests.diagnostics.helpers import pending_contact_request

    request = pending_contact_request(cast.company_a, last_name="Farceur")
    manager = Client()
    manager.force_login(cast.users["manager_a"])
    url = reverse("diagnostics:contact_request_dismiss", args=[request.pk])
    manager.post(url, {"reason": ""})
    request.refresh_from_db()
    assert request.status == ContactRequestStatus.PENDING  # a reason is required
    manager.post(url, {"reason": "personne inconnue de l'entreprise"})
    request.refresh_from_db()
    assert request.status == ContactRequestStatus.DISMISSED
    assert (request.first_name, request.last_name, request.email) == ("", "", "")
    assert request.diagnostic.company is None
    assert not cast.company_a.contacts.filter(last_name="Farceur").exists()
    event = AuditEvent.objects.get(verb="diagnostic.contact_request.dismiss")
    assert event.reason == "personne inconnue de l'entreprise"


def test_a_company_user_records_the_self_assessment_for_their_firm(cast: Any) -> None:
    client = Client()
    client.force_login(cast.users["company"])
    client.post(reverse("diagnostics:self_start"), {"action": "start"})
    diagnostic = Diagnostic.objects.get()
    from essor.diagnostics.services import diagnostic_submit

    diagnostic_submit(diagnostic=diagnostic, actor=None)
    result = client.get(reverse("diagnostics:self_result"))
    assert result.context["own_companies"] == [cast.company_a]
    refused = client.post(reverse("diagnostics:self_link"), {"company": cast.company_b.pk})
    assert refused.status_code == 404
    response = client.post(reverse("diagnostics:self_link"), {"company": cast.company_a.pk})
    assert response["Location"] == diagnostic.get_absolute_url()
    diagnostic.refresh_from_db()
    assert (diagnostic.company, diagnostic.created_by) == (cast.company_a, cast.users["company"])
    assert diagnostic.completed_at is not None
    assert AuditEvent.objects.filter(verb="diagnostic.link", actor=cast.users["company"]).exists()


def test_the_number_of_axes_and_the_reading_rule_come_from_the_referentiel() -> None:
    """No "six axes" written in the pages: the count and the overall rule are the
    published référentiel's (a new version may have more pillars, or average dimensions)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    pillars = _pillars()
    start = client.get(reverse("diagnostics:self_start")).content.decode()
    assert f"{len(pillars)} axes of modernisation" in start
    client.post(reverse("diagnostics:self_start"), {"action": "start"})
    for index, pillar_id in enumerate(pillars):
        go = "finish" if index + 1 == len(pillars) else "next"
        data = {**_first_choices(client, pillar_id), "go": go}
        client.post(reverse("diagnostics:self_pillar", args=[pillar_id]), data)
    result = client.get(reverse("diagnostics:self_result"))
    body = result.content.decode()
    assert result.context["overall_by_pillars"] is True  # `aggregation.overall: pillars`
    assert f"Your {len(pillars)} axes" in body
    assert f"the average of the {len(pillars)} axes." in body
