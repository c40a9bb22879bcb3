"""First journeys in a real browser: every demo role logs in and reaches its home page."""

from __future__ import annotations

from typing import Any

import pytest

from essor.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import check_accessibility, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

# What each role must find on its home page (French, the default language).
HOME_LINKS = {
    "national_admin": ["Objectifs du programme", "Back-office"],
    "steering_viewer": ["Objectifs du programme"],
    "regional_manager": ["Organisations"],
    "expert": ["Organisations"],
    "company_user": ["Mon compte"],
    "supplier": ["Mon compte"],
    "wg_member": ["Organisations"],
}


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.email.split("@")[0])
def test_each_demo_role_logs_in_and_reaches_its_home(
    page: Any, live_server: Any, demo_accounts: Any, account: Any
) -> None:
    login(page, live_server.url, account.email, DEMO_PASSWORD, wait=False)
    page.wait_for_url(f"{live_server.url}/")
    heading = page.get_by_role("heading", level=1)
    assert account.full_name.split(" ")[0] in heading.inner_text()
    main = page.locator("main").inner_text()
    for text in HOME_LINKS[account.role.value]:
        assert text in main, f"{account.email}: {text!r} missing from the home page"
    assert account.role.label  # the role badge is shown, translated
    check_accessibility(page, f"home of {account.email}")
    if account.role.value in ("national_admin", "regional_manager"):
        screenshot(page, f"home-{account.email.split('@')[0]}-fr")


def test_a_wrong_password_shows_a_clear_message(
    page: Any, live_server: Any, demo_accounts: Any
) -> None:
    login(page, live_server.url, "region.ara@demo.essor.fr", "pas-le-bon-mot-de-passe", wait=False)
    alert = page.get_by_role("alert")
    assert "mot de passe" in alert.inner_text().lower()
    assert page.url.endswith("/accounts/login/")
    check_accessibility(page, "login with an error")


def test_the_language_switch_turns_the_pages_into_english(
    page: Any, live_server: Any, demo_accounts: Any
) -> None:
    login(page, live_server.url, "region.ara@demo.essor.fr", DEMO_PASSWORD, wait=False)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer de langue").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "What you can do" in page.locator("main").inner_text()
    check_accessibility(page, "home in English")
    screenshot(page, "home-region.ara-en")
    page.get_by_role("link", name="Auvergne-Rhône-Alpes").first.click()
    assert "Departments" in page.locator("main").inner_text()
    check_accessibility(page, "region page in English")


def test_a_regional_manager_sees_only_their_region_team(
    page: Any, live_server: Any, demo_accounts: Any
) -> None:
    login(page, live_server.url, "region.ara@demo.essor.fr", DEMO_PASSWORD, wait=False)
    page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/regions/84/team/")
    assert response.status == 200
    assert "Sophie Martin" in page.locator("main").inner_text()
    check_accessibility(page, "regional team")
    response = page.goto(f"{live_server.url}/regions/53/team/")
    assert response.status == 404
