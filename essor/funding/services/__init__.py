"""Writes of financing: budget and envelopes, requests, decisions, payments, the ledger.

Every money movement is one append-only `LedgerEntry` and one audit event with its actor
(design.md §5). Each movement takes the envelope's row lock (SELECT … FOR UPDATE on
PostgreSQL; SQLite serialises writers itself), then checks the balances derived from the
ledger, so that concurrent decisions can never take the envelope below zero. Locks are
always taken in the same order — budget, request, company, envelope — so two movements
never wait for each other in a cycle; a lock taken with `select_related` names its own
table only (`of=("self",)`), so that decisions in different regions never wait on a shared
region or instrument row.

One module per concept: `base` (refusals, the ledger writer), `instruments`, `requests`,
`decisions`, `money` (allocations, payments, closing, reversals). Callers use this package.
"""

from .base import (
    AidRulesRefusal,
    AlreadyDecided,
    FundingError,
    IdempotencyKeyReused,
    InsufficientFunds,
)
from .decisions import decision_create
from .instruments import INSTRUMENTS_FILE, instrument_save, instruments_ensure, instruments_load
from .money import budget_set, entry_reverse, envelope_set, payment_record, request_close
from .requests import (
    FILING_STATES,
    CostLineData,
    declared_aid_add,
    financing_request_guard,
    plan_for_request,
    request_note,
    request_save,
    request_submit,
    request_withdraw,
)

__all__ = [
    "FILING_STATES",
    "INSTRUMENTS_FILE",
    "AidRulesRefusal",
    "AlreadyDecided",
    "CostLineData",
    "FundingError",
    "IdempotencyKeyReused",
    "InsufficientFunds",
    "budget_set",
    "decision_create",
    "declared_aid_add",
    "entry_reverse",
    "envelope_set",
    "financing_request_guard",
    "instrument_save",
    "instruments_ensure",
    "instruments_load",
    "payment_record",
    "plan_for_request",
    "request_close",
    "request_note",
    "request_save",
    "request_submit",
    "request_withdraw",
]
