from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essor.territories.models import Region
from tests.conftest import Cast
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_list_does_not_grow_queries_with_rows(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(cast.users["admin"])
    client.get(reverse("territories:organisation_list"))  # warm the session
    OrganisationFactory.create_batch(40, region=Region.objects.get(code="53"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("territories:organisation_list"))
    assert response.context["page"].paginator.count == 44


def test_region_list_is_one_query_for_all_regions(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(cast.users["steering"])
    client.get(reverse("territories:region_list"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("territories:region_list"))
    assert response.content.decode().count("/regions/") >= 18


def test_a_region_page_lists_only_the_organisations_in_scope(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["expert"])
    body = client.get(reverse("territories:region_detail", args=["84"])).content.decode()
    assert "Cabinet Expert A" in body
    assert "Plateforme A" not in body
    client.force_login(cast.users["manager_a"])
    body = client.get(reverse("territories:region_detail", args=["84"])).content.decode()
    assert "Plateforme A" in body and "Cabinet Expert A" in body


def test_organisation_filters(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["admin"])
    response = client.get(
        reverse("territories:organisation_list"), {"kind": "regional_platform", "q": "forme b"}
    )
    names = [o.name for o in response.context["page"].object_list]
    assert names == ["Plateforme B"]


def test_programme_page_shows_targets_and_live_measures(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["steering"])
    response = client.get(reverse("dashboard:programme"))
    rows = {row.objective.key: row for row in response.context["rows"]}
    assert rows["regions-engaged"].measured == 2  # the cast has two regional platforms
    assert rows["firms-guided"].measured is None
    body = response.content.decode()
    assert "160\u00a0000\u00a0000,00\u00a0€" in body
