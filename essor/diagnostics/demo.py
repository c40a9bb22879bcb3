"""Demo diagnostics: a validated T0 for every demo firm past "diagnostic scheduled", a T1
showing progress for firms in follow-up, peers enough for a benchmark, a rich diagnostic
for the demo company account and a draft for the demo expert to carry on.

Idempotent: a firm that has its diagnostic keeps it; a second run adds nothing. Answers
are random but seeded per firm (same demo every time) and realistic: each firm has a
maturity, each dimension a spread around it, and answers follow it (with some N/A where a
question allows it, and a few questions left unanswered).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from essor.accounts.models import User
from essor.companies.enums import JourneyState as S
from essor.companies.models import Company
from essor.core.models import AuditEvent
from essor.referentiel.model import Dimension, Question, QuestionKind, Referentiel

from .enums import DiagnosticKind, DiagnosticStatus, Phase, headcount_class
from .models import Diagnostic
from .peers import keys_of, peers_refresh
from .perms import mission_company_ids
from .services import (
    NoteInput,
    default_referentiel,
    diagnostic_create,
    diagnostic_save_answers,
    diagnostic_save_notes,
    diagnostic_set_kpis,
    diagnostic_submit,
    diagnostic_validate,
)

DEMO_DOMAIN = "demo.essor.fr"
COMPANY_ACCOUNT = f"entreprise@{DEMO_DOMAIN}"
EXPERT_ACCOUNT = f"expert@{DEMO_DOMAIN}"
DIAGNOSED_STATES = (
    S.DIAGNOSED, S.PLAN_VALIDATED, S.FINANCING_REQUESTED, S.FINANCING_GRANTED,
    S.SUPPORT_UNDERWAY, S.FOLLOW_UP, S.CLOSED, S.WITHDRAWN,
)  # fmt: skip
T1_STATES = (S.FOLLOW_UP, S.CLOSED)
# Peers of the demo company account's firm (same NAF division, headcount class, region).
BENCHMARK_PEERS = 12
NA_REASONS = (
    "Sans objet sur ce site : pas de procédé concerné.",
    "Activité de sous-traitance pure, la question ne s'applique pas.",
    "Non pertinent pour la taille de l'atelier.",
)


def _rng(company: Company, salt: str) -> random.Random:
    return random.Random(zlib.crc32(f"{company.siren}:{salt}".encode()))


# --- realistic answers ----------------------------------------------------------------------


def _closest(values: list[float], target: float) -> int:
    return min(range(len(values)), key=lambda i: (abs(values[i] - target), i))


def _answer(
    question: Question, dimension: Dimension, s: float, rng: random.Random
) -> dict[str, Any]:
    """An answer near the question score `s` in [0, 1]."""
    noisy = min(1.0, max(0.0, s + rng.gauss(0, 0.12)))
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        values = [o.value or 0.0 for o in question.options]
        return {"option": question.options[_closest(values, noisy)].id}
    if kind is QuestionKind.LEVEL:
        return {"level": max(0, min(5, round(noisy * 5)))}
    if kind is QuestionKind.MULTIPLE:
        chosen = [
            o.id
            for o in question.options
            if rng.random() < (noisy if (o.weight or 0) > 0 else (1 - noisy) * 0.5)
        ]
        return {"options": chosen}
    if kind is QuestionKind.GRID:
        values = [c.value or 0.0 for c in question.columns]
        rows = {
            r.id: question.columns[
                _closest(values, min(1.0, max(0.0, noisy + rng.gauss(0, 0.1))))
            ].id
            for r in question.rows
        }
        return {"rows": rows}
    if kind is QuestionKind.GRID_MULTIPLE:
        return {
            "rows": {
                r.id: [c.id for c in question.columns if rng.random() < noisy * 0.9]
                for r in question.rows
            }
        }
    # number: a figure inside the threshold band whose value is closest to the target
    thresholds = question.thresholds
    index = _closest([t.value for t in thresholds], noisy)
    low = thresholds[index].from_
    high = thresholds[index + 1].from_ if index + 1 < len(thresholds) else low * 1.3 + 1
    number = round(low + (high - low) * rng.random() * 0.9, 1)
    return {"number": int(number) if number.is_integer() else number}


def demo_answers(
    ref: Referentiel,
    rng: random.Random,
    maturity: float,
    *,
    na: set[str] | None = None,
    spread: dict[str, float] | None = None,
) -> tuple[dict[str, Any], set[str], dict[str, float]]:
    """(answers, questions answered N/A, per-dimension spread) for a firm of this maturity."""
    spread = spread if spread is not None else {d.id: rng.gauss(0, 0.15) for d in ref.dimensions}
    na_ids = set(na) if na is not None else set()
    answers: dict[str, Any] = {}
    for dimension in ref.dimensions:
        s = min(0.97, max(0.03, maturity + spread[dimension.id]))
        for question in dimension.questions:
            if na is None and question.allow_na and rng.random() < 0.12:
                na_ids.add(question.id)
            if question.id in na_ids and question.allow_na:
                answers[question.id] = {"na": rng.choice(NA_REASONS)}
            elif rng.random() < 0.03:
                continue  # left unanswered, as happens on site
            else:
                answers[question.id] = _answer(question, dimension, s, rng)
    return answers, na_ids, spread


# --- one diagnostic -----------------------------------------------------------------------


def _fill_and_validate(
    diagnostic: Diagnostic, answers: dict[str, Any], rng: random.Random, ref: Referentiel
) -> Diagnostic:
    diagnostic_save_answers(diagnostic=diagnostic, answers=answers, actor=None)
    kpis = rng.sample([k.id for k in ref.kpis], k=min(2, len(ref.kpis)))
    diagnostic_set_kpis(diagnostic=diagnostic, kpis=kpis, actor=None)
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    diagnostic_validate(diagnostic=diagnostic, actor=None)
    return diagnostic


def _maturity(company: Company) -> float:
    rng = _rng(company, "maturity")
    # Larger firms tend to be further along; every firm still varies a lot.
    size_bonus = 0.08 * math.log10(max(company.headcount or 10, 10)) - 0.08
    return min(0.85, max(0.12, rng.betavariate(2.2, 3.0) + size_bonus))


def demo_t0(company: Company, expert: Any = None) -> Diagnostic:
    """The firm's validated T0 expert diagnostic (created, answered and validated once)."""
    existing = Diagnostic.objects.filter(
        company=company, kind=DiagnosticKind.EXPERT, phase=Phase.T0
    ).first()
    if existing is not None:
        return existing
    rng = _rng(company, "t0")
    diagnostic = diagnostic_create(company=company, actor=None, expert=expert)
    ref = diagnostic.referentiel.parsed
    answers, _na, _spread = demo_answers(ref, rng, _maturity(company))
    return _fill_and_validate(diagnostic, answers, rng, ref)


