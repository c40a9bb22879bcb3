"""The permission matrix: every URL pattern and every API operation, for every role,
in and out of scope, against the policy below (design.md §2, §5).

A new view or API operation that is not in POLICY / API_POLICY makes this test fail.
Expected outcomes: an int is the status code; LOGIN means a redirect to the login page.
Outside a user's scope the answer is 404, never 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from essor.accounts.services import api_token_create
from essor.api.main import api
from tests.conftest import ACTORS, Cast

LOGIN = "login"
AUTHENTICATED = frozenset(ACTORS) - {"anonymous"}
NATIONAL = frozenset({"admin", "steering"})
# Company-level data: national admins and the regional manager of region A (the cast's region).
MANAGERS = frozenset({"admin", "manager_a"})


@dataclass(frozen=True)
class Rule:
    """Who gets what at one URL. `targets` maps a target name to the actors allowed on it."""

    targets: dict[str, frozenset[str]]
    kwargs: Callable[[Cast, str, str], dict[str, Any]] | None = None
    method: str = "get"
    ok: int = 200
    denied: int = 404
    anonymous: int | str = LOGIN
    # status for an allowed, logged-in actor when it differs from `ok`
    overrides: dict[str, int] = field(default_factory=dict)


def everyone(ok: int = 200, **extra: Any) -> Rule:
    return Rule({"-": frozenset(ACTORS)}, ok=ok, anonymous=ok, **extra)


def logged_in(**extra: Any) -> Rule:
    return Rule({"-": AUTHENTICATED}, **extra)


def region_code(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    return {"code": (cast.region_a if target == "own" else cast.region_b).code}


def department_code(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    return {"code": "69"}


def object_pk(name: str) -> Callable[[Cast, str, str], dict[str, Any]]:
    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        return {name: getattr(cast, target).pk}

    return kwargs


ORGANISATION_TARGETS = {
    "platform_a": NATIONAL | {"manager_a"},
    "platform_b": NATIONAL,
    "expert_org": NATIONAL | {"manager_a", "expert"},
    "national_org": NATIONAL | {"manager_a"},
}


def token_pk(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    owner = (
        cast.users[actor] if target == "own" and actor in cast.users else cast.users["manager_b"]
    )
    token, _secret = api_token_create(user=owner, name="matrix")
    return {"pk": token.pk}


def import_job_pk(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    """A checked import job uploaded by the manager of region A (own) or of region B."""
    from essor.companies.models import ImportJob

    owner = cast.users["manager_a" if target == "own" else "manager_b"]
    job = ImportJob.objects.create(created_by=owner, original_name="matrix.csv")
    job.regions.set([cast.region_a if target == "own" else cast.region_b])
    return {"pk": job.pk}


def survey_pk(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    from django.utils import timezone

    from essor.followup.enums import SurveyStatus
    from essor.followup.models import ImpactSurvey

    company = getattr(cast, target)
    survey, _ = ImpactSurvey.objects.get_or_create(
        company=company,
        defaults={
            "due_on": timezone.localdate(),
            "region_code": company.region.code,
            "status": SurveyStatus.SENT,
        },
    )
    return {"pk": survey.pk}


def reset_link(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    return {"uidb64": "MQ", "token": "bad-token"}


POLICY: dict[str, Rule] = {
    "core:home": everyone(),
    "accounts:login": Rule(
        {"-": frozenset(ACTORS)}, anonymous=200, overrides={a: 302 for a in AUTHENTICATED}
    ),
    "accounts:logout": Rule({"-": frozenset(ACTORS)}, method="post", ok=302, anonymous=302),
    "accounts:password_reset": everyone(),
    "accounts:password_reset_done": everyone(),
    "accounts:password_reset_confirm": everyone(kwargs=reset_link),
    "accounts:password_reset_complete": everyone(),
    "accounts:password_change": logged_in(),
    "accounts:profile": logged_in(),
    "accounts:tokens": logged_in(),
    "accounts:token_revoke": Rule(
        {"own": AUTHENTICATED, "foreign": frozenset()}, kwargs=token_pk, method="post", ok=302
    ),
    "territories:region_list": logged_in(),
    "territories:region_detail": Rule(
        {"own": AUTHENTICATED, "foreign": AUTHENTICATED}, kwargs=region_code
    ),
    "territories:region_team": Rule(
        {"own": frozenset({"admin", "manager_a"}), "foreign": frozenset({"admin"})},
        kwargs=region_code,
    ),
    "territories:department_list": logged_in(),
    "territories:department_detail": logged_in(kwargs=department_code),
    "territories:organisation_list": logged_in(),
    "territories:organisation_detail": Rule(ORGANISATION_TARGETS, kwargs=object_pk("pk")),
    "dashboard:programme": Rule({"-": NATIONAL}),
    "companies:company_import": Rule({"-": MANAGERS}),
    "companies:import_job": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})}, kwargs=import_job_pk
    ),
    "companies:import_job_status": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})}, kwargs=import_job_pk
    ),
    "companies:import_job_run": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=import_job_pk,
        method="post",
        ok=302,
    ),
    "companies:company_export_csv": Rule({"-": MANAGERS}),
    "companies:company_export_xlsx": Rule({"-": MANAGERS}),
    "followup:impact": Rule({"-": NATIONAL | {"manager_a"}}),
    "followup:survey": Rule(
        {"company_a": frozenset({"company"}), "company_b": frozenset()}, kwargs=survey_pk
    ),
    "companies:company_list": Rule({"-": MANAGERS}),
    "companies:company_create": Rule({"-": MANAGERS}),
    "companies:pipeline": Rule({"-": MANAGERS}),
    "companies:company_detail": Rule(
        {"company_a": MANAGERS | {"company"}, "company_b": frozenset({"admin"})},
        kwargs=object_pk("pk"),
    ),
    "companies:company_edit": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})}, kwargs=object_pk("pk")
    ),
    "companies:company_transition": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})},
        kwargs=object_pk("pk"),
        method="post",
        ok=302,
    ),
    "set_language": Rule({"-": frozenset(ACTORS)}, method="post", ok=302, anonymous=302),
    # The API's own documentation is public; its operations are in API_POLICY below.
    "api:api-root": Rule({"-": frozenset()}, anonymous=404),  # ninja serves no root page
    "api:openapi-json": everyone(),
    "api:openapi-view": everyone(),
    "api_docs": everyone(ok=302),
}

API_POLICY: dict[tuple[str, str], Rule] = {
    ("GET", "/me"): logged_in(),
    ("GET", "/regions"): logged_in(),
    ("GET", "/regions/{code}"): Rule(
        {"own": AUTHENTICATED, "foreign": AUTHENTICATED}, kwargs=region_code
    ),
    ("GET", "/departments"): logged_in(),
    ("GET", "/organisations"): logged_in(),
    ("GET", "/organisations/{organisation_id}"): Rule(
        ORGANISATION_TARGETS, kwargs=object_pk("organisation_id")
    ),
}

ADMIN_SITE_NAMES = {
    "index", "login", "logout", "password_change", "password_change_done", "autocomplete",
    "jsi18n", "view_on_site", "app_list",
}  # fmt: skip
ADMIN_MODEL_SUFFIXES = ("_changelist", "_add", "_change", "_delete", "_history")


def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            prefix = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {entry.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), str(entry.pattern)


def all_url_names() -> set[str]:
    return {name for name, _ in walk(get_resolver().url_patterns)}


def api_operations() -> set[tuple[str, str]]:
    operations = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    operations.add((method, "/" + (prefix + path).strip("/")))
    return operations


def test_every_url_is_in_the_policy() -> None:
    names = {n for n in all_url_names() if not n.startswith("admin:")}
    api_names = {f"api:{op.view_func.__name__}" for op in _api_ops()}
    missing = names - set(POLICY) - api_names
    assert not missing, f"URL patterns without a policy entry: {sorted(missing)}"
    stale = set(POLICY) - names
    assert not stale, f"policy entries for URLs that no longer exist: {sorted(stale)}"


def _api_ops() -> list[Any]:
    return [
        op
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for op in path_view.operations
    ]


def test_every_api_operation_is_in_the_policy() -> None:
    operations = api_operations()
    assert operations == set(API_POLICY), (
        f"missing: {sorted(operations - set(API_POLICY))}; stale: {sorted(set(API_POLICY) - operations)}"
    )


def test_every_admin_url_is_covered() -> None:
    for name in all_url_names():
        if not name.startswith("admin:"):
            continue
        short = name.removeprefix("admin:")
        # Unnamed admin patterns are its redirects (legacy change URLs, catch-all).
        unnamed = short.startswith("<unnamed")
        assert unnamed or short in ADMIN_SITE_NAMES or short.endswith(ADMIN_MODEL_SUFFIXES), name


def _client_for(cast: Cast, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(cast.users[actor])
    return client


def _expected(rule: Rule, actor: str, target: str) -> int | str:
    if actor == "anonymous":
        allowed = "anonymous" in rule.targets[target]
        if rule.anonymous == LOGIN:
            return LOGIN
        return rule.anonymous if allowed else rule.denied
    if actor not in rule.targets[target]:
        return rule.denied
    return rule.overrides.get(actor, rule.ok)


def _check(response: Any, expected: int | str, label: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, f"{label}: {response.status_code}"
        assert "/accounts/login/" in response["Location"], f"{label}: {response['Location']}"
    else:
        assert response.status_code == expected, (
            f"{label}: got {response.status_code}, want {expected}"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_pages(cast: Cast, name: str) -> None:
    from django.urls import reverse

    rule = POLICY[name]
    for target in rule.targets:
        for actor in ACTORS:
            kwargs = rule.kwargs(cast, target, actor) if rule.kwargs else {}
            url = reverse(name, kwargs=kwargs)
            response = getattr(_client_for(cast, actor), rule.method)(url)
            _check(response, _expected(rule, actor, target), f"{name} [{target}] as {actor}")
            # Test settings render unknown template variables as !!INVALID[...]!!.
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            assert b"!!INVALID" not in content, f"{name} as {actor}: unknown variable"


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(API_POLICY))
def test_api_operations(cast: Cast, operation: tuple[str, str]) -> None:
    method, path = operation
    rule = API_POLICY[operation]
    tokens = {
        actor: api_token_create(user=cast.users[actor], name="matrix")[1] for actor in AUTHENTICATED
    }
    for target in rule.targets:
        for actor in ACTORS:
            kwargs = rule.kwargs(cast, target, actor) if rule.kwargs else {}
            url = "/api/v1" + path.format(**kwargs)
            headers = {} if actor == "anonymous" else {"Authorization": f"Bearer {tokens[actor]}"}
            response = Client().generic(method, url, headers=headers)
            expected: int | str = 401 if actor == "anonymous" else _expected(rule, actor, target)
            _check(response, expected, f"{method} {path} [{target}] as {actor}")


@pytest.mark.django_db
def test_admin_is_for_national_admins_only(cast: Cast) -> None:
    from django.urls import reverse

    for model, _model_admin in admin.site._registry.items():
        obj = model._default_manager.first()
        meta = model._meta
        names = [("changelist", []), ("add", [])]
        if obj is not None:
            names += [("change", [obj.pk]), ("history", [obj.pk])]
        for suffix, args in names:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{suffix}", args=args)
            for actor in ACTORS:
                response = _client_for(cast, actor).get(url)
                label = f"{url} as {actor}"
                if actor == "admin":
                    assert response.status_code in (200, 403), label  # 403: read-only audit "add"
                else:
                    assert response.status_code == 302, label
                    assert "/admin/login/" in response["Location"], label
