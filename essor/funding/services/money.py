"""Money movements on the envelopes: budget and allocations, payments, closing (release),
reversals. Each one is a ledger entry written under the envelope's row lock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.core.services import audit_record

from .. import ledger
from ..enums import Account, EntryKind, PaymentBasis, RequestStatus
from ..models import Budget, Decision, FundingRequest, Instrument, LedgerEntry, Payment
from ..selectors import allocated_total, budget_current, envelope_balances, request_balances
from ..workflow import request_move
from .base import FundingError, _entry, _eur, _lock_envelope, _problems_text


@transaction.atomic
def budget_set(*, amount_cents: int, actor: Any, reason: str = "") -> Budget:
    """Set the programme's financing budget; never below what the envelopes hold."""
    budget = budget_current()
    if budget is None:
        raise FundingError(_("The programme has no budget yet."))
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    allocated = allocated_total()
    if amount_cents < allocated:
        raise FundingError(
            _("The budget cannot go below what the envelopes hold (%(allocated)s).")
            % {"allocated": _eur(allocated)}
        )
    before = budget.amount_cents
    budget.amount_cents = amount_cents
    budget.save(update_fields=["amount_cents", "updated_at"])
    audit_record(
        actor=actor,
        verb="funding.budget.set",
        obj=budget,
        before={"amount_cents": before},
        after={"amount_cents": amount_cents},
        reason=reason,
    )
    return budget


@transaction.atomic
def envelope_set(
    *,
    region_id: int,
    amount_cents: int,
    actor: Any,
    reason: str = "",
    at: dt.datetime | None = None,
) -> LedgerEntry | None:
    """Raise or lower a region's envelope to `amount_cents` with one allocation entry (the
    difference). Refused below what is committed, or beyond the unallocated budget."""
    budget = budget_current()
    if budget is None:
        raise FundingError(_("The programme has no budget yet."))
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    envelope = _lock_envelope(region_id)
    balances = envelope_balances(envelope)
    delta = amount_cents - balances.allocated
    if delta == 0:
        return None
    if amount_cents < balances.committed:
        raise FundingError(
            _("An envelope cannot go below what is committed (%(committed)s).")
            % {"committed": _eur(balances.committed)}
        )
    unallocated = budget.amount_cents - allocated_total()
    if delta > unallocated:
        raise FundingError(
            _("Only %(left)s of the budget is left to allocate; %(asked)s more was asked.")
            % {"left": _eur(unallocated), "asked": _eur(delta)}
        )
    return _entry(
        envelope=envelope,
        kind=EntryKind.ALLOCATION,
        account=Account.ALLOCATED,
        amount_cents=delta,
        actor=actor,
        note=reason,
        at=at,
    )


def _granted_instrument(request: FundingRequest) -> Instrument | None:
    decision = Decision.objects.filter(request=request).select_related("instrument").first()
    return decision.instrument if decision else None


@transaction.atomic
def payment_record(
    *, request: FundingRequest, actor: Any, amount_cents: int, reference: str,
    basis: str = PaymentBasis.INVOICE, paid_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Payment:  # fmt: skip
    """Pay part of a granted request against a milestone or an invoice. A payment never
    exceeds what is committed and not yet paid."""
    locked = FundingRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.GRANTED:
        raise FundingError(_("Only a granted request, not yet closed, can be paid."))
    if amount_cents <= 0:
        raise FundingError(_("A payment must be more than zero."))
    if not reference.strip():
        raise FundingError(_("Name the milestone or the invoice paid."))
    envelope = _lock_envelope(locked.region_id)
    balances = request_balances(locked)
    if amount_cents > balances.outstanding:
        raise FundingError(
            _("A payment cannot exceed what is left to pay on the commitment (%(left)s).")
            % {"left": _eur(balances.outstanding)}
        )
    entry = _entry(
        envelope=envelope, kind=EntryKind.PAYMENT, account=Account.PAID,
        amount_cents=amount_cents, actor=actor, request=locked,
        instrument=_granted_instrument(locked), note=reference, at=at,
    )  # fmt: skip
    return Payment.objects.create(
        request=locked,
        basis=basis,
        reference=reference.strip()[:200],
        amount_cents=amount_cents,
        paid_on=paid_on or timezone.localdate(),
        entry=entry,
        created_at=at or timezone.now(),
    )


@transaction.atomic
def request_close(
    *, request: FundingRequest, actor: Any, reason: str = "", at: dt.datetime | None = None
) -> LedgerEntry | None:
    """Close a granted project: what was committed and not paid is released back to the
    envelope (one release entry). Returns the release entry, if any."""
    locked = FundingRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.GRANTED:
        raise FundingError(_("Only a granted request can be closed."))
    envelope = _lock_envelope(locked.region_id)
    left = request_balances(locked).outstanding
    entry = None
    if left > 0:
        entry = _entry(
            envelope=envelope, kind=EntryKind.RELEASE, account=Account.RELEASED,
            amount_cents=left, actor=actor, request=locked,
            instrument=_granted_instrument(locked), note=reason or locked.reference, at=at,
        )  # fmt: skip
    request_move(request=locked, transition="close", actor=actor, reason=reason)
    request.status = locked.status
    return entry


@transaction.atomic
def entry_reverse(*, entry: LedgerEntry, actor: Any, reason: str) -> LedgerEntry:
    """Correct a ledger entry by a reversal: the same account moved by the opposite amount.

    An entry is reversed at most once, a reversal is never reversed, the entries of a
    closed project are final, and the reversal is refused when it would break the balances
    (an envelope below zero, a payment beyond its commitment, the budget over-allocated).
    """
    if not reason.strip():
        raise FundingError(_("A reversal needs a reason."))
    budget = budget_current()
    if entry.account == Account.ALLOCATED and budget is not None:
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if entry.request_id:
        FundingRequest.objects.select_for_update().get(pk=entry.request_id)
    envelope = _lock_envelope(entry.region_id)
    original = LedgerEntry.objects.select_related("request").get(pk=entry.pk)
    if original.kind == EntryKind.REVERSAL:
        raise FundingError(_("A reversal cannot itself be reversed."))
    if LedgerEntry.objects.filter(reverses=original).exists():
        raise FundingError(_("This entry has already been reversed."))
    if original.request is not None and original.request.status == RequestStatus.CLOSED:
        raise FundingError(_("The project is closed: its figures are final."))
    if original.account == Account.ALLOCATED and budget is not None:
        unallocated = budget.amount_cents - allocated_total()
        if -original.amount_cents > unallocated:
            raise FundingError(
                _("Only %(left)s of the budget is left to allocate; %(asked)s more was asked.")
                % {"left": _eur(unallocated), "asked": _eur(-original.amount_cents)}
            )
    after_envelope = envelope_balances(envelope).moved(original.account, -original.amount_cents)
    problems = ledger.envelope_problems(after_envelope)
    if original.request is not None and not problems:
        after_request = request_balances(original.request).moved(
            original.account, -original.amount_cents
        )
        problems = ledger.request_problems(after_request)
        if problems:
            raise FundingError(
                _("Refused: %(problems)s.") % {"problems": _problems_text(problems, after_request)}
            )
    if problems:
        raise FundingError(
            _("Refused: %(problems)s.") % {"problems": _problems_text(problems, after_envelope)}
        )
    return _entry(
        envelope=envelope,
        kind=EntryKind.REVERSAL,
        account=original.account,
        amount_cents=-original.amount_cents,
        actor=actor,
        request=original.request,
        instrument=original.instrument,
        reverses=original,
        note=reason,
    )
