"""An anonymous visitor takes the self-assessment to its result, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import check_accessibility, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def referentiels(transactional_db: None) -> None:
    """Regions, departments and the shipped référentiels, in the live server's database."""
    from essor.core.reference import reference_data_load

    reference_data_load()


def test_an_anonymous_visitor_reaches_the_result(
    page: Any, live_server: Any, referentiels: None
) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Faire l'autodiagnostic").click()
    page.wait_for_url(f"{live_server.url}/autodiagnostic/")
    check_accessibility(page, "self-assessment start")
    page.get_by_role("button", name="Commencer l'autodiagnostic").click()
    step = 0
    while "/autodiagnostic/questions/" in page.url:
        step += 1
        assert f"Étape {step} sur 6" in page.locator("main").inner_text()
        check_accessibility(page, f"self-assessment step {step}")
        if step == 1:
            screenshot(page, "self-assessment-step-1")
        for question in page.locator("fieldset.question").all():
            choices = question.locator(".choices label.choice:not(.quiet)")
            if choices.count():
                choices.last.click()
        last = step == 6
        page.get_by_role("button", name="Voir mon résultat" if last else "Suivant").click()
        page.wait_for_load_state()
    assert step == 6
    assert page.url.endswith("/autodiagnostic/result/")
    main = page.locator("main").inner_text()
    assert "Votre résultat" in main and "/ 100" in main
    assert "Où commencer" in main
    check_accessibility(page, "self-assessment result")
    screenshot(page, "self-assessment-result")
