"""Demo experts: about forty referenced consultants over the demo regions, with missions.

Idempotent: a second run finds the experts it created and adds nothing. Everything is
written through the services and workflows, as the platform would, so the audit trail and
memberships are those of real use.
"""

from __future__ import annotations

import random

from django.db import transaction
from faker import Faker

from essor.accounts.models import User
from essor.accounts.services import user_create
from essor.companies.enums import JourneyState
from essor.companies.models import Company
from essor.core.demo import DEMO_DOMAIN, DEMO_PASSWORD, _slug_email
from essor.territories.enums import OrganisationKind
from essor.territories.models import Department, Organisation, Region
from essor.territories.reference import great_circle_km
from essor.territories.services import organisation_create

from .enums import ExpertStatus, MissionKind
from .models import ExpertProfile
from .services import (
    AssignmentError,
    company_needs_set,
    conflict_declare,
    expert_apply,
    expert_skills_set,
    expert_update,
    mission_propose,
    mission_rate,
)
from .workflow import mission_apply, referencing_apply

DEMO_REGION_EXPERTS = {"84": 16, "53": 9, "44": 8, "75": 7}
DEMO_EXPERT_EMAIL = f"expert@{DEMO_DOMAIN}"
NEIGHBOUR_KM = 110
# Firms past their diagnostic, where support missions make sense.
AFTER_DIAGNOSIS = (
    JourneyState.DIAGNOSED, JourneyState.PLAN_VALIDATED, JourneyState.FINANCING_REQUESTED,
    JourneyState.FINANCING_GRANTED, JourneyState.SUPPORT_UNDERWAY, JourneyState.FOLLOW_UP,
)  # fmt: skip  # departments of other regions this close to home are covered too

# Typical profiles of Industrie du Futur consultants: skills that go together.
ARCHETYPES: tuple[tuple[str, ...], ...] = (
    ("production-automatisation", "automatisation-robotique", "robotique-cobotique",
     "maintenance-fiabilite", "iot-capteurs"),
    ("numerique-donnees", "systemes-information", "erp-mes-plm", "donnees-ia", "cloud-edge"),
    ("cybersecurite", "connectivite-iot", "iot-capteurs", "cloud-edge"),
    ("strategie-pilotage", "feuille-de-route", "pilotage-performance", "conduite-changement"),
    ("humain-organisation", "competences-formation", "organisation-securite",
     "cooperation-homme-machine", "realite-augmentee-assistance"),
    ("energie-environnement", "efficacite-energetique", "ressources-circularite"),
    ("offre-chaine-valeur", "conception-ecoconception", "simulation-jumeau-numerique",
     "fabrication-additive", "materiaux-avances"),
    ("chaine-logistique", "pilotage-performance", "erp-mes-plm", "donnees-ia"),
    ("procedes-avances", "fabrication-additive", "materiaux-avances", "simulation-jumeau-numerique"),
    ("servicisation", "produits-services-intelligents", "iot-capteurs", "cloud-edge"),
)  # fmt: skip
NEEDS = (
    "feuille-de-route", "pilotage-performance", "automatisation-robotique",
    "maintenance-fiabilite", "systemes-information", "donnees-ia", "cybersecurite",
    "efficacite-energetique", "competences-formation", "chaine-logistique",
    "robotique-cobotique", "erp-mes-plm", "conception-ecoconception",
)  # fmt: skip


def _coverage(
    home: Department, departments: list[Department], rng: random.Random
) -> list[Department]:
    """Home department, most of its region, and the close departments of neighbour regions."""
    chosen = [home]
    here = (home.latitude, home.longitude)
    for department in departments:
        if department.pk == home.pk or department.code.startswith("97"):
            continue
        km = great_circle_km(here, (department.latitude, department.longitude))
        if department.region_id == home.region_id:
            if km < 160 or rng.random() < 0.5:
                chosen.append(department)
        elif km < NEIGHBOUR_KM:
            chosen.append(department)
    return chosen


