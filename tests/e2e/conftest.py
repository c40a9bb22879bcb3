"""End-to-end harness: Playwright drives Debian's Chromium against a live server.

Never `playwright install`: the browser is the system's /usr/bin/chromium. When it is
absent these tests are skipped and the run says so plainly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("ESSOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SKIP_REASON = (
    f"Chromium not found at {CHROMIUM}: end-to-end tests skipped (apt-get install chromium)"
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module, stopped when the module ends.

    Playwright's sync API keeps an event loop running in this thread while it lives, so
    the ORM calls the tests make (fixtures) would trip Django's async-safety check: it is
    relaxed for exactly that span, and the loop is gone before other modules run.
    """
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo_accounts(transactional_db: None) -> list[Any]:
    """Reference data and the demo accounts, in the live server's database."""
    from essor.companies.demo import demo_companies_create
    from essor.core.demo import demo_accounts_create, demo_organisations_create
    from essor.core.reference import reference_data_load

    reference_data_load()
    demo_organisations_create()
    demo_companies_create(region_firms={"84": 6, "53": 4})
    return demo_accounts_create()


def login(page: Any, base: str, email: str, password: str | None = None, wait: bool = True) -> None:
    """Log in through the French login form (the demo password unless told otherwise); wait
    for the home page unless `wait` is False (a login meant to fail)."""
    from essor.core.demo import DEMO_PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if wait:
        page.wait_for_url(f"{base}/")


def check_accessibility(page: Any, label: str) -> None:
    """axe-core on the current page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, f"{label}: accessibility violations:\n" + "\n".join(bad)


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
