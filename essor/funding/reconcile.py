"""The ledger check: proves that the balances derived from the ledger reconcile.

`ledger_check()` returns a report whose `problems` list is empty when, and only when:

1. every envelope's balances hold (`ledger.envelope_problems`): nothing allocated below
   zero, the available amount never below zero, nothing paid beyond what is committed;
2. every request's balances hold (`ledger.request_problems`): nothing paid or released
   beyond its commitment;
3. the envelopes together hold no more than the programme's budget;
4. every reversal mirrors the entry it reverses (same envelope, account and request, the
   opposite amount) and no reversal is itself reversed;
5. every granted decision is matched by commitment entries of exactly its amount, and no
   other request carries a commitment;
6. the payments recorded on each request add up to its payment entries, each payment
   being carried by one payment entry of the same amount;
7. releases happen only on closed projects, and a closed project has nothing left to pay;
8. every entry carries its envelope's region and has an audit event (design.md §5).

Run by `essor funding reconcile` (exit status 1 on a problem).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum

from essor.core.models import AuditEvent

from . import ledger
from .enums import DecisionOutcome, EntryKind, RequestStatus
from .models import Decision, Envelope, FundingRequest, LedgerEntry, Payment
from .selectors import _sums, budget_current


@dataclass
class Report:
    envelopes: int = 0
    entries: int = 0
    requests: int = 0
    allocated_cents: int = 0
    committed_cents: int = 0
    paid_cents: int = 0
    available_cents: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_check() -> Report:
    report = Report()
    entries = LedgerEntry.objects.all()
    report.entries = entries.count()

    # 1. envelopes
    by_envelope = _sums(entries, "envelope_id")
    names = {e.pk: e.region.code for e in Envelope.objects.select_related("region")}
    report.envelopes = len(names)
    for (envelope_id,), sums in sorted(by_envelope.items()):
        b = ledger.balances_from_sums(sums)
        report.allocated_cents += b.allocated
        report.committed_cents += b.committed
        report.paid_cents += b.paid
        report.available_cents += b.available
        for problem in ledger.envelope_problems(b):
            report.problems.append(
                f"envelope {names.get(envelope_id)}: {problem} (allocated {b.allocated}, "
                f"committed {b.committed}, paid {b.paid}, available {b.available})"
            )

    # 2. requests
    by_request = _sums(entries.filter(request__isnull=False), "request_id")
    report.requests = len(by_request)
    request_balances = {key[0]: ledger.balances_from_sums(s) for key, s in by_request.items()}
    for request_id, b in sorted(request_balances.items()):
        for problem in ledger.request_problems(b):
            report.problems.append(
                f"request {request_id}: {problem} (committed {b.committed}, paid {b.paid})"
            )

    # 3. budget
    budget = budget_current()
    if budget is not None and report.allocated_cents > budget.amount_cents:
        report.problems.append(
            f"budget: envelopes hold {report.allocated_cents} > budget {budget.amount_cents}"
        )

    # 4. reversals
    bad_reversals = entries.filter(kind=EntryKind.REVERSAL).exclude(
        Q(amount_cents=-F("reverses__amount_cents"))
        & Q(account=F("reverses__account"))
        & Q(envelope_id=F("reverses__envelope_id"))
        & ~Q(reverses__kind=EntryKind.REVERSAL)
    )
    for entry_id in bad_reversals.values_list("pk", flat=True):
        report.problems.append(f"entry {entry_id}: reversal does not mirror its original")
    mismatched_request = entries.filter(kind=EntryKind.REVERSAL).exclude(
        Q(request_id=F("reverses__request_id"))
        | Q(request__isnull=True, reverses__request__isnull=True)
    )
    for entry_id in mismatched_request.values_list("pk", flat=True):
        report.problems.append(f"entry {entry_id}: reversal names another request")

    # 5. decisions and commitments
    commitments = dict(
        entries.filter(kind=EntryKind.COMMITMENT)
        .order_by()
        .values_list("request_id")
        .annotate(total=Sum("amount_cents"))
    )
    granted = dict(
        Decision.objects.filter(outcome=DecisionOutcome.GRANTED).values_list(
            "request_id", "amount_cents"
        )
    )
    for request_id in sorted(set(commitments) | set(granted)):
        if commitments.get(request_id, 0) != granted.get(request_id, 0):
            report.problems.append(
                f"request {request_id}: decision grants {granted.get(request_id, 0)}, "
                f"commitments {commitments.get(request_id, 0)}"
            )

    # 6. payments
    paid_entries = dict(
        entries.filter(kind=EntryKind.PAYMENT)
        .order_by()
        .values_list("request_id")
        .annotate(total=Sum("amount_cents"))
    )
    paid_records = dict(
        Payment.objects.order_by().values_list("request_id").annotate(total=Sum("amount_cents"))
    )
    for request_id in sorted(set(paid_entries) | set(paid_records)):
        if paid_entries.get(request_id, 0) != paid_records.get(request_id, 0):
            report.problems.append(
                f"request {request_id}: payments {paid_records.get(request_id, 0)}, "
                f"payment entries {paid_entries.get(request_id, 0)}"
            )
    mismatched_payments = Payment.objects.exclude(
        Q(entry__kind=EntryKind.PAYMENT)
        & Q(entry__amount_cents=F("amount_cents"))
        & Q(entry__request_id=F("request_id"))
    )
    for payment_id in mismatched_payments.values_list("pk", flat=True):
        report.problems.append(f"payment {payment_id}: its entry does not carry it")

    # 7. releases and closed projects
    released_open = (
        entries.filter(kind=EntryKind.RELEASE)
        .exclude(request__status=RequestStatus.CLOSED)
        .values_list("request_id", flat=True)
        .distinct()
    )
    for request_id in released_open:
        report.problems.append(f"request {request_id}: release on a project still open")
    closed = FundingRequest.objects.filter(status=RequestStatus.CLOSED).values_list("pk", flat=True)
    for request_id in closed:
        closed_balances = request_balances.get(request_id)
        if closed_balances is not None and closed_balances.outstanding != 0:
            report.problems.append(
                f"request {request_id}: closed with {closed_balances.outstanding} committed "
                "and not paid"
            )

    # 8. regions and audit events
    for entry_id in entries.exclude(region_id=F("envelope__region_id")).values_list(
        "pk", flat=True
    ):
        report.problems.append(f"entry {entry_id}: region differs from its envelope's")
    audited = AuditEvent.objects.filter(
        object_type=LedgerEntry._meta.label_lower, verb__startswith="funding."
    ).aggregate(n=Count("object_id", distinct=True))["n"]
    if audited < report.entries:
        audited_ids = set(
            AuditEvent.objects.filter(object_type=LedgerEntry._meta.label_lower).values_list(
                "object_id", flat=True
            )
        )
        missing = [pk for pk in entries.values_list("pk", flat=True) if str(pk) not in audited_ids]
        for pk in missing[:20]:
            report.problems.append(f"entry {pk}: no audit event")
        if len(missing) > 20:
            report.problems.append(f"… and {len(missing) - 20} more entries without audit event")
    return report


def report_lines(report: Report) -> list[str]:
    from essor.core.formatting import format_euros

    lines = [
        f"{report.envelopes} envelopes, {report.requests} requests with money, "
        f"{report.entries} ledger entries",
        f"allocated {format_euros(report.allocated_cents, 'en')}, committed "
        f"{format_euros(report.committed_cents, 'en')}, paid "
        f"{format_euros(report.paid_cents, 'en')}, available "
        f"{format_euros(report.available_cents, 'en')}",
    ]
    lines += [f"PROBLEM {p}" for p in report.problems]
    lines.append("the ledger reconciles" if report.ok else f"{len(report.problems)} problem(s)")
    return lines
