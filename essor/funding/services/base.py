"""What every financing service shares: the refusals they raise, and the one way a
money movement is written (`_entry`, under the envelope's lock from `_lock_envelope`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from essor.core.formatting import format_euros
from essor.core.services import SYSTEM_ACTOR_LABEL, audit_record

from .. import ledger
from ..models import Envelope, FundingRequest, Instrument, LedgerEntry
from ..rules import Verdict
from ..selectors import budget_current


class FundingError(Exception):
    """A money movement or a decision that is refused; the message says why, with figures."""


class InsufficientFunds(FundingError):
    pass


class AidRulesRefusal(FundingError):
    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        super().__init__(" ".join(verdict.messages()))


class AlreadyDecided(FundingError):
    pass


class IdempotencyKeyReused(FundingError):
    pass


def _actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return SYSTEM_ACTOR_LABEL
    # The name only, like the audit trail: no e-mail address in an entry that can never be
    # changed (the account, with its address, stays erasable).
    return (actor.get_full_name() or f"#{actor.pk}")[:200]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _eur(cents: int) -> str:
    """Cents in euros, in the active language (messages shown to the user)."""
    return format_euros(cents, get_language() or "fr")


def _problems_text(problems: list[str], b: ledger.Balances) -> str:
    words = {
        ledger.NEGATIVE_ALLOCATION: _("the allocation would be negative"),
        ledger.OVERCOMMITTED: _("the envelope would be overcommitted (available %(available)s)")
        % {"available": _eur(b.available)},
        ledger.OVERPAID: _("more would be paid than committed (%(paid)s paid > %(committed)s)")
        % {"paid": _eur(b.paid), "committed": _eur(b.committed)},
        ledger.NEGATIVE_ACCOUNT: _("a balance would go below zero"),
    }
    return "; ".join(str(words[p]) for p in problems)


def _lock_envelope(region_id: int) -> Envelope:
    budget = budget_current()
    if budget is None:
        raise FundingError(_("The programme has no budget yet."))
    Envelope.objects.get_or_create(budget=budget, region_id=region_id)
    return (
        Envelope.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(budget=budget, region_id=region_id)
    )


def _entry(
    *, envelope: Envelope, kind: str, account: str, amount_cents: int, actor: Any,
    request: FundingRequest | None = None, instrument: Instrument | None = None,
    reverses: LedgerEntry | None = None, note: str = "", at: dt.datetime | None = None,
) -> LedgerEntry:  # fmt: skip
    """Append one entry and its audit event. The caller holds the envelope's lock and has
    checked the balances."""
    entry = LedgerEntry.objects.create(
        envelope=envelope,
        region_id=envelope.region_id,
        kind=kind,
        account=account,
        amount_cents=amount_cents,
        request=request,
        instrument=instrument,
        reverses=reverses,
        note=note[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor),
        created_at=at or timezone.now(),
    )
    audit_record(
        actor=actor,
        verb=f"funding.{kind}",
        obj=entry,
        after={
            "envelope": envelope.region.code,
            "account": account,
            "amount_cents": amount_cents,
            "request": request.pk if request else None,
            "reverses": reverses.pk if reverses else None,
        },
        reason=note,
        region_code=envelope.region.code,
    )
    return entry
