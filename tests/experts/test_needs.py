"""A firm's needs for matching: stated by its manager, and the first priorities of its
self-assessment (the largest weighted gaps)."""

from __future__ import annotations

import pytest

from essor.diagnostics.services import (
    diagnostic_save_answers,
    diagnostic_submit,
    self_assessment_link,
    self_assessment_start,
)
from essor.experts.selectors import company_needs
from essor.experts.services import company_needs_set
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_needs_add_the_self_assessments_first_priorities(cast: Cast) -> None:
    company = cast.company_a
    company_needs_set(company=company, actor=None, skills=["cybersecurite"])
    assert company_needs([company.pk]) == {company.pk: frozenset({"cybersecurite"})}

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

    needs = company_needs([company.pk, cast.company_b.pk])
    assert needs[cast.company_b.pk] == frozenset()
    assert {"cybersecurite", "automatisation-robotique", "donnees-ia"} <= needs[company.pk]
    assert "pilotage-performance" not in needs[company.pk]  # at level 5: no gap
    assert len(needs[company.pk]) <= 1 + 3
