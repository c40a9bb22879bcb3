"""Matching in a real browser: a manager runs and sends, the expert accepts (accessible pages)."""

from __future__ import annotations

from typing import Any

import pytest

from essor.accounts.models import User
from essor.companies.enums import JourneyState
from essor.companies.journey import journey_apply
from essor.experts.models import Mission
from tests.e2e.conftest import check_accessibility, login, screenshot
from tests.experts.factories import make_expert
from tests.factories import make_company

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_matches_and_the_expert_accepts(
    page: Any, live_server: Any, demo_accounts: Any
) -> None:
    firms = [make_company(n=900 + i, department=d, name=f"Atelier {d}") for i, d in
             enumerate(("69", "38"))]  # fmt: skip
    for firm in firms:
        journey_apply(company=firm, transition="confirm_eligible", actor=None)
    make_expert(user=User.objects.get(email="expert@demo.essor.fr"), name="Marc Girard",
                covers=("69", "38"), capacity=2)  # fmt: skip
    base = live_server.url

    login(page, base, "region.ara@demo.essor.fr")
    page.goto(f"{base}/matching/")
    check_accessibility(page, "matching region page")
    page.locator("main").get_by_role("button", name="Lancer l'affectation").click()
    page.wait_for_url("**/matching/runs/*/")
    assert "Marc Girard" in page.locator("main").inner_text()
    check_accessibility(page, "matching review")
    screenshot(page, "matching-review-fr")
    page.get_by_role("button", name="Tout accepter et envoyer 2 missions").click()
    page.wait_for_url("**/matching/84/")
    assert Mission.objects.filter(status="proposed").count() == 2

    page.context.clear_cookies()
    login(page, base, "expert@demo.essor.fr")
    page.goto(f"{base}/missions/")
    check_accessibility(page, "my missions")
    screenshot(page, "my-missions-fr")
    page.get_by_role("button", name="Accepter — Atelier 69").click()
    page.wait_for_url("**/missions/")
    firms[0].refresh_from_db()
    assert firms[0].state == JourneyState.DIAGNOSTIC_SCHEDULED
    assert "Atelier 69" in page.get_by_role("table").first.inner_text()
