"""The aid rules (pure core): intensity, ceiling per firm, de minimis over rolling years."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from essor.funding.rules import (
    DE_MINIMIS_CEILING_CENTS,
    RULE_CEILING,
    RULE_DE_MINIMIS,
    RULE_ELIGIBLE_COSTS,
    RULE_INTENSITY,
    RULE_SIZE_CLASS,
    AidCase,
    InstrumentRules,
    PastAid,
    aid_check,
    gross_grant_equivalent,
    max_allowed_cents,
    window_total,
    worst_window_total,
    years_before,
)

K = 100_000  # 1 000 € in cents
TODAY = dt.date(2026, 6, 15)

GRANT = InstrumentRules(
    code="grant",
    label="Subvention",
    eligible_cost_types=frozenset({"consulting", "training"}),
    max_intensity_percent={"micro": 50, "pme": 50, "eti": 30, "ge": 0},
    ceiling_per_firm_cents=200 * K,
    gge_percent=100,
)
LOAN = InstrumentRules(
    code="zero_rate_loan",
    label="Prêt à taux zéro",
    eligible_cost_types=frozenset({"equipment"}),
    max_intensity_percent={"micro": 80, "pme": 80, "eti": 60},
    ceiling_per_firm_cents=1_500 * K,
    gge_percent=20,
)


def case(amount: int, costs: dict[str, int] | None = None, size: str = "pme", history=()):  # type: ignore[no-untyped-def]
    return AidCase(size, costs or {"consulting": 100 * K}, amount, TODAY, tuple(history))


def rules_of(verdict) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.rule for b in verdict.breaches]


def test_an_aid_within_every_rule_is_allowed() -> None:
    verdict = aid_check(case(50 * K), GRANT)
    assert verdict.allowed
    assert verdict.eligible_cents == 100 * K
    assert verdict.gge_cents == 50 * K


def test_intensity_is_refused_with_the_figures(english: None) -> None:
    verdict = aid_check(case(55 * K), GRANT)
    assert rules_of(verdict) == [RULE_INTENSITY]
    message = verdict.breaches[0].message("en")
    assert "55\u00a0% asked > 50\u00a0% allowed for an SME" in message
    assert "€55,000.00 on €100,000.00" in message


def test_intensity_in_french_names_the_size_class() -> None:
    verdict = aid_check(case(40 * K, size="eti"), GRANT)
    message = verdict.breaches[0].message("fr")
    assert "40\u00a0% demandés > 30\u00a0% autorisés pour une ETI" in message


def test_an_excess_never_reads_as_equality(english: None) -> None:
    # 50.001 % is shown rounded up to 50.1 %, not 50 %.
    verdict = aid_check(case(50 * K + 1, {"consulting": 100 * K}), GRANT)
    assert "50.1\u00a0% asked > 50\u00a0% allowed" in verdict.breaches[0].message("en")


def test_only_eligible_cost_types_count() -> None:
    verdict = aid_check(case(30 * K, {"consulting": 50 * K, "equipment": 500 * K}), GRANT)
    assert verdict.eligible_cents == 50 * K
    assert rules_of(verdict) == [RULE_INTENSITY]
    assert rules_of(aid_check(case(10 * K, {"equipment": 500 * K}), GRANT)) == [RULE_ELIGIBLE_COSTS]


def test_a_size_class_at_zero_percent_is_not_eligible(english: None) -> None:
    verdict = aid_check(case(10 * K, size="ge"), GRANT)
    assert RULE_SIZE_CLASS in rules_of(verdict)
    assert "not open for a large enterprise" in verdict.breaches[0].message("en")
    assert RULE_SIZE_CLASS in rules_of(aid_check(case(10 * K, size=""), GRANT))


def test_ceiling_per_firm_counts_the_same_instrument_only(english: None) -> None:
    history = [
        PastAid(TODAY - dt.timedelta(days=400), 180 * K, 180 * K, "grant"),
        PastAid(TODAY - dt.timedelta(days=100), 500 * K, 100 * K, "zero_rate_loan"),
    ]
    verdict = aid_check(case(30 * K, history=history), GRANT)
    assert RULE_CEILING in rules_of(verdict)
    message = next(b for b in verdict.breaches if b.rule == RULE_CEILING).message("en")
    assert "€180,000.00 already granted + €30,000.00 asked = €210,000.00 > €200,000.00" in message


def test_de_minimis_counts_grant_equivalents_and_outside_aids(english: None) -> None:
    history = [
        PastAid(TODAY - dt.timedelta(days=300), 1_000 * K, 200 * K, "zero_rate_loan"),  # 20 %
        PastAid(TODAY - dt.timedelta(days=30), 60 * K, 60 * K),  # declared, from outside
    ]
    verdict = aid_check(case(45 * K, history=history), GRANT)
    assert rules_of(verdict) == [RULE_DE_MINIMIS]
    assert verdict.de_minimis_total_cents == 305 * K
    message = verdict.breaches[0].message("en")
    assert "€260,000.00 of aid over three years + €45,000.00" in message
    assert "= €305,000.00 > €300,000.00" in message
    assert "Regulation (EU) 2023/2831" in message
    assert aid_check(case(40 * K, history=history), GRANT).allowed


def test_aids_under_another_regime_do_not_count_towards_de_minimis() -> None:
    history = [PastAid(TODAY, 290 * K, 290 * K, de_minimis=False)]
    assert aid_check(case(50 * K, history=history), GRANT).allowed


def test_the_three_year_window_is_rolling() -> None:
    old = PastAid(years_before(TODAY, 3) - dt.timedelta(days=1), 280 * K, 280 * K)
    edge = PastAid(years_before(TODAY, 3), 280 * K, 280 * K)
    assert aid_check(case(50 * K, history=[old]), GRANT).allowed
    assert not aid_check(case(50 * K, history=[edge]), GRANT).allowed  # both days count


def test_a_later_aid_already_recorded_is_in_the_window() -> None:
    # An aid decided back-dated must fit the windows that reach aids recorded after it.
    later = PastAid(TODAY + dt.timedelta(days=700), 280 * K, 280 * K)
    assert not aid_check(case(50 * K, history=[later]), GRANT).allowed
    far = PastAid(TODAY + dt.timedelta(days=3 * 366 + 1), 280 * K, 280 * K)
    assert aid_check(case(50 * K, history=[far]), GRANT).allowed


def test_loans_count_at_twenty_percent_of_their_nominal() -> None:
    verdict = aid_check(case(1_500 * K, {"equipment": 2_000 * K}, history=()), LOAN)
    assert verdict.allowed and verdict.gge_cents == 300 * K
    assert not aid_check(case(1_500 * K + 100, {"equipment": 2_000 * K}), LOAN).allowed


def test_grant_equivalent_rounds_up() -> None:
    assert gross_grant_equivalent(101, 20) == 21
    assert gross_grant_equivalent(100, 20) == 20


def test_leap_day_windows() -> None:
    assert years_before(dt.date(2028, 2, 29), 3) == dt.date(2025, 2, 28)


# --------------------------------------------------------------------------- properties

days = st.integers(min_value=-1500, max_value=1500).map(lambda d: TODAY + dt.timedelta(days=d))
past_aids = st.lists(
    st.builds(
        lambda day, gge, dm: PastAid(day, gge, gge, "", dm),
        days,
        st.integers(min_value=0, max_value=200 * K),
        st.booleans(),
    ),
    max_size=6,
)
instruments = st.builds(
    InstrumentRules,
    code=st.sampled_from(["grant", "zero_rate_loan"]),
    label=st.just("x"),
    eligible_cost_types=st.just(frozenset({"a", "b"})),
    max_intensity_percent=st.fixed_dictionaries(
        {"pme": st.integers(0, 100), "eti": st.integers(0, 100)}
    ),
    ceiling_per_firm_cents=st.integers(0, 2_000 * K),
    gge_percent=st.integers(1, 100),
)
costs = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(1, 3_000 * K), max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(past_aids, days)
def test_worst_window_is_the_worst_of_every_window_containing_the_day(
    history: list[PastAid], on: dt.date
) -> None:
    """Brute force: every window ending on a day from `on` on, that still contains `on`."""
    brute = 0
    end = on
    while years_before(end, 3) <= on:
        brute = max(brute, window_total(history, end))
        end += dt.timedelta(days=1)
    assert worst_window_total(history, on) == brute


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(past_aids, instruments, costs, st.integers(-10, 3_000 * K), st.sampled_from(["pme", "eti"]))
def test_an_allowed_aid_never_breaks_a_rule(
    history: list[PastAid], rules: InstrumentRules, costs: dict[str, int], amount: int, size: str
) -> None:
    verdict = aid_check(AidCase(size, costs, amount, TODAY, tuple(history)), rules)
    eligible = sum(v for k, v in costs.items() if k in rules.eligible_cost_types)
    if verdict.allowed:
        assert amount > 0
        assert amount * 100 <= rules.max_intensity_percent[size] * eligible
        assert amount <= rules.ceiling_per_firm_cents
        assert (
            worst_window_total(history, TODAY) + rules.gge_cents(amount) <= DE_MINIMIS_CEILING_CENTS
        )
    assert verdict.allowed == (not verdict.breaches)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(past_aids, instruments, costs, st.sampled_from(["pme", "eti"]))
def test_max_allowed_is_exactly_the_boundary(
    history: list[PastAid], rules: InstrumentRules, costs: dict[str, int], size: str
) -> None:
    case_ = AidCase(size, costs, 1, TODAY, tuple(history))
    best = max_allowed_cents(case_, rules)
    assume(best > 0)
    at = AidCase(size, costs, best, TODAY, tuple(history))
    above = AidCase(size, costs, best + 1, TODAY, tuple(history))
    assert aid_check(at, rules).allowed
    assert not aid_check(above, rules).allowed


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(past_aids, st.integers(1, 400 * K))
def test_more_history_never_makes_an_aid_easier(history: list[PastAid], amount: int) -> None:
    extra = PastAid(TODAY, 10 * K, 10 * K)
    before = aid_check(case(amount, history=history), GRANT)
    after = aid_check(case(amount, history=[*history, extra]), GRANT)
    assert not (after.allowed and not before.allowed)


@pytest.mark.parametrize("rule", [RULE_INTENSITY, RULE_CEILING, RULE_DE_MINIMIS])
def test_every_breach_has_words_in_both_languages(rule: str) -> None:
    history = [PastAid(TODAY, 200 * K, 200 * K, "grant"), PastAid(TODAY, 99 * K, 99 * K)]
    verdict = aid_check(case(60 * K, history=history), GRANT)
    breach = next(b for b in verdict.breaches if b.rule == rule)
    assert breach.message("fr") != breach.message("en")
    assert "%(" not in breach.message("fr")
