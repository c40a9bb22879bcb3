"""Property: no sequence of operations makes an envelope negative or a payment exceed its
commitment, and the ledger always reconciles (design.md §5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essor.funding import ledger, services
from essor.funding.models import Envelope, FundingRequest, LedgerEntry
from essor.funding.reconcile import ledger_check
from essor.funding.selectors import envelope_balances, request_balances
from tests.conftest import Cast
from tests.factories import make_company

from .helpers import EURO, file_request, plan_validated

pytestmark = pytest.mark.django_db

# Round figures most of the time, so that operations meet (an allocation that covers a
# decision, a payment that matches what is left); any figure now and then.
ROUND = st.sampled_from([5_000, 10_000, 15_000, 20_000, 25_000, 40_000, 50_000])
euros = st.one_of(ROUND, ROUND, ROUND, st.integers(min_value=-5_000, max_value=80_000))
allocations = st.one_of(
    st.sampled_from([0, 30_000, 60_000, 100_000, 150_000]), st.integers(0, 150_000)
)
decide = st.tuples(st.just("decide"), st.integers(0, 3), euros)
pay = st.tuples(st.just("pay"), st.integers(0, 3), euros)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("allocate"), st.integers(0, 1), allocations),
        decide,
        decide,
        pay,
        pay,
        pay,
        st.tuples(st.just("close"), st.integers(0, 3), st.just(0)),
        st.tuples(st.just("reverse"), st.integers(0, 30), st.just(0)),
    ),
    min_size=1,
    max_size=30,
)


class Rollback(Exception):
    pass


def _granted(requests: list[FundingRequest], index: int) -> FundingRequest:
    """The index-th granted request (any request when none is granted), so that payments
    and closings mostly meet a request they can apply to."""
    granted = [r for r in requests if r.pk in set(
        FundingRequest.objects.filter(status="granted").values_list("pk", flat=True)
    )]  # fmt: skip
    pool = granted or requests
    return pool[index % len(pool)]


def _apply(op: tuple[str, int, int], requests: list[FundingRequest], region_ids: list[int]) -> None:
    name, index, amount = op
    try:
        if name == "allocate":
            services.envelope_set(
                region_id=region_ids[index], amount_cents=amount * EURO, actor=None
            )
        elif name == "decide":
            services.decision_create(
                request=requests[index], actor=None, idempotency_key=f"p-{index}-{amount}",
                outcome="granted", amount_cents=amount * EURO,
            )  # fmt: skip
        elif name == "pay":
            services.payment_record(
                request=_granted(requests, index), actor=None, amount_cents=amount * EURO,
                reference="F",
            )  # fmt: skip
        elif name == "close":
            services.request_close(request=_granted(requests, index), actor=None)
        else:
            entries = list(LedgerEntry.objects.order_by("pk"))
            if entries:
                entry = entries[index % len(entries)]
                services.entry_reverse(entry=entry, actor=None, reason="correction")
    except services.FundingError:
        pass


def _assert_invariants(requests: list[FundingRequest]) -> None:
    for envelope in Envelope.objects.all():
        b = envelope_balances(envelope)
        assert ledger.envelope_problems(b) == [], (envelope, b)
        assert b.available >= 0
    for request in requests:
        b = request_balances(request)
        assert b.paid <= b.committed, (request, b)


def test_no_sequence_of_operations_breaks_the_ledger(cast: Cast) -> None:
    firms = [plan_validated(cast.company_a)] + [
        plan_validated(make_company(n=60 + i, department="69")) for i in range(2)
    ]
    requests = [file_request(firm, amount_euros=40_000) for firm in firms]
    requests.append(file_request(firms[0], amount_euros=30_000))
    region_ids = [cast.region_a.pk, cast.region_b.pk]

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.one_of(st.sampled_from([50_000, 100_000, 200_000]), st.integers(0, 200_000)), operations
    )
    def run(initial: int, ops: list[tuple[str, int, Any]]) -> None:
        try:
            with transaction.atomic():
                for op in [("allocate", 0, initial), *ops]:
                    _apply(op, requests, region_ids)
                    _assert_invariants(requests)
                report = ledger_check()
                assert report.ok, report.problems
                raise Rollback
        except Rollback:
            pass
        for request in requests:
            request.refresh_from_db()

    run()
