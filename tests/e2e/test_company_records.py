"""A regional manager completes a company record and works the contact-request inbox in a
real browser (accessible pages, French)."""

from __future__ import annotations

from typing import Any

import pytest
from stdnum import luhn

from essor.companies.models import Contact, Establishment
from essor.diagnostics.enums import ContactRequestStatus
from essor.diagnostics.models import ContactRequest
from tests.diagnostics.helpers import pending_contact_request
from tests.e2e.conftest import check_accessibility, login, screenshot
from tests.factories import make_company

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_adds_a_site_and_a_contact_then_attaches_a_visitor(
    page: Any, live_server: Any, demo_accounts: Any
) -> None:
    firm = make_company(n=950, department="69", name="Forges du Lyonnais")
    request = pending_contact_request(firm, last_name="Visiteuse")
    base = live_server.url
    login(page, base, "region.ara@demo.essor.fr")

    page.goto(f"{base}{firm.get_absolute_url()}")
    page.locator("main").get_by_role("link", name="Ajouter un établissement").click()
    check_accessibility(page, "establishment form")
    page.get_by_label("SIRET").fill(firm.siren + "00012")  # wrong check digit
    page.locator("main").get_by_role("button", name="Ajouter l'établissement").click()
    assert "clé de contrôle" in page.locator("main").inner_text()
    check_accessibility(page, "establishment form with an error")
    nic = "0001"
    good = firm.siren + nic + luhn.calc_check_digit(firm.siren + nic)
    page.get_by_label("SIRET").fill(good)
    page.get_by_label("Siège social").check()
    page.locator("main").get_by_role("button", name="Ajouter l'établissement").click()
    page.wait_for_url(f"**{firm.get_absolute_url()}")
    assert Establishment.objects.filter(siret=good, is_head_office=True).exists()

    page.locator("main").get_by_role("link", name="Ajouter un contact").click()
    check_accessibility(page, "contact form")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Nom", exact=True).fill("Moreau")
    page.get_by_label("Adresse e-mail").fill("ines.moreau@example.fr")
    page.get_by_label("La personne accepte d'être contactée par le programme").check()
    page.locator("main").get_by_role("button", name="Ajouter le contact").click()
    page.wait_for_url(f"**{firm.get_absolute_url()}")
    assert Contact.objects.get(company=firm, last_name="Moreau").consent_at is not None
    check_accessibility(page, "company page with its site and contact")
    screenshot(page, "company-record-fr")

    page.goto(f"{base}/contact-requests/")
    check_accessibility(page, "contact-request inbox")
    page.locator("main").get_by_role("link", name=str(request)).click()
    check_accessibility(page, "contact request")
    screenshot(page, "contact-request-fr")
    page.get_by_role("button", name="Rattacher à l'entreprise").click()
    page.wait_for_url(f"**{firm.get_absolute_url()}")
    request.refresh_from_db()
    assert request.status == ContactRequestStatus.ATTACHED
    assert ContactRequest.objects.filter(status=ContactRequestStatus.PENDING).count() == 0
    assert Contact.objects.filter(company=firm, last_name="Visiteuse").exists()
