"""One undertaking, one de minimis ceiling (Regulation (EU) 2023/2831, Art. 2(2)): the firms
of a group count together, even when decided at the same moment in two regions; a reversed
commitment no longer counts; a firm that left the programme gets no aid."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection, connections

from essor.companies.journey import journey_apply
from essor.funding import services
from essor.funding.enums import EntryKind
from essor.funding.models import Decision, FundingRequest, LedgerEntry
from essor.funding.reconcile import ledger_check
from essor.funding.selectors import undertaking_companies
from tests.conftest import Cast
from tests.factories import make_company

from .helpers import EURO, file_request, fund, grant, plan_validated

pytestmark = pytest.mark.django_db


def declare(company, euros: int) -> None:  # type: ignore[no-untyped-def]
    services.declared_aid_add(
        company=company, actor=None, granting_body="Région", granted_on=dt.date.today(),
        amount_cents=euros * EURO,
    )  # fmt: skip


def test_group_names_are_compared_without_case_or_spaces(cast: Cast) -> None:
    # Stored as the company service writes it (spaces collapsed), typed with another case.
    one = make_company(n=81, department="69", group_name="ACME Industrie")
    two = make_company(n=82, department="38", group_name="Acme industrie")
    other = make_company(n=83, department="38", group_name="Groupe Loire")
    assert set(undertaking_companies(one)) == {one, two}
    assert other not in undertaking_companies(two)

    fund(cast.region_a.pk, 1_000_000)
    plan_validated(one)
    plan_validated(two)
    declare(one, 250_000)
    with pytest.raises(services.AidRulesRefusal, match="De minimis"):
        grant(file_request(two, amount_euros=60_000, costs={"consulting": 200_000}))


def test_a_reversed_commitment_no_longer_counts(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000_000)
    firm = plan_validated(make_company(n=84, department="69"))
    declare(firm, 200_000)
    first = file_request(firm, amount_euros=90_000, costs={"consulting": 300_000})
    grant(first)
    commitment = LedgerEntry.objects.get(request=first, kind=EntryKind.COMMITMENT)
    services.entry_reverse(entry=commitment, actor=cast.users["admin"], reason="décision annulée")
    sister = plan_validated(make_company(n=85, department="69"))
    sister.group_name = firm.group_name = "Groupe Annulé"
    sister.save(update_fields=["group_name"])
    firm.save(update_fields=["group_name"])
    # 200,000 declared + 90,000 now: fits, because the reversed 90,000 is not an aid any more.
    grant(file_request(sister, amount_euros=90_000, costs={"consulting": 300_000}))
    assert ledger_check().ok


def test_no_aid_for_a_firm_that_left_the_programme(cast: Cast, english: None) -> None:
    fund(cast.region_a.pk, 100_000)
    firm = plan_validated(make_company(n=86, department="69"))
    request = file_request(firm, amount_euros=20_000)
    journey_apply(company=firm, transition="withdraw", actor=None, reason="cessation d'activité")
    with pytest.raises(services.FundingError, match="left the programme"):
        grant(request)
    assert not Decision.objects.exists()


def test_an_aid_declared_in_the_future_is_refused(cast: Cast, english: None) -> None:
    with pytest.raises(services.FundingError, match="future"):
        services.declared_aid_add(
            company=cast.company_a, actor=None, granting_body="Région",
            granted_on=dt.date.today() + dt.timedelta(days=3), amount_cents=1_000 * EURO,
        )  # fmt: skip


GROUPS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sister_firms_decided_at_once_in_two_regions_share_one_ceiling(cast: Cast) -> None:
    """Each group has 250,000 € of declared aid and one request of 40,000 € in each of two
    regions (two envelopes, so no envelope lock orders them): either fits alone, both
    together would pass the 300,000 € ceiling. Decided at the same moment, exactly one per
    group is granted."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions and row locks are tested on PostgreSQL")
    fund(cast.region_a.pk, 1_000_000)
    fund(cast.region_b.pk, 1_000_000)
    pairs = []
    for g in range(GROUPS):
        name = f"Groupe Concurrent {g}"
        east = plan_validated(make_company(n=6_000 + 2 * g, department="69", group_name=name))
        west = plan_validated(make_company(n=6_001 + 2 * g, department="29", group_name=name))
        declare(east, 250_000)
        pairs += [file_request(east, amount_euros=40_000), file_request(west, amount_euros=40_000)]
    start = Barrier(len(pairs))

    def decide(pk: int) -> str:
        try:
            start.wait()
            services.decision_create(
                request=FundingRequest.objects.get(pk=pk), actor=None,
                idempotency_key=f"sister-{pk}", outcome="granted", amount_cents=40_000 * EURO,
            )  # fmt: skip
            return "granted"
        except services.AidRulesRefusal:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(pairs)) as pool:
        outcomes = list(pool.map(decide, [r.pk for r in pairs]))
    assert outcomes.count("granted") == GROUPS, outcomes
    for g in range(GROUPS):
        granted = Decision.objects.filter(
            request__company__group_name=f"Groupe Concurrent {g}"
        ).count()
        assert granted == 1
    assert ledger_check().ok
