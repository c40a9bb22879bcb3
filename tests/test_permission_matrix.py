"""The permission matrix: every URL pattern and every API operation, for every role,
in and out of scope, against the policy below (design.md §2, §5).

A new view or API operation that is not in POLICY / API_POLICY makes this test fail.
Expected outcomes: an int is the status code; LOGIN means a redirect to the login page.
Outside a user's scope the answer is 404, never 403.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from essor.accounts.services import api_token_create
from essor.api.main import api
from tests.actionplans import matrix as plans
from tests.conftest import ACTORS, Cast
from tests.funding import matrix as funding

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
    # JSON body of an API operation
    body: Callable[[Cast, str, str], dict[str, Any]] | None = None


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


def contact_pks(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    """A contact of the target company, one per actor (an erasure cannot be repeated)."""
    from essor.companies.models import Contact

    company = getattr(cast, target)
    contact, _ = Contact.objects.get_or_create(
        company=company, last_name=f"Matrice {actor}", defaults={"first_name": "Test"}
    )
    return {"pk": company.pk, "contact_pk": contact.pk}


def contact_request_pk(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    """A pending visitor's request naming the target firm, one per actor (decided once)."""
    from essor.diagnostics.models import ContactRequest
    from tests.diagnostics.helpers import pending_contact_request

    company = getattr(cast, target)
    found = ContactRequest.objects.filter(company=company, last_name=f"Matrice {actor}").first()
    return {"pk": (found or pending_contact_request(company, last_name=f"Matrice {actor}")).pk}


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


