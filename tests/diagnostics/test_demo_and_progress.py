"""The demo diagnostics, and the pure T0/T1 comparison (docs/methodology.md §8)."""

from __future__ import annotations

import copy

import pytest

from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.diagnostics.demo import BENCHMARK_PEERS, DIAGNOSED_STATES, T1_STATES
from essor.diagnostics.enums import DiagnosticKind, DiagnosticStatus, Phase
from essor.diagnostics.models import Diagnostic
from essor.diagnostics.progress import compare
from essor.referentiel.model import build
from tests.diagnostics.helpers import EXAMPLE_ANSWERS
from tests.referentiel.helpers import full_doc


@pytest.mark.django_db
def test_the_demo_diagnostics_are_complete_and_created_once(reference: None) -> None:
    from essor.companies.demo import demo_companies_create
    from essor.core.demo import demo_accounts_create, demo_organisations_create
    from essor.diagnostics.demo import demo_diagnostics_create

    demo_organisations_create()
    demo_companies_create(region_firms={"84": 40})
    demo_accounts_create()
    demo_diagnostics_create()
    count = Diagnostic.objects.count()
    for company in Company.objects.filter(state__in=DIAGNOSED_STATES):
        t0 = company.diagnostics.get(kind=DiagnosticKind.EXPERT, phase=Phase.T0)
        assert t0.status == DiagnosticStatus.VALIDATED
        assert t0.validated_at is not None and t0.created_at < t0.validated_at
        if company.state in T1_STATES:
            t1 = company.diagnostics.get(phase=Phase.T1)
            assert t1.status == DiagnosticStatus.VALIDATED
    # the demo company account's firm: targets and notes, and peers for a benchmark
    firm = Company.objects.get(memberships__user__email="entreprise@demo.essor.fr")
    rich = firm.diagnostics.get(phase=Phase.T0)
    assert rich.status == DiagnosticStatus.VALIDATED
    assert rich.notes.filter(target_level__isnull=False).count() >= 15
    assert rich.important_kpis == ["cost", "delivery", "energy"]
    peers = (
        Diagnostic.objects.complete()
        .filter(
            naf_division=rich.naf_division,
            size_class=rich.size_class,
            region_code=rich.region_code,
            referentiel=rich.referentiel,
        )
        .exclude(company=firm)
    )
    assert peers.count() >= BENCHMARK_PEERS >= 10
    # the demo expert has a draft to carry on
    assert Diagnostic.objects.filter(
        expert__email="expert@demo.essor.fr", status=DiagnosticStatus.DRAFT
    ).exists()
    # a second run adds nothing, and the company account keeps its firm
    assert demo_diagnostics_create() == 0
    demo_accounts_create()
    assert Diagnostic.objects.count() == count
    assert Company.objects.filter(memberships__user__email="entreprise@demo.essor.fr").get() == firm
    firm.refresh_from_db()
    assert firm.state != JourneyState.DIAGNOSTIC_SCHEDULED  # its validated T0 moved it on


def test_progress_deltas_bands_and_changed_basis() -> None:
    import json

    from tests.referentiel.helpers import FIXTURES

    answers = json.loads((FIXTURES / "answers-full.json").read_text("utf-8"))["answers"]
    ref = build(full_doc())
    same = compare(ref, answers, ref, answers)
    assert same.overall.delta == 0.0 and not same.version_changed
    assert all(not line.changed_basis for line in same.lines)
    fewer = copy.deepcopy(answers)
    dropped = next(iter(fewer))
    del fewer[dropped]
    progress = compare(ref, fewer, ref, answers)
    dimension = ref.dimension_of[dropped].id
    line = next(line for line in progress.lines if line.id == dimension)
    assert line.changed_basis
    assert line.delta_levels == (None if line.delta is None else round(line.delta / 20, 2))


def test_an_empty_dimension_is_not_comparable_and_versions_are_flagged() -> None:
    ref0 = build(full_doc())
    doc1 = full_doc()
    doc1["version"] = "2"
    ref1 = build(doc1)
    progress = compare(ref0, {}, ref1, {})
    assert progress.version_changed
    assert progress.overall.delta is None and not progress.overall.comparable


def test_a_self_assessment_is_never_compared_with_a_diagnostic() -> None:
    doc = full_doc()
    other = copy.deepcopy(doc)
    other["id"] = "autre"
    with pytest.raises(ValueError, match="never compared"):
        compare(build(doc), {}, build(other), {})


def test_the_worked_example_progress() -> None:
    from essor.referentiel.loader import load_file
    from tests.referentiel.test_versions import DATA

    ref = build(load_file(DATA / "industrie-du-futur-2026.1.yaml"))
    better = dict(EXAMPLE_ANSWERS)
    better["efficacite-energetique-q1"] = {"level": 4}
    progress = compare(ref, EXAMPLE_ANSWERS, ref, better)
    energy = next(line for line in progress.lines if line.id == "efficacite-energetique")
    # (0.8 + 0.2) / 2 = 50 against 30: +20 points, one level, explorateur -> intermediaire
    assert (energy.t0, energy.t1, energy.delta, energy.delta_levels) == (30.0, 50.0, 20.0, 1.0)
    assert (energy.band_t0, energy.band_t1) == ("explorateur", "intermediaire")
