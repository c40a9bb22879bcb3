"""Demo financing: the 160 M€ budget split over the 18 regions, and requests, decisions,
payments and closings for the demo firms that stand at "financing requested" or beyond.
Each request finances the firm's validated action plan (`essor.actionplans.demo`, run
before), its costs linked to the plan's actions.

Everything goes through the services (locks, aid rules, ledger, audit), so the demo ledger
reconciles like a real one. Idempotent: a second run finds the ledger and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from essor.accounts.enums import Role
from essor.accounts.models import Membership
from essor.actionplans.selectors import validated_plans
from essor.companies.enums import JourneyState as S
from essor.companies.models import Company
from essor.core.models import AuditEvent
from essor.territories.models import Region

from . import services
from .enums import AidRegime, CostType, DecisionOutcome, PaymentBasis
from .models import FundingRequest, Instrument, LedgerEntry
from .rules import max_allowed_cents
from .selectors import budget_current, firm_aid_case

# Regional envelopes in euros: the demo regions (where the demo firms are) get more.
DEMO_ENVELOPES_EUROS = {"84": 12_000_000, "53": 10_000_000, "44": 9_000_000, "75": 9_000_000}
OTHER_ENVELOPE_EUROS = 8_500_000  # each of the 14 other regions; 1 M€ stays unallocated

GRANTED_STATES = (S.FINANCING_GRANTED, S.SUPPORT_UNDERWAY, S.FOLLOW_UP)

_PROJECTS = (
    ("Robotisation de la ligne d'assemblage", CostType.EQUIPMENT, CostType.INTEGRATION),
    ("Pilotage numérique de l'atelier (MES)", CostType.DIGITAL, CostType.CONSULTING),
    ("Cellule d'usinage automatisée", CostType.EQUIPMENT, CostType.TRAINING),
    ("Jumeau numérique et maintenance prédictive", CostType.DIGITAL, CostType.INTEGRATION),
    ("Réorganisation lean et formation des équipes", CostType.CONSULTING, CostType.TRAINING),
    ("Contrôle qualité par vision industrielle", CostType.EQUIPMENT, CostType.DIGITAL),
    ("Fabrication additive métal", CostType.EQUIPMENT, CostType.WORKS),
)
_LINE_TEXT = {
    CostType.EQUIPMENT: "Équipement de production (devis fournisseur)",
    CostType.DIGITAL: "Logiciels et systèmes numériques",
    CostType.INTEGRATION: "Ingénierie et intégration",
    CostType.CONSULTING: "Accompagnement par un cabinet référencé",
    CostType.TRAINING: "Formation des opérateurs",
    CostType.WORKS: "Aménagement du bâtiment",
}


def _instrument_for(rng: random.Random, instruments: dict[str, Instrument]) -> Instrument:
    code = rng.choices(["grant", "repayable_advance", "zero_rate_loan"], [45, 35, 20])[0]
    return instruments.get(code) or next(iter(instruments.values()))


def _lines(rng: random.Random, company: Company, types: tuple[str, ...]) -> list[Any]:
    """Two or three costs, scaled to the firm's size (a project of 60 k€ to 2.5 M€)."""
    headcount = company.headcount or 20
    total = min(max(int(headcount * rng.uniform(4_000, 14_000)), 60_000), 2_500_000)
    kinds = list(types) + ([rng.choice(list(CostType.values))] if rng.random() < 0.5 else [])
    shares = [rng.uniform(0.5, 1.5) for _ in kinds]
    lines = []
    for kind, share in zip(kinds, shares, strict=True):
        euros = int(total * share / sum(shares)) // 100 * 100
        lines.append(
            services.CostLineData(
                cost_type=kind, description=_LINE_TEXT[CostType(kind)], amount_cents=euros * 100
            )
        )
    return lines


