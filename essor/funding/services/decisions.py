"""Decisions on funding requests: idempotent, checked by the aid rules, never beyond the
regional envelope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.companies.enums import JourneyState
from essor.companies.journey import journey_apply
from essor.companies.models import Company

from ..enums import Account, DecisionOutcome, EntryKind, RequestStatus
from ..models import Decision, FundingRequest, Instrument
from ..rules import Verdict
from ..selectors import aid_verdict, envelope_balances, undertaking_lock
from ..workflow import request_move
from .base import (
    AidRulesRefusal,
    AlreadyDecided,
    FundingError,
    IdempotencyKeyReused,
    InsufficientFunds,
    _entry,
    _eur,
    _lock_envelope,
    _user,
)


def _verdict_figures(verdict: Verdict) -> dict[str, Any]:
    return {
        "eligible_cents": verdict.eligible_cents,
        "gge_cents": verdict.gge_cents,
        "de_minimis_total_cents": verdict.de_minimis_total_cents,
        "instrument_total_cents": verdict.instrument_total_cents,
        "breaches": [b.rule for b in verdict.breaches],
    }


def decision_create(
    *, request: FundingRequest, actor: Any, idempotency_key: str, outcome: str,
    instrument: Instrument | None = None, amount_cents: int = 0, conditions: str = "",
    reason: str = "", at: dt.datetime | None = None,
) -> tuple[Decision, bool]:  # fmt: skip
    """Decide a submitted request; returns (decision, created).

    Idempotent: a decision already recorded under `idempotency_key` for this request is
    returned as it is (created False), and nothing is decided twice. A grant is refused
    (`AidRulesRefusal`) when the aid rules refuse it (intensity, ceiling per firm, de minimis
    of Regulation (EU) 2023/2831), and (`InsufficientFunds`) when the regional envelope's
    available amount — read under the envelope's row lock — cannot cover it. A grant commits
    the amount on the envelope and moves the firm to "financing granted".
    """
    key = idempotency_key.strip()
    if not key or len(key) > 80:
        raise FundingError(_("A decision needs an idempotency key of 1 to 80 characters."))
    try:
        return _decide(
            request=request, actor=actor, key=key, outcome=outcome, instrument=instrument,
            amount_cents=amount_cents, conditions=conditions, reason=reason, at=at,
        )  # fmt: skip
    except IntegrityError:
        # Only a clash on the idempotency key is a replay or a reuse: the same key, used at
        # the same moment (the other transaction committed first). Anything else is a real
        # failure and is raised as it is.
        existing = Decision.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        if existing.request_id == request.pk:
            return existing, False
        raise IdempotencyKeyReused(
            _("This idempotency key was used for another decision.")
        ) from None


@transaction.atomic
def _decide(
    *, request: FundingRequest, actor: Any, key: str, outcome: str,
    instrument: Instrument | None, amount_cents: int, conditions: str, reason: str,
    at: dt.datetime | None,
) -> tuple[Decision, bool]:  # fmt: skip
    locked = (
        FundingRequest.objects.select_for_update(of=("self",))
        .select_related("company", "region", "instrument")
        .get(pk=request.pk)
    )
    existing = Decision.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.request_id != locked.pk:
            raise IdempotencyKeyReused(_("This idempotency key was used for another decision."))
        return existing, False
    if Decision.objects.filter(request=locked).exists():
        raise AlreadyDecided(_("This request has already been decided."))
    if locked.status != RequestStatus.SUBMITTED:
        raise FundingError(
            _("Only a submitted request can be decided (this one is “%(status)s”).")
            % {"status": locked.get_status_display()}
        )
    when = at or timezone.now()
    if outcome == DecisionOutcome.REFUSED:
        if not reason.strip():
            raise FundingError(_("A refusal needs a reason."))
        decision = Decision.objects.create(
            request=locked, outcome=outcome, reason=reason.strip(), idempotency_key=key,
            decided_by=_user(actor), decided_at=when,
        )  # fmt: skip
        request_move(request=locked, transition="refuse", actor=actor, reason=reason)
        request.status = locked.status
        return decision, True
    if outcome != DecisionOutcome.GRANTED:
        raise FundingError(_("Unknown outcome."))
    instrument = instrument or locked.instrument
    if not instrument.is_active:
        raise FundingError(_("This instrument is closed to new decisions."))
    if amount_cents <= 0:
        raise FundingError(_("The amount granted must be more than zero."))
    # The aids of the whole undertaking (the firm and its group) are checked under the row
    # locks of all its firms, so that two decisions for the same firm or for sister firms
    # cannot both fit under the de minimis ceiling.
    undertaking_lock(locked.company)
    company = Company.objects.get(pk=locked.company_id)
    if not company.is_open:
        raise FundingError(
            _("%(company)s has left the programme (“%(state)s”): no aid can be granted.")
            % {"company": company.name, "state": company.get_state_display()}
        )
    verdict = aid_verdict(
        locked, instrument=instrument, amount_cents=amount_cents, on=timezone.localdate(when)
    )
    if not verdict.allowed:
        raise AidRulesRefusal(verdict)
    envelope = _lock_envelope(locked.region_id)
    balances = envelope_balances(envelope)
    if amount_cents > balances.available:
        raise InsufficientFunds(
            _("The %(region)s envelope has %(available)s available; %(asked)s cannot be committed.")
            % {
                "region": envelope.region.display_name,
                "available": _eur(balances.available),
                "asked": _eur(amount_cents),
            }
        )
    decision = Decision.objects.create(
        request=locked, outcome=outcome, instrument=instrument, amount_cents=amount_cents,
        gge_cents=verdict.gge_cents, conditions=conditions.strip(),
        checks=_verdict_figures(verdict), idempotency_key=key, decided_by=_user(actor),
        decided_at=when,
    )  # fmt: skip
    _entry(
        envelope=envelope,
        kind=EntryKind.COMMITMENT,
        account=Account.COMMITTED,
        amount_cents=amount_cents,
        actor=actor,
        request=locked,
        instrument=instrument,
        at=when,
    )
    request_move(request=locked, transition="grant", actor=actor)
    request.status = locked.status
    if company.state == JourneyState.FINANCING_REQUESTED:
        journey_apply(
            company=company,
            transition="grant_financing",
            actor=actor,
            reason=str(_("Funding request %(ref)s granted.") % {"ref": locked.reference}),
            by_system=True,
        )
    return decision, True
