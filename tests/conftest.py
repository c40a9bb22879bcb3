"""The fixed cast of the test-suite: one user per role, in region A (own) or B (foreign).

Region A is Auvergne-Rhône-Alpes (84), region B Bretagne (53).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from essor.accounts.enums import Role
from essor.accounts.models import User
from essor.companies.models import Company
from essor.core.reference import reference_data_load
from essor.territories.enums import OrganisationKind
from essor.territories.models import Organisation, Region
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, make_company

ACTORS = (
    "anonymous",
    "outsider",
    "admin",
    "steering",
    "manager_a",
    "expert",
    "company",
    "supplier",
    "wg",
)


@dataclass
class Cast:
    region_a: Region
    region_b: Region
    platform_a: Organisation
    platform_b: Organisation
    expert_org: Organisation
    national_org: Organisation
    users: dict[str, User]
    company_a: Company
    company_b: Company
    # The `expert` user's referenced profile (region A) and a support mission it
    # accepted at company_a.
    expert_profile: Any = None
    mission: Any = None


@pytest.fixture
def reference(db: None) -> None:
    """Regions, departments and the programme (reloaded if a transactional test flushed them)."""
    if not Region.objects.exists():
        reference_data_load()


@pytest.fixture
def cast(reference: None) -> Cast:
    region_a = Region.objects.get(code="84")
    region_b = Region.objects.get(code="53")
    platform_a = OrganisationFactory(platform=True, region=region_a, name="Plateforme A")
    platform_b = OrganisationFactory(platform=True, region=region_b, name="Plateforme B")
    expert_org = OrganisationFactory(
        kind=OrganisationKind.TECHNOLOGY_PARTNER, region=region_a, name="Cabinet Expert A"
    )
    national_org = OrganisationFactory(national=True, name="Fédération nationale")
    users = {
        "outsider": UserFactory(email="outsider@example.fr"),
        "admin": UserFactory(email="admin@example.fr", is_staff=True, is_superuser=True),
        "steering": UserFactory(email="steering@example.fr"),
        "manager_a": UserFactory(email="manager.a@example.fr"),
        "manager_b": UserFactory(email="manager.b@example.fr"),
        "expert": UserFactory(email="expert@example.fr"),
        "company": UserFactory(email="company@example.fr"),
        "supplier": UserFactory(email="supplier@example.fr"),
        "wg": UserFactory(email="wg@example.fr"),
    }
    MembershipFactory(user=users["admin"], role=Role.NATIONAL_ADMIN)
    MembershipFactory(user=users["steering"], role=Role.STEERING_VIEWER)
    MembershipFactory(
        user=users["manager_a"],
        role=Role.REGIONAL_MANAGER,
        region=region_a,
        organisation=platform_a,
    )
    MembershipFactory(
        user=users["manager_b"],
        role=Role.REGIONAL_MANAGER,
        region=region_b,
        organisation=platform_b,
    )
    MembershipFactory(user=users["expert"], role=Role.EXPERT, organisation=expert_org)
    company_a = make_company(n=1, department="69", name="Usinage Rhône A")
    company_b = make_company(n=2, department="29", name="Conserverie Bretonne B", naf_code="10.20Z")
    MembershipFactory(
        user=users["company"], role=Role.COMPANY_USER, region=region_a, company=company_a
    )
    MembershipFactory(user=users["supplier"], role=Role.SUPPLIER)
    MembershipFactory(user=users["wg"], role=Role.WG_MEMBER)
    from tests.experts.factories import make_expert, make_mission

    expert_profile = make_expert(user=users["expert"], name="Marc Expert", firm=expert_org)
    mission = make_mission(expert_profile, company_a, kind="support")
    # Accepted: the expert is assigned to company_a (a proposed mission would not give access).
    from essor.experts.workflow import mission_apply

    mission_apply(mission=mission, transition="accept", actor=None)
    return Cast(
        region_a,
        region_b,
        platform_a,
        platform_b,
        expert_org,
        national_org,
        users,
        company_a,
        company_b,
        expert_profile,
        mission,
    )


def pytest_report_header(config: pytest.Config) -> str:
    from tests.e2e.conftest import CHROMIUM, SKIP_REASON

    if CHROMIUM.exists():
        return f"end-to-end tests: run in {CHROMIUM}"
    return f"end-to-end tests: SKIPPED. {SKIP_REASON}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.e2e.conftest import CHROMIUM, SKIP_REASON

    if not CHROMIUM.exists():
        terminalreporter.write_line(f"NOTE: {SKIP_REASON}", yellow=True, bold=True)


@pytest.fixture
def english() -> Any:
    """Messages in English, for tests that assert on the wording of an error."""
    from django.utils import translation

    with translation.override("en"):
        yield