def _consulting_firms(region_code: str, fake: Faker) -> list[Organisation]:
    """Two consulting firms of the region that employ demo experts (created once)."""
    region = Region.objects.get(code=region_code)
    firms = list(Organisation.objects.filter(region=region, name__endswith="Conseil (démo)"))
    for pattern in ("Cabinet {name} Conseil (démo)", "{name} Industrie Conseil (démo)"):
        if len(firms) >= 2:
            break
        name = pattern.format(name=fake.last_name())
        firms.append(
            organisation_create(
                actor=None,
                name=name,
                kind=OrganisationKind.TECHNOLOGY_PARTNER,
                region=region,
                city=fake.city(),
                email=f"contact@{_slug_email(name)}.example",
                description="Cabinet de conseil en performance industrielle et transformation numérique.",
            )
        )
    return firms


def _skills(rng: random.Random) -> dict[str, int]:
    profiles = rng.sample(ARCHETYPES, 2 if rng.random() < 0.4 else 1)
    levels: dict[str, int] = {}
    for profile in profiles:
        for skill in profile[: rng.randint(3, len(profile))]:
            levels[skill] = max(levels.get(skill, 0), rng.choice((1, 2, 2, 3, 3)))
    return levels


def _reference(expert: ExpertProfile) -> None:
    referencing_apply(expert=expert, transition="start_review", actor=None)
    referencing_apply(expert=expert, transition="reference", actor=None)


@transaction.atomic
def demo_experts_create(seed: int = 2015) -> int:
    """Create the demo experts once, give firms awaiting a diagnostic their needs, and
    make the demo expert account a referenced expert with missions. Returns experts made."""
    created = 0
    if not ExpertProfile.objects.filter(user__email__startswith="consultant.").exists():
        created = _experts_create(seed)
    created += _demo_account_expert(seed)
    return created


def _experts_create(seed: int) -> int:
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    departments = list(Department.objects.select_related("region").order_by("code"))
    groups = sorted(
        {g for g in Company.objects.exclude(group_name="").values_list("group_name", flat=True)}
    )
    created = 0
    number = 0
    for region_code, count in DEMO_REGION_EXPERTS.items():
        local = [d for d in departments if d.region.code == region_code]
        firms = _consulting_firms(region_code, fake)
        for index in range(count):
            number += 1
            name = f"{fake.first_name()} {fake.last_name()}"
            home = rng.choice(local)
            expert = expert_apply(
                actor=None,
                email=f"consultant.{number:02d}.{_slug_email(name)}@{DEMO_DOMAIN}",
                full_name=name,
                home_department=home,
                firm=rng.choice(firms) if firms and rng.random() < 0.6 else None,
                capacity=rng.randint(2, 6),
                daily_rate_cents=rng.randrange(700, 1401, 50) * 100,
                languages=["fr"]
                + (["en"] if rng.random() < 0.6 else [])
                + ([rng.choice(["de", "es", "it"])] if rng.random() < 0.2 else []),
                departments=_coverage(home, departments, rng)[1:],
            )
            expert_skills_set(expert=expert, actor=None, levels=_skills(rng))
            if groups and rng.random() < 0.15:
                conflict_declare(
                    expert=expert,
                    actor=None,
                    group_name=rng.choice(groups),
                    reason="Ancien salarié du groupe (démo)",
                )
            # A few applications in review in the first region, to show the workflow.
            if region_code == "84" and index >= count - 2:
                if index == count - 1:
                    referencing_apply(expert=expert, transition="start_review", actor=None)
            else:
                _reference(expert)
            created += 1
    _needs_and_load(rng)
    return created


def _needs_and_load(rng: random.Random) -> None:
    """Needs for the firms awaiting a diagnostic; some support missions as experts' load."""
    for company in Company.objects.filter(
        region__code__in=DEMO_REGION_EXPERTS, state=JourneyState.ELIGIBLE
    ).order_by("pk"):
        company_needs_set(company=company, actor=None, skills=rng.sample(NEEDS, rng.randint(1, 3)))
    underway = list(
        Company.objects.filter(region__code__in=DEMO_REGION_EXPERTS, state__in=AFTER_DIAGNOSIS)
        .select_related("department")
        .order_by("pk")
    )
    experts = list(
        ExpertProfile.objects.filter(status=ExpertStatus.REFERENCED).prefetch_related("departments")
    )
    for company in underway:
        covering = [e for e in experts if company.department in e.departments.all()]
        if not covering or rng.random() < 0.75:
            continue
        try:
            mission = mission_propose(
                actor=None, expert=rng.choice(covering), company=company, kind=MissionKind.SUPPORT
            )
        except AssignmentError:
            continue
        mission_apply(mission=mission, transition="accept", actor=mission.expert.user)