def demo_diagnosis_record(company: Company) -> None:
    """The "record_diagnosis" step of a demo firm: its T0, validated (which takes the step)."""
    demo_t0(company)


def demo_t1(company: Company, t0: Diagnostic) -> Diagnostic | None:
    if t0.status != DiagnosticStatus.VALIDATED:
        return None
    existing = Diagnostic.objects.filter(
        company=company, kind=DiagnosticKind.EXPERT, phase=Phase.T1
    ).first()
    if existing is not None:
        return existing
    ref = t0.referentiel.parsed
    _answers, na, spread = demo_answers(ref, _rng(company, "t0"), _maturity(company))
    gain = _rng(company, "gain")
    improved = {k: v + gain.uniform(0.03, 0.25) for k, v in spread.items()}
    answers, _na, _spread = demo_answers(
        ref, _rng(company, "t1"), _maturity(company), na=na, spread=improved
    )
    diagnostic = diagnostic_create(
        company=company, actor=None, phase=Phase.T1, expert=t0.expert, referentiel=t0.referentiel
    )
    return _fill_and_validate(diagnostic, answers, _rng(company, "t1-kpis"), ref)


# --- dates: as the journey says ---------------------------------------------------------------


def _journey_date(company: Company, verb: str) -> dt.datetime | None:
    event = (
        AuditEvent.objects.filter(
            object_type="companies.company", object_id=str(company.pk), verb=verb
        )
        .order_by("created_at")
        .first()
    )
    return event.created_at if event else None


def _undated(diagnostic: Diagnostic) -> bool:
    """Validated just now by the demo, not yet given the dates of the firm's journey."""
    return diagnostic.validated_at is not None and (
        diagnostic.created_at >= diagnostic.validated_at - dt.timedelta(days=1)
    )


