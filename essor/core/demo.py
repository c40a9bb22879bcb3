"""The demo programme: organisations in every region and one account per role.

Idempotent: running it again finds what it created and adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from faker import Faker

from essor.accounts.enums import Role
from essor.accounts.models import User
from essor.accounts.services import membership_grant, user_create
from essor.companies.enums import JourneyState
from essor.territories.enums import OrganisationKind
from essor.territories.models import Organisation, Region
from essor.territories.services import organisation_create

DEMO_PASSWORD = "essor-demo-2026"  # noqa: S105 -- public demo accounts, printed on purpose
DEMO_DOMAIN = "demo.essor.fr"
# The two regions where the demo's regional managers work.
DEMO_REGIONS = ("84", "53")


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role
    region_code: str | None = None
    organisation_kind: OrganisationKind | None = None
    with_company: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(f"admin@{DEMO_DOMAIN}", "Claire Dumont", Role.NATIONAL_ADMIN),
    DemoAccount(f"pilotage@{DEMO_DOMAIN}", "Henri Lefebvre", Role.STEERING_VIEWER),
    DemoAccount(
        f"region.ara@{DEMO_DOMAIN}",
        "Sophie Martin",
        Role.REGIONAL_MANAGER,
        "84",
        OrganisationKind.REGIONAL_PLATFORM,
    ),
    DemoAccount(
        f"region.bretagne@{DEMO_DOMAIN}",
        "Yann Le Gall",
        Role.REGIONAL_MANAGER,
        "53",
        OrganisationKind.REGIONAL_PLATFORM,
    ),
    DemoAccount(
        f"expert@{DEMO_DOMAIN}",
        "Marc Girard",
        Role.EXPERT,
        "84",
        OrganisationKind.TECHNOLOGY_PARTNER,
    ),
    DemoAccount(
        f"entreprise@{DEMO_DOMAIN}", "Nadia Benali", Role.COMPANY_USER, "84", with_company=True
    ),
    DemoAccount(f"fournisseur@{DEMO_DOMAIN}", "Thomas Roux", Role.SUPPLIER),
    DemoAccount(
        f"groupe@{DEMO_DOMAIN}",
        "Isabelle Moreau",
        Role.WG_MEMBER,
        None,
        OrganisationKind.MEMBER_FEDERATION,
    ),
)

_PARTNER_KINDS = (
    (OrganisationKind.COMPETITIVENESS_CLUSTER, "Pôle {theme} {region}"),
    (OrganisationKind.LOCAL_AUTHORITY, "Conseil régional — {region}"),
    (OrganisationKind.ACADEMIC_PARTNER, "Centre technique {theme} de {city}"),
    (OrganisationKind.FINANCING_BODY, "Fonds régional pour l'industrie — {region}"),
)
_THEMES = ("Mécatronique", "Matériaux", "Plasturgie", "Agroalimentaire", "Usinage", "Numérique")
_NATIONAL = (
    ("Équipe nationale Industrie du Futur", OrganisationKind.NATIONAL_TEAM),
    ("Fédération des industries mécaniques (démo)", OrganisationKind.MEMBER_FEDERATION),
    ("Banque publique d'investissement (démo)", OrganisationKind.FINANCING_BODY),
    ("Réseau des centres techniques industriels (démo)", OrganisationKind.TECHNOLOGY_PARTNER),
)


def _slug_email(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_name.lower()).split()
    return "-".join(words)[:40].strip("-")


@transaction.atomic
def demo_organisations_create(seed: int = 2015) -> int:
    """A regional platform in every region, a few partners per region, national bodies."""
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    created = 0
    for name, kind in _NATIONAL:
        if not Organisation.objects.filter(name=name).exists():
            organisation_create(
                actor=None,
                name=name,
                kind=kind,
                city="Paris",
                email=f"contact@{_slug_email(name)}.fr",
            )
            created += 1
    for index, region in enumerate(Region.objects.order_by("code")):
        platform_name = f"Plateforme Industrie du Futur {region.name}"
        if not Organisation.objects.filter(
            kind=OrganisationKind.REGIONAL_PLATFORM, region=region
        ).exists():
            organisation_create(
                actor=None,
                name=platform_name,
                kind=OrganisationKind.REGIONAL_PLATFORM,
                region=region,
                city=fake.city(),
                email=f"contact@{_slug_email(region.name)}.industrie-du-futur.fr",
                phone=fake.phone_number(),
                description=f"Plateforme régionale du programme Industrie du Futur en {region.name}.",
            )
            created += 1
        for offset, (kind, pattern) in enumerate(_PARTNER_KINDS):
            city = fake.city()
            name = pattern.format(
                theme=_THEMES[(index + offset) % len(_THEMES)], region=region.name, city=city
            )
            if Organisation.objects.filter(kind=kind, region=region).exists():
                continue
            organisation_create(
                actor=None,
                name=name,
                kind=kind,
                region=region,
                city=city,
                email=f"contact@{_slug_email(name)}.fr",
                phone=fake.phone_number(),
            )
            created += 1
    expert_firm = "Cabinet Girard Conseil Industrie (démo)"
    if not Organisation.objects.filter(name=expert_firm).exists():
        organisation_create(
            actor=None,
            name=expert_firm,
            kind=OrganisationKind.TECHNOLOGY_PARTNER,
            region=Region.objects.get(code="84"),
            city="Lyon",
            email="contact@girard-conseil.example",
            description="Cabinet de conseil en excellence opérationnelle et transformation numérique.",
        )
        created += 1
    return created


@transaction.atomic
def demo_accounts_create() -> list[DemoAccount]:
    """One account per role (two regional managers, to show regional scoping)."""
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = user_create(
                actor=None, email=account.email, full_name=account.full_name, password=DEMO_PASSWORD
            )
        region = Region.objects.get(code=account.region_code) if account.region_code else None
        organisation = None
        if account.organisation_kind is not None:
            organisation = (
                Organisation.objects.filter(kind=account.organisation_kind, region=region)
                .order_by("pk")
                .first()
            )
        company = None
        if account.with_company:
            from essor.companies.models import Company

            firms = Company.objects.filter(region=region).order_by("pk")
            # The firm of an earlier run is kept: its journey has moved on since.
            company = (
                firms.filter(memberships__user=user, memberships__role=account.role).first()
                or firms.filter(state=JourneyState.DIAGNOSTIC_SCHEDULED).first()
                or firms.first()
            )
        membership_grant(
            actor=None,
            user=user,
            role=account.role,
            region=region,
            organisation=organisation,
            company=company,
        )
        if account.role == Role.NATIONAL_ADMIN and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
    return list(DEMO_ACCOUNTS)
