from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essor.companies.models import Company
from essor.territories.models import Department, Organisation, Region

from .enums import (
    OPEN_MISSION_STATUSES,
    ExpertStatus,
    MatchingRunStatus,
    MissionKind,
    MissionStatus,
    SkillLevel,
)


class ExpertProfile(models.Model):
    """A consultant referenced (or applying to be) by the programme. One profile per user.

    `region` is the home department's region: the tenancy key (design.md §7) and the region
    whose managers decide on the referencing. `status` changes only through
    `essor.experts.workflow`. Personal data: exportable and erasable (`services.expert_erase`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_profile",
        verbose_name=_("user"),
    )
    full_name = models.CharField(_("name"), max_length=150)
    firm = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name=_("firm"),
    )
    home_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("home department")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="experts", verbose_name=_("region")
    )
    departments = models.ManyToManyField(
        Department,
        related_name="covering_experts",
        blank=True,
        verbose_name=_("departments covered"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=3, help_text=_("Missions the expert can hold at once.")
    )
    daily_rate_cents = models.PositiveIntegerField(_("daily rate (cents)"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ExpertStatus.choices,
        default=ExpertStatus.APPLICATION,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("in this status since"), auto_now_add=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("experts:expert_detail", args=[self.pk])

    @property
    def is_referenced(self) -> bool:
        return self.status == ExpertStatus.REFERENCED


class ExpertSkill(models.Model):
    """One skill of an expert (a référentiel pillar or dimension id, or a technology family id)."""

    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="skills", verbose_name=_("expert")
    )
    skill = models.CharField(_("skill"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)

    class Meta:
        ordering = ["skill"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(fields=["expert", "skill"], name="one_level_per_skill"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="skill_level_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level})"


class ConflictDeclaration(models.Model):
    """A conflict of interest declared by an expert: with one firm (its SIREN) or a whole group.

    The SIREN is kept as typed (checksum-valid) rather than as a link, so that an expert can
    declare a firm the programme does not follow yet, and learns nothing about which firms
    it follows. Checked at matching (the arc does not exist) and at every assignment.
    """

    expert = models.ForeignKey(
        ExpertProfile,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("expert"),
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    group_name = models.CharField(_("group"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("declared on"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=(Q(siren="") & ~Q(group_name="")) | (~Q(siren="") & Q(group_name="")),
                name="conflict_names_a_firm_or_a_group",
            ),
        ]

    def __str__(self) -> str:
        return self.siren or self.group_name


class Mission(models.Model):
    """A diagnostic or support mission of one expert at one firm.

    `region` is the firm's region (tenancy key). `status` changes only through
    `essor.experts.workflow`. A firm has at most one open diagnostic mission at a time.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MissionKind.choices)
    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.PROTECT, related_name="missions", verbose_name=_("expert")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="missions", verbose_name=_("company")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MissionStatus.choices,
        default=MissionStatus.PROPOSED,
        db_index=True,
    )
    matching_run = models.ForeignKey(
        "MatchingRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=_("matching run"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("proposed on"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("in this status since"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        indexes = [
            models.Index(fields=["expert", "status"]),
            models.Index(fields=["region", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(kind=MissionKind.DIAGNOSTIC, status__in=OPEN_MISSION_STATUSES),
                name="one_open_diagnostic_mission_per_company",
                violation_error_message=_("This firm already has an open diagnostic mission."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.company.name} – {self.expert}"

    @property
    def rating_or_none(self) -> "MissionRating | None":
        """The firm's rating, or None (templates must not touch a missing one-to-one)."""
        try:
            return self.rating
        except MissionRating.DoesNotExist:
            return None


class MissionRating(models.Model):
    """The firm's rating of a finished mission (1 to 5). Seen by national admins and the
    managers of the mission's region only, never by other firms or experts."""

    mission = models.OneToOneField(
        Mission, on_delete=models.CASCADE, related_name="rating", verbose_name=_("mission")
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    created_at = models.DateTimeField(_("rated on"), auto_now_add=True)

    class Meta:
        verbose_name = _("mission rating")
        verbose_name_plural = _("mission ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_5")
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class CompanyNeed(models.Model):
    """A skill a firm needs from its expert, stated by its regional manager.

    Matching adds these stated needs to the first priorities of the firm's latest complete
    self-assessment (`selectors.company_needs`); a firm with neither is matched on distance
    and load alone.
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="expert_needs", verbose_name=_("company")
    )
    skill = models.CharField(_("skill"), max_length=64)

    class Meta:
        ordering = ["skill"]
        verbose_name = _("company need")
        verbose_name_plural = _("company needs")
        constraints = [
            models.UniqueConstraint(fields=["company", "skill"], name="one_need_per_skill")
        ]

    def __str__(self) -> str:
        return self.skill


class MatchingRun(models.Model):
    """One run of the optimal matching for a region: its parameters and the proposed pairs.

    `result` holds the proposals with their explanations (`matching_service.run_result`);
    the manager reviews and changes pairs there, then sends them, which creates the
    proposed missions.
    """

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MatchingRunStatus.choices,
        default=MatchingRunStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("run on"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        indexes = [models.Index(fields=["region", "created_at"])]

    def __str__(self) -> str:
        return f"{self.region.code} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("experts:matching_run", args=[self.pk])