def _date(diagnostic: Diagnostic, validated: dt.datetime) -> None:
    """Date a demo diagnostic: opened 12 days before its validation, submitted 2 days before."""
    now = timezone.now()
    validated = min(validated, now - dt.timedelta(days=1))
    with transaction.atomic():
        Diagnostic.objects.filter(pk=diagnostic.pk).update(
            created_at=validated - dt.timedelta(days=12),
            submitted_at=validated - dt.timedelta(days=2),
            validated_at=validated,
            completed_at=validated,
            updated_at=validated,
        )
        # the order of the firm's complete diagnostics may change: which one counts
        peers_refresh(diagnostic.company_id, diagnostic.referentiel_id, touched=keys_of(diagnostic))
    events = AuditEvent.objects.filter(
        object_type="diagnostics.diagnostic", object_id=str(diagnostic.pk)
    )
    offsets = {
        "diagnostic.create": 12,
        "diagnostic.submit": 2,
        "diagnostic.validate": 0,
    }
    for verb, days in offsets.items():
        events.filter(verb=verb).update(created_at=validated - dt.timedelta(days=days))


# --- the whole demo -----------------------------------------------------------------------------


def _benchmark_peers(anchor: Company) -> int:
    """Add firms like the demo company's (same NAF code, headcount class, region) until it
    has `BENCHMARK_PEERS` validated peers in its region: a benchmark at step 1."""
    from essor.companies.demo import demo_siren
    from essor.companies.journey import TransitionError, journey_apply
    from essor.companies.services import CompanyData, company_save

    klass = headcount_class(anchor.headcount)
    peers = (
        Diagnostic.objects.complete()
        .filter(
            kind=DiagnosticKind.EXPERT,
            naf_division=anchor.naf_division,
            size_class=klass,
            region_code=anchor.region.code,
        )
        .exclude(company=anchor)
        .values("company")
        .distinct()
        .count()
    )
    rng = _rng(anchor, "peers")
    low, high = {"1-9": (3, 9), "10-49": (12, 48), "50-249": (55, 240)}.get(klass, (260, 900))
    departments = list(anchor.region.departments.values_list("code", flat=True))
    added = 0
    while peers + added < BENCHMARK_PEERS:
        headcount = rng.randint(low, high)
        turnover = headcount * rng.randint(110_000, 240_000) * 100
        data = CompanyData(
            siren=demo_siren(rng),
            name=f"{rng.choice(_PEER_NAMES)} {rng.choice(_PEER_SUFFIXES)} ({added + 1})",
            naf_code=anchor.naf_code,
            department_code=rng.choice(departments),
            headcount=headcount,
            turnover_cents=turnover,
            balance_sheet_cents=int(turnover * 0.7),
        )
        company, created = company_save(data=data, actor=None)
        if not created:
            continue
        for step in ("confirm_eligible", "schedule_diagnostic"):
            try:
                journey_apply(company=company, transition=step, actor=None, by_system=True)
            except TransitionError:
                break
        demo_t0(company)
        added += 1
    return added


_PEER_NAMES = ("Atelier", "Ets", "Société", "Manufacture", "Usine")
_PEER_SUFFIXES = ("Dauphiné", "Forez", "Bugey", "Beaujolais", "Chartreuse", "Vivarais", "Velay")


def _company_account_firm() -> Company | None:
    user = User.objects.filter(email=COMPANY_ACCOUNT).first()
    if user is None:
        return None
    return (
        Company.objects.filter(memberships__user=user, memberships__role="company_user")
        .select_related("region")
        .first()
    )


def _rich_t0(company: Company, expert: User | None) -> Diagnostic:
    """The demo company account's T0: validated, with evidence notes and agreed targets."""
    diagnostic = Diagnostic.objects.filter(
        company=company, kind=DiagnosticKind.EXPERT, phase=Phase.T0
    ).first()
    if diagnostic is not None:
        return diagnostic
    rng = _rng(company, "rich")
    diagnostic = diagnostic_create(company=company, actor=None, expert=expert)
    ref = diagnostic.referentiel.parsed
    answers, _na, _spread = demo_answers(ref, rng, 0.42)
    diagnostic_save_answers(diagnostic=diagnostic, answers=answers, actor=None)
    from .scoring import raw_scores

    scores = raw_scores(ref, answers).dimensions
    notes = {}
    for dimension in ref.dimensions:
        score = scores.get(dimension.id)
        if score is None:
            continue
        level = min(5, math.floor(round(score, 9) / 20))
        statement = next((s.text.get("fr", "") for s in dimension.levels if s.level == level), "")
        seen = f"Constaté sur site : {statement}" if statement else "Constaté sur site."
        notes[dimension.id] = NoteInput(
            evidence=f"{seen} Échange avec la direction et visite de l'atelier.",
            target_level=min(5, level + rng.choice((1, 1, 2))),
        )
    diagnostic_save_notes(diagnostic=diagnostic, notes=notes, actor=None)
    diagnostic_set_kpis(diagnostic=diagnostic, kpis=["cost", "delivery", "energy"], actor=None)
    diagnostic_submit(diagnostic=diagnostic, actor=None)
    diagnostic_validate(diagnostic=diagnostic, actor=None)
    return diagnostic


