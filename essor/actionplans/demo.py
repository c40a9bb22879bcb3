"""Demo action plans: every open demo firm at "action plan validated" or further along gets a
validated plan built from its T0 diagnostic's priorities, with realistic actions (French
text, costs scaled to the firm, dates after the validation, progress by where the firm
stands: some actions done, some under way, some late). The demo company account's firm,
once diagnosed, gets a draft prepared with its expert, to carry through the validation.

Everything goes through the services (workflow, audit); the dates are then set to the
firm's journey, as the diagnostics demo does. Idempotent: a firm that has a plan keeps it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from essor.accounts.enums import Role
from essor.accounts.models import User
from essor.companies.enums import JourneyState as S
from essor.companies.models import Company
from essor.core.demo import DEMO_DOMAIN
from essor.core.models import AuditEvent
from essor.diagnostics.enums import DiagnosticKind, DiagnosticStatus, Phase
from essor.diagnostics.models import Diagnostic

from . import services
from .enums import ActionStatus
from .models import Action, ActionPlan

COMPANY_ACCOUNT = f"entreprise@{DEMO_DOMAIN}"
EXPERT_ACCOUNT = f"expert@{DEMO_DOMAIN}"
# Closed firms are left out: the services refuse a plan to a firm that left the programme,
# and the demo does not bend that rule to back-fill one.
PLAN_STATES = (
    S.PLAN_VALIDATED, S.FINANCING_REQUESTED, S.FINANCING_GRANTED, S.SUPPORT_UNDERWAY,
    S.FOLLOW_UP,
)  # fmt: skip
# How far along the actions of a firm at each step usually are (chance a past action is done).
DONE_CHANCE = {
    S.PLAN_VALIDATED: 0.2, S.FINANCING_REQUESTED: 0.3, S.FINANCING_GRANTED: 0.45,
    S.SUPPORT_UNDERWAY: 0.65, S.FOLLOW_UP: 0.9,
}  # fmt: skip

# (title, description, cost range in euros for a firm of 50 people) per technology family.
CATALOGUE: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    "fabrication-additive": (
        (
            "Imprimante 3D métal pour l'outillage",
            "Fabriquer inserts et outillages conformes en interne, réduire les délais de reprise.",
            90_000,
            260_000,
        ),
        (
            "Pièces de rechange imprimées à la demande",
            "Référencer 40 pièces d'usure, les qualifier et les imprimer au lieu de les stocker.",
            25_000,
            70_000,
        ),
    ),
    "robotique-cobotique": (
        (
            "Cellule robotisée de chargement des tours",
            "Robot 6 axes et convoyeur d'alimentation sur deux tours, fonctionnement en équipe de nuit.",
            120_000,
            280_000,
        ),
        (
            "Cobot de palettisation en fin de ligne",
            "Supprimer le port de charges en fin de ligne et stabiliser la cadence.",
            60_000,
            140_000,
        ),
    ),
    "iot-capteurs": (
        (
            "Connexion des machines de l'atelier",
            "Boîtiers de collecte sur 12 machines, y compris les plus anciennes, et suivi du TRS en temps réel.",
            30_000,
            90_000,
        ),
        (
            "Capteurs de vibration sur les équipements critiques",
            "Surveiller paliers et moteurs des presses pour préparer la maintenance conditionnelle.",
            20_000,
            60_000,
        ),
    ),
    "erp-mes-plm": (
        (
            "Déploiement d'un MES à l'atelier",
            "Ordres de fabrication, déclarations et traçabilité sans papier, reliés à l'ERP.",
            80_000,
            220_000,
        ),
        (
            "Mise à niveau de l'ERP et interface avec le bureau d'études",
            "Une seule saisie des nomenclatures, des gammes et des modifications techniques.",
            60_000,
            180_000,
        ),
    ),
    "donnees-ia": (
        (
            "Tableaux de bord de performance partagés",
            "Indicateurs de production, qualité et délais affichés chaque jour en atelier et en direction.",
            15_000,
            45_000,
        ),
        (
            "Détection des dérives qualité par analyse de données",
            "Relier paramètres procédé et non-conformités pour alerter avant le rebut.",
            40_000,
            110_000,
        ),
    ),
    "simulation-jumeau-numerique": (
        (
            "Simulation des flux avant réimplantation",
            "Modéliser la nouvelle implantation et tester trois scénarios de flux avant travaux.",
            25_000,
            70_000,
        ),
        (
            "Jumeau numérique de la ligne principale",
            "Tester les changements de série et la mise en service virtuelle des automatismes.",
            70_000,
            180_000,
        ),
    ),
    "realite-augmentee-assistance": (
        (
            "Instructions de travail numériques au poste",
            "Modes opératoires illustrés sur tablette, mis à jour par les méthodes, pour former plus vite.",
            15_000,
            50_000,
        ),
        (
            "Assistance à distance pour la maintenance",
            "Lunettes connectées pour guider les techniciens avec les fournisseurs des machines.",
            20_000,
            55_000,
        ),
    ),
    "cybersecurite": (
        (
            "Plan de cybersécurité de l'atelier",
            "Segmenter le réseau de production, sauvegardes hors ligne et plan de reprise testé.",
            20_000,
            70_000,
        ),
        (
            "Gestion des accès et sensibilisation des équipes",
            "Comptes nominatifs, double authentification et formation de tout le personnel.",
            10_000,
            35_000,
        ),
    ),
    "cloud-edge": (
        (
            "Serveur edge pour les données de production",
            "Traiter les données machines au plus près de l'atelier, avec une copie sécurisée dans le cloud.",
            20_000,
            60_000,
        ),
    ),
    "materiaux-avances": (
        (
            "Essais de matériaux composites allégés",
            "Qualifier un composite pour deux pièces de la gamme avec le centre technique régional.",
            40_000,
            120_000,
        ),
        (
            "Matière recyclée dans les produits",
            "Intégrer 30 % de matière recyclée après essais et validation client.",
            25_000,
            80_000,
        ),
    ),
    "efficacite-energetique": (
        (
            "Comptage et pilotage de l'énergie",
            "Sous-compteurs par atelier, chasse aux fuites d'air comprimé et suivi mensuel.",
            20_000,
            60_000,
        ),
        (
            "Récupération de chaleur sur les compresseurs",
            "Chauffer les locaux et l'eau de process avec la chaleur des compresseurs.",
            40_000,
            120_000,
        ),
    ),
    "produits-services-intelligents": (
        (
            "Produit connecté et service de suivi client",
            "Capteurs embarqués et portail client pour proposer la maintenance à distance.",
            60_000,
            180_000,
        ),
    ),
}
GENERIC = (
    "Feuille de route de transformation et conduite du changement",
    "Formaliser les priorités avec la direction, former l'encadrement, suivre le plan chaque mois.",
    15_000,
    45_000,
)
OWNERS = (
    "Directeur industriel", "Responsable de production", "Responsable maintenance",
    "Responsable qualité", "Responsable méthodes", "Directeur général",
    "Responsable des systèmes d'information", "Responsable HSE",
)  # fmt: skip


def _rng(company: Company, salt: str) -> random.Random:
    return random.Random(zlib.crc32(f"{company.siren}:{salt}".encode()))


def _cost(rng: random.Random, company: Company, low: int, high: int) -> int:
    """A cost in cents for the firm's size (the ranges are for a firm of 50 people)."""
    scale = min(3.0, max(0.4, math.sqrt((company.headcount or 50) / 50)))
    euros = rng.uniform(low, high) * scale
    return int(euros // 500 * 500) * 100 or 500_00


def _data(
    rng: random.Random, company: Company, action: Action, start: dt.date, used: set[str]
) -> services.ActionData:
    options = [o for o in CATALOGUE.get(action.technology_family, ()) if o[0] not in used]
    title, description, low, high = rng.choice(options) if options else GENERIC
    used.add(title)
    begins = start + dt.timedelta(days=rng.randint(0, 90))
    return services.ActionData(
        dimension_id=action.dimension_id,
        title=title,
        technology_family=action.technology_family,
        description=description,
        estimated_cost_cents=_cost(rng, company, low, high),
        start_date=begins,
        end_date=begins + dt.timedelta(days=rng.choice((60, 90, 120, 180, 240, 365))),
        owner=rng.choice(OWNERS),
        kpi_effects=tuple(action.kpi_effects),
    )


def _fill(plan: ActionPlan, company: Company, start: dt.date, actor: Any) -> None:
    """Give the pre-filled actions their realistic content (through the services)."""
    rng = _rng(company, "plan")
    used: set[str] = set()
    actions = list(plan.actions.all())
    for action in actions:
        services.action_update(
            action=action, actor=actor, data=_data(rng, company, action, start, used)
        )
    if not actions:  # no gap left in the diagnostic: one transversal action all the same
        ref = plan.diagnostic.referentiel.parsed
        title, description, low, high = GENERIC
        services.action_add(
            plan=plan,
            actor=actor,
            data=services.ActionData(
                dimension_id=ref.dimensions[0].id, title=title, description=description,
                estimated_cost_cents=_cost(rng, company, low, high), start_date=start,
                end_date=start + dt.timedelta(days=180), owner=OWNERS[0],
            ),
        )  # fmt: skip


def _journey_date(company: Company, verb: str) -> dt.datetime | None:
    event = (
        AuditEvent.objects.filter(
            object_type="companies.company", object_id=str(company.pk), verb=verb
        )
        .order_by("created_at")
        .first()
    )
    return event.created_at if event else None


def _date(plan: ActionPlan, validated: dt.datetime) -> None:
    """Opened a month before its validation, submitted two weeks before, validated by the
    firm a week before; its timeline says the same."""
    moments = {
        "actionplan.create": validated - dt.timedelta(days=30),
        "actionplan.action.update": validated - dt.timedelta(days=21),
        "actionplan.action.add": validated - dt.timedelta(days=21),
        "actionplan.submit": validated - dt.timedelta(days=14),
        "actionplan.company_validate": validated - dt.timedelta(days=7),
        "actionplan.validate": validated,
    }
    ActionPlan.objects.filter(pk=plan.pk).update(
        created_at=moments["actionplan.create"],
        submitted_at=moments["actionplan.submit"],
        company_validated_at=moments["actionplan.company_validate"],
        validated_at=validated,
        updated_at=validated,
    )
    events = AuditEvent.objects.filter(object_type="actionplans.actionplan", object_id=str(plan.pk))
    for verb, when in moments.items():
        events.filter(verb=verb).update(created_at=when)


def _progress(plan: ActionPlan, company: Company, today: dt.date) -> None:
    """Where each action stands today, as the firm would report it."""
    rng = _rng(company, "progress")
    done_chance = DONE_CHANCE.get(S(company.state), 0.3)
    for action in plan.actions.all():
        assert action.start_date is not None and action.end_date is not None
        if action.start_date > today:
            continue  # not started: planned, 0 %
        if rng.random() < 0.04:
            status, progress = ActionStatus.ABANDONED, rng.randrange(0, 40, 5)
        elif action.end_date < today and rng.random() < done_chance:
            status, progress = ActionStatus.DONE, 100
        else:
            span = max((action.end_date - action.start_date).days, 1)
            elapsed = min((today - action.start_date).days / span, 1.0)
            # Late actions lag behind; the others keep roughly to their schedule.
            progress = int(min(95, max(5, elapsed * 100 * rng.uniform(0.55, 1.0))) // 5 * 5)
            status = ActionStatus.IN_PROGRESS
        services.action_progress_set(action=action, actor=None, status=status, progress=progress)


def demo_plan_validated(company: Company, diagnostic: Diagnostic) -> ActionPlan:
    """A validated plan for a demo firm already at "action plan validated" or beyond."""
    validated = _journey_date(company, "journey.validate_plan") or timezone.now()
    start = timezone.localdate(validated) + dt.timedelta(days=14)
    plan = services.plan_create(diagnostic=diagnostic, actor=None)
    _fill(plan, company, start, None)
    services.plan_submit(plan=plan, actor=None)
    services.plan_company_validate(plan=plan, actor=None)
    services.plan_validate(plan=plan, actor=None)
    _progress(plan, company, timezone.localdate())
    _date(plan, validated)
    return plan


def _t0(company: Company) -> Diagnostic | None:
    return Diagnostic.objects.filter(
        company=company,
        kind=DiagnosticKind.EXPERT,
        phase=Phase.T0,
        status=DiagnosticStatus.VALIDATED,
    ).first()


def _company_account_draft() -> ActionPlan | None:
    """The demo company account's firm, diagnosed: a draft its expert prepared."""
    user = User.objects.filter(email=COMPANY_ACCOUNT).first()
    firm = (
        Company.objects.filter(memberships__user=user, memberships__role=Role.COMPANY_USER).first()
        if user
        else None
    )
    if (
        firm is None
        or firm.state != S.DIAGNOSED
        or ActionPlan.objects.filter(company=firm).exists()
    ):
        return None
    t0 = _t0(firm)
    if t0 is None:
        return None
    expert = User.objects.filter(email=EXPERT_ACCOUNT).first()
    plan = services.plan_create(diagnostic=t0, actor=expert)
    _fill(plan, firm, timezone.localdate() + dt.timedelta(days=30), expert)
    return plan


@transaction.atomic
def demo_action_plans_create() -> int:
    """Create what is missing of the demo plans; returns how many were created."""
    created = 0
    firms = (
        Company.objects.filter(state__in=PLAN_STATES)
        .exclude(action_plans__isnull=False)
        .select_related("region")
        .order_by("pk")
    )
    for company in firms:
        t0 = _t0(company)
        if t0 is None:
            continue
        demo_plan_validated(company, t0)
        created += 1
    if _company_account_draft() is not None:
        created += 1
    return created
