import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from essor.core.models import AuditEvent
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_good_password_logs_in_and_lands_on_the_home_page(cast: Cast) -> None:
    client = Client()
    response = _login(client, "manager.a@example.fr", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert "Plateforme" not in home.content.decode()  # home lists actions, not raw data
    assert cast.region_a.name in home.content.decode()


def test_wrong_password_shows_a_clear_message(cast: Cast) -> None:
    response = _login(Client(), "manager.a@example.fr", "not-the-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert f"{settings.AXES_FAILURE_LIMIT}" in body


def test_login_is_case_insensitive_on_the_email(cast: Cast) -> None:
    response = _login(Client(), "Manager.A@Example.FR", TEST_PASSWORD)
    assert response.status_code == 302


def test_repeated_failures_lock_the_account_even_with_the_right_password(cast: Cast) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "expert@example.fr", "wrong-password")
    locked = _login(client, "expert@example.fr", TEST_PASSWORD)
    assert locked.status_code == 429
    assert str(settings.AXES_COOLOFF_MINUTES) in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(cast: Cast) -> None:
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "company@example.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "un-nouveau-mot-de-passe-solide"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert _login(Client(), "company@example.fr", new_password).status_code == 302


def test_password_reset_for_an_unknown_address_reveals_nothing(cast: Cast) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_weak_passwords_are_refused(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["company"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_profile_change_of_language_is_saved(cast: Cast) -> None:
    client = Client()
    user = cast.users["expert"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Marc Girard", "language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_membership_grant_is_audited_and_idempotent(cast: Cast) -> None:
    from essor.accounts.enums import Role
    from essor.accounts.services import membership_grant

    admin = cast.users["admin"]
    user = cast.users["outsider"]
    first = membership_grant(actor=admin, user=user, role=Role.EXPERT)
    second = membership_grant(actor=admin, user=user, role=Role.EXPERT)
    assert first.pk == second.pk
    events = AuditEvent.objects.filter(verb="membership.grant", object_id=str(first.pk))
    assert events.count() == 1
    assert events.get().actor == admin


def test_two_national_memberships_of_the_same_role_cannot_coexist(cast: Cast) -> None:
    from django.db import IntegrityError, transaction

    from essor.accounts.models import Membership

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=cast.users["steering"], role="steering_viewer")
