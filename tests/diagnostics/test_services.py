"""Diagnostics services: answers checked per question, scores from the pure scorer, the
workflow and the company journey."""

from __future__ import annotations

import random

import pytest

from essor.companies.enums import JourneyState
from essor.companies.journey import TransitionError, journey_apply
from essor.core.models import AuditEvent
from essor.diagnostics.demo import demo_answers
from essor.diagnostics.enums import DiagnosticKind, DiagnosticStatus, Phase, headcount_class
from essor.diagnostics.models import Diagnostic, DimensionNote, DimensionScore
from essor.diagnostics.scoring import raw_scores
from essor.diagnostics.services import (
    NoteInput,
    diagnostic_create,
    diagnostic_reopen,
    diagnostic_rescore,
    diagnostic_save_answers,
    diagnostic_save_notes,
    diagnostic_set_kpis,
    diagnostic_submit,
    diagnostic_validate,
    targets_of,
)
from essor.diagnostics.workflow import DiagnosticError, WorkflowError
from essor.referentiel.scoring import round_score, score_validated
from tests.conftest import Cast
from tests.diagnostics.helpers import EXAMPLE_ANSWERS, expert_diagnostic, validated_diagnostic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def diagnostic(cast: Cast) -> Diagnostic:
    return expert_diagnostic(cast.company_a, expert=cast.users["expert"])


def test_bad_answers_are_refused_per_question_and_the_good_ones_are_saved(
    diagnostic: Diagnostic, english: None
) -> None:
    page = {
        "feuille-de-route-q1": {"level": 3},  # good
        "feuille-de-route-q2": {"option": "no-such-option"},  # unknown option
        "pilotage-performance-q1": {"option": "x"},  # a level question answered as single
        "efficacite-energetique-q4": {"na": "pas de four"},  # good: N/A allowed there
        "feuille-de-route-q3": {"na": "sans objet"},  # N/A where it is not allowed
        "no-such-question": {"level": 1},
    }
    result = diagnostic_save_answers(diagnostic=diagnostic, answers=page, actor=None)
    assert result.saved == ["feuille-de-route-q1", "efficacite-energetique-q4"]
    assert set(result.errors) == {
        "feuille-de-route-q2",
        "pilotage-performance-q1",
        "feuille-de-route-q3",
        "no-such-question",
    }
    assert 'unknown option "no-such-option"' in result.errors["feuille-de-route-q2"][0]
    assert "feuille-de-route-q2" in result.errors["feuille-de-route-q2"][0]
    assert "does not allow N/A" in " ".join(result.errors["feuille-de-route-q3"])
    assert "unknown question id" in result.errors["no-such-question"][0]
    diagnostic.refresh_from_db()
    assert diagnostic.answers == {
        "feuille-de-route-q1": {"level": 3},
        "efficacite-energetique-q4": {"na": "pas de four"},
    }


def test_none_clears_an_answer(diagnostic: Diagnostic) -> None:
    diagnostic_save_answers(diagnostic=diagnostic, answers=EXAMPLE_ANSWERS, actor=None)
    result = diagnostic_save_answers(
        diagnostic=diagnostic, answers={"ressources-circularite-q1": None}, actor=None
    )
    assert result.cleared == ["ressources-circularite-q1"]
    diagnostic.refresh_from_db()
    assert "ressources-circularite-q1" not in diagnostic.answers
    assert len(diagnostic.answers) == len(EXAMPLE_ANSWERS) - 1


def test_only_drafts_change(diagnostic: Diagnostic) -> None:
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    with pytest.raises(DiagnosticError):
        diagnostic_save_answers(
            diagnostic=diagnostic, answers={"feuille-de-route-q1": {"level": 1}}, actor=None
        )
    with pytest.raises(DiagnosticError):
        diagnostic_set_kpis(diagnostic=diagnostic, kpis=["cost"], actor=None)
    diagnostic.refresh_from_db()
    assert diagnostic.answers == {}