def _manager(region: Region) -> Any:
    membership = (
        Membership.objects.filter(role=Role.REGIONAL_MANAGER, region=region)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _file(
    rng: random.Random,
    company: Company,
    instruments: dict[str, Instrument],
    actor: Any,
    too_much: bool = False,
) -> FundingRequest | None:
    """A submitted request asking what the aid rules allow, or a little less (or, when
    `too_much`, a fifth more than they allow: the instruction will say why)."""
    plan = validated_plans(company).first()
    if plan is None:
        return None
    title, *types = rng.choice(_PROJECTS)
    instrument = _instrument_for(rng, instruments)
    lines = _lines(rng, company, tuple(types))
    # Each cost pays for an action of the plan (the most expensive ones first).
    actions = list(plan.actions.exclude(status="abandoned").order_by("-estimated_cost_cents", "pk"))
    if not actions:
        return None
    for line, action in zip(lines, actions * len(lines), strict=False):
        line.action_id = action.pk
        line.description = f"{_LINE_TEXT[CostType(line.cost_type)]} — {action.title}"[:300]
    costs: dict[str, int] = {}
    for line in lines:
        costs[line.cost_type] = costs.get(line.cost_type, 0) + line.amount_cents
    case = firm_aid_case(company, costs, amount_cents=1)
    ceiling = max_allowed_cents(case, instrument.rules())
    if ceiling < 10_000_00:
        return None
    amount = int(ceiling * rng.uniform(0.7, 1.0)) // 100_00 * 100_00 or ceiling
    if too_much:
        amount = ceiling * 6 // 5 // 100_00 * 100_00
    request = services.request_save(
        actor=actor, company=company, title=title, instrument=instrument,
        amount_cents=amount, lines=lines, action_plan=plan,
        description=f"Projet issu du plan d'action {plan.reference} validé avec l'expert.",
    )  # fmt: skip
    services.request_submit(request=request, actor=actor)
    return request


def _backdate(
    request: FundingRequest,
    *,
    filed: dt.datetime,
    decided: dt.datetime | None = None,
    closed: dt.datetime | None = None,
) -> None:
    """Give a demo request the dates of its story (filed, decided, closed), and its
    timeline too, as the companies demo does for the journey."""
    FundingRequest.objects.filter(pk=request.pk).update(created_at=filed, submitted_at=filed)
    events = AuditEvent.objects.filter(
        object_type=FundingRequest._meta.label_lower, object_id=str(request.pk)
    )
    events.filter(verb__in=("funding.request.create", "funding.request.submit")).update(
        created_at=filed
    )
    if decided is not None:
        events.filter(verb__in=("funding.request.grant", "funding.request.refuse")).update(
            created_at=decided
        )
    if closed is not None:
        events.filter(verb="funding.request.close").update(created_at=closed)


def _pending(
    rng: random.Random,
    company: Company,
    instruments: dict[str, Instrument],
    manager: Any,
    reached: dt.datetime,
) -> int:
    """A firm at "financing requested": its request waits for the committee (sometimes after
    a first one was refused, sometimes beside a second project of the same plan)."""
    created = 0
    span = timezone.now() - reached
    request = _file(rng, company, instruments, None)
    if request is None:
        return 0
    created += 1
    if rng.random() < 0.2:
        refused_at = reached + span * 0.4
        services.decision_create(
            request=request, actor=manager, idempotency_key=f"demo-{uuid.uuid4().hex}",
            outcome=DecisionOutcome.REFUSED,
            reason="Devis incomplets : le projet doit être précisé avant le comité.",
            at=refused_at,
        )  # fmt: skip
        _backdate(request, filed=reached, decided=refused_at)
        again = _file(rng, company, instruments, None)
        if again is not None:
            _backdate(again, filed=reached + span * 0.6)
            created += 1
    else:
        _backdate(request, filed=reached)
    # A second project of the same plan, now and then, waiting beside the first one.
    if rng.random() < 0.35:
        second = _file(rng, company, instruments, None, too_much=rng.random() < 0.3)
        if second is not None:
            _backdate(second, filed=reached + span * 0.7)
            created += 1
    return created


@transaction.atomic
def demo_funding_create(seed: int = 2015) -> int:
    """Create the demo financing once; returns the number of requests created."""
    if LedgerEntry.objects.exists() or FundingRequest.objects.exists():
        return 0
    budget = budget_current()
    if budget is None:
        return 0
    rng = random.Random(seed)
    start = timezone.now() - dt.timedelta(days=730)
    for region in Region.objects.order_by("code"):
        euros = DEMO_ENVELOPES_EUROS.get(region.code, OTHER_ENVELOPE_EUROS)
        services.envelope_set(
            region_id=region.pk,
            amount_cents=euros * 100,
            actor=None,
            reason="Répartition initiale du budget du programme",
            at=start,
        )
    instruments = {i.code: i for i in Instrument.objects.filter(is_active=True)}
    firms = list(
        Company.objects.filter(state__in=(S.FINANCING_REQUESTED, *GRANTED_STATES))
        .select_related("region")
        .order_by("pk")
    )
    managers = {region.pk: _manager(region) for region in Region.objects.all()}
    created = 0
    for company in firms:
        manager = managers.get(company.region_id)
        if rng.random() < 0.15:
            services.declared_aid_add(
                company=company, actor=None, granting_body="Conseil régional (aide à l'investissement)",
                granted_on=timezone.localdate() - dt.timedelta(days=rng.randint(60, 900)),
                amount_cents=rng.randint(20, 90) * 1_000_00, regime=AidRegime.DE_MINIMIS,
                note="Attestation de minimis fournie par l'entreprise",
            )  # fmt: skip
        # The day the firm reached "financing requested" (its current step) or was granted.
        reached = company.state_changed_at
        if company.state == S.FINANCING_REQUESTED:
            created += _pending(rng, company, instruments, manager, reached)
            continue
        if company.state == S.FINANCING_GRANTED:
            when = reached
        else:
            when = reached - dt.timedelta(days=rng.randint(5, 40))
        filed = when - dt.timedelta(days=rng.randint(20, 60))
        request = _file(rng, company, instruments, None)
        if request is None:
            continue
        created += 1
        amount = request.amount_cents
        if rng.random() < 0.3:
            amount = amount * 9 // 10 // 100_00 * 100_00 or amount
        try:
            services.decision_create(
                request=request, actor=manager, idempotency_key=f"demo-{uuid.uuid4().hex}",
                outcome=DecisionOutcome.GRANTED, instrument=request.instrument,
                amount_cents=amount, at=when,
                conditions="Versement sur présentation des factures acquittées.",
            )  # fmt: skip
        except services.FundingError:
            continue
        moments = {"filed": filed, "decided": when}
        paid_share = {S.FINANCING_GRANTED: 0.0, S.SUPPORT_UNDERWAY: 0.4, S.FOLLOW_UP: 0.8}
        share = paid_share[S(company.state)]
        elapsed = timezone.now() - when

        def later(
            fraction: float, since: dt.datetime = when, span: dt.timedelta = elapsed
        ) -> dt.datetime:
            """A moment between the decision and now: payments never lie in the future."""
            return since + span * fraction

        if share:
            first = amount * 3 // 10 // 100 * 100
            services.payment_record(
                request=request, actor=manager, amount_cents=first, basis=PaymentBasis.MILESTONE,
                reference="Avance au démarrage du projet", paid_on=timezone.localdate(later(0.2)),
                at=later(0.2),
            )  # fmt: skip
            if share > 0.5:
                second = amount * rng.randint(40, 60) // 100 // 100 * 100
                services.payment_record(
                    request=request, actor=manager, amount_cents=second,
                    basis=PaymentBasis.INVOICE, reference=f"Facture FA-{rng.randint(1000, 9999)}",
                    paid_on=timezone.localdate(later(0.6)), at=later(0.6),
                )  # fmt: skip
                if rng.random() < 0.5:
                    # The project closed below its budget: what is left goes back.
                    services.request_close(
                        request=request, actor=manager, reason="Projet terminé, solde libéré",
                        at=later(0.9),
                    )  # fmt: skip
                    moments["closed"] = later(0.9)
        _backdate(request, **moments)
    return created
