"""Concurrent decisions on one envelope never spend money that is not there (design.md §5).

200 decisions hit an envelope that can afford 73 of them, from a pool of 20 threads (each
with its own database connection, below PostgreSQL's connection limit). The envelope row
is locked (SELECT … FOR UPDATE) inside each decision's transaction, so exactly the
affordable decisions succeed and the ledger reconciles. On top, 20 of the decisions are
sent twice with the same idempotency key, at the same time: they decide once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.funding import services
from essor.funding.enums import EntryKind
from essor.funding.models import Decision, Envelope, FundingRequest, LedgerEntry
from essor.funding.reconcile import ledger_check
from essor.funding.selectors import envelope_balances
from tests.conftest import Cast
from tests.factories import make_company

from .helpers import EURO, file_request, plan_validated

DECISIONS = 200
WORKERS = 20
AMOUNT = 10_000 * EURO
AFFORDABLE = 73
LEFT_OVER = 5_000 * EURO + 55  # 5 000,55 € stays available: less than one more decision
DUPLICATES = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_decisions_spend_only_what_the_envelope_holds(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks (SELECT … FOR UPDATE) are tested on PostgreSQL: SQLite runs one writer "
            "at a time, so there is no concurrent decision to test"
        )
    requests = [
        file_request(
            plan_validated(make_company(n=5_000 + i, department="69")), amount_euros=10_000
        )
        for i in range(DECISIONS)
    ]
    services.envelope_set(
        region_id=cast.region_a.pk, amount_cents=AFFORDABLE * AMOUNT + LEFT_OVER, actor=None
    )
    calls = [(r.pk, f"decision-{r.pk}") for r in requests]
    calls += calls[:DUPLICATES]  # the same decisions again, with the same keys

    def decide(call: tuple[int, str]) -> str:
        pk, key = call
        try:
            _decision, created = services.decision_create(
                request=FundingRequest.objects.get(pk=pk),
                actor=None,
                idempotency_key=key,
                outcome="granted",
                amount_cents=AMOUNT,
            )
            return "granted" if created else "replayed"
        except services.InsufficientFunds:
            return "refused"
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(decide, calls))

    envelope = Envelope.objects.get(region=cast.region_a)
    balances = envelope_balances(envelope)
    print(
        f"\n{outcomes.count('granted')} of {DECISIONS} decisions granted, "
        f"{outcomes.count('refused')} refused, {outcomes.count('replayed')} replayed; "
        f"available {balances.available / 100:.2f} €"
    )
    assert outcomes.count("granted") == AFFORDABLE
    assert Decision.objects.count() == AFFORDABLE
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).count() == AFFORDABLE
    assert balances.available == LEFT_OVER
    assert balances.committed == AFFORDABLE * AMOUNT
    granted_firms = Company.objects.filter(state=JourneyState.FINANCING_GRANTED).count()
    assert granted_firms == AFFORDABLE
    report = ledger_check()
    assert report.ok, report.problems
