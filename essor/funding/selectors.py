"""Reads of financing, always scoped by the acting user; balances derived from the ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Lower, Trim
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from essor.accounts.perms import scope_of
from essor.companies.models import Company
from essor.territories.models import Region

from .committee import Candidate
from .enums import DecisionOutcome, EntryKind, RequestStatus
from .ledger import Balances, balances_from_sums
from .models import (
    Budget,
    Decision,
    DeclaredAid,
    Envelope,
    FundingRequest,
    Instrument,
    LedgerEntry,
)
from .perms import assigned_company_ids, can_instruct, can_view_consumption, sees_firms
from .rules import DE_MINIMIS_CEILING_CENTS, AidCase, PastAid, Verdict, aid_check, window_total

# ----------------------------------------------------------------------------- requests


def request_list(*, user: Any) -> QuerySet[FundingRequest]:
    """The requests the user may see: their regions', their firm's, their assigned firms'."""
    scope = scope_of(user)
    qs = FundingRequest.objects.select_related("company", "region", "instrument")
    if scope.is_national_admin:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    visible = Q(company_id__in=scope.company_ids) | Q(company_id__in=assigned_company_ids(user))
    if scope.is_regional_manager:
        visible |= Q(region_id__in=scope.region_ids)
    return qs.filter(visible)


def request_get(*, user: Any, pk: int) -> FundingRequest:
    """The request, or 404 outside the user's scope (its lines and their actions loaded)."""
    return get_object_or_404(request_list(user=user).prefetch_related("lines__action"), pk=pk)


def funding_company_list(*, user: Any) -> QuerySet[Company]:
    """Firms whose financing the user may see: managers' regions, own firm, assigned firms."""
    scope = scope_of(user)
    qs = Company.objects.select_related("region", "department")
    if scope.is_national_admin:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    visible = Q(pk__in=scope.company_ids) | Q(pk__in=assigned_company_ids(user))
    if scope.is_regional_manager:
        visible |= Q(region_id__in=scope.region_ids)
    return qs.filter(visible)


def funding_company_get(*, user: Any, pk: int) -> Company:
    return get_object_or_404(funding_company_list(user=user), pk=pk)


def pending_requests(*, region: Region) -> QuerySet[FundingRequest]:
    """Submitted requests of a region waiting for a decision (the caller checked scope)."""
    return (
        FundingRequest.objects.filter(region=region, status=RequestStatus.SUBMITTED)
        .select_related("company", "instrument")
        .prefetch_related("lines")
        .order_by("submitted_at", "pk")
    )


# ----------------------------------------------------------------------------- aid rules


def undertaking_companies(company: Company) -> QuerySet[Company]:
    """The firms forming one undertaking with this one (Regulation (EU) 2023/2831, Art. 2(2)):
    the firm itself, and the firms recorded under the same group. Group names are compared
    without regard to case ("ACME Group" and "Acme group" are one undertaking; the company
    service stores them with their spaces collapsed). On SQLite, the embedded demo database,
    only ASCII letters compare without case."""
    name = " ".join(company.group_name.split()).lower()
    if name:
        return Company.objects.annotate(group_key=Lower(Trim("group_name"))).filter(
            Q(pk=company.pk) | Q(group_key=name)
        )
    return Company.objects.filter(pk=company.pk)


