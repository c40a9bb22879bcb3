"""Envelopes, requests, decisions, payments and the append-only ledger, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from essor.companies.enums import JourneyState
from essor.core.models import AuditEvent
from essor.funding import services
from essor.funding.enums import EntryKind, RequestStatus
from essor.funding.models import AppendOnlyError, Decision, Instrument, LedgerEntry
from essor.funding.reconcile import ledger_check
from essor.funding.selectors import budget_current, envelope_balances, request_balances
from tests.conftest import Cast
from tests.factories import make_company

from .helpers import EURO, at_state, file_request, fund, grant, plan_validated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def envelope_of(cast: Cast):  # type: ignore[no-untyped-def]
    from essor.funding.models import Envelope

    return Envelope.objects.get(region=cast.region_a)


# ----------------------------------------------------------------------------- envelopes


def test_the_budget_comes_from_the_programme_objective(cast: Cast) -> None:
    budget = budget_current()
    assert budget is not None and budget.amount_cents == 160_000_000 * EURO


def test_an_envelope_is_raised_and_lowered_by_allocation_entries(cast: Cast) -> None:
    admin = cast.users["admin"]
    fund(cast.region_a.pk, 1_000_000, admin)
    fund(cast.region_a.pk, 600_000, admin)
    entries = list(
        LedgerEntry.objects.filter(kind=EntryKind.ALLOCATION).values_list("amount_cents", flat=True)
    )
    assert entries == [1_000_000 * EURO, -400_000 * EURO]
    assert envelope_balances(envelope_of(cast)).allocated == 600_000 * EURO
    events = AuditEvent.objects.filter(verb="funding.allocation")
    assert events.count() == 2 and {e.actor for e in events} == {admin}


def test_an_envelope_never_goes_below_what_is_committed(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    grant(file_request(plan_validated(cast.company_a), amount_euros=40_000))
    with pytest.raises(services.FundingError, match="below what is committed"):
        fund(cast.region_a.pk, 39_999)
    fund(cast.region_a.pk, 40_000)
    assert envelope_balances(envelope_of(cast)).available == 0


def test_envelopes_never_hold_more_than_the_budget(cast: Cast) -> None:
    services.budget_set(amount_cents=1_000_000 * EURO, actor=cast.users["admin"])
    fund(cast.region_a.pk, 700_000)
    with pytest.raises(services.FundingError, match=r"Only €300,000\.00 of the budget is left"):
        fund(cast.region_b.pk, 300_001)
    with pytest.raises(services.FundingError, match="cannot go below what the envelopes hold"):
        services.budget_set(amount_cents=699_999 * EURO, actor=None)


# ----------------------------------------------------------------------------- requests


def test_no_request_without_a_validated_plan(cast: Cast) -> None:
    with pytest.raises(services.FundingError, match="validated action plan"):
        file_request(cast.company_a, submit=False)
    at_state(cast.company_a, JourneyState.CLOSED)
    with pytest.raises(services.FundingError, match="validated action plan"):
        file_request(cast.company_a, submit=False)


def test_submitting_moves_the_journey_to_financing_requested(cast: Cast) -> None:
    company = plan_validated(cast.company_a)
    request = file_request(company, actor=cast.users["company"])
    company.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and request.submitted_at is not None
    assert company.state == JourneyState.FINANCING_REQUESTED
    event = AuditEvent.objects.get(verb="journey.request_financing")
    assert event.actor == cast.users["company"] and request.reference in event.reason
    # A second request later on leaves the journey where it is.
    file_request(company)
    company.refresh_from_db()
    assert company.state == JourneyState.FINANCING_REQUESTED


def test_filing_needs_a_validated_plan(cast: Cast) -> None:
    # The rule every filing path applies (request_save, request_submit, the request form);
    # the journey's own source state already stops "request_financing" before it.
    reasons = [services.financing_request_guard(cast.company_a) or ""]
    assert any("validated action plan" in r for r in reasons)


def test_a_request_without_costs_cannot_be_submitted(cast: Cast) -> None:
    request = file_request(plan_validated(cast.company_a), costs={}, submit=False)
    with pytest.raises(services.FundingError, match="at least one cost"):
        services.request_submit(request=request, actor=None)


# ----------------------------------------------------------------------------- decisions


def test_a_grant_commits_the_envelope_and_moves_the_journey(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    manager = cast.users["manager_a"]
    request = file_request(plan_validated(cast.company_a), amount_euros=45_000)
    decision = grant(request, actor=manager)
    request.refresh_from_db()
    cast.company_a.refresh_from_db()
    assert request.status == RequestStatus.GRANTED
    assert (
        decision.gge_cents == 45_000 * EURO and decision.checks["eligible_cents"] == 100_000 * EURO
    )
    assert cast.company_a.state == JourneyState.FINANCING_GRANTED
    commitment = LedgerEntry.objects.get(kind=EntryKind.COMMITMENT)
    assert (commitment.amount_cents, commitment.request, commitment.actor) == (
        45_000 * EURO,
        request,
        manager,
    )
    assert envelope_balances(envelope_of(cast)).available == 55_000 * EURO
    assert AuditEvent.objects.filter(verb="funding.commitment", actor=manager).count() == 1


def test_a_decision_is_idempotent(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    request = file_request(plan_validated(cast.company_a))
    first, created = services.decision_create(
        request=request, actor=None, idempotency_key="abc", outcome="granted",
        amount_cents=30_000 * EURO,
    )  # fmt: skip
    again, created_again = services.decision_create(
        request=request, actor=None, idempotency_key="abc", outcome="granted",
        amount_cents=99_000 * EURO,
    )  # fmt: skip
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.amount_cents == 30_000 * EURO
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).count() == 1
    with pytest.raises(services.AlreadyDecided):
        services.decision_create(
            request=request, actor=None, idempotency_key="other", outcome="granted", amount_cents=1
        )


def test_an_idempotency_key_belongs_to_one_request(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    company = plan_validated(cast.company_a)
    grant(file_request(company, amount_euros=10_000), key="same")
    with pytest.raises(services.IdempotencyKeyReused):
        grant(file_request(company, amount_euros=10_000), key="same")


def test_a_decision_beyond_the_envelope_is_refused_and_writes_nothing(cast: Cast) -> None:
    fund(cast.region_a.pk, 30_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    with pytest.raises(
        services.InsufficientFunds, match=r"€30,000\.00 available; €40,000\.00 cannot"
    ):
        grant(request)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert not Decision.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).exists()


def test_a_decision_the_aid_rules_refuse_says_which_rule_and_figures(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000_000)
    company = plan_validated(cast.company_a)
    services.declared_aid_add(
        company=company, actor=None, granting_body="Région", granted_on=dt.date.today(),
        amount_cents=280_000 * EURO,
    )  # fmt: skip
    request = file_request(company, amount_euros=60_000)
    with pytest.raises(services.AidRulesRefusal) as refused:
        grant(request)
    text = str(refused.value)
    assert "55\u00a0% asked > 50\u00a0% allowed for an SME" not in text  # 60 % of 100 000
    assert "60\u00a0% asked > 50\u00a0% allowed for an SME" in text
    assert "€280,000.00 of aid over three years + €60,000.00" in text
    assert {b.rule for b in refused.value.verdict.breaches} == {"intensity", "de_minimis"}
    assert not Decision.objects.exists()


def test_the_de_minimis_counts_the_firms_of_one_group(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000_000)
    sister = plan_validated(make_company(n=77, department="69", group_name="Groupe Rhône"))
    company = plan_validated(make_company(n=78, department="38", group_name="Groupe Rhône"))
    grant(file_request(sister, amount_euros=50_000, costs={"consulting": 100_000}))
    services.declared_aid_add(
        company=sister, actor=None, granting_body="Région", granted_on=dt.date.today(),
        amount_cents=220_000 * EURO,
    )  # fmt: skip
    with pytest.raises(services.AidRulesRefusal, match="De minimis"):
        grant(file_request(company, amount_euros=40_000))


def test_a_refusal_needs_a_reason_and_commits_nothing(cast: Cast) -> None:
    request = file_request(plan_validated(cast.company_a))
    with pytest.raises(services.FundingError, match="needs a reason"):
        services.decision_create(
            request=request, actor=None, idempotency_key="k", outcome="refused"
        )
    decision, _ = services.decision_create(
        request=request, actor=None, idempotency_key="k", outcome="refused", reason="hors cible"
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and decision.amount_cents == 0
    assert not LedgerEntry.objects.exists()


# ----------------------------------------------------------------------------- payments


def test_payments_never_exceed_the_commitment_and_closing_releases_the_rest(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    grant(request)
    services.payment_record(
        request=request, actor=None, amount_cents=25_000 * EURO, reference="Jalon 1"
    )
    with pytest.raises(
        services.FundingError, match=r"left to pay on the commitment \(€15,000\.00\)"
    ):
        services.payment_record(
            request=request, actor=None, amount_cents=15_001 * EURO, reference="F-2"
        )
    services.payment_record(
        request=request, actor=None, amount_cents=10_000 * EURO, reference="F-2"
    )
    release = services.request_close(request=request, actor=cast.users["manager_a"])
    assert release is not None and release.amount_cents == 5_000 * EURO
    balances = request_balances(request)
    assert (balances.committed, balances.paid, balances.outstanding) == (
        35_000 * EURO,
        35_000 * EURO,
        0,
    )
    assert envelope_balances(envelope_of(cast)).available == 65_000 * EURO
    with pytest.raises(services.FundingError, match="granted request"):
        services.payment_record(request=request, actor=None, amount_cents=1, reference="late")
    assert ledger_check().ok


# ----------------------------------------------------------------------------- the ledger


def test_corrections_are_reversals(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    grant(request)
    payment = services.payment_record(
        request=request, actor=None, amount_cents=10_000 * EURO, reference="F-1"
    )
    reversal = services.entry_reverse(
        entry=payment.entry, actor=cast.users["admin"], reason="saisie en double"
    )
    assert (reversal.kind, reversal.account, reversal.amount_cents) == (
        "reversal",
        "paid",
        -10_000 * EURO,
    )
    assert request_balances(request).paid == 0
    with pytest.raises(services.FundingError, match="already been reversed"):
        services.entry_reverse(entry=payment.entry, actor=None, reason="again")
    with pytest.raises(services.FundingError, match="cannot itself be reversed"):
        services.entry_reverse(entry=reversal, actor=None, reason="again")
    # Reversing the allocation would leave the commitment without money.
    allocation = LedgerEntry.objects.get(kind=EntryKind.ALLOCATION)
    with pytest.raises(services.FundingError, match="overcommitted"):
        services.entry_reverse(entry=allocation, actor=None, reason="erreur")
    assert ledger_check().ok


def test_a_commitment_with_payments_cannot_be_reversed(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    grant(request)
    services.payment_record(
        request=request, actor=None, amount_cents=10_000 * EURO, reference="F-1"
    )
    commitment = LedgerEntry.objects.get(kind=EntryKind.COMMITMENT)
    with pytest.raises(services.FundingError, match="more would be paid than committed"):
        services.entry_reverse(entry=commitment, actor=None, reason="annulation")


def test_the_ledger_refuses_updates_and_deletes(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000)
    entry = LedgerEntry.objects.get()
    entry.amount_cents = 5
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.update(amount_cents=5)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    # Past the ORM, the database itself refuses (a trigger).
    table = LedgerEntry._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET amount_cents = 5")  # noqa: S608
    if connection.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert LedgerEntry.objects.get().amount_cents == 1_000 * EURO


def test_deleting_an_actor_keeps_the_entry_and_its_label(cast: Cast) -> None:
    manager = cast.users["manager_b"]
    name = manager.get_full_name()
    fund(cast.region_b.pk, 1_000, manager)
    manager.delete()
    entry = LedgerEntry.objects.get()
    assert entry.actor is None and entry.actor_label == name
    assert "@" not in entry.actor_label  # no e-mail address in an entry kept for ever


def test_the_check_command_finds_what_does_not_reconcile(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    from essor.cli import main

    fund(cast.region_a.pk, 100_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    grant(request)
    assert main(["funding", "reconcile"]) == 0
    assert "the ledger reconciles" in capsys.readouterr().out
    # A payment entry written past the services: no payment record, no audit event.
    LedgerEntry.objects.create(
        envelope=envelope_of(cast), region=cast.region_a, kind="payment", account="paid",
        amount_cents=50_000 * EURO, request=request, actor_label="x",
    )  # fmt: skip
    assert main(["funding", "reconcile"]) == 1  # the exit status of `essor funding reconcile`
    out = capsys.readouterr().out
    assert "overpaid" in out and "no audit event" in out and "payment entries" in out


def test_the_cli_reconciles_or_exits_non_zero(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    from essor.cli import main

    fund(cast.region_a.pk, 10_000)
    assert main(["funding", "reconcile"]) == 0
    assert "the ledger reconciles" in capsys.readouterr().out
    LedgerEntry.objects.create(
        envelope=envelope_of(cast), region=cast.region_a, kind="allocation", account="allocated",
        amount_cents=-20_000 * EURO, actor_label="x",
    )  # fmt: skip
    assert main(["funding", "reconcile"]) == 1
    assert "negative_allocation" in capsys.readouterr().out


def test_shipped_instruments_are_loaded_and_never_overwritten(cast: Cast) -> None:
    grant_ = Instrument.objects.get(code="grant")
    assert grant_.max_intensity_percent == {"micro": 50, "pme": 50, "eti": 30, "ge": 0}
    assert Instrument.objects.get(code="zero_rate_loan").gge_percent == 20
    Instrument.objects.filter(pk=grant_.pk).update(ceiling_per_firm_cents=1)
    assert services.instruments_load() == 0
    assert Instrument.objects.get(code="grant").ceiling_per_firm_cents == 1


def test_a_closed_projects_entries_are_final(cast: Cast) -> None:
    fund(cast.region_a.pk, 100_000)
    request = file_request(plan_validated(cast.company_a), amount_euros=40_000)
    grant(request)
    services.payment_record(
        request=request, actor=None, amount_cents=10_000 * EURO, reference="F-1"
    )
    release = services.request_close(request=request, actor=None)
    assert release is not None
    for entry in LedgerEntry.objects.filter(request=request):
        with pytest.raises(services.FundingError, match="closed: its figures are final"):
            services.entry_reverse(entry=entry, actor=None, reason="erreur")
    assert ledger_check().ok


def test_changing_an_instruments_rules_is_audited(cast: Cast) -> None:
    instrument = Instrument.objects.get(code="grant")
    instrument.max_intensity_percent = {"micro": 60, "pme": 40, "eti": 30, "ge": 0}
    services.instrument_save(instrument=instrument, actor=cast.users["admin"])
    event = AuditEvent.objects.get(verb="funding.instrument.update")
    assert event.actor == cast.users["admin"]
    assert event.before is not None and event.before["max_intensity_percent"]["pme"] == 50
    assert event.after is not None and event.after["max_intensity_percent"]["pme"] == 40
    services.instrument_save(instrument=instrument, actor=None)  # nothing changed
    assert AuditEvent.objects.filter(verb="funding.instrument.update").count() == 1
