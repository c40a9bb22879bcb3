"""Financing in a real browser: the firm files and submits, the manager decides (a double
click decides once), the envelope and the committee pages are accessible."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from essor.accounts.enums import Role
from essor.accounts.models import Membership
from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.funding import services
from essor.funding.models import Decision, FundingRequest, LedgerEntry
from essor.funding.reconcile import ledger_check
from tests.e2e.conftest import check_accessibility, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_firm_files_and_the_manager_decides_once(
    page: Any, live_server: Any, demo_accounts: Any
) -> None:
    membership = Membership.objects.get(
        role=Role.COMPANY_USER, user__email__startswith="entreprise"
    )
    firm = membership.company
    assert firm is not None
    # The firm's action plan was validated (diagnostics and plans are other capabilities).
    from tests.actionplans.helpers import validated_plan

    plan = validated_plan(firm)
    Company.objects.filter(pk=firm.pk).update(state=JourneyState.PLAN_VALIDATED)
    region_id = firm.region_id
    services.envelope_set(region_id=region_id, amount_cents=1_000_000_00, actor=None)
    base = live_server.url

    login(page, base, "entreprise@demo.essor.fr")
    page.goto(f"{base}/funding/requests/new/{firm.pk}/")
    check_accessibility(page, "new funding request")
    page.get_by_label("Projet").fill("Cellule robotisée")
    page.get_by_label("Instrument demandé").select_option(label="Subvention Industrie du Futur")
    page.get_by_label("Montant demandé (€)").fill("40 000")
    assert page.locator("#id_action_plan").input_value() == str(plan.pk)
    page.locator("#id_lines-0-action").select_option(index=1)
    page.locator("#id_lines-0-cost_type").select_option("consulting")
    page.locator("#id_lines-0-description").fill("Étude d'intégration")
    page.locator("#id_lines-0-amount").fill("100 000")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/funding/requests/*/")
    page.get_by_role("button", name="Déposer la demande").click()
    page.wait_for_url("**/funding/requests/*/")
    assert "Demande déposée" in page.locator("main").inner_text()
    request = FundingRequest.objects.get()
    firm.refresh_from_db()
    assert firm.state == JourneyState.FINANCING_REQUESTED

    page.context.clear_cookies()
    login(page, base, "region.ara@demo.essor.fr")
    page.goto(f"{base}/funding/requests/{request.pk}/")
    assert "Les règles d'aide autorisent 40\u00a0000,00\u00a0€" in page.locator("main").inner_text()
    check_accessibility(page, "request under instruction")
    form = page.locator("form[action$='/decide/']")
    resent = {
        name: form.locator(f"[name={name}]").first.input_value()
        for name in ("csrfmiddlewaretoken", "idempotency_key", "instrument", "amount")
    }
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la décision").dblclick()
    assert "Décision enregistrée : Accordée." in page.locator("main").inner_text()
    # The same form sent again (a reload, a back-and-resend): nothing is decided twice.
    again = page.request.post(
        f"{base}/funding/requests/{request.pk}/decide/",
        form={**resent, "outcome": "granted"},
        headers={"Referer": page.url},
    )
    assert "Cette décision avait déjà été enregistrée." in again.text()
    assert Decision.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="commitment").count() == 1
    firm.refresh_from_db()
    assert firm.state == JourneyState.FINANCING_GRANTED

    # A first payment against a milestone; the firm's aid history shows the de minimis total.
    pay = page.locator("form[action$='/pay/']")
    pay.locator("[name=basis]").select_option(index=0)
    pay.locator("[name=reference]").fill("Jalon 1 : étude livrée")
    pay.locator("[name=amount]").fill("15 000")
    pay.locator("[name=paid_on]").fill(dt.date.today().isoformat())
    with page.expect_navigation():
        pay.get_by_role("button", name="Enregistrer le paiement").click()
    assert "Jalon 1 : étude livrée" in page.locator("main").inner_text()
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    page.goto(f"{base}/funding/companies/{firm.pk}/")
    assert "40\u00a0000,00\u00a0€" in page.locator("main .lead").inner_text()  # de minimis total
    check_accessibility(page, "aid history")

    page.goto(f"{base}/funding/envelopes/84/")
    assert "960\u00a0000,00\u00a0€" in page.locator("main").inner_text()  # available
    check_accessibility(page, "regional envelope")
    screenshot(page, "funding-envelope-fr")
    page.goto(f"{base}/funding/envelopes/84/committee/")
    check_accessibility(page, "committee advice")
    page.goto(f"{base}/funding/")
    check_accessibility(page, "funding overview")
    assert ledger_check().ok
