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


def test_pipeline_and_list_filter_by_expert_within_scope(cast: Cast) -> None:
    from tests.experts.factories import foreign_mission, make_expert, make_mission

    other = make_company(n=71)  # region A, no mission
    second = make_expert(email="expert.two@example.fr", name="Zoé Seconde")
    make_mission(second, other, kind="support")
    foreign = foreign_mission(cast.company_b).expert
    client = _client(cast, "manager_a")

    response = client.get(reverse("companies:pipeline"))
    choices = dict(response.context["form"].fields["expert"].choices)
    assert choices.get(cast.expert_profile.pk) == "Marc Expert"
    assert choices.get(second.pk) == "Zoé Seconde"
    assert foreign.pk not in choices  # an expert working only in region B stays unknown

    page = client.get(reverse("companies:company_list"), {"expert": cast.expert_profile.pk})
    assert [c.pk for c in page.context["page"].object_list] == [cast.company_a.pk]
    pipeline = client.get(reverse("companies:pipeline"), {"expert": second.pk})
    assert pipeline.context["total"] == 1
    columns = {c["state"]: c for c in pipeline.context["columns"]}
    assert [f.pk for f in columns[JourneyState.IDENTIFIED]["firms"]] == [other.pk]

    # Another region's expert is not a valid choice: the form says so, nothing is filtered by it.
    refused = client.get(reverse("companies:company_list"), {"expert": foreign.pk})
    assert "expert" in refused.context["form"].errors
    assert cast.company_b.pk not in [c.pk for c in refused.context["page"].object_list]


def test_no_expert_filter_when_no_expert_works_in_scope(cast: Cast) -> None:
    response = _client(cast, "manager_b").get(reverse("companies:pipeline"))
    assert "expert" not in response.context["form"].fields


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


def _siret(siren: str, nic: str) -> str:
    from stdnum import luhn

    return siren + nic + luhn.calc_check_digit(siren + nic)


def test_a_manager_adds_establishments_with_checked_sirets(cast: Cast) -> None:
    from essor.companies.models import Establishment

    company = cast.company_a
    client = _client(cast, "manager_a")
    url = reverse("companies:establishment_create", args=[company.pk])
    good = _siret(company.siren, "0001")
    response = client.post(
        url, {"siret": good[:9] + " " + good[9:], "name": "Usine de Vénissieux",
              "department": "69", "is_head_office": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    site = Establishment.objects.get(siret=good)
    assert site.company == company and site.is_head_office and site.name == "Usine de Vénissieux"
    assert AuditEvent.objects.filter(verb="establishment.add", object_id=str(site.pk)).exists()

    foreign = _siret(cast.company_b.siren, "0002")
    wrong_checksum = good[:-1] + str((int(good[-1]) + 1) % 10)
    second_head = _siret(company.siren, "0003")
    cases = {
        foreign: "ne correspond pas au SIREN",
        wrong_checksum: "clé de contrôle",
        "1234": "14 chiffres attendus",
        good: "déjà enregistré",
    }
    for siret, message in cases.items():
        response = client.post(url, {"siret": siret})
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert message in str(errors["siret"]), (siret, errors)
    response = client.post(url, {"siret": second_head, "is_head_office": "on"})
    assert "déjà un siège social" in str(response.context["form"].errors["is_head_office"])
    assert Establishment.objects.filter(company=company).count() == 1


def test_a_manager_adds_exports_and_erases_a_contact(cast: Cast) -> None:
    import json

    company = cast.company_a
    client = _client(cast, "manager_a")
    url = reverse("companies:contact_create", args=[company.pk])
    bad = client.post(url, {"first_name": "Inès", "last_name": "", "phone": "12"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"last_name", "phone"}
    assert "10 à 15 chiffres" in str(bad.context["form"].errors["phone"])
    response = client.post(
        url, {"first_name": "Inès", "last_name": "Moreau", "job_title": "Directrice de site",
              "email": "Ines.Moreau@example.fr", "phone": "+33 4 72 00 00 00", "consent": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    contact = Contact.objects.get(company=company, last_name="Moreau")
    assert contact.email == "ines.moreau@example.fr" and contact.consent_at is not None
    page = client.get(reverse("companies:company_detail", args=[company.pk])).content.decode()
    assert "Inès Moreau" in page or "Moreau" in page

    exported = client.get(reverse("companies:contact_export", args=[company.pk, contact.pk]))
    data = json.loads(exported.content)
    assert data["email"] == "ines.moreau@example.fr" and data["company"]["siren"] == company.siren
    assert "attachment" in exported["Content-Disposition"]
    assert AuditEvent.objects.filter(verb="contact.export", object_id=str(contact.pk)).exists()

    erase = reverse("companies:contact_erase", args=[company.pk, contact.pk])
    client.post(erase, {"reason": ""})
    contact.refresh_from_db()
    assert contact.erased_at is None  # no reason, nothing erased
    client.post(erase, {"reason": "demande de la personne du 2 novembre"})
    contact.refresh_from_db()
    assert contact.erased_at is not None and contact.email == "" and contact.phone == ""
    assert AuditEvent.objects.get(verb="contact.erase", object_id=str(contact.pk)).reason


def test_company_users_and_experts_cannot_add_sites_or_contacts(cast: Cast) -> None:
    for actor in ("company", "expert"):
        client = _client(cast, actor)
        for name in ("companies:establishment_create", "companies:contact_create"):
            response = client.post(reverse(name, args=[cast.company_a.pk]), {"siret": "x"})
            assert response.status_code == 404, (actor, name)
