"""Pages of the budget and the regional envelopes: consumption, allocations, the ledger,
corrections, and the committee advice."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.core.formatting import euros_input, format_euros

from .. import committee as committee_core
from .. import exporting, selectors, services
from ..committee import Advice, advise
from ..forms import AmountForm, ReasonForm, SessionBudgetForm
from ..models import FundingRequest, LedgerEntry
from ..perms import can_manage_envelopes, can_view_consumption, sees_firms
from ..rules import Verdict
from .common import EXPORT_FORMATS, _export
from .feedback import form_refused


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    data = selectors.consumption(user=request.user)
    return render(
        request,
        "funding/overview.html",
        {
            "data": data,
            "can_manage": can_manage_envelopes(request.user),
            "sees_firms": sees_firms(request.user),
            "budget_form": AmountForm(
                initial={"amount": euros_input(data.budget.amount_cents if data.budget else 0)}
            ),
        },
    )


@login_required
@require_POST
def budget_edit(request: HttpRequest) -> HttpResponse:
    if not can_manage_envelopes(request.user):
        raise Http404
    form = AmountForm(request.POST)
    if not form.is_valid() or form.cleaned_data["amount"] is None:
        messages.error(request, _("Give the budget in euros."))
        return redirect("funding:overview")
    try:
        services.budget_set(
            amount_cents=form.cleaned_data["amount"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Budget updated."))
    return redirect("funding:overview")


@login_required
def consumption_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in EXPORT_FORMATS or not can_view_consumption(request.user):
        raise Http404
    headers, rows = exporting.consumption_table(selectors.consumption(user=request.user))
    return _export(_("envelopes"), fmt, headers, rows)


@login_required
def envelope_detail(request: HttpRequest, code: str) -> HttpResponse:
    envelope = selectors.envelope_get(user=request.user, code=code)
    balances = selectors.envelope_balances(envelope)
    entries = Paginator(selectors.envelope_entries(envelope), 50).get_page(request.GET.get("page"))
    reversed_ids = set(
        LedgerEntry.objects.filter(reverses__in=[e.pk for e in entries.object_list]).values_list(
            "reverses_id", flat=True
        )
    )
    pending = selectors.pending_requests(region=envelope.region).aggregate(
        n=Count("pk"), total=Sum("amount_cents")
    )
    return render(
        request,
        "funding/envelope_detail.html",
        {
            "envelope": envelope,
            "balances": balances,
            "entries": entries,
            "reversed_ids": reversed_ids,
            "pending_count": pending["n"],
            "pending_cents": pending["total"] or 0,
            "can_manage": can_manage_envelopes(request.user),
            "allocate_form": AmountForm(initial={"amount": euros_input(balances.allocated)}),
            "reverse_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def envelope_allocate(request: HttpRequest, code: str) -> HttpResponse:
    if not can_manage_envelopes(request.user):
        raise Http404
    envelope = selectors.envelope_get(user=request.user, code=code)
    form = AmountForm(request.POST)
    if not form.is_valid() or form.cleaned_data["amount"] is None:
        messages.error(request, _("Give the envelope's amount in euros."))
        return redirect(envelope)
    try:
        entry = services.envelope_set(
            region_id=envelope.region_id,
            amount_cents=form.cleaned_data["amount"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Envelope updated.") if entry else _("The envelope already holds this amount."),
        )
    return redirect(envelope)


@login_required
@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_envelopes(request.user):
        raise Http404
    entry = get_object_or_404(LedgerEntry.objects.select_related("envelope__region"), pk=pk)
    form = ReasonForm(request.POST)
    if form_refused(request, form):
        return redirect(entry.envelope)
    try:
        services.entry_reverse(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Entry reversed."))
    return redirect(entry.envelope)


@login_required
def committee(request: HttpRequest, code: str) -> HttpResponse:
    """Advice for the funding committee: the best use of what is left (CP-SAT).

    The page lists the requests waiting; the aid rules are checked and the solver runs only
    when the manager asks for the advice (the "Advise" button, `?advise=1`, or an amount
    for the session), not on every visit."""
    envelope = selectors.envelope_get(user=request.user, code=code)
    balances = selectors.envelope_balances(envelope)
    pending = list(selectors.pending_requests(region=envelope.region))
    form = SessionBudgetForm(request.GET or None)
    capacity = balances.available
    if form.is_valid() and form.cleaned_data["session"] is not None:
        capacity = min(capacity, form.cleaned_data["session"])
    language = get_language() or "fr"
    asked = ("advise" in request.GET or "session" in request.GET) and form.is_valid()
    selection = None
    if asked:
        candidates, verdicts, limits = selectors.committee_candidates(pending)
        selection = advise(candidates, capacity, limits)
        advice = {a.key: a for a in selection.advice}
        rows = [
            CommitteeRow(
                request=r,
                advice=advice[r.pk],
                why=_why(advice[r.pk], verdicts[r.pk], language, capacity < balances.available),
                ratio=_ratio(r.leverage_cents, r.amount_cents, language),
            )
            for r in pending
        ]
        rows.sort(
            key=lambda row: (
                not advice[row.request.pk].selected,
                advice[row.request.pk].rank or 10**9,
            )
        )
    else:
        rows = [
            CommitteeRow(
                request=r,
                advice=None,
                why="",
                ratio=_ratio(r.leverage_cents, r.amount_cents, language),
            )
            for r in pending
        ]
    return render(
        request,
        "funding/committee.html",
        {
            "envelope": envelope,
            "balances": balances,
            "selection": selection,
            "rows": rows,
            "form": form,
            "session": capacity < balances.available,
        },
    )


@dataclass(frozen=True)
class CommitteeRow:
    request: FundingRequest
    advice: Advice | None  # None until the manager asks for the advice
    why: str
    ratio: str


def _why(advice: Advice, verdict: Verdict, language: str, session: bool = False) -> str:
    """Why a request is in or out of the advised selection, with the figures."""
    if advice.reason == committee_core.IN:
        return _("in: impact per euro rank %(rank)s") % {"rank": advice.rank}
    amount = {"amount": format_euros(advice.excess_cents, language)}
    if advice.reason == committee_core.OUT_EXCEEDS:
        if session:
            return _("out: would exceed the session's amount by %(amount)s") % amount
        return _("out: would exceed the envelope by %(amount)s") % amount
    if advice.reason == committee_core.OUT_TOO_LARGE:
        if session:
            return _("out: asks %(amount)s more than the whole session's amount") % amount
        return _("out: asks %(amount)s more than the envelope has available") % amount
    if advice.reason == committee_core.OUT_LIMIT:
        if advice.limit.startswith("de_minimis:"):
            return (
                _(
                    "out: beside the firm's other selected requests, it would exceed its de "
                    "minimis room by %(amount)s of grant equivalent"
                )
                % amount
            )
        return (
            _(
                "out: beside the firm's other selected requests, it would exceed the "
                "instrument's ceiling per firm by %(amount)s"
            )
            % amount
        )
    if advice.reason == committee_core.OUT_RULES:
        return _("out: the aid rules refuse it. %(why)s") % {
            "why": " ".join(verdict.messages(language))
        }
    return _("out: it leverages no private investment")


def _ratio(leverage: int, amount: int, language: str) -> str:
    if amount <= 0:
        return "—"
    text = f"{leverage / amount:.2f}"
    return text.replace(".", ",") if language.startswith("fr") else text