def _expert_draft(expert: User) -> Diagnostic | None:
    """A draft for the demo expert at a firm of theirs, its first pillar already answered."""
    if Diagnostic.objects.filter(expert=expert, status=DiagnosticStatus.DRAFT).exists():
        return None
    firm_ids = mission_company_ids(expert)
    firms = Company.objects.filter(state=S.DIAGNOSTIC_SCHEDULED).order_by("pk")
    company = firms.filter(pk__in=firm_ids).first() if firm_ids else None
    if company is None:
        company = firms.filter(region__code="84").exclude(diagnostics__isnull=False).first()
    if company is None or Diagnostic.objects.filter(company=company, phase=Phase.T0).exists():
        return None
    diagnostic = diagnostic_create(company=company, actor=None, expert=expert)
    ref = diagnostic.referentiel.parsed
    answers, _na, _spread = demo_answers(ref, _rng(company, "draft"), 0.35)
    first = {q.id for d in ref.pillars[0].dimensions for q in d.questions}
    diagnostic_save_answers(
        diagnostic=diagnostic,
        answers={k: v for k, v in answers.items() if k in first},
        actor=expert,
    )
    return diagnostic


@transaction.atomic
def demo_diagnostics_create() -> int:
    """Create what is missing of the demo diagnostics; returns how many were created."""
    try:
        default_referentiel(DiagnosticKind.EXPERT)
    except Exception:  # no référentiel loaded: nothing to answer against
        return 0
    before = Diagnostic.objects.count()
    expert = User.objects.filter(email=EXPERT_ACCOUNT).first()
    firm = _company_account_firm()
    if firm is not None:
        rich = _rich_t0(firm, expert)
        if _undated(rich):
            _date(rich, _journey_date(firm, "journey.record_diagnosis") or timezone.now())
    for company in Company.objects.filter(state__in=DIAGNOSED_STATES).select_related("region"):
        t0 = demo_t0(company)
        follow_up = company.state in T1_STATES
        if _undated(t0):
            validated = _journey_date(company, "journey.record_diagnosis") or timezone.now()
            if follow_up:  # leave room for the support and the T1 after it
                validated = min(validated, timezone.now() - dt.timedelta(days=300))
            _date(t0, validated)
            t0.refresh_from_db()
        if follow_up:
            t1 = demo_t1(company, t0)
            if t1 is not None and _undated(t1) and t0.validated_at is not None:
                _date(
                    t1,
                    t0.validated_at + dt.timedelta(days=_rng(company, "t1-date").randint(240, 290)),
                )
    if firm is not None:
        _benchmark_peers(firm)
    if expert is not None:
        _expert_draft(expert)
    _contact_requests()
    return Diagnostic.objects.count() - before


# Visitors who took the public self-assessment and asked to be contacted, naming a firm the
# platform already follows: the regional manager's inbox (`ContactRequest`).
DEMO_VISITORS = (
    ("84", "Camille", "Roux"),
    ("84", "Hugo", "Lefèvre"),
    ("84", "Sarah", "Benali"),
    ("53", "Yann", "Le Gall"),
)


def _contact_requests() -> None:
    """One pending request per demo visitor (made once), each naming an identified firm."""
    from essor.companies.services import CompanyData

    from .models import ContactRequest
    from .services import (
        ContactDetails,
        diagnostic_save_answers,
        self_assessment_contact_request,
        self_assessment_start,
    )

    for region, first, last in DEMO_VISITORS:
        email = f"{first}.{last}".lower().replace(" ", "").replace("è", "e") + "@example.fr"
        if ContactRequest.objects.filter(email=email).exists():
            continue
        taken = ContactRequest.objects.values("company_id")
        company = (
            Company.objects.filter(region__code=region, state=S.IDENTIFIED)
            .exclude(pk__in=taken)
            .order_by("pk")
            .first()
        )
        if company is None:
            continue
        diagnostic = self_assessment_start()
        ref = diagnostic.referentiel.parsed
        answers, _na, _spread = demo_answers(ref, _rng(company, "self"), _maturity(company))
        diagnostic_save_answers(diagnostic=diagnostic, answers=answers, actor=None)
        diagnostic_submit(diagnostic=diagnostic, actor=None)
        data = CompanyData(
            siren=company.siren,
            name=company.name,
            naf_code=company.naf_code,
            department_code=company.department.code,
        )
        self_assessment_contact_request(
            diagnostic=diagnostic,
            company_data=data,
            contact=ContactDetails(first, last, email, "04 72 00 00 00"),
        )
