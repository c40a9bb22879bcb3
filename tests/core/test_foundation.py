"""Reference data loading, the demo, audit, formatting, settings readers, deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from config.settings.env import envbool, envint
from essor.accounts.models import Membership, User
from essor.core.demo import DEMO_ACCOUNTS
from essor.core.formatting import format_euros, format_thousands
from essor.core.models import AuditEvent
from essor.core.reference import reference_data_load
from essor.core.services import audit_trail
from essor.dashboard.models import Objective
from essor.territories.enums import OrganisationKind
from essor.territories.models import Department, Organisation, Region
from essor.territories.services import organisation_create

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_reference_data_load_is_idempotent() -> None:
    first = reference_data_load()
    second = reference_data_load()
    assert (first.regions, first.departments) == (18, 101)
    assert second == first
    assert Region.objects.count() == 18 and Department.objects.count() == 101
    assert Department.objects.get(code="2A").region.code == "94"
    assert Objective.objects.get(key="budget").target == 160_000_000 * 100
    assert Objective.objects.get(key="pilot-lines").deadline.isoformat() == "2016-01-01"


@pytest.mark.django_db
def test_objectives_edited_by_the_admin_survive_a_reload() -> None:
    reference_data_load()
    Objective.objects.filter(key="firms-guided").update(target=2500)
    reference_data_load()
    assert Objective.objects.get(key="firms-guided").target == 2500


@pytest.mark.django_db
def test_demo_runs_twice_without_duplicates(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("essor_demo", noserve=True)
    counts = (User.objects.count(), Membership.objects.count(), Organisation.objects.count())
    call_command("essor_demo", noserve=True)
    assert counts == (
        User.objects.count(),
        Membership.objects.count(),
        Organisation.objects.count(),
    )
    # The demo accounts, plus one account per demo consultant (essor.experts.demo).
    consultants = User.objects.filter(email__startswith="consultant.").count()
    assert User.objects.count() == len(DEMO_ACCOUNTS) + consultants
    assert Organisation.objects.filter(kind=OrganisationKind.REGIONAL_PLATFORM).count() == 18
    out = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.email in out
    assert "http://127.0.0.1:8000/" in out


@pytest.mark.django_db
def test_a_region_has_one_platform_only(reference: None) -> None:
    region = Region.objects.get(code="53")
    organisation_create(
        actor=None, name="P1", kind=OrganisationKind.REGIONAL_PLATFORM, region=region
    )
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError, match="already has a regional"):
        organisation_create(
            actor=None, name="P2", kind=OrganisationKind.REGIONAL_PLATFORM, region=region
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="P3", kind=OrganisationKind.REGIONAL_PLATFORM, region=None)


@pytest.mark.django_db
def test_organisation_creation_is_audited(reference: None) -> None:
    actor = User.objects.create_user(email="a@example.fr", password=None, full_name="Alice Admin")
    organisation = organisation_create(
        actor=actor,
        name="Pôle Test",
        kind=OrganisationKind.COMPETITIVENESS_CLUSTER,
        region=Region.objects.get(code="84"),
    )
    (event,) = audit_trail(organisation)
    assert event.verb == "organisation.create"
    assert event.actor == actor and event.actor_label == "Alice Admin <a@example.fr>"
    assert event.region_code == "84"
    assert event.after["name"] == "Pôle Test"


@pytest.mark.django_db
def test_audit_events_keep_the_actor_label_after_erasure(reference: None) -> None:
    actor = User.objects.create_user(email="b@example.fr", password=None, full_name="Bob")
    organisation = organisation_create(actor=actor, name="X", kind=OrganisationKind.NATIONAL_TEAM)
    actor.delete()
    (event,) = audit_trail(organisation)
    assert event.actor is None and event.actor_label == "Bob <b@example.fr>"
    assert AuditEvent.objects.count() >= 1


def test_money_is_shown_in_euros_in_each_language() -> None:
    assert format_euros(123456789) == "1\u00a0234\u00a0567,89\u00a0€"
    assert format_euros(123456789, "en") == "€1,234,567.89"
    assert format_euros(-5) == "-0,05\u00a0€"
    assert format_euros(0, "en") == "€0.00"
    assert format_thousands(2000) == "2\u00a0000"
    assert format_thousands(1234567, "en") == "1,234,567"
    assert format_thousands(999) == "999"


def test_env_readers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "yes")
    assert envbool("X_BOOL", False) is True
    monkeypatch.setenv("X_BOOL", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        envbool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "12a")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        envint("X_INT", 1)
    assert envint("X_MISSING", 7) == 7


def test_deploy_check_is_clean_with_production_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-" + "z" * 20,
        "ALLOWED_HOSTS": "essor.example.fr",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_secret_key() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_timelines_show_a_name_or_the_platform_never_an_address(reference: None) -> None:
    from django.utils import translation

    from essor.core.models import AuditEvent

    person = AuditEvent(actor_label="Alice Admin <a@example.fr>", actor_id=1)
    platform = AuditEvent(actor_label="system", actor_id=None)
    with translation.override("fr"):
        assert (person.actor_display, platform.actor_display) == ("Alice Admin", "la plateforme")
    with translation.override("en"):
        assert platform.actor_display == "the platform"
