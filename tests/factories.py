"""Factories shared by the test-suite (Faker fr_FR)."""

import factory
from factory.django import DjangoModelFactory

from essor.accounts.models import Membership, User
from essor.territories.enums import OrganisationKind
from essor.territories.models import Organisation, Region

factory.Faker._DEFAULT_LOCALE = "fr_FR"

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.fr")
    full_name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Faker("company")
    kind = OrganisationKind.COMPETITIVENESS_CLUSTER
    region = factory.LazyFunction(lambda: Region.objects.get(code="84"))
    city = factory.Faker("city")

    class Params:
        platform = factory.Trait(kind=OrganisationKind.REGIONAL_PLATFORM)
        national = factory.Trait(region=None, kind=OrganisationKind.MEMBER_FEDERATION)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "expert"


def valid_siren(n: int) -> str:
    from stdnum import luhn

    body = f"{31_000_000 + n:08d}"
    return body + luhn.calc_check_digit(body)


def make_company(
    *, n: int = 0, department: str = "69", naf_code: str = "25.62A", headcount: int | None = 40,
    turnover_cents: int | None = 500_000_000, balance_cents: int | None = None, name: str | None = None,
    group_name: str = "",
):  # type: ignore[no-untyped-def]  # fmt: skip
    """A company written through the service, as the platform would."""
    from essor.companies.services import CompanyData, company_save

    company, _created = company_save(
        data=CompanyData(
            siren=valid_siren(n),
            name=name or f"Entreprise {n}",
            naf_code=naf_code,
            department_code=department,
            headcount=headcount,
            turnover_cents=turnover_cents,
            balance_sheet_cents=balance_cents,
            group_name=group_name,
        ),
        actor=None,
    )
    return company
