"""Demo firms: a few hundred realistic manufacturing companies spread over every journey state."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum import luhn

from essor.core import naf
from essor.core.models import AuditEvent
from essor.territories.models import Department

from .enums import JourneyState as S
from .journey import TRANSITIONS, journey_apply
from .models import Company
from .services import CompanyData, company_save

DEMO_REGION_FIRMS = {"84": 120, "53": 80, "44": 60, "75": 60}

# The transitions that lead from "identified" to each state.
PATHS: dict[str, list[str]] = {
    S.IDENTIFIED: [],
    S.ELIGIBLE: ["confirm_eligible"],
    S.DIAGNOSTIC_SCHEDULED: ["confirm_eligible", "schedule_diagnostic"],
    S.DIAGNOSED: ["confirm_eligible", "schedule_diagnostic", "record_diagnosis"],
    S.PLAN_VALIDATED: [
        "confirm_eligible",
        "schedule_diagnostic",
        "record_diagnosis",
        "validate_plan",
    ],
}
PATHS[S.FINANCING_REQUESTED] = [*PATHS[S.PLAN_VALIDATED], "request_financing"]
PATHS[S.FINANCING_GRANTED] = [*PATHS[S.FINANCING_REQUESTED], "grant_financing"]
PATHS[S.SUPPORT_UNDERWAY] = [*PATHS[S.FINANCING_GRANTED], "start_support"]
PATHS[S.FOLLOW_UP] = [*PATHS[S.SUPPORT_UNDERWAY], "start_follow_up"]
PATHS[S.CLOSED] = [*PATHS[S.FOLLOW_UP], "close"]
PATHS[S.WITHDRAWN] = [*PATHS[S.DIAGNOSED], "withdraw"]

# Share of firms in each state: many at the start of the journey, fewer further on.
STATE_WEIGHTS = {
    S.IDENTIFIED: 18, S.ELIGIBLE: 14, S.DIAGNOSTIC_SCHEDULED: 12, S.DIAGNOSED: 11,
    S.PLAN_VALIDATED: 9, S.FINANCING_REQUESTED: 8, S.FINANCING_GRANTED: 6,
    S.SUPPORT_UNDERWAY: 8, S.FOLLOW_UP: 5, S.CLOSED: 3, S.WITHDRAWN: 3, S.NOT_ELIGIBLE: 3,
}  # fmt: skip

_SUFFIXES = ("Industrie", "Mécanique", "Plastiques", "Usinage", "Composites", "Fonderie",
             "Emballages", "Électronique", "Agroalimentaire", "Découpe", "Précision", "Textiles")  # fmt: skip


def step_recorder(name: str) -> Callable[[Company], object] | None:
    """The demo of the capability that owns a step produces its record (a validated
    diagnostic for "record_diagnosis"), so that demo firms pass the later steps' guards."""
    if name == "record_diagnosis" and apps.is_installed("essor.diagnostics"):
        from essor.diagnostics.demo import demo_diagnosis_record

        return demo_diagnosis_record
    return None


def demo_siren(rng: random.Random) -> str:
    body = f"{rng.randint(30_000_000, 99_999_999):08d}"
    return body + luhn.calc_check_digit(body)


def _figures(rng: random.Random) -> tuple[int, int, int]:
    """Headcount, turnover and balance sheet (cents) of a plausible manufacturing SME/ETI."""
    headcount = int(rng.lognormvariate(3.6, 1.0)) + 3
    headcount = min(headcount, 4_000)
    per_head = rng.uniform(110_000, 260_000)  # turnover per employee in euros
    turnover = int(headcount * per_head) * 100
    balance = int(turnover * rng.uniform(0.5, 1.1))
    return headcount, turnover, balance


@transaction.atomic
def demo_companies_create(seed: int = 2015, region_firms: dict[str, int] | None = None) -> int:
    """Create the demo firms once (a second run finds them and adds nothing)."""
    if Company.objects.exists():
        return 0
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    manufacturing = [code for code, item in naf.naf_codes().items() if item.section_code == "C"]
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    now = timezone.now()
    created = 0
    for region_code, count in (region_firms or DEMO_REGION_FIRMS).items():
        departments = list(
            Department.objects.filter(region__code=region_code).select_related("region")
        )
        for _ in range(count):
            headcount, turnover, balance = _figures(rng)
            name = f"{fake.last_name()} {rng.choice(_SUFFIXES)}"
            if rng.random() < 0.3:
                name += f" {fake.company_suffix()}"
            data = CompanyData(
                siren=demo_siren(rng),
                name=name,
                naf_code=rng.choice(manufacturing),
                department_code=rng.choice(departments).code,
                headcount=headcount,
                turnover_cents=turnover,
                balance_sheet_cents=balance,
                group_name=f"Groupe {fake.last_name()}" if rng.random() < 0.15 else "",
            )
            company, was_created = company_save(data=data, actor=None)
            created += was_created
            target = rng.choices(states, weights)[0]
            path = ["declare_not_eligible"] if target == S.NOT_ELIGIBLE else PATHS[target]
            start = now - dt.timedelta(days=rng.randint(20, 700))
            step_dates = sorted(start + (now - start) * rng.random() for _ in path)
            for name_, when in zip(path, step_dates, strict=True):
                spec = TRANSITIONS[name_]
                reason = "Entreprise démo" if spec.needs_reason else ""
                try:
                    recorder = step_recorder(name_)
                    if recorder is not None:
                        recorder(company)  # the record the step needs, which takes the step
                    else:
                        journey_apply(
                            company=company,
                            transition=name_,
                            actor=None,
                            reason=reason,
                            by_system=True,
                        )
                except Exception:
                    break
                event = AuditEvent.objects.filter(
                    object_type="companies.company", object_id=str(company.pk)
                ).latest("pk")
                AuditEvent.objects.filter(pk=event.pk).update(created_at=when)
                Company.objects.filter(pk=company.pk).update(state_changed_at=when)
            AuditEvent.objects.filter(
                object_type="companies.company", object_id=str(company.pk), verb="company.create"
            ).update(created_at=start)
            if not path:
                Company.objects.filter(pk=company.pk).update(state_changed_at=start)
    return created
