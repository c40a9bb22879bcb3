"""Pure business rules on companies: size class and programme eligibility. No database."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .enums import SizeClass

EURO = 100  # cents
MILLION = 1_000_000 * EURO
BILLION = 1_000 * MILLION

# (class, headcount strictly below, turnover at most, balance-sheet total at most), in order.
# Source: décret n° 2008-1354 du 18 décembre 2008, art. 2 to 4 (thresholds in euros).
SIZE_THRESHOLDS: tuple[tuple[SizeClass, int, int, int], ...] = (
    (SizeClass.MICRO, 10, 2 * MILLION, 2 * MILLION),
    (SizeClass.PME, 250, 50 * MILLION, 43 * MILLION),
    (SizeClass.ETI, 5_000, 1_500 * MILLION, 2 * BILLION),
)


def size_class(
    *, headcount: int | None, turnover_cents: int | None, balance_sheet_cents: int | None
) -> SizeClass | None:
    """The category of décret 2008-1354: the smallest class whose headcount ceiling is not
    reached and whose turnover OR balance-sheet ceiling holds.

    A class needs the headcount and at least one of the two financial figures; an unknown
    figure never satisfies a ceiling. Returns None when the headcount is unknown or no
    financial figure is known.
    """
    if headcount is None or (turnover_cents is None and balance_sheet_cents is None):
        return None
    for klass, max_persons, max_turnover, max_balance in SIZE_THRESHOLDS:
        if headcount >= max_persons:
            continue
        turnover_ok = turnover_cents is not None and turnover_cents <= max_turnover
        balance_ok = balance_sheet_cents is not None and balance_sheet_cents <= max_balance
        if turnover_ok or balance_ok:
            return klass
    return SizeClass.GE


@dataclass(frozen=True)
class EligibilityPolicy:
    """Which firms the programme supports. Empty collections mean "no restriction"."""

    size_classes: Collection[str] = ()
    naf_sections: Collection[str] = ()
    naf_divisions: Collection[str] = ()
    region_codes: Collection[str] = ()


@dataclass(frozen=True)
class CompanyFacts:
    size_class: str | None
    naf_section: str
    naf_division: str
    region_code: str


def eligibility_reasons(facts: CompanyFacts, policy: EligibilityPolicy) -> list[str]:
    """Why a firm is NOT eligible (empty list: eligible). Reasons are stable codes:
    `size_unknown`, `size_class`, `naf`, `region`."""
    reasons = []
    if policy.size_classes:
        if facts.size_class is None:
            reasons.append("size_unknown")
        elif facts.size_class not in policy.size_classes:
            reasons.append("size_class")
    if policy.naf_sections or policy.naf_divisions:
        in_section = facts.naf_section in policy.naf_sections
        in_division = facts.naf_division in policy.naf_divisions
        if not (in_section or in_division):
            reasons.append("naf")
    if policy.region_codes and facts.region_code not in policy.region_codes:
        reasons.append("region")
    return reasons
