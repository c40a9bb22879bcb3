import pytest
from django.test import Client
from django.urls import reverse

from essor.accounts.models import Membership
from essor.core.models import AuditEvent
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_membership_granted_in_the_back_office_is_audited(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["admin"])
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": cast.users["outsider"].pk, "role": "regional_manager", "region": cast.region_b.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=cast.users["outsider"])
    event = AuditEvent.objects.get(verb="membership.grant", object_id=str(membership.pk))
    assert event.actor == cast.users["admin"]

    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(
        verb="membership.revoke", object_id=str(membership.pk)
    ).exists()


def test_the_api_docs_are_served_locally(cast: Cast) -> None:
    response = Client().get("/api/docs", follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn." not in body and "swagger-ui" in body
