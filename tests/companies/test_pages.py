from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essor.companies.enums import JourneyState
from essor.companies.models import Company, Contact
from essor.companies.services import contact_add, contact_erase, contact_export
from essor.core.models import AuditEvent
from tests.conftest import Cast
from tests.factories import make_company, valid_siren

pytestmark = pytest.mark.django_db


def _client(cast: Cast, actor: str) -> Client:
    client = Client()
    client.force_login(cast.users[actor])
    return client


def test_a_manager_adds_a_company_and_its_size_class_is_computed(cast: Cast) -> None:
    response = _client(cast, "manager_a").post(
        reverse("companies:company_create"),
        {
            "siren": valid_siren(40),
            "name": "Forges de Savoie",
            "naf_code": "2550a",
            "department": "73",
            "headcount": "120",
            "turnover": "18 500 000,00",
            "balance_sheet": "",
        },
    )
    assert response.status_code == 302
    company = Company.objects.get(siren=valid_siren(40))
    assert (company.naf_code, company.region.code, company.size_class) == ("25.50A", "84", "pme")
    assert company.turnover_cents == 1_850_000_000
    assert AuditEvent.objects.filter(verb="company.create", object_id=str(company.pk)).exists()


def test_the_form_names_each_bad_field(cast: Cast) -> None:
    response = _client(cast, "manager_a").post(
        reverse("companies:company_create"),
        {
            "siren": "123456789",
            "name": "X",
            "naf_code": "00.00Z",
            "department": "69",
            "headcount": "-3",
        },
    )
    errors = response.context["form"].errors
    assert "clé de contrôle" in errors["siren"][0]  # French by default
    assert set(errors) >= {"siren", "naf_code", "headcount"}
    assert Company.objects.count() == 2  # the cast's two firms only


def test_a_manager_cannot_create_a_firm_in_another_region(cast: Cast) -> None:
    response = _client(cast, "manager_a").post(
        reverse("companies:company_create"),
        {
            "siren": valid_siren(41),
            "name": "Breizh Métal",
            "naf_code": "25.62A",
            "department": "29",
        },
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Company.objects.filter(siren=valid_siren(41)).exists()


def test_another_regions_siren_is_not_revealed_nor_taken(cast: Cast) -> None:
    response = _client(cast, "manager_a").post(
        reverse("companies:company_create"),
        {"siren": cast.company_b.siren, "name": "Copie", "naf_code": "25.62A", "department": "69"},
    )
    assert "siren" in response.context["form"].errors
    cast.company_b.refresh_from_db()
    assert cast.company_b.name == "Conserverie Bretonne B"


def test_list_filters_and_search(cast: Cast) -> None:
    make_company(n=50, name="Tôlerie Lyonnaise", department="69")
    client = _client(cast, "manager_a")
    page = client.get(reverse("companies:company_list"), {"q": "tôlerie"}).context["page"]
    assert [c.name for c in page.object_list] == ["Tôlerie Lyonnaise"]
    page = client.get(reverse("companies:company_list"), {"q": cast.company_a.siren}).context[
        "page"
    ]
    assert [c.siren for c in page.object_list] == [cast.company_a.siren]
    # the admin sees both regions, the manager only theirs
    assert client.get(reverse("companies:company_list")).context["page"].paginator.count == 2
    admin = _client(cast, "admin")
    assert admin.get(reverse("companies:company_list")).context["page"].paginator.count == 3


def test_company_list_queries_do_not_grow_with_rows(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = _client(cast, "admin")
    client.get(reverse("companies:company_list"))
    for n in range(60, 90):
        make_company(n=n)
    with django_assert_max_num_queries(10):
        client.get(reverse("companies:company_list"))


def test_pipeline_counts_and_stuck_flags(cast: Cast) -> None:
    from datetime import timedelta

    from django.utils import timezone

    old = make_company(n=70)
    Company.objects.filter(pk=old.pk).update(state_changed_at=timezone.now() - timedelta(days=90))
    client = _client(cast, "manager_a")
    columns = {c["state"]: c for c in client.get(reverse("companies:pipeline")).context["columns"]}
    assert columns[JourneyState.IDENTIFIED]["count"] == 2
    assert columns[JourneyState.IDENTIFIED]["stuck"] == 1
    stuck = client.get(reverse("companies:company_list"), {"stuck": "on"}).context["page"]
    assert [c.pk for c in stuck.object_list] == [old.pk]


def test_contacts_are_exportable_and_erasable_without_breaking_counts(cast: Cast) -> None:
    contact = contact_add(
        company=cast.company_a, actor=None, first_name="Léa", last_name="Durand",
        email="Lea.Durand@example.fr", consent=True,
    )  # fmt: skip
    exported = contact_export(contact)
    assert exported["email"] == "lea.durand@example.fr" and exported["consent_at"]
    contact_erase(contact=contact, actor=cast.users["admin"], reason="demande RGPD")
    contact.refresh_from_db()
    assert contact.email == "" and contact.first_name == "" and contact.erased_at
    assert Contact.objects.filter(company=cast.company_a).count() == 1
    assert AuditEvent.objects.filter(verb="contact.erase", reason="demande RGPD").count() == 1


def test_contacts_are_hidden_from_experts_and_steering(cast: Cast) -> None:
    # steering viewers never see a company page at all (404 in the matrix); the company user does
    contact_add(company=cast.company_a, actor=None, first_name="A", last_name="B")
    page = _client(cast, "company").get(
        reverse("companies:company_detail", args=[cast.company_a.pk])
    )
    assert "A B" in page.content.decode()
