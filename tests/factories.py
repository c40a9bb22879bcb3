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
