"""The diagnostic workflow: every status and transition, in one place.

    draft --submit--> submitted --validate--> validated      (expert diagnostics)
                      submitted --reopen----> draft           (sent back to the expert)
    draft --submit--> submitted                               (self-assessments end here)

A status changes only through `diagnostic_transition`, which locks the row, checks the
source status and the kind, and writes an audit event (who, when, from, to, why). What
each step computes (scores at submit, peer keys at validation, the company journey) is in
`essor.diagnostics.services`, which calls this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.core.workflow import status_record

from .enums import DiagnosticKind as K
from .enums import DiagnosticStatus as S
from .models import Diagnostic


class DiagnosticError(Exception):
    """An operation on a diagnostic that is refused; the message says why (translated)."""


class WorkflowError(DiagnosticError):
    """A transition that is not possible now; the message says why."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    kinds: frozenset[str]
    label: str | Promise
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, frozenset(K.values), _("Submit")),
        Transition(
            "validate", frozenset({S.SUBMITTED}), S.VALIDATED, frozenset({K.EXPERT}), _("Validate")
        ),
        Transition(
            "reopen",
            frozenset({S.SUBMITTED}),
            S.DRAFT,
            frozenset({K.EXPERT}),
            _("Send back to the expert"),
            needs_reason=True,
        ),
    )
}


def blocking_reason(diagnostic: Diagnostic, transition: Transition) -> str | None:
    if diagnostic.kind not in transition.kinds:
        return str(_("“%(label)s” does not apply to a %(kind)s.")) % {
            "label": transition.label,
            "kind": diagnostic.get_kind_display().lower(),
        }
    if diagnostic.status not in transition.sources:
        return str(_("Not possible while the diagnostic is “%(status)s”.")) % {
            "status": diagnostic.get_status_display()
        }
    return None


@transaction.atomic
def diagnostic_transition(
    *, diagnostic: Diagnostic, name: str, actor: Any, reason: str = ""
) -> Diagnostic:
    """Move a diagnostic to its next status, or raise WorkflowError with the reason.

    The row is locked (SELECT … FOR UPDATE on PostgreSQL): two people submitting or
    validating at once cannot both pass the status check.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise WorkflowError(f"unknown transition {name!r}")
    reason = reason.strip()
    if spec.needs_reason and not reason:
        raise WorkflowError(str(_("A reason is required for “%(label)s”.")) % {"label": spec.label})
    locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    problem = blocking_reason(locked, spec)
    if problem:
        raise WorkflowError(problem)
    status_record(
        locked,
        target=spec.target,
        verb=f"diagnostic.{spec.name}",
        actor=actor,
        reason=reason,
        region_code=locked.region.code if locked.region_id and locked.region else "",
    )
    diagnostic.status = locked.status
    return diagnostic