def test_the_stored_results_are_the_pure_scorers_output(diagnostic: Diagnostic) -> None:
    ref = diagnostic.referentiel.parsed
    answers, _na, _spread = demo_answers(ref, random.Random(7), 0.5)
    assert diagnostic_save_answers(diagnostic=diagnostic, answers=answers, actor=None).ok
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.SUBMITTED
    assert diagnostic.results == score_validated(ref, answers)
    assert diagnostic.submitted_at is not None
    assert diagnostic_rescore(diagnostic=diagnostic) == diagnostic.results


def test_the_worked_example_of_the_methodology(diagnostic: Diagnostic) -> None:
    diagnostic_save_answers(diagnostic=diagnostic, answers=EXAMPLE_ANSWERS, actor=None)
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    results = diagnostic.results
    assert results is not None
    assert results["overall"] == {"score": 43.75, "band": "intermediaire"}
    assert results["dimensions"]["efficacite-energetique"] == {
        "score": 30.0, "band": "explorateur", "answered": 2, "na": 1, "unanswered": 1,
    }  # fmt: skip


@pytest.mark.parametrize("seed", range(12))
def test_unrounded_scores_round_to_the_printed_ones(cast: Cast, seed: int) -> None:
    from essor.referentiel.models import ReferentielVersion

    for version in ReferentielVersion.objects.all():
        ref = version.parsed
        answers, _na, _spread = demo_answers(ref, random.Random(seed), random.Random(seed).random())
        printed = score_validated(ref, answers)
        raw = raw_scores(ref, answers)
        assert round_score(raw.overall) == printed["overall"]["score"]
        for key, value in raw.pillars.items():
            assert round_score(value) == printed["pillars"][key]["score"]
        for key, value in raw.dimensions.items():
            assert round_score(value) == printed["dimensions"][key]["score"]


