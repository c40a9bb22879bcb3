"""The financing pages as their users meet them: file, submit, decide (once), pay, close;
envelopes, committee advice, aid history, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from essor.companies.enums import JourneyState
from essor.funding import services
from essor.funding.enums import RequestStatus
from essor.funding.models import Decision, DeclaredAid, FundingRequest, Instrument, LedgerEntry
from essor.funding.reconcile import ledger_check
from tests.conftest import Cast
from tests.factories import make_company

from .helpers import EURO, file_request, fund, grant, plan_of, plan_validated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(cast: Cast, actor: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(cast.users[actor])
    client.cookies["django_language"] = "en"
    return client


def line_data(n: int = 3, **lines: dict[str, str]) -> dict[str, str]:
    data = {
        "lines-TOTAL_FORMS": str(n),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "30",
    }
    for index, values in lines.items():
        for key, value in values.items():
            data[f"lines-{index[-1]}-{key}"] = value
    return data


def test_a_company_user_files_and_submits_a_request_with_a_quote(cast: Cast) -> None:
    company = plan_validated(cast.company_a)
    client = client_for(cast, "company")
    url = reverse("funding:request_create", args=[company.pk])
    assert "Costs of the project" in client.get(url).content.decode()
    quote = SimpleUploadedFile("devis robot.pdf", b"%PDF-1.4 devis", content_type="application/pdf")
    plan = plan_of(company)
    action = plan.actions.order_by("order", "pk")[0]
    data = {
        "action_plan": str(plan.pk),
        "title": "Cellule robotisée",
        "description": "Action 2 du plan",
        "instrument": str(Instrument.objects.get(code="grant").pk),
        "amount": "40 000,00",
        **line_data(
            line0={
                "action": str(action.pk),
                "cost_type": "consulting",
                "description": "Étude",
                "amount": "60 000",
            },
            line1={"cost_type": "training", "description": "Formation", "amount": "40000.00"},
        ),
        "lines-0-quote": quote,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    request = FundingRequest.objects.get()
    assert (request.amount_cents, request.total_costs_cents) == (40_000 * EURO, 100_000 * EURO)
    assert request.action_plan == plan
    line = request.lines.get(description="Étude")
    assert line.action == action
    assert line.quote_name == "devis robot.pdf" and "devis" not in line.quote.name
    download = client.get(reverse("funding:quote_download", args=[request.pk, line.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 devis"
    assert "devis robot.pdf" in download["Content-Disposition"]
    other = client_for(cast, "manager_b").get(
        reverse("funding:quote_download", args=[request.pk, line.pk])
    )
    assert other.status_code == 404
    response = client.post(reverse("funding:request_submit", args=[request.pk]), follow=True)
    assert "Request submitted" in response.content.decode()
    request.refresh_from_db()
    company.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert company.state == JourneyState.FINANCING_REQUESTED


def test_a_quote_must_be_a_pdf_or_an_image(cast: Cast) -> None:
    company = plan_validated(cast.company_a)
    client = client_for(cast, "company")
    data = {
        "title": "x",
        "instrument": str(Instrument.objects.get(code="grant").pk),
        "amount": "1000",
        **line_data(line0={"cost_type": "consulting", "description": "a", "amount": "5000"}),
        "lines-0-quote": SimpleUploadedFile("run.exe", b"MZ"),
    }
    response = client.post(reverse("funding:request_create", args=[company.pk]), data)
    assert response.status_code == 200
    assert "A quote is a PDF, PNG or JPEG file." in response.content.decode()
    assert not FundingRequest.objects.exists()


def test_before_a_validated_plan_the_firm_is_told_why(cast: Cast) -> None:
    response = client_for(cast, "company").get(
        reverse("funding:request_create", args=[cast.company_a.pk])
    )
    assert "needs a validated action plan first" in response.content.decode()
    assert "Save the draft" not in response.content.decode()


def test_the_assigned_expert_files_for_the_firm_and_no_other(cast: Cast) -> None:
    plan_validated(cast.company_a)
    plan_validated(cast.company_b)
    client = client_for(cast, "expert")
    assert (
        client.get(reverse("funding:request_create", args=[cast.company_a.pk])).status_code == 200
    )
    assert (
        client.get(reverse("funding:request_create", args=[cast.company_b.pk])).status_code == 404
    )


def test_the_manager_decides_once_whatever_the_clicks(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    client = client_for(cast, "manager_a")
    page = client.get(request.get_absolute_url())
    body = page.content.decode()
    assert "The aid rules allow €40,000.00" in body
    key = page.context["decision_form"].initial["idempotency_key"]
    data = {
        "idempotency_key": key,
        "outcome": "granted",
        "instrument": str(request.instrument_id),
        "amount": "35000",
        "conditions": "Sur factures",
    }
    url = reverse("funding:request_decide", args=[request.pk])
    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)
    assert "Decision recorded: Granted." in first.content.decode()
    assert "This decision had already been recorded." in second.content.decode()
    assert Decision.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="commitment").count() == 1
    assert "Record a payment" in second.content.decode()


def test_a_refused_decision_shows_the_rule_and_keeps_the_form(cast: Cast) -> None:
    fund(cast.region_a.pk, 20_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    client = client_for(cast, "manager_a")
    response = client.post(
        reverse("funding:request_decide", args=[request.pk]),
        {
            "idempotency_key": "k1",
            "outcome": "granted",
            "instrument": str(request.instrument_id),
            "amount": "60000",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "60\u00a0% asked &gt; 50\u00a0% allowed for an SME" in body
    response = client.post(
        reverse("funding:request_decide", args=[request.pk]),
        {
            "idempotency_key": "k1",
            "outcome": "granted",
            "instrument": str(request.instrument_id),
            "amount": "30000",
        },
    )
    assert "€20,000.00 available; €30,000.00 cannot be committed" in response.content.decode()
    assert not Decision.objects.exists()


def test_payments_and_closing_from_the_request_page(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    grant(request)
    client = client_for(cast, "manager_a")
    pay = reverse("funding:payment_create", args=[request.pk])
    data = {"basis": "invoice", "reference": "F-12", "amount": "30000", "paid_on": "2026-03-01"}
    assert "Payment recorded." in client.post(pay, data, follow=True).content.decode()
    data["amount"] = "10000,01"
    assert (
        "cannot exceed what is left to pay" in client.post(pay, data, follow=True).content.decode()
    )
    closed = client.post(reverse("funding:request_close", args=[request.pk]), follow=True)
    assert "€10,000.00 released to the envelope" in closed.content.decode()
    # The firm sees its payments, not the ledger.
    mine = client_for(cast, "company").get(request.get_absolute_url())
    assert "F-12" in mine.content.decode() and "Ledger entries" not in mine.content.decode()
    assert ledger_check().ok


def test_the_overview_for_each_role(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000_000)
    fund(cast.region_b.pk, 500_000)
    grant(file_request(plan_validated(cast.company_a), amount_euros=40_000))
    url = reverse("funding:overview")
    admin = client_for(cast, "admin").get(url).content.decode()
    assert "€1,500,000.00 allocated" in admin and "€158,500,000.00 left to allocate" in admin
    assert "Set the budget" in admin
    manager = client_for(cast, "manager_a").get(url)
    assert [row.region.code for row in manager.context["data"].rows] == ["84"]
    steering = client_for(cast, "steering").get(url).content.decode()
    # One firm financed in region A: aggregate viewers do not see its amounts.
    assert "hidden: fewer than 5 firms" in steering
    assert "€40,000.00" not in steering and "Set the budget" not in steering


def test_the_national_admin_sets_an_envelope(cast: Cast) -> None:
    url = reverse("funding:envelope_allocate", args=["84"])
    response = client_for(cast, "admin").post(
        url, {"amount": "2 000 000", "reason": "tranche"}, follow=True
    )
    assert "Envelope updated." in response.content.decode()
    assert "€2,000,000.00" in response.content.decode()
    assert client_for(cast, "manager_a").post(url, {"amount": "1"}).status_code == 404
    assert (
        client_for(cast, "manager_b")
        .get(reverse("funding:envelope_detail", args=["84"]))
        .status_code
        == 404
    )


def test_the_admin_reverses_an_entry_with_a_reason(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000)
    entry = LedgerEntry.objects.get()
    url = reverse("funding:entry_reverse", args=[entry.pk])
    response = client_for(cast, "admin").post(url, {"reason": "erreur de saisie"}, follow=True)
    assert "Entry reversed." in response.content.decode()
    assert LedgerEntry.objects.filter(reverses=entry).exists()


def test_the_committee_page_says_why_each_request_is_in_or_out(cast: Cast) -> None:
    fund(cast.region_a.pk, 60_000)
    firms = [plan_validated(make_company(n=400 + i, department="69")) for i in range(3)]
    small = file_request(firms[0], amount_euros=20_000, costs={"consulting": 200_000})
    large = file_request(firms[1], amount_euros=50_000, costs={"consulting": 100_000})
    medium = file_request(firms[2], amount_euros=30_000, costs={"consulting": 100_000})
    url = reverse("funding:committee", args=["84"])
    page = client_for(cast, "manager_a").get(url, {"advise": "1"})
    body = page.content.decode()
    reasons = {row.request.pk: row.why for row in page.context["rows"]}
    # Best leverage: small (180 000 for 20 000) and medium (70 000 for 30 000) = 50 000.
    assert reasons[small.pk] == "in: impact per euro rank 1"
    assert reasons[medium.pk] == "in: impact per euro rank 2"
    assert reasons[large.pk] == "out: would exceed the envelope by €40,000.00"
    assert "Advice only: the committee decides." in body
    session = client_for(cast, "manager_a").get(
        reverse("funding:committee", args=["84"]), {"session": "25000"}
    )
    reasons = {row.request.pk: row.why for row in session.context["rows"]}
    assert reasons[medium.pk] == "out: asks €5,000.00 more than the whole session's amount"


def test_the_aid_history_counts_declared_aids(cast: Cast) -> None:
    client = client_for(cast, "company")
    url = reverse("funding:declared_aid_create", args=[cast.company_a.pk])
    data = {"granting_body": "Région", "regime": "de_minimis", "granted_on": "2026-01-10",
            "amount": "50000", "gge": ""}  # fmt: skip
    client.post(url, data)
    aid = DeclaredAid.objects.get()
    assert aid.gge_cents == 50_000 * EURO and aid.declared_by == cast.users["company"]
    page = client.get(reverse("funding:company_aids", args=[cast.company_a.pk])).content.decode()
    assert "€50,000.00" in page
    assert client_for(cast, "manager_b").post(url, data).status_code == 404


def test_exports_of_requests_and_consumption(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    grant(file_request(plan_validated(cast.company_a), amount_euros=40_000))
    client = client_for(cast, "manager_a")
    client.cookies["django_language"] = "fr"
    response = client.get(
        reverse("funding:request_export", args=["csv"]), headers={"accept-language": "fr"}
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Référence" and rows[1][7] == "40000" and rows[1][12] == "40000"
    xlsx = client.get(reverse("funding:consumption_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:3] == ("Auvergne-Rhône-Alpes", "Tous les instruments", 100_000)
    assert values[1][3] == 40_000 and values[1][5] == 60_000
    assert client.get(reverse("funding:request_export", args=["pdf"])).status_code == 404
    assert (
        client_for(cast, "company").get(reverse("funding:request_export", args=["csv"])).status_code
        == 404
    )


def test_home_cards(cast: Cast) -> None:
    assert "Financing" in client_for(cast, "manager_a").get("/").content.decode()
    assert "Funding requests" in client_for(cast, "company").get("/").content.decode()


def test_a_draft_is_edited_lines_removed_and_added(cast: Cast) -> None:
    request = file_request(plan_validated(cast.company_a), submit=False)
    consulting, training = request.lines.order_by("pk")
    client = client_for(cast, "company")
    url = reverse("funding:request_edit", args=[request.pk])
    form = client.get(url).context["formset"]
    assert [f.initial["line_id"] for f in form.forms[:2]] == [consulting.pk, training.pk]
    data = {
        "action_plan": str(request.action_plan_id),
        "title": "Robotisation (révisée)",
        "instrument": str(request.instrument_id),
        "amount": "30 000",
        **line_data(
            line0={
                "line_id": str(consulting.pk),
                "action": str(consulting.action_id),
                "cost_type": "consulting",
                "description": "Étude",
                "amount": "50 000",
            },
            line1={
                "line_id": str(training.pk),
                "cost_type": "training",
                "description": "Formation",
                "amount": "40000",
                "DELETE": "on",
            },
            line2={"cost_type": "digital", "description": "Logiciel MES", "amount": "20000"},
        ),
    }
    data["lines-INITIAL_FORMS"] = "2"
    assert client.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.title == "Robotisation (révisée)" and request.amount_cents == 30_000 * EURO
    assert sorted(request.lines.values_list("description", "amount_cents")) == [
        ("Logiciel MES", 20_000 * EURO),
        ("Étude", 50_000 * EURO),
    ]
    services.request_submit(request=request, actor=None)
    response = client.get(url, follow=True)
    assert "Only a draft can be changed." in response.content.decode()


def test_the_company_page_shows_its_financing_to_those_who_may_see_it(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    company = plan_validated(cast.company_a)
    request = file_request(company, amount_euros=30_000)
    grant(request)
    url = company.get_absolute_url()
    for actor in ("manager_a", "company", "admin"):
        client = Client()
        client.force_login(cast.users[actor])
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="funding"' in page and request.reference in page, actor
        assert "30,000.00" in page or "30 000,00" in page  # the de minimis total
        assert reverse("funding:company_aids", args=[company.pk]) in page


def test_a_reason_too_long_is_an_error_not_dropped(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000)
    entry = LedgerEntry.objects.get()
    url = reverse("funding:entry_reverse", args=[entry.pk])
    response = client_for(cast, "admin").post(url, {"reason": "x" * 1001}, follow=True)
    body = response.content.decode()
    assert "Nothing was done. Reason:" in body and "Entry reversed." not in body
    assert not LedgerEntry.objects.filter(reverses=entry).exists()
    request = file_request(plan_validated(cast.company_a), amount_euros=10_000)
    withdraw = reverse("funding:request_withdraw", args=[request.pk])
    response = client_for(cast, "company").post(withdraw, {"reason": "y" * 1001}, follow=True)
    assert "Nothing was done. Reason:" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_the_committee_page_solves_only_when_asked(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from essor.funding import selectors
    from essor.funding.views import envelopes

    fund(cast.region_a.pk, 60_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=20_000)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("no advice was asked for")

    monkeypatch.setattr(envelopes, "advise", refuse)
    monkeypatch.setattr(selectors, "committee_candidates", refuse)
    page = client_for(cast, "manager_a").get(reverse("funding:committee", args=["84"]))
    assert page.status_code == 200
    assert [(row.request.pk, row.advice) for row in page.context["rows"]] == [(request.pk, None)]
    assert "Press “Advise”" in page.content.decode()


def test_the_committee_reads_each_firms_aid_history_once(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from essor.funding import selectors

    company = plan_validated(cast.company_a)
    requests = [file_request(company, amount_euros=10_000) for _ in range(3)]
    calls: list[int] = []
    history = selectors.aid_history

    def counted(company: object, **kwargs: object) -> object:
        calls.append(company.pk)  # type: ignore[attr-defined]
        return history(company, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(selectors, "aid_history", counted)
    pending = list(selectors.pending_requests(region=cast.region_a))
    candidates, verdicts, _limits = selectors.committee_candidates(pending)
    assert calls == [company.pk] and {c.key for c in candidates} == {r.pk for r in requests}
    assert set(verdicts) == {r.pk for r in requests}


def test_the_ledger_names_the_platform_in_the_readers_language(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000)  # no actor: the platform
    entry = LedgerEntry.objects.get()
    assert entry.actor_label == "system" and entry.actor_name == "the platform"
    page = client_for(cast, "admin").get(reverse("funding:envelope_detail", args=["84"]))
    assert "<td>the platform</td>" in page.content.decode()


def test_the_de_minimis_ceiling_is_formatted_for_the_reader(cast: Cast) -> None:
    url = reverse("funding:company_aids", args=[cast.company_a.pk])
    page = client_for(cast, "company").get(url).content.decode()
    assert "left under the ceiling of €300,000.00 per undertaking" in page
