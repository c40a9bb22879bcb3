"""Committee help (CP-SAT knapsack) and the pure ledger balances."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essor.funding import ledger
from essor.funding.committee import (
    IN,
    OUT_EXCEEDS,
    OUT_LIMIT,
    OUT_RULES,
    OUT_TOO_LARGE,
    Candidate,
    advise,
)


def test_the_best_use_of_the_envelope_is_not_the_greedy_one() -> None:
    # Greedy by impact per euro takes A (ratio 3) and then nothing else fits;
    # B + C together leverage more.
    candidates = [
        Candidate(1, 60_00, 180_00),
        Candidate(2, 50_00, 140_00),
        Candidate(3, 50_00, 140_00),
    ]
    selection = advise(candidates, 100_00)
    assert {a.key for a in selection.advice if a.selected} == {2, 3}
    assert selection.impact_cents == 280_00 and selection.optimal
    out = next(a for a in selection.advice if a.key == 1)
    assert (out.reason, out.excess_cents, out.rank) == (OUT_EXCEEDS, 60_00, 1)
    ranks = {a.key: a.rank for a in selection.advice if a.selected}
    assert ranks == {2: 2, 3: 3}


def test_every_request_gets_its_reason() -> None:
    candidates = [
        Candidate(1, 30_00, 90_00),
        Candidate(2, 500_00, 900_00),  # larger than everything available
        Candidate(3, 10_00, 50_00, rule_breaches=("de_minimis",)),
    ]
    selection = advise(candidates, 100_00)
    reasons = {a.key: (a.reason, a.excess_cents) for a in selection.advice}
    assert reasons == {1: (IN, 0), 2: (OUT_TOO_LARGE, 400_00), 3: (OUT_RULES, 0)}
    assert selection.left_cents == 70_00


def test_a_firm_with_two_requests_keeps_within_its_de_minimis_room() -> None:
    limit = {"de_minimis:7": 100_00}
    candidates = [
        Candidate(1, 80_00, 200_00, limits=(("de_minimis:7", 80_00),)),
        Candidate(2, 70_00, 150_00, limits=(("de_minimis:7", 70_00),)),
        Candidate(3, 40_00, 40_00),
    ]
    selection = advise(candidates, 1_000_00, limit)
    chosen = {a.key for a in selection.advice if a.selected}
    assert chosen == {1, 3}
    out = next(a for a in selection.advice if a.key == 2)
    assert (out.reason, out.limit, out.excess_cents) == (OUT_LIMIT, "de_minimis:7", 50_00)


def test_nothing_available_selects_nothing() -> None:
    selection = advise([Candidate(1, 10_00, 20_00)], 0)
    assert selection.advice[0].reason == OUT_TOO_LARGE
    assert selection.selected_cents == 0


items = st.lists(st.tuples(st.integers(1, 1_000), st.integers(0, 3_000), st.booleans()), max_size=9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items, st.integers(0, 4_000))
def test_the_selection_is_optimal_and_within_the_envelope(
    raw: list[tuple[int, int, bool]], capacity: int
) -> None:
    candidates = [
        Candidate(i, amount, impact, () if ok else ("intensity",))
        for i, (amount, impact, ok) in enumerate(raw)
    ]
    selection = advise(candidates, capacity)
    chosen = [c for c in candidates if any(a.key == c.key and a.selected for a in selection.advice)]
    assert sum(c.amount_cents for c in chosen) <= capacity
    assert all(not c.rule_breaches for c in chosen)
    lawful = [c for c in candidates if not c.rule_breaches]
    best = max(
        (
            sum(c.impact_cents for c in subset)
            for r in range(len(lawful) + 1)
            for subset in itertools.combinations(lawful, r)
            if sum(c.amount_cents for c in subset) <= capacity
        ),
        default=0,
    )
    assert selection.impact_cents == best
    for advice in selection.advice:
        if advice.reason == OUT_EXCEEDS:
            assert advice.excess_cents > 0


def test_balances_derive_from_the_accounts() -> None:
    b = ledger.balances_from_sums(
        {"allocated": 1_000 - 200, "committed": 500, "paid": 300, "released": 100}
    )
    assert (b.allocated, b.committed, b.paid, b.available, b.outstanding) == (
        800,
        400,
        300,
        400,
        100,
    )
    assert ledger.envelope_problems(b) == []
    assert ledger.envelope_problems(b.moved("committed", 500)) == [ledger.OVERCOMMITTED]
    assert ledger.request_problems(b.moved("paid", 200)) == [ledger.OVERPAID]
    assert ledger.envelope_problems(b.moved("allocated", -900)) == [
        ledger.NEGATIVE_ALLOCATION,
        ledger.OVERCOMMITTED,
    ]
