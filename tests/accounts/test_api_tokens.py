import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essor.accounts.models import ApiToken
from essor.accounts.services import api_token_create, api_token_revoke
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _get(path: str, secret: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client().get("/api/v1" + path, headers=headers)


def test_a_token_acts_with_its_owners_scope(cast: Cast) -> None:
    _token, secret = api_token_create(user=cast.users["manager_a"], name="script")
    me = _get("/me", secret).json()
    assert me["email"] == "manager.a@example.fr"
    assert me["memberships"] == [
        {"role": "regional_manager", "region": "84", "organisation_id": cast.platform_a.pk}
    ]
    names = {o["name"] for o in _get("/organisations", secret).json()}
    assert names == {"Plateforme A", "Cabinet Expert A", "Fédération nationale"}


def test_only_the_digest_is_stored(cast: Cast) -> None:
    token, secret = api_token_create(user=cast.users["expert"], name="x")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.digest, stored.prefix)
    assert stored.digest == ApiToken.digest_of(secret)


def test_revoked_expired_and_unknown_tokens_are_refused(cast: Cast) -> None:
    user = cast.users["expert"]
    token, secret = api_token_create(user=user, name="x")
    assert _get("/me", secret).status_code == 200
    api_token_revoke(actor=user, token=token)
    assert _get("/me", secret).status_code == 401

    token2, secret2 = api_token_create(user=user, name="y")
    ApiToken.objects.filter(pk=token2.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _get("/me", secret2).status_code == 401

    assert _get("/me", "essor_made-up").status_code == 401
    assert _get("/me", "garbage").status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(cast: Cast) -> None:
    user = cast.users["supplier"]
    _token, secret = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()
    assert _get("/me", secret).status_code == 401


def test_tokens_page_shows_the_secret_once(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["wg"])
    created = client.post(reverse("accounts:tokens"), {"name": "tableau de bord"})
    secret = created.context["secret"]
    assert secret.startswith("essor_") and secret in created.content.decode()
    again = client.get(reverse("accounts:tokens"))
    assert secret not in again.content.decode()
    assert "tableau de bord" in again.content.decode()


def test_the_openapi_document_is_3_1(cast: Cast) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/organisations/{organisation_id}" in schema["paths"]