def test_validation_moves_the_journey_and_fills_the_peer_keys(cast: Cast) -> None:
    company = cast.company_a
    journey_apply(company=company, transition="confirm_eligible", actor=None)
    journey_apply(company=company, transition="schedule_diagnostic", actor=None)
    diagnostic = expert_diagnostic(company, expert=cast.users["expert"])
    diagnostic_save_answers(diagnostic=diagnostic, answers=EXAMPLE_ANSWERS, actor=None)
    diagnostic_submit(diagnostic=diagnostic, actor=cast.users["expert"])
    with pytest.raises(TransitionError, match="validated expert diagnostic"):
        journey_apply(company=company, transition="validate_plan", actor=None, by_system=True)
    diagnostic_validate(diagnostic=diagnostic, actor=cast.users["manager_a"])
    company.refresh_from_db()
    assert company.state == JourneyState.DIAGNOSED
    event = AuditEvent.objects.get(verb="journey.record_diagnosis", object_id=str(company.pk))
    assert event.actor == cast.users["manager_a"]
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.validated_by) == (
        DiagnosticStatus.VALIDATED,
        cast.users["manager_a"],
    )
    assert (diagnostic.naf_division, diagnostic.naf_section, diagnostic.region_code) == (
        "25",
        "C",
        "84",
    )
    assert diagnostic.size_class == headcount_class(company.headcount) == "10-49"
    assert diagnostic.overall_score == pytest.approx(43.75)
    scores = dict(
        DimensionScore.objects.filter(diagnostic=diagnostic).values_list("dimension_id", "score")
    )
    assert scores == pytest.approx(
        {
            "efficacite-energetique": 30.0,
            "ressources-circularite": 57.5,
            "energie-environnement": 43.75,
        }
    )
    assert Diagnostic.objects.complete().filter(pk=diagnostic.pk).exists()
    verbs = list(
        AuditEvent.objects.filter(object_id=str(diagnostic.pk), verb__startswith="diagnostic.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["diagnostic.create", "diagnostic.submit", "diagnostic.validate"]
    # now an action plan may be validated
    journey_apply(company=company, transition="validate_plan", actor=None, by_system=True)
    assert company.state == JourneyState.PLAN_VALIDATED


def test_validation_needs_a_submitted_expert_diagnostic(diagnostic: Diagnostic) -> None:
    with pytest.raises(WorkflowError, match="Not possible"):
        diagnostic_validate(diagnostic=diagnostic, actor=None)
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.DRAFT


def test_a_manager_sends_a_diagnostic_back_with_a_reason(
    diagnostic: Diagnostic, cast: Cast
) -> None:
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    with pytest.raises(WorkflowError, match="reason"):
        diagnostic_reopen(diagnostic=diagnostic, actor=cast.users["manager_a"], reason=" ")
    diagnostic_reopen(diagnostic=diagnostic, actor=cast.users["manager_a"], reason="Compléter q2")
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.results) == (DiagnosticStatus.DRAFT, None)
    event = AuditEvent.objects.get(verb="diagnostic.reopen", object_id=str(diagnostic.pk))
    assert event.reason == "Compléter q2"


def test_one_expert_diagnostic_per_phase_and_t1_after_a_validated_t0(cast: Cast) -> None:
    company = cast.company_a
    with pytest.raises(DiagnosticError, match="T0"):
        expert_diagnostic(company, phase=Phase.T1)
    t0 = expert_diagnostic(company)
    with pytest.raises(DiagnosticError):
        expert_diagnostic(company)
    diagnostic_submit(diagnostic=t0, actor=None)
    diagnostic_validate(diagnostic=t0, actor=None)
    t1 = expert_diagnostic(company, phase=Phase.T1)
    assert t1.phase == Phase.T1
    # self-assessments are not limited
    for _ in range(2):
        diagnostic_create(company=company, actor=None, kind=DiagnosticKind.SELF_ASSESSMENT)


def test_an_expert_diagnostic_names_an_expert_and_uses_a_full_referentiel(cast: Cast) -> None:
    from essor.referentiel.models import ReferentielVersion

    with pytest.raises(DiagnosticError, match="not an expert"):
        expert_diagnostic(cast.company_a, expert=cast.users["company"])
    short = ReferentielVersion.objects.get(ref_id="industrie-du-futur-autodiagnostic")
    with pytest.raises(DiagnosticError, match="not a questionnaire"):
        diagnostic_create(company=cast.company_a, actor=None, referentiel=short)


def test_notes_and_targets(diagnostic: Diagnostic) -> None:
    errors = diagnostic_save_notes(
        diagnostic=diagnostic,
        notes={
            "cybersecurite": NoteInput("Pas de sauvegarde hors ligne.", 3),
            "feuille-de-route": NoteInput("", 4),
            "servicisation": NoteInput("x", 6),
            "no-such-dimension": NoteInput("x", 1),
        },
        actor=None,
    )
    assert set(errors) == {"servicisation", "no-such-dimension"}
    assert targets_of(diagnostic) == {"cybersecurite": 3, "feuille-de-route": 4}
    diagnostic_save_notes(
        diagnostic=diagnostic, notes={"cybersecurite": NoteInput("", None)}, actor=None
    )
    assert not DimensionNote.objects.filter(
        diagnostic=diagnostic, dimension_id="cybersecurite"
    ).exists()


def test_important_kpis_are_the_referentiels(diagnostic: Diagnostic) -> None:
    diagnostic_set_kpis(diagnostic=diagnostic, kpis=["energy", "cost", "cost"], actor=None)
    assert diagnostic.important_kpis == ["cost", "energy"]  # référentiel order, once each
    with pytest.raises(DiagnosticError, match="Unknown KPI"):
        diagnostic_set_kpis(diagnostic=diagnostic, kpis=["beauty"], actor=None)


def test_each_diagnostic_is_scored_against_its_own_version(cast: Cast) -> None:
    """A newer version with other weights changes nothing for a diagnostic answered before."""
    from essor.referentiel.models import ReferentielVersion
    from essor.referentiel.services import referentiel_publish

    t0 = validated_diagnostic(cast.company_a)
    before = dict(t0.results or {})
    document = ReferentielVersion.objects.get(ref_id="industrie-du-futur").document
    document = {**document, "version": "2027.1"}
    document["pillars"] = [dict(p) for p in document["pillars"]]
    energy = next(p for p in document["pillars"] if p["id"] == "energie-environnement")
    energy["dimensions"] = [dict(d) for d in energy["dimensions"]]
    energy["dimensions"][1]["weight"] = 3
    newer, created = referentiel_publish(document=document, actor=None)
    assert created
    assert diagnostic_rescore(diagnostic=t0) == before
    later = diagnostic_create(company=cast.company_b, actor=None)
    assert later.referentiel == newer
