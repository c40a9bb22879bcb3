"""The demo experts: referenced over the demo regions, the demo expert with missions."""

from __future__ import annotations

import pytest
from django.db.models import Count

from essor.accounts.enums import Role
from essor.accounts.models import Membership
from essor.companies.demo import demo_companies_create
from essor.core.demo import demo_accounts_create, demo_organisations_create
from essor.experts.demo import DEMO_EXPERT_EMAIL, DEMO_REGION_EXPERTS, demo_experts_create
from essor.experts.enums import ExpertStatus, MissionStatus
from essor.experts.models import ExpertProfile, Mission

pytestmark = pytest.mark.django_db


def test_demo_experts_are_referenced_realistic_and_made_once(reference: None) -> None:
    demo_organisations_create()
    demo_companies_create()
    demo_accounts_create()
    created = demo_experts_create()
    assert created == sum(DEMO_REGION_EXPERTS.values()) + 1
    per_region = dict(
        ExpertProfile.objects.filter(status=ExpertStatus.REFERENCED)
        .values_list("region__code")
        .annotate(n=Count("pk"))
    )
    assert set(per_region) == set(DEMO_REGION_EXPERTS)
    assert sum(per_region.values()) >= 38
    for expert in ExpertProfile.objects.prefetch_related("skills", "departments"):
        assert 2 <= expert.capacity <= 6
        assert expert.daily_rate_cents is not None
        assert 70_000 <= expert.daily_rate_cents <= 140_000
        assert expert.skills.exists() and expert.departments.exists()
    demo = ExpertProfile.objects.get(user__email=DEMO_EXPERT_EMAIL)
    assert (demo.status, demo.region.code) == (ExpertStatus.REFERENCED, "84")
    statuses = set(Mission.objects.filter(expert=demo).values_list("status", flat=True))
    assert {MissionStatus.PROPOSED, MissionStatus.ACCEPTED} <= statuses
    assert Membership.objects.filter(user=demo.user, role=Role.EXPERT).exists()
    counts = (ExpertProfile.objects.count(), Mission.objects.count())
    assert demo_experts_create() == 0
    assert counts == (ExpertProfile.objects.count(), Mission.objects.count())
