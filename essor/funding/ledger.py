"""Balances of the ledger and the movements they allow (pure, no database).

Every money movement is an append-only `LedgerEntry` in integer cents that moves one
account of one regional envelope (and, below the envelope, of one funding request):

- allocated: the envelope's share of the programme budget (raised or lowered by signed
  allocation entries);
- committed: aid granted by a decision (commitment entries);
- paid: money paid out against a commitment (payment entries);
- released: what was committed but will not be paid, given back when a project closes
  (release entries).

A reversal moves the account of the entry it reverses by the opposite amount: corrections
never rewrite history (design.md §5). Balances are derived, never stored:

    committed (net) = commitments − releases
    available       = allocated − committed (net)
    outstanding     = committed (net) − paid

and must hold, for an envelope and for each request alike: no account below zero, nothing
paid beyond what is committed, and (for an envelope) nothing committed beyond what is
allocated — the available amount never goes below zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

ALLOCATED = "allocated"
COMMITTED = "committed"
PAID = "paid"
RELEASED = "released"
ACCOUNTS = (ALLOCATED, COMMITTED, PAID, RELEASED)

# Problem codes, worded by the Django layer.
NEGATIVE_ALLOCATION = "negative_allocation"
OVERCOMMITTED = "overcommitted"  # available < 0
OVERPAID = "overpaid"  # paid > committed (net)
NEGATIVE_ACCOUNT = "negative_account"


@dataclass(frozen=True)
class Balances:
    allocated: int = 0
    committed_gross: int = 0
    paid: int = 0
    released: int = 0

    @property
    def committed(self) -> int:
        return self.committed_gross - self.released

    @property
    def available(self) -> int:
        return self.allocated - self.committed

    @property
    def outstanding(self) -> int:
        return self.committed - self.paid

    def moved(self, account: str, amount_cents: int) -> Balances:
        """The balances after moving `account` by a signed amount."""
        field = {
            ALLOCATED: "allocated",
            COMMITTED: "committed_gross",
            PAID: "paid",
            RELEASED: "released",
        }[account]
        return replace(self, **{field: getattr(self, field) + amount_cents})


def balances_from_sums(sums: Mapping[str, int | None]) -> Balances:
    """Balances from the sum of amounts per account (missing or None: zero)."""
    return Balances(
        allocated=sums.get(ALLOCATED) or 0,
        committed_gross=sums.get(COMMITTED) or 0,
        paid=sums.get(PAID) or 0,
        released=sums.get(RELEASED) or 0,
    )


def request_problems(b: Balances) -> list[str]:
    """What is wrong with one request's balances (empty: they hold)."""
    problems = []
    if min(b.committed_gross, b.paid, b.released, b.committed) < 0:
        problems.append(NEGATIVE_ACCOUNT)
    if b.paid > b.committed:
        problems.append(OVERPAID)
    return problems


def envelope_problems(b: Balances) -> list[str]:
    """What is wrong with an envelope's balances (empty: they hold)."""
    problems = []
    if b.allocated < 0:
        problems.append(NEGATIVE_ALLOCATION)
    if b.available < 0:
        problems.append(OVERCOMMITTED)
    problems.extend(p for p in request_problems(b) if p not in problems)
    return problems