def expert_pk(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    """The cast expert's profile (region A), or an expert of region B."""
    from tests.experts.factories import foreign_expert

    return {"pk": (cast.expert_profile if target == "own" else foreign_expert()).pk}


def mission_pk(name: str) -> Callable[[Cast, str, str], dict[str, Any]]:
    """The cast expert's mission at company_a, or another expert's mission at company_b."""

    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        from tests.experts.factories import foreign_mission

        mission = cast.mission if target == "own" else foreign_mission(cast.company_b)
        return {name: mission.pk}

    return kwargs


def proposal_pk(name: str) -> Callable[[Cast, str, str], dict[str, Any]]:
    """A mission still proposed to the cast expert at company_a (to accept or decline), or
    another expert's mission at company_b."""

    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        from essor.experts.enums import MissionStatus
        from essor.experts.models import Mission
        from tests.experts.factories import foreign_mission, make_mission

        if target == "foreign":
            return {name: foreign_mission(cast.company_b).pk}
        proposed = Mission.objects.filter(
            expert=cast.expert_profile, company=cast.company_a, status=MissionStatus.PROPOSED
        ).first()
        mission = proposed or make_mission(cast.expert_profile, cast.company_a, kind="support")
        return {name: mission.pk}

    return kwargs


def conflict_pk(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    from essor.experts.services import conflict_declare
    from tests.experts.factories import foreign_expert

    expert = cast.expert_profile if target == "own" else foreign_expert()
    conflict = expert.conflicts.first() or conflict_declare(
        expert=expert, actor=None, group_name="Groupe Matrice", reason="ancien client"
    )
    return {"pk": conflict.pk}


def matching_run_pk(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    from essor.experts.matching_service import matching_run_create

    region = cast.region_a if target == "own" else cast.region_b
    return {"pk": matching_run_create(region=region, actor=None).pk}


def referentiel_pk(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    from essor.referentiel.models import ReferentielVersion

    return {"pk": ReferentielVersion.objects.get(ref_id="industrie-du-futur").pk}


def diagnostic_pk(name: str = "pk", status: str = "draft", **extra: str) -> Callable[..., Any]:
    """A fresh expert diagnostic in `status`: of company_a with the cast expert named (own),
    or of company_b with no expert named yet (foreign)."""

    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        from tests.diagnostics.helpers import fresh_diagnostic

        company = cast.company_a if target == "own" else cast.company_b
        expert = cast.users["expert"] if target == "own" else None
        return {name: fresh_diagnostic(company, expert=expert, status=status).pk, **extra}

    return kwargs


# Who sees one diagnostic: managers of the firm, its users and its expert (never steering).
DIAGNOSTIC_READERS = {"own": MANAGERS | {"company", "expert"}, "foreign": frozenset({"admin"})}
# Who answers it: its expert, or a manager of the firm while no expert is named.
DIAGNOSTIC_RESPONDENTS = {"own": frozenset({"expert"}), "foreign": frozenset({"admin"})}
DIAGNOSTIC_MANAGERS = {"own": MANAGERS, "foreign": frozenset({"admin"})}
# The cast expert was proposed a (support) mission at company_a: it sees the firm.
FIRM_DIAGNOSTICS = {
    "company_a": MANAGERS | {"company", "expert"},
    "company_b": frozenset({"admin"}),
}


# Action plans: the firm's managers, users and expert see them; the firm's users and expert
# (and national admins) prepare them; the firm validates, then its region.
PLAN_READERS = {"own": MANAGERS | {"company", "expert"}, "foreign": frozenset({"admin"})}
PLAN_BUILDERS = {"own": frozenset({"admin", "company", "expert"}), "foreign": frozenset({"admin"})}
PLAN_FIRM = {"own": frozenset({"admin", "company"}), "foreign": frozenset({"admin"})}
PLAN_REGION = {"own": MANAGERS, "foreign": frozenset({"admin"})}


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
    "followup:impact": Rule({"-": NATIONAL | {"manager_a"}}),
    "followup:survey": Rule(
        {"company_a": frozenset({"company"}), "company_b": frozenset()}, kwargs=survey_pk
    ),
    "companies:company_list": Rule({"-": MANAGERS}),
    "companies:company_create": Rule({"-": MANAGERS}),
    "companies:pipeline": Rule({"-": MANAGERS}),
    "companies:company_detail": Rule(
        # The cast expert was proposed a mission at company_a.
        {"company_a": MANAGERS | {"company", "expert"}, "company_b": frozenset({"admin"})},
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
    "companies:establishment_create": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})}, kwargs=object_pk("pk")
    ),
    "companies:contact_create": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})}, kwargs=object_pk("pk")
    ),
    "companies:contact_export": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})}, kwargs=contact_pks
    ),
    "companies:contact_erase": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})},
        kwargs=contact_pks,
        method="post",
        ok=302,
    ),
    "diagnostics:contact_request_list": Rule({"-": MANAGERS}),
    "diagnostics:contact_request": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})}, kwargs=contact_request_pk
    ),
    "diagnostics:contact_request_attach": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})},
        kwargs=contact_request_pk,
        method="post",
        ok=302,
    ),
    "diagnostics:contact_request_dismiss": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})},
        kwargs=contact_request_pk,
        method="post",
        ok=302,
    ),
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
    "experts:expert_list": Rule({"-": MANAGERS}),
    "experts:expert_create": Rule({"-": MANAGERS}),
    "experts:expert_detail": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})}, kwargs=expert_pk
    ),
    "experts:expert_transition": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=expert_pk,
        method="post",
        ok=302,
    ),
    "experts:mission_create": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=expert_pk,
        method="post",
        ok=302,
    ),
    "experts:my_profile": Rule({"-": frozenset({"expert"})}),
    "experts:my_conflict_delete": Rule(
        {"own": frozenset({"expert"}), "foreign": frozenset()},
        kwargs=conflict_pk,
        method="post",
        ok=302,
    ),
    "experts:my_missions": Rule({"-": frozenset({"expert"})}),
    "experts:company_missions": Rule({"-": frozenset({"company"})}),
    "experts:mission_transition": Rule(
        {"own": MANAGERS | {"expert", "company"}, "foreign": frozenset({"admin"})},
        kwargs=mission_pk("pk"),
        method="post",
        ok=302,
    ),
    "experts:mission_rate": Rule(
        {"own": frozenset({"company"}), "foreign": frozenset()}, kwargs=mission_pk("pk")
    ),
    "experts:matching_index": Rule({"-": MANAGERS}, overrides={"manager_a": 302}),
    "experts:matching_region": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})}, kwargs=region_code
    ),
    "experts:matching_run_new": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=region_code,
        method="post",
        ok=302,
    ),
    "experts:matching_run": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})}, kwargs=matching_run_pk
    ),
    "experts:matching_pair": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=matching_run_pk,
        method="post",
        ok=302,
    ),
    "experts:matching_send": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=matching_run_pk,
        method="post",
        ok=302,
    ),
    "experts:company_needs": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})}, kwargs=object_pk("pk")
    ),
    "referentiel:version_list": logged_in(),
    "referentiel:version_detail": logged_in(kwargs=referentiel_pk),
    "referentiel:version_export": logged_in(kwargs=referentiel_pk),
    "referentiel:version_publish": Rule({"-": frozenset({"admin"})}),
    # The self-assessment is public; without one in the session its pages lead to the start.
    "diagnostics:self_start": everyone(),
    "diagnostics:self_pillar": everyone(
        ok=302, kwargs=lambda cast, target, actor: {"pillar_id": "strategie-pilotage"}
    ),
    "diagnostics:self_result": everyone(ok=302),
    "diagnostics:self_contact": everyone(ok=302),
    "diagnostics:self_thanks": everyone(ok=302),
    "diagnostics:self_link": everyone(ok=302, method="post"),
    "diagnostics:company_diagnostics": Rule(FIRM_DIAGNOSTICS, kwargs=object_pk("company_pk")),
    "diagnostics:diagnostic_compare": Rule(FIRM_DIAGNOSTICS, kwargs=object_pk("company_pk")),
    "diagnostics:diagnostic_new": Rule(
        {"company_a": MANAGERS, "company_b": frozenset({"admin"})}, kwargs=object_pk("company_pk")
    ),
    "diagnostics:diagnostic_list": Rule({"-": MANAGERS | {"company", "expert"}}),
    "diagnostics:diagnostic_detail": Rule(DIAGNOSTIC_READERS, kwargs=diagnostic_pk()),
    "diagnostics:diagnostic_pillar": Rule(
        DIAGNOSTIC_READERS, kwargs=diagnostic_pk(pillar_id="strategie-pilotage")
    ),
    "diagnostics:diagnostic_summary": Rule(DIAGNOSTIC_READERS, kwargs=diagnostic_pk()),
    "diagnostics:diagnostic_submit": Rule(
        DIAGNOSTIC_RESPONDENTS, kwargs=diagnostic_pk(), method="post", ok=302
    ),
    "diagnostics:diagnostic_validate": Rule(
        DIAGNOSTIC_MANAGERS, kwargs=diagnostic_pk(status="submitted"), method="post", ok=302
    ),
    "diagnostics:diagnostic_reopen": Rule(
        DIAGNOSTIC_MANAGERS, kwargs=diagnostic_pk(status="submitted"), method="post", ok=302
    ),
    "diagnostics:diagnostic_report": Rule(
        DIAGNOSTIC_READERS, kwargs=diagnostic_pk(status="validated")
    ),
    "diagnostics:diagnostic_report_pdf": Rule(
        DIAGNOSTIC_READERS, kwargs=diagnostic_pk(status="validated")
    ),
    # Financing: firms file (their users, their assigned expert), managers instruct and
    # decide, national admins set the budget and envelopes and reverse entries.
    "funding:overview": Rule({"-": NATIONAL | {"manager_a"}}),
    "funding:budget_edit": Rule({"-": frozenset({"admin"})}, method="post", ok=302),
    "funding:consumption_export": Rule({"-": NATIONAL | {"manager_a"}}, kwargs=funding.fmt),
    "funding:envelope_detail": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})}, kwargs=region_code
    ),
    "funding:envelope_allocate": Rule(
        {"own": frozenset({"admin"}), "foreign": frozenset({"admin"})},
        kwargs=region_code,
        method="post",
        ok=302,
    ),
    "funding:committee": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})}, kwargs=region_code
    ),
    "funding:entry_reverse": Rule(
        {"own": frozenset({"admin"}), "foreign": frozenset({"admin"})},
        kwargs=funding.ledger_entry,
        method="post",
        ok=302,
    ),
    "funding:request_list": Rule({"-": MANAGERS | {"company", "expert"}}),
    "funding:request_export": Rule({"-": MANAGERS}, kwargs=funding.fmt),
    "funding:request_create": Rule(
        {"company_a": frozenset({"company", "expert"}), "company_b": frozenset()},
        kwargs=funding.firm("company_pk"),
    ),
    "funding:request_detail": Rule(
        {"own": MANAGERS | {"company", "expert"}, "foreign": frozenset({"admin"})},
        kwargs=funding.funding_request(),
    ),
    "funding:request_edit": Rule(
        {"own": frozenset({"company", "expert"}), "foreign": frozenset()},
        kwargs=funding.funding_request(),
    ),
    "funding:request_submit": Rule(
        {"own": frozenset({"company", "expert"}), "foreign": frozenset()},
        kwargs=funding.funding_request(),
        method="post",
        ok=302,
    ),
    "funding:request_withdraw": Rule(
        {"own": frozenset({"company", "expert"}), "foreign": frozenset()},
        kwargs=funding.funding_request(),
        method="post",
        ok=302,
    ),
    "funding:request_note": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=funding.funding_request(),
        method="post",
        ok=302,
    ),
    # An empty decision form is shown again with its errors.
    "funding:request_decide": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=funding.funding_request(),
        method="post",
    ),
    "funding:payment_create": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=funding.funding_request(),
        method="post",
        ok=302,
    ),
    "funding:request_close": Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=funding.funding_request(),
        method="post",
        ok=302,
    ),
    "funding:quote_download": Rule(
        {"own": MANAGERS | {"company", "expert"}, "foreign": frozenset({"admin"})},
        kwargs=funding.funding_request(quote=True),
    ),
    "funding:company_aids": Rule(FIRM_DIAGNOSTICS, kwargs=object_pk("pk")),
    "funding:declared_aid_create": Rule(
        {"company_a": MANAGERS | {"company", "expert"}, "company_b": frozenset({"admin"})},
        kwargs=object_pk("pk"),
        method="post",
        ok=302,
    ),
    "actionplans:company_plans": Rule(
        {"company_a": MANAGERS | {"company", "expert"}, "company_b": frozenset({"admin"})},
        kwargs=plans.firm("company_pk"),
    ),
    "actionplans:plan_create": Rule(
        PLAN_BUILDERS, kwargs=plans.diagnostic("diagnostic_pk"), method="post", ok=302
    ),
    "actionplans:plan_queue": Rule({"-": MANAGERS}),
    "actionplans:plan_detail": Rule(PLAN_READERS, kwargs=plans.plan()),
    "actionplans:action_create": Rule(PLAN_BUILDERS, kwargs=plans.plan()),
    "actionplans:action_edit": Rule(PLAN_BUILDERS, kwargs=plans.plan(action=True)),
    "actionplans:action_delete": Rule(
        PLAN_BUILDERS, kwargs=plans.plan(action=True), method="post", ok=302
    ),
    "actionplans:action_progress": Rule(
        PLAN_BUILDERS,
        kwargs=plans.plan(status="validated", action=True),
        method="post",
        ok=302,
    ),
    "actionplans:plan_submit": Rule(PLAN_BUILDERS, kwargs=plans.plan(), method="post", ok=302),
    "actionplans:plan_company_validate": Rule(
        PLAN_FIRM, kwargs=plans.plan(status="submitted"), method="post", ok=302
    ),
    "actionplans:plan_validate": Rule(
        PLAN_REGION, kwargs=plans.plan(status="company_validated"), method="post", ok=302
    ),
    "actionplans:plan_return": Rule(
        PLAN_REGION, kwargs=plans.plan(status="company_validated"), method="post", ok=302
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
    ("GET", "/experts"): logged_in(),
    ("GET", "/experts/{expert_id}"): Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=lambda cast, target, actor: {"expert_id": expert_pk(cast, target, actor)["pk"]},
    ),
    ("GET", "/referentiels"): logged_in(),
    ("GET", "/referentiels/{ref_id}/{version}"): logged_in(
        kwargs=lambda cast, target, actor: {"ref_id": "industrie-du-futur", "version": "2026.1"}
    ),
    ("POST", "/diagnostics"): Rule(
        {"company_a": MANAGERS | {"company"}, "company_b": frozenset({"admin"})},
        body=lambda cast, target, actor: {
            "company_id": getattr(cast, target).pk,
            "kind": "self_assessment",
        },
        ok=201,
    ),
    ("GET", "/diagnostics/{diagnostic_id}"): Rule(
        DIAGNOSTIC_READERS, kwargs=diagnostic_pk("diagnostic_id")
    ),
    ("PUT", "/diagnostics/{diagnostic_id}/answers"): Rule(
        DIAGNOSTIC_RESPONDENTS,
        kwargs=diagnostic_pk("diagnostic_id"),
        body=lambda cast, target, actor: {"answers": {"feuille-de-route-q1": {"level": 2}}},
    ),
    ("POST", "/diagnostics/{diagnostic_id}/submit"): Rule(
        DIAGNOSTIC_RESPONDENTS, kwargs=diagnostic_pk("diagnostic_id")
    ),
    ("GET", "/diagnostics/{diagnostic_id}/results"): Rule(
        DIAGNOSTIC_READERS, kwargs=diagnostic_pk("diagnostic_id")
    ),
    ("GET", "/missions"): logged_in(),
    ("POST", "/missions/{mission_id}/accept"): Rule(
        {"own": frozenset({"expert"}), "foreign": frozenset()}, kwargs=proposal_pk("mission_id")
    ),
    ("POST", "/missions/{mission_id}/decline"): Rule(
        {"own": frozenset({"expert"}), "foreign": frozenset()}, kwargs=proposal_pk("mission_id")
    ),
    ("GET", "/funding/requests"): logged_in(),
    ("POST", "/funding/companies/{company_id}/requests"): Rule(
        {"company_a": frozenset({"company", "expert"}), "company_b": frozenset()},
        kwargs=funding.firm("company_id"),
        body=funding.request_body,
        ok=201,
    ),
    ("GET", "/funding/requests/{request_id}"): Rule(
        {"own": MANAGERS | {"company", "expert"}, "foreign": frozenset({"admin"})},
        kwargs=funding.funding_request("request_id"),
    ),
    ("POST", "/funding/requests/{request_id}/submit"): Rule(
        {"own": frozenset({"company", "expert"}), "foreign": frozenset()},
        kwargs=funding.funding_request("request_id"),
    ),
    # In scope, a decision without its Idempotency-Key header is a 400.
    ("POST", "/funding/requests/{request_id}/decisions"): Rule(
        {"own": MANAGERS, "foreign": frozenset({"admin"})},
        kwargs=funding.funding_request("request_id"),
        body=funding.refusal_body,
        ok=400,
    ),
    ("GET", "/action-plans"): logged_in(),
    ("GET", "/action-plans/{plan_id}"): Rule(PLAN_READERS, kwargs=plans.plan("plan_id")),
    ("GET", "/funding/envelopes"): Rule({"-": NATIONAL | {"manager_a"}}),
    ("GET", "/funding/envelopes/{region_code}"): Rule(
        {"own": NATIONAL | {"manager_a"}, "foreign": NATIONAL},
        kwargs=funding.region("region_code"),
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
            body = json.dumps(rule.body(cast, target, actor)) if rule.body else ""
            response = Client().generic(
                method, url, body, content_type="application/json", headers=headers
            )
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