def _demo_account_expert(seed: int) -> int:
    """The demo expert (Marc Girard, Lyon): referenced in 84 with missions to act on."""
    if ExpertProfile.objects.filter(user__email=DEMO_EXPERT_EMAIL).exists():
        return 0
    rng = random.Random(seed + 1)
    user = User.objects.filter(email=DEMO_EXPERT_EMAIL).first()
    if user is None:
        user = user_create(
            actor=None, email=DEMO_EXPERT_EMAIL, full_name="Marc Girard", password=DEMO_PASSWORD
        )
    home = Department.objects.get(code="69")
    expert = expert_apply(
        actor=None,
        email=DEMO_EXPERT_EMAIL,
        full_name=user.full_name,
        home_department=home,
        firm=Organisation.objects.filter(name="Cabinet Girard Conseil Industrie (démo)").first(),
        capacity=4,
        daily_rate_cents=1_150_00,
        languages=["fr", "en"],
        departments=Department.objects.filter(code__in=["01", "38", "42", "71", "26", "73"]),
    )
    expert_skills_set(
        expert=expert,
        actor=None,
        levels={
            "pilotage-performance": 3,
            "automatisation-robotique": 3,
            "maintenance-fiabilite": 2,
            "robotique-cobotique": 3,
            "iot-capteurs": 2,
            "donnees-ia": 1,
        },
    )
    _reference(expert)
    # Eligible firms of the region, those near Lyon first.
    eligible = sorted(
        Company.objects.filter(state=JourneyState.ELIGIBLE, region__code="84").select_related(
            "department"
        ),
        key=lambda c: (c.department.code not in ("69", "01", "38", "42"), c.pk),
    )
    for index, company in enumerate(eligible[:2]):
        _cover(expert, company.department)
        mission = mission_propose(
            actor=None, expert=expert, company=company, note="Diagnostic sur site, 2 jours."
        )
        if index == 0:  # accepted: the firm's diagnostic is now scheduled
            mission_apply(mission=mission, transition="accept", actor=user)
    underway = Company.objects.filter(
        state__in=AFTER_DIAGNOSIS, department__code__in=["69", "01", "38", "42"]
    ).order_by("-pk")
    for company in underway[:2]:
        try:
            mission = mission_propose(
                actor=None, expert=expert, company=company, kind=MissionKind.SUPPORT
            )
        except AssignmentError:
            continue
        mission_apply(mission=mission, transition="accept", actor=user)
        mission_apply(mission=mission, transition="complete", actor=user)
        mission_rate(
            mission=mission,
            actor=None,
            score=rng.choice((4, 5)),
            comment="Intervention claire et bien préparée.",
        )
    _company_user_mission(expert, user)
    return 1


def _cover(expert: ExpertProfile, department: Department) -> None:
    """Make sure the expert covers this department (through the service, audited)."""
    if not expert.departments.filter(pk=department.pk).exists():
        expert_update(
            expert=expert,
            actor=None,
            capacity=expert.capacity,
            daily_rate_cents=expert.daily_rate_cents,
            languages=expert.languages,
            departments=[*expert.departments.all(), department],
        )


def _company_user_mission(expert: ExpertProfile, user: User) -> None:
    """The demo company user's firm gets a finished support mission it can rate itself."""
    company_pk = (
        User.objects.filter(email=f"entreprise@{DEMO_DOMAIN}")
        .values_list("memberships__company", flat=True)
        .first()
    )
    if company_pk is None:
        return
    firm = Company.objects.select_related("department").get(pk=company_pk)
    _cover(expert, firm.department)
    try:
        mission = mission_propose(actor=None, expert=expert, company=firm, kind=MissionKind.SUPPORT)
    except AssignmentError:
        return
    mission_apply(mission=mission, transition="accept", actor=user)
    mission_apply(mission=mission, transition="complete", actor=user)
