"""Writes for users, memberships and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from essor.companies.models import Company
from essor.core.services import audit_record
from essor.territories.models import Organisation, Region

from .enums import Role
from .models import ApiToken, Membership, User
from .perms import forget_scope

TOKEN_PREFIX = "essor_"  # noqa: S105 -- a public prefix, not a secret


@transaction.atomic
def user_create(
    *, actor: Any, email: str, full_name: str, password: str | None, language: str = "fr"
) -> User:
    """Create a user; with password None the account can only log in after a reset."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, language=language
    )
    audit_record(actor=actor, verb="user.create", obj=user, after={"email": user.email})
    return user


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    user: User,
    role: Role | str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    company: Company | None = None,
) -> Membership:
    """Give a user a role in a scope. Idempotent: granting it twice keeps one membership."""
    membership = Membership.objects.filter(
        user=user, role=role, region=region, organisation=organisation, company=company
    ).first()
    if membership is not None:
        return membership
    membership = Membership(
        user=user, role=role, region=region, organisation=organisation, company=company
    )
    membership.full_clean(validate_constraints=False)
    membership.save()
    if role == Role.NATIONAL_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    audit_record(
        actor=actor,
        verb="membership.grant",
        obj=membership,
        after={
            "user": user.email,
            "role": str(role),
            "region": region.code if region else None,
            "organisation": organisation.pk if organisation else None,
            "company": company.siren if company else None,
        },
        region_code=region.code if region else "",
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership, reason: str = "") -> None:
    user = membership.user
    audit_record(
        actor=actor,
        verb="membership.revoke",
        obj=membership,
        before={"user": user.email, "role": membership.role},
        reason=reason,
        region_code=membership.region.code if membership.region else "",
    )
    membership.delete()
    forget_scope(user)


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A token needs a name."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    lifetime = dt.timedelta(days=days if days is not None else settings.ESSOR_API_TOKEN_DAYS)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        digest=ApiToken.digest_of(secret),
        expires_at=timezone.now() + lifetime,
    )
    audit_record(actor=user, verb="api_token.create", obj=token, after={"name": token.name})
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb="api_token.revoke", obj=token)
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active user owning a usable token, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