def undertaking_lock(company: Company) -> list[int]:
    """Lock the rows of every firm of the undertaking, in primary-key order (so that two
    decisions for sister firms wait for each other instead of both passing the de minimis
    check on the same history). Returns their ids. Call inside a transaction."""
    ids = undertaking_companies(company).values("pk")
    return list(
        Company.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def aid_history(company: Company, *, exclude_request_id: int | None = None) -> tuple[PastAid, ...]:
    """Every aid of the undertaking: the programme's granted decisions whose commitment has
    not been reversed, and the aids declared from outside. Used by the rules; not scoped
    (figures, not rows)."""
    firms = undertaking_companies(company).values("pk")
    reversed_commitments = LedgerEntry.objects.filter(
        request_id=OuterRef("request_id"),
        kind=EntryKind.COMMITMENT,
        reversed_by__isnull=False,
    )
    decisions = (
        Decision.objects.filter(outcome=DecisionOutcome.GRANTED, request__company_id__in=firms)
        .exclude(request_id=exclude_request_id)
        .exclude(Exists(reversed_commitments))
        .select_related("instrument")
    )
    aids = [
        PastAid(
            granted_on=timezone.localtime(d.decided_at).date(),
            nominal_cents=d.amount_cents,
            gge_cents=d.gge_cents,
            instrument=d.instrument.code if d.instrument else "",
        )
        for d in decisions
    ]
    for declared in DeclaredAid.objects.filter(company_id__in=firms):
        aids.append(
            PastAid(
                granted_on=declared.granted_on,
                nominal_cents=declared.amount_cents,
                gge_cents=declared.gge_cents,
                de_minimis=declared.regime == "de_minimis",
            )
        )
    return tuple(aids)


def request_costs(request: FundingRequest) -> dict[str, int]:
    costs: dict[str, int] = defaultdict(int)
    for line in request.lines.all():
        costs[line.cost_type] += line.amount_cents
    return dict(costs)


def firm_aid_case(
    company: Company,
    costs_cents: dict[str, int],
    *,
    amount_cents: int,
    on: dt.date | None = None,
    exclude_request_id: int | None = None,
    history: tuple[PastAid, ...] | None = None,
) -> AidCase:
    """A firm's project as the aid rules see it (`aid_case` for a request already saved).
    `history` may be given when the caller already loaded the undertaking's aids."""
    if history is None:
        history = aid_history(company, exclude_request_id=exclude_request_id)
    return AidCase(
        size_class=company.size_class,
        costs_cents=costs_cents,
        amount_cents=amount_cents,
        on=on or timezone.localdate(),
        history=history,
    )


def aid_case(
    request: FundingRequest,
    *,
    amount_cents: int | None = None,
    on: dt.date | None = None,
    history: tuple[PastAid, ...] | None = None,
) -> AidCase:
    """The request as the aid rules see it (or with another amount or day); its own
    decision, if any, is left out of the history."""
    return firm_aid_case(
        request.company,
        request_costs(request),
        amount_cents=request.amount_cents if amount_cents is None else amount_cents,
        on=on,
        exclude_request_id=request.pk,
        history=history,
    )


def aid_verdict(
    request: FundingRequest,
    *,
    instrument: Instrument | None = None,
    amount_cents: int | None = None,
    on: dt.date | None = None,
) -> Verdict:
    """The aid rules applied to this request (or to another instrument or amount)."""
    instrument = instrument or request.instrument
    return aid_check(aid_case(request, amount_cents=amount_cents, on=on), instrument.rules())


@dataclass(frozen=True)
class AidSummary:
    """A firm's aid history as shown on its page."""

    decisions: list[Decision]
    declared: list[DeclaredAid]
    de_minimis_cents: int  # grant equivalents over the three years ending today
    room_cents: int
    group_firms: int  # other firms counted as the same undertaking


def de_minimis_used(company: Company) -> int:
    """The undertaking's de minimis aids (grant equivalents) over the three years ending
    today."""
    return window_total(aid_history(company), timezone.localdate())


def aid_summary(company: Company) -> AidSummary:
    total = de_minimis_used(company)
    return AidSummary(
        decisions=list(
            Decision.objects.filter(request__company=company)
            .select_related("request", "instrument")
            .order_by("-decided_at")
        ),
        declared=list(company.declared_aids.all()),
        de_minimis_cents=total,
        room_cents=DE_MINIMIS_CEILING_CENTS - total,
        group_firms=undertaking_companies(company).exclude(pk=company.pk).count(),
    )


def committee_candidates(
    requests: list[FundingRequest],
) -> tuple[list[Candidate], dict[int, Verdict], dict[str, int]]:
    """The pending requests as knapsack candidates, their aid-rule verdicts and the firms'
    limits.

    Each candidate weighs the amount it asks; its expected impact is the private
    investment it leverages (total costs − amount asked). A request the aid rules refuse
    on its own is left out. A firm with several requests waiting shares its de minimis room
    (`de_minimis:<firm>`, in grant equivalents) and each instrument's ceiling per firm
    (`ceiling:<firm>:<instrument>`, nominal) between them.
    """
    candidates, verdicts, limits = [], {}, {}
    today = timezone.localdate()
    # Each firm's aid history is read once, whatever the number of its requests waiting (a
    # submitted request has no decision yet: there is nothing of its own to leave out).
    histories: dict[int, tuple[PastAid, ...]] = {}
    for request in requests:
        firm = request.company_id
        if firm not in histories:
            histories[firm] = aid_history(request.company)
        rules = request.instrument.rules()
        verdict = aid_check(aid_case(request, on=today, history=histories[firm]), rules)
        verdicts[request.pk] = verdict
        dm_key, ceiling_key = f"de_minimis:{firm}", f"ceiling:{firm}:{rules.code}"
        limits[dm_key] = DE_MINIMIS_CEILING_CENTS - (
            verdict.de_minimis_total_cents - verdict.gge_cents
        )
        limits[ceiling_key] = rules.ceiling_per_firm_cents - (
            verdict.instrument_total_cents - max(request.amount_cents, 0)
        )
        candidates.append(
            Candidate(
                key=request.pk,
                amount_cents=request.amount_cents,
                impact_cents=request.leverage_cents,
                rule_breaches=tuple(b.rule for b in verdict.breaches),
                limits=((dm_key, verdict.gge_cents), (ceiling_key, request.amount_cents)),
            )
        )
    return candidates, verdicts, limits


# ----------------------------------------------------------------------------- balances


def budget_current() -> Budget | None:
    """The budget of the programme (created from its "budget" objective the first time)."""
    from essor.dashboard.models import Programme

    budget = Budget.objects.select_related("programme").order_by("pk").first()
    if budget is not None:
        return budget
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        return None
    target = programme.objectives.filter(key="budget").values_list("target", flat=True).first()
    budget, _created = Budget.objects.get_or_create(
        programme=programme, defaults={"amount_cents": target or 0}
    )
    return budget


def _sums(qs: QuerySet[LedgerEntry], *keys: str) -> dict[tuple[Any, ...], dict[str, int]]:
    rows = qs.order_by().values(*keys, "account").annotate(total=Sum("amount_cents"))
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(dict)
    for row in rows:
        out[tuple(row[k] for k in keys)][row["account"]] = row["total"] or 0
    return out


def envelope_balances(envelope: Envelope) -> Balances:
    sums = _sums(LedgerEntry.objects.filter(envelope=envelope))
    return balances_from_sums(sums.get((), {}))


def request_balances(request: FundingRequest) -> Balances:
    sums = _sums(LedgerEntry.objects.filter(request=request))
    return balances_from_sums(sums.get((), {}))


def allocated_total() -> int:
    return (
        LedgerEntry.objects.filter(account="allocated").aggregate(t=Sum("amount_cents"))["t"] or 0
    )


@dataclass
class ConsumptionCell:
    balances: Balances = field(default_factory=Balances)
    firms: int = 0
    hidden: bool = False  # fewer firms than the small-count threshold, for aggregate viewers


@dataclass
class ConsumptionRow:
    region: Region
    envelope: Envelope | None
    total: Balances
    by_instrument: dict[int, ConsumptionCell]
    pending_cents: int = 0
    firms: int = 0
    # Committed, paid and available are hidden from aggregate viewers when fewer firms
    # than the small-count threshold were financed in the region.
    hidden: bool = False


@dataclass
class Consumption:
    budget: Budget | None
    instruments: list[Instrument]
    rows: list[ConsumptionRow]
    total: Balances
    by_instrument: dict[int, ConsumptionCell]
    national: bool  # the user sees the whole country (totals and unallocated budget)
    threshold: int
    total_hidden: bool = False  # national totals about fewer firms than the threshold

    @property
    def unallocated_cents(self) -> int:
        return (self.budget.amount_cents if self.budget else 0) - self.total.allocated


def consumption(*, user: Any) -> Consumption:
    """Envelope consumption by region and instrument (allocated, committed, paid, available).

    National admins and steering viewers see every region; regional managers their own.
    Steering viewers see aggregates only (design.md §2): no figure may concern fewer firms
    than the small-count threshold, not even by difference between figures shown.

    - a region's committed, paid and available amounts are hidden when fewer firms were
      financed there; the national total too, when the hidden regions together concern
      fewer firms (it would give their sum away);
    - the breakdown by instrument is national only (no region × instrument cells), each
      instrument hidden below the threshold, and all of them when the hidden instruments
      together concern fewer firms than the threshold.
    """
    if not can_view_consumption(user):
        raise Http404
    scope = scope_of(user)
    regions = Region.objects.order_by("name")
    if not scope.sees_national:
        regions = regions.filter(pk__in=scope.region_ids)
    region_list = list(regions)
    region_ids = [r.pk for r in region_list]
    budget = budget_current()
    envelopes = {
        e.region_id: e
        for e in Envelope.objects.filter(region_id__in=region_ids).select_related("region")
    }
    entries = LedgerEntry.objects.filter(region_id__in=region_ids)
    totals = _sums(entries, "region_id")
    cells = _sums(entries.filter(instrument__isnull=False), "region_id", "instrument_id")
    # Which firms each figure concerns: (region, instrument, firm) of every entry with one.
    firms_of: dict[tuple[str, int], set[int]] = defaultdict(set)
    for region_id, instrument_id, company_id in (
        entries.filter(request__isnull=False)
        .order_by()
        .values_list("region_id", "instrument_id", "request__company_id")
        .distinct()
    ):
        firms_of[("region", region_id)].add(company_id)
        if instrument_id is not None:
            firms_of[("instrument", instrument_id)].add(company_id)
            firms_of[(f"cell{region_id}", instrument_id)].add(company_id)
    pending = dict(
        FundingRequest.objects.filter(region_id__in=region_ids, status=RequestStatus.SUBMITTED)
        .order_by()
        .values_list("region_id")
        .annotate(total=Sum("amount_cents"))
    )
    instruments = list(Instrument.objects.all())
    mask = not sees_firms(user)
    threshold = settings.ESSOR_SMALL_COUNT_THRESHOLD

    def small(firms: set[int]) -> bool:
        return mask and 0 < len(firms) < threshold

    rows = []
    for region in region_list:
        by_instrument = {}
        for instrument in instruments:
            firms = firms_of.get((f"cell{region.pk}", instrument.pk), set())
            by_instrument[instrument.pk] = ConsumptionCell(
                balances_from_sums(cells.get((region.pk, instrument.pk), {})),
                len(firms),
                hidden=mask,  # aggregate viewers get the breakdown nationally only
            )
        region_firms = firms_of.get(("region", region.pk), set())
        rows.append(
            ConsumptionRow(
                region,
                envelopes.get(region.pk),
                balances_from_sums(totals.get((region.pk,), {})),
                by_instrument,
                pending.get(region.pk) or 0,
                len(region_firms),
                hidden=small(region_firms),
            )
        )
    national_cells = {}
    hidden_instrument_firms: set[int] = set()
    for instrument in instruments:
        sums: dict[str, int] = defaultdict(int)
        for row in rows:
            cell_balances = row.by_instrument[instrument.pk].balances
            sums["committed"] += cell_balances.committed_gross
            sums["paid"] += cell_balances.paid
            sums["released"] += cell_balances.released
        firms = firms_of.get(("instrument", instrument.pk), set())
        national_cells[instrument.pk] = ConsumptionCell(
            balances_from_sums(sums), len(firms), hidden=small(firms)
        )
        if small(firms):
            hidden_instrument_firms |= firms
    if small(hidden_instrument_firms):
        for cell in national_cells.values():
            cell.hidden = True
    total = balances_from_sums(
        {
            "allocated": sum(r.total.allocated for r in rows),
            "committed": sum(r.total.committed_gross for r in rows),
            "paid": sum(r.total.paid for r in rows),
            "released": sum(r.total.released for r in rows),
        }
    )
    hidden_region_firms: set[int] = set()
    for row in rows:
        if row.hidden:
            hidden_region_firms |= firms_of.get(("region", row.region.pk), set())
    all_firms = set().union(*(f for k, f in firms_of.items() if k[0] == "region"))
    return Consumption(
        budget,
        instruments,
        rows,
        total,
        national_cells,
        scope.sees_national,
        threshold,
        total_hidden=small(hidden_region_firms) or small(all_firms),
    )


def envelope_get(*, user: Any, code: str) -> Envelope:
    """A region's envelope page: national admins and the region's managers (404 otherwise).
    The envelope row is created on first sight (with nothing allocated)."""
    region = get_object_or_404(Region, code=code)
    if not can_instruct(user, region.pk):
        raise Http404
    budget = budget_current()
    if budget is None:
        raise Http404
    envelope, _created = Envelope.objects.select_related("region").get_or_create(
        budget=budget, region=region
    )
    return envelope


def envelope_entries(envelope: Envelope) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(envelope=envelope)
        .select_related("request", "request__company", "instrument", "reverses")
        .order_by("-created_at", "-pk")
    )
