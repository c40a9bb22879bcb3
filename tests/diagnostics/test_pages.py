"""The expert diagnostic, page by page, and who sees what."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essor.companies.enums import JourneyState
from essor.companies.journey import journey_apply
from essor.diagnostics.enums import DiagnosticStatus, Phase
from essor.diagnostics.models import Diagnostic, DimensionNote
from essor.diagnostics.services import diagnostic_save_answers, diagnostic_submit
from tests.conftest import Cast
from tests.diagnostics.helpers import EXAMPLE_ANSWERS, expert_diagnostic, validated_diagnostic

pytestmark = pytest.mark.django_db

ENERGY = "energie-environnement"


def _client(cast: Cast, actor: str) -> Client:
    client = Client()
    client.force_login(cast.users[actor])
    return client


def test_a_manager_opens_a_diagnostic_and_names_the_expert(cast: Cast) -> None:
    client = _client(cast, "manager_a")
    url = reverse("diagnostics:diagnostic_new", args=[cast.company_a.pk])
    from tests.experts.factories import foreign_expert

    breton = foreign_expert()  # referenced, but covers Brittany only
    page = client.get(url)
    choices = [str(label) for _pk, label in page.context["form"].fields["expert"].choices]
    assert any("Marc Expert" in label for label in choices)
    assert not any("Breton" in label for label in choices)
    assert breton.user.email not in page.content.decode()
    refused = client.post(url, {"phase": Phase.T0, "expert": breton.user.pk})
    assert "expert" in refused.context["form"].errors
    response = client.post(
        url,
        {
            "phase": Phase.T0,
            "expert": cast.users["expert"].pk,
            "referentiel": page.context["form"].fields["referentiel"].initial.pk,
        },
    )
    diagnostic = Diagnostic.objects.get(company=cast.company_a)
    assert diagnostic.expert == cast.users["expert"]
    assert response["Location"] == diagnostic.get_absolute_url()  # the manager does not answer
    again = client.post(
        url, {"phase": Phase.T0, "referentiel": diagnostic.referentiel.pk}, follow=True
    )
    assert Diagnostic.objects.filter(company=cast.company_a).count() == 1
    assert again.context["form"].non_field_errors()


def test_the_expert_fills_page_by_page_and_every_page_saves(cast: Cast) -> None:
    diagnostic = expert_diagnostic(cast.company_a, expert=cast.users["expert"])
    client = _client(cast, "expert")
    url = reverse("diagnostics:diagnostic_pillar", args=[diagnostic.pk, ENERGY])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Efficacité énergétique" in body  # dimension titles in the user's language
    assert 'name="note::efficacite-energetique::evidence"' in body
    data = {
        "efficacite-energetique-q1": "2",
        "efficacite-energetique-q2": "abc",  # not a number: refused, the rest is saved
        "efficacite-energetique-q3": ["fuites-air", "variation-vitesse", "marche-a-vide"],
        "efficacite-energetique-q4::na": "1",
        "efficacite-energetique-q4::na_reason": "Pas de procédé thermique.",
        "ressources-circularite-q1": "3",
        "ressources-circularite-q2::matiere": "mensuel",
        "ressources-circularite-q2::emballages": "annuel",
        "ressources-circularite-q3": "scope-3",
        "note::efficacite-energetique::evidence": "Compteurs généraux seulement.",
        "note::efficacite-energetique::target": "3",
        "go": "next",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # shown again with the refused answer
    assert "abc" in response.content.decode()
    diagnostic.refresh_from_db()
    assert diagnostic.answers["efficacite-energetique-q1"] == {"level": 2}
    assert diagnostic.answers["efficacite-energetique-q4"] == {"na": "Pas de procédé thermique."}
    assert diagnostic.answers["ressources-circularite-q2"] == {
        "rows": {"matiere": "mensuel", "emballages": "annuel"}
    }
    assert "efficacite-energetique-q2" not in diagnostic.answers
    note = DimensionNote.objects.get(diagnostic=diagnostic, dimension_id="efficacite-energetique")
    assert (note.target_level, note.evidence) == (3, "Compteurs généraux seulement.")
    # corrected, the page saves and goes on to the summary (the last pillar)
    data["efficacite-energetique-q2"] = "1 250,5"
    response = client.post(url, data)
    assert response["Location"] == reverse("diagnostics:diagnostic_summary", args=[diagnostic.pk])
    diagnostic.refresh_from_db()
    assert diagnostic.answers["efficacite-energetique-q2"] == {"number": 1250.5}
    # clearing a choice removes the answer
    data["ressources-circularite-q3"] = ""
    data["go"] = "stay"
    assert client.post(url, data)["Location"] == url
    diagnostic.refresh_from_db()
    assert "ressources-circularite-q3" not in diagnostic.answers


def test_the_summary_warns_about_unanswered_questions_then_submits(cast: Cast) -> None:
    diagnostic = expert_diagnostic(cast.company_a, expert=cast.users["expert"])
    diagnostic_save_answers(diagnostic=diagnostic, answers=EXAMPLE_ANSWERS, actor=None)
    client = _client(cast, "expert")
    summary = reverse("diagnostics:diagnostic_summary", args=[diagnostic.pk])
    body = client.get(summary).content.decode()
    assert "52" in body  # 58 questions, 6 answered
    client.post(summary, {"kpis": ["cost", "energy"]})
    diagnostic.refresh_from_db()
    assert diagnostic.important_kpis == ["cost", "energy"]
    response = client.post(reverse("diagnostics:diagnostic_submit", args=[diagnostic.pk]))
    assert response["Location"] == diagnostic.get_absolute_url()
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.SUBMITTED
    # the expert can no longer change it
    page = client.get(reverse("diagnostics:diagnostic_pillar", args=[diagnostic.pk, ENERGY]))
    assert "disabled" in page.content.decode()
    post = client.post(reverse("diagnostics:diagnostic_pillar", args=[diagnostic.pk, ENERGY]), {})
    assert post.status_code == 404


def test_the_regional_manager_validates_and_the_firm_is_diagnosed(cast: Cast) -> None:
    company = cast.company_a
    journey_apply(company=company, transition="confirm_eligible", actor=None)
    journey_apply(company=company, transition="schedule_diagnostic", actor=None)
    diagnostic = expert_diagnostic(company, expert=cast.users["expert"])
    diagnostic_save_answers(diagnostic=diagnostic, answers=EXAMPLE_ANSWERS, actor=None)
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    detail = _client(cast, "expert").get(diagnostic.get_absolute_url())
    assert detail.context["can_validate"] is False
    client = _client(cast, "manager_a")
    detail = client.get(diagnostic.get_absolute_url())
    assert detail.context["can_validate"] is True
    client.post(reverse("diagnostics:diagnostic_validate", args=[diagnostic.pk]))
    company.refresh_from_db()
    assert company.state == JourneyState.DIAGNOSED
    page = client.get(company.get_absolute_url()).content.decode()
    assert diagnostic.get_absolute_url() in page  # the company page lists its diagnostics


def test_the_result_page_shows_scores_bands_and_counts(cast: Cast) -> None:
    diagnostic = validated_diagnostic(cast.company_a, expert=cast.users["expert"])
    response = _client(cast, "company").get(diagnostic.get_absolute_url())
    body = response.content.decode()
    assert "43,75" in body and "Intermédiaire" in body
    assert "Explorateur" in body  # efficacité énergétique, 30
    view = response.context["view"]
    assert (view.answered, view.na, view.unanswered) == (5, 1, 52)


def test_t0_and_t1_side_by_side(cast: Cast) -> None:
    company = cast.company_a
    validated_diagnostic(company)
    better = dict(EXAMPLE_ANSWERS)
    better["efficacite-energetique-q1"] = {"level": 4}
    better["efficacite-energetique-q2"] = {"number": 5}
    validated_diagnostic(company, answers=better, phase=Phase.T1)
    response = _client(cast, "manager_a").get(
        reverse("diagnostics:diagnostic_compare", args=[company.pk])
    )
    rows = {row.line.id: row for row in response.context["rows"]}
    energy = rows["efficacite-energetique"]
    assert (energy.line.t0, energy.line.delta is not None) == (30.0, True)
    assert energy.line.changed_basis  # q2 unanswered at T0, answered at T1
    assert rows["ressources-circularite"].line.delta == 0.0
    assert not rows["ressources-circularite"].line.changed_basis
    assert not rows["feuille-de-route"].line.comparable
    assert "non comparable" in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("admin", 200),
        ("manager_a", 200),
        ("company", 200),
        ("expert", 200),
        ("manager_b", 404),
        ("steering", 404),
        ("outsider", 404),
        ("supplier", 404),
    ],
)
def test_who_sees_a_diagnostic(cast: Cast, actor: str, status: int) -> None:
    diagnostic = validated_diagnostic(cast.company_a, expert=cast.users["expert"])
    client = _client(cast, actor)
    assert client.get(diagnostic.get_absolute_url()).status_code == status
    listing = client.get(reverse("diagnostics:diagnostic_list"))
    if listing.status_code == 200:
        shown = {d.pk for d in listing.context["page"].object_list}
        assert (diagnostic.pk in shown) == (status == 200)


def test_an_expert_with_a_diagnostic_mission_opens_the_diagnostic_themselves(cast: Cast) -> None:
    from essor.experts.enums import MissionKind
    from tests.experts.factories import make_mission

    company = cast.company_a
    journey_apply(company=company, transition="confirm_eligible", actor=None)
    mission = make_mission(cast.expert_profile, company, kind=MissionKind.DIAGNOSTIC)
    client = _client(cast, "expert")
    url = reverse("diagnostics:diagnostic_new", args=[company.pk])
    assert client.get(url).status_code == 404  # only proposed so far
    from essor.experts.workflow import mission_apply

    mission_apply(mission=mission, transition="accept", actor=cast.users["expert"])
    page = client.get(url)
    assert page.status_code == 200
    assert "expert" not in page.context["form"].fields  # they are the expert
    response = client.post(
        url,
        {"phase": Phase.T0, "referentiel": page.context["form"].fields["referentiel"].initial.pk},
    )
    diagnostic = Diagnostic.objects.get(company=company)
    assert diagnostic.expert == cast.users["expert"]
    assert response["Location"].startswith(
        reverse("diagnostics:diagnostic_pillar", args=[diagnostic.pk, "strategie-pilotage"])
    )


def test_the_report_pages(cast: Cast) -> None:
    pytest.importorskip("essor.diagnostics.report")
    draft = expert_diagnostic(cast.company_a, expert=cast.users["expert"])
    client = _client(cast, "company")
    url = reverse("diagnostics:diagnostic_report", args=[draft.pk])
    assert client.get(url)["Location"] == draft.get_absolute_url()  # not submitted yet
    diagnostic_save_answers(diagnostic=draft, answers=EXAMPLE_ANSWERS, actor=None)
    diagnostic_submit(diagnostic=draft, actor=None)
    page = client.get(url)
    assert page.status_code == 200
    assert cast.company_a.name in page.content.decode()
    english = client.get(url, {"language": "en"}).content.decode()
    assert 'lang="en"' in english
    pdf = client.get(reverse("diagnostics:diagnostic_report_pdf", args=[draft.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert _client(cast, "manager_b").get(url).status_code == 404


def test_t0_and_t1_on_different_referentiels_are_not_compared(cast: Cast) -> None:
    """A T1 on another référentiel id never pairs with the T0 (no 500 from `compare`)."""
    from essor.diagnostics.report import report_data
    from essor.referentiel.scoring import score_validated
    from essor.referentiel.services import referentiel_publish
    from tests.referentiel.helpers import full_doc

    company = cast.company_a
    validated_diagnostic(company)
    t1 = validated_diagnostic(company, phase=Phase.T1)
    other, _ = referentiel_publish(document={**full_doc(), "id": "autre-referentiel"}, actor=None)
    results = score_validated(other.parsed, {})
    Diagnostic.objects.filter(pk=t1.pk).update(referentiel=other, answers={}, results=results)
    t1.refresh_from_db()
    response = _client(cast, "manager_a").get(
        reverse("diagnostics:diagnostic_compare", args=[company.pk])
    )
    assert response.status_code == 200
    assert response.context["t0"] is None and response.context["rows"] is None
    assert report_data(t1).progress is None
