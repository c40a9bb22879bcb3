"""Size classes (décret 2008-1354) at every edge, and eligibility reasons."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essor.companies.enums import SizeClass
from essor.companies.rules import (
    MILLION,
    CompanyFacts,
    EligibilityPolicy,
    eligibility_reasons,
    size_class,
)

M = MILLION


@pytest.mark.parametrize(
    ("headcount", "turnover", "balance", "expected"),
    [
        (9, 2 * M, None, SizeClass.MICRO),  # turnover at the ceiling
        (9, 2 * M + 1, 2 * M, SizeClass.MICRO),  # balance sheet saves it
        (9, 2 * M + 1, 2 * M + 1, SizeClass.PME),  # both above: PME
        (10, 1 * M, 1 * M, SizeClass.PME),  # 10 persons is no longer micro
        (249, 50 * M, 99 * M, SizeClass.PME),
        (249, 99 * M, 43 * M, SizeClass.PME),
        (249, 50 * M + 1, 43 * M + 1, SizeClass.ETI),  # under 250 but too big: ETI
        (250, 1 * M, 1 * M, SizeClass.ETI),
        (4_999, 1_500 * M, 9_999 * M, SizeClass.ETI),
        (4_999, 9_999 * M, 2_000 * M, SizeClass.ETI),
        (4_999, 1_500 * M + 1, 2_000 * M + 1, SizeClass.GE),
        (5_000, 1 * M, 1 * M, SizeClass.GE),
        (0, 0, None, SizeClass.MICRO),
    ],
)
def test_size_class_edges(
    headcount: int, turnover: int, balance: int | None, expected: SizeClass
) -> None:
    assert (
        size_class(headcount=headcount, turnover_cents=turnover, balance_sheet_cents=balance)
        == expected
    )


def test_size_class_is_unknown_without_the_figures() -> None:
    assert size_class(headcount=None, turnover_cents=M, balance_sheet_cents=M) is None
    assert size_class(headcount=20, turnover_cents=None, balance_sheet_cents=None) is None


ORDER = [SizeClass.MICRO, SizeClass.PME, SizeClass.ETI, SizeClass.GE]


@given(
    st.integers(0, 20_000),
    st.integers(0, 5_000 * M),
    st.integers(0, 5_000 * M),
    st.integers(0, 1_000),
)
def test_size_class_never_shrinks_when_the_firm_grows(h: int, t: int, b: int, extra: int) -> None:
    small = size_class(headcount=h, turnover_cents=t, balance_sheet_cents=b)
    bigger = size_class(
        headcount=h + extra, turnover_cents=t + extra * M, balance_sheet_cents=b + extra * M
    )
    assert small is not None and bigger is not None
    assert ORDER.index(bigger) >= ORDER.index(small)


POLICY = EligibilityPolicy(
    size_classes={"micro", "pme", "eti"},
    naf_sections={"C"},
    naf_divisions={"62"},
    region_codes={"84"},
)


def test_an_eligible_firm_has_no_reason() -> None:
    assert eligibility_reasons(CompanyFacts("pme", "C", "25", "84"), POLICY) == []
    # a division listed outside the sections is eligible too
    assert eligibility_reasons(CompanyFacts("pme", "J", "62", "84"), POLICY) == []


def test_each_rule_gives_its_reason() -> None:
    assert eligibility_reasons(CompanyFacts("ge", "C", "25", "84"), POLICY) == ["size_class"]
    assert eligibility_reasons(CompanyFacts(None, "C", "25", "84"), POLICY) == ["size_unknown"]
    assert eligibility_reasons(CompanyFacts("pme", "G", "46", "84"), POLICY) == ["naf"]
    assert eligibility_reasons(CompanyFacts("ge", "G", "46", "11"), POLICY) == [
        "size_class",
        "naf",
        "region",
    ]


def test_an_empty_policy_accepts_everyone() -> None:
    assert eligibility_reasons(CompanyFacts(None, "Z", "99", "01"), EligibilityPolicy()) == []
