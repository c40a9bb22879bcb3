"""A funding request's life, in one place.

    draft → submitted → granted → closed
                      ↘ refused
    draft, submitted → withdrawn

Filing and submitting belong to the firm (or its assigned expert); granting and refusing
happen only through a decision (`services.decision_create`), closing through
`services.request_close` (which releases what was committed and not paid). Each move writes
an audit event (who, when, from, to, why).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from essor.core.workflow import status_record

from .enums import RequestStatus as R
from .models import FundingRequest


class WorkflowError(Exception):
    """A move that is not allowed now; the message says why, in the user's language."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", frozenset({R.DRAFT}), R.SUBMITTED),
        Transition("grant", frozenset({R.SUBMITTED}), R.GRANTED),
        Transition("refuse", frozenset({R.SUBMITTED}), R.REFUSED),
        Transition("close", frozenset({R.GRANTED}), R.CLOSED),
        Transition("withdraw", frozenset({R.DRAFT, R.SUBMITTED}), R.WITHDRAWN),
    )
}


def request_move(
    *,
    request: FundingRequest,
    transition: str,
    actor: Any,
    reason: str = "",
    fields: Iterable[str] = (),
) -> FundingRequest:
    """Change the request's status along `transition` and audit it; `fields` are the other
    columns the step set on the request. The caller holds the request's row lock and runs
    inside a transaction."""
    spec = TRANSITIONS[transition]
    if request.status not in spec.sources:
        raise WorkflowError(
            str(_("Not possible while the request is “%(status)s”."))
            % {"status": request.get_status_display()}
        )
    status_record(
        request,
        target=spec.target,
        verb=f"funding.request.{spec.name}",
        actor=actor,
        reason=reason,
        region_code=request.region.code,
        fields=fields,
    )
    return request
