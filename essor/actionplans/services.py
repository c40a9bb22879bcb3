"""Writes of action plans: build from a diagnostic, edit actions, the validation workflow,
progress of the actions. Every write is audited on the plan (its timeline).

The pre-filled actions come from the pure prioritisation (`essor.referentiel.prioritisation`,
docs/methodology.md §6) of the plan's diagnostic: its unrounded dimension scores, agreed
targets and important KPIs — the same ranking as the diagnostic's report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from essor.companies.enums import JourneyState
from essor.companies.journey import TransitionError, journey_apply
from essor.companies.models import Company
from essor.companies.validation import MAX_CENTS
from essor.core.services import audit_record
from essor.diagnostics.enums import DiagnosticKind, DiagnosticStatus
from essor.diagnostics.models import Diagnostic
from essor.diagnostics.scoring import raw_scores
from essor.diagnostics.services import targets_of
from essor.referentiel.model import Referentiel
from essor.referentiel.prioritisation import Priority, prioritise
from essor.referentiel.texts import localised

from . import reference
from .enums import ActionStatus
from .models import Action, ActionPlan
from .workflow import PlanError, plan_transition

# As many pre-filled actions as the report shows priorities (diagnostics.report.TOP_PRIORITIES).
TOP_ACTIONS = 5
TITLE_MAX = 200
OWNER_MAX = 200


class ActionInvalid(PlanError):
    """An action refused field by field: `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors.values()))


PLAN_YEARS = (2000, 2100)
"""The years an action may start or end in: anything else is a typing error."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _label(name: str) -> str:
    """The label of the field as the user sees it on the form (not the model's, which may
    speak of cents where the form takes euros)."""
    from .forms import FORM_FIELD, ActionForm, ProgressForm  # the forms import this module

    field_name = FORM_FIELD.get(name, name)
    for form in (ActionForm, ProgressForm):
        if field_name in form.base_fields:
            return str(form.base_fields[field_name].label)
    return str(getattr(Action._meta.get_field(name), "verbose_name", name))


# --- building a plan from its diagnostic ----------------------------------------------------


def diagnostic_priorities(diagnostic: Diagnostic, top: int = TOP_ACTIONS) -> tuple[Priority, ...]:
    """The diagnostic's top priorities with a gap left to close (methodology.md §6)."""
    ref = diagnostic.referentiel.parsed
    scores = raw_scores(ref, diagnostic.answers or {}).dimensions
    known_kpis = {k.id for k in ref.kpis}
    important = [k for k in diagnostic.important_kpis or [] if k in known_kpis]
    return prioritise(ref, scores, targets_of(diagnostic), important).top(top)


def _prefilled(ref: Referentiel, priority: Priority, order: int) -> Action:
    dimension = next(d for d in ref.dimensions if d.id == priority.dimension_id)
    statement = next((s.text for s in dimension.levels if s.level == priority.target_level), None)
    goal = _("Reach level %(target)s (now %(current)s).") % {
        "target": priority.target_level,
        "current": formats.number_format(round(priority.current_level, 1), 1),
    }
    description = f"{goal} {localised(statement)}".strip()
    return Action(
        order=order,
        dimension_id=dimension.id,
        technology_family=next(iter(priority.technologies), ""),
        title=localised(dimension.title)[:TITLE_MAX],
        description=description,
        kpi_effects=[k.id for k in ref.kpis if dimension.impacts.get(k.id, 0) > 0],
    )


@transaction.atomic
def plan_create(*, diagnostic: Diagnostic, actor: Any) -> ActionPlan:
    """Open the action plan of a validated expert diagnostic, pre-filled with one action per
    top priority (dimension, its first technology family, the KPIs it impacts); the firm
    and its expert then complete and edit the actions.

    Rules: the diagnostic is a validated expert diagnostic of a firm still in the programme;
    one plan per diagnostic.
    """
    company = diagnostic.company
    if diagnostic.kind != DiagnosticKind.EXPERT or company is None:
        raise PlanError(_("An action plan is built from the expert diagnostic of a firm."))
    if diagnostic.status != DiagnosticStatus.VALIDATED:
        raise PlanError(
            _("The diagnostic is “%(status)s”: an action plan needs a validated diagnostic.")
            % {"status": diagnostic.get_status_display()}
        )
    if not company.is_open:
        raise PlanError(
            _("The firm is “%(state)s”: no new action plan.")
            % {"state": company.get_state_display()}
        )
    if ActionPlan.objects.filter(diagnostic=diagnostic).exists():
        raise PlanError(_("This diagnostic already has its action plan."))
    plan = ActionPlan(
        company=company, region_id=company.region_id, diagnostic=diagnostic,
        created_by=_user(actor),
    )  # fmt: skip
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # the same plan opened a moment ago by someone else
        raise PlanError(_("This diagnostic already has its action plan.")) from None
    ref = diagnostic.referentiel.parsed
    actions = [
        _prefilled(ref, priority, order)
        for order, priority in enumerate(diagnostic_priorities(diagnostic), 1)
    ]
    for action in actions:
        action.plan = plan
    Action.objects.bulk_create(actions)
    audit_record(
        actor=actor,
        verb="actionplan.create",
        obj=plan,
        after={"diagnostic": diagnostic.pk, "dimensions": [a.dimension_id for a in actions]},
        region_code=company.region.code,
    )
    return plan


# --- actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionData:
    dimension_id: str
    title: str
    technology_family: str = ""
    description: str = ""
    estimated_cost_cents: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    owner: str = ""
    kpi_effects: Sequence[str] = field(default_factory=tuple)


def action_errors(ref: Referentiel, data: ActionData) -> dict[str, str]:
    """What is wrong with an action, field by field (empty when nothing is)."""
    errors: dict[str, str] = {}
    if data.dimension_id not in {d.id for d in ref.dimensions}:
        errors["dimension_id"] = _("“%(field)s”: choose a dimension of the référentiel.") % {
            "field": _label("dimension_id")
        }
    if data.technology_family and data.technology_family not in reference.technology_families():
        errors["technology_family"] = _("“%(field)s”: unknown technology family.") % {
            "field": _label("technology_family")
        }
    if not data.title.strip():
        errors["title"] = _("“%(field)s” is required.") % {"field": _label("title")}
    elif len(data.title.strip()) > TITLE_MAX:
        errors["title"] = _("“%(field)s” has at most %(max)s characters.") % {
            "field": _label("title"),
            "max": TITLE_MAX,
        }
    if len(data.owner.strip()) > OWNER_MAX:
        errors["owner"] = _("“%(field)s” has at most %(max)s characters.") % {
            "field": _label("owner"),
            "max": OWNER_MAX,
        }
    cost = data.estimated_cost_cents
    if cost is not None and (isinstance(cost, bool) or not isinstance(cost, int) or cost < 0):
        errors["estimated_cost_cents"] = _("“%(field)s” cannot be negative.") % {
            "field": _label("estimated_cost_cents")
        }
    elif cost is not None and cost > MAX_CENTS:
        errors["estimated_cost_cents"] = _("“%(field)s” is beyond the largest amount accepted.") % {
            "field": _label("estimated_cost_cents")
        }
    for name in ("start_date", "end_date"):
        day = getattr(data, name)
        if day is not None and not PLAN_YEARS[0] <= day.year <= PLAN_YEARS[1]:
            errors[name] = _("“%(field)s”: a year from %(first)s to %(last)s.") % {
                "field": _label(name),
                "first": PLAN_YEARS[0],
                "last": PLAN_YEARS[1],
            }
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = _("“%(end)s” is before “%(start)s”.") % {
            "end": _label("end_date"),
            "start": _label("start_date"),
        }
    known = {k.id for k in ref.kpis}
    unknown = [k for k in data.kpi_effects if k not in known]
    if unknown:
        errors["kpi_effects"] = _("“%(field)s”: unknown KPI %(ids)s.") % {
            "field": _label("kpi_effects"),
            "ids": ", ".join(unknown),
        }
    return errors


def _lock_editable(plan: ActionPlan) -> ActionPlan:
    locked = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("region", "diagnostic__referentiel")
        .get(pk=plan.pk)
    )
    if not locked.is_editable:
        raise PlanError(
            _("The plan is “%(status)s”: its actions change only while it is prepared.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _apply(action: Action, ref: Referentiel, data: ActionData) -> None:
    errors = action_errors(ref, data)
    if errors:
        raise ActionInvalid(errors)
    action.dimension_id = data.dimension_id
    action.technology_family = data.technology_family
    action.title = data.title.strip()
    action.description = data.description.strip()
    action.estimated_cost_cents = data.estimated_cost_cents
    action.start_date = data.start_date
    action.end_date = data.end_date
    action.owner = data.owner.strip()
    action.kpi_effects = [k.id for k in ref.kpis if k.id in set(data.kpi_effects)]


def _snapshot(action: Action) -> dict[str, Any]:
    return {
        "action": action.pk,
        "title": action.title,
        "dimension": action.dimension_id,
        "technology_family": action.technology_family,
        "estimated_cost_cents": action.estimated_cost_cents,
        "start": action.start_date.isoformat() if action.start_date else None,
        "end": action.end_date.isoformat() if action.end_date else None,
        "owner": action.owner,
        "kpis": list(action.kpi_effects),
    }


@transaction.atomic
def action_add(*, plan: ActionPlan, actor: Any, data: ActionData) -> Action:
    """Add an action at the end of a plan being prepared."""
    locked = _lock_editable(plan)
    action = Action(plan=locked)
    _apply(action, locked.diagnostic.referentiel.parsed, data)
    action.order = (locked.actions.aggregate(m=Max("order"))["m"] or 0) + 1
    action.save()
    audit_record(
        actor=actor, verb="actionplan.action.add", obj=locked, after=_snapshot(action),
        region_code=locked.region.code,
    )  # fmt: skip
    return action


@transaction.atomic
def action_update(*, action: Action, actor: Any, data: ActionData) -> Action:
    """Change an action of a plan being prepared."""
    locked = _lock_editable(action.plan)
    row = Action.objects.get(pk=action.pk, plan=locked)
    before = _snapshot(row)
    _apply(row, locked.diagnostic.referentiel.parsed, data)
    row.save()
    after = _snapshot(row)
    if after != before:
        audit_record(
            actor=actor, verb="actionplan.action.update", obj=locked, before=before, after=after,
            region_code=locked.region.code,
        )  # fmt: skip
    return row


@transaction.atomic
def action_remove(*, action: Action, actor: Any) -> None:
    """Remove an action from a plan being prepared."""
    locked = _lock_editable(action.plan)
    row = Action.objects.get(pk=action.pk, plan=locked)
    before = _snapshot(row)
    row.delete()
    audit_record(
        actor=actor, verb="actionplan.action.remove", obj=locked, before=before,
        region_code=locked.region.code,
    )  # fmt: skip


# --- the validation workflow ----------------------------------------------------------------


def submission_problems(plan: ActionPlan, actions: Sequence[Action] | None = None) -> list[str]:
    """Why the plan cannot be submitted yet: each incomplete action and the missing field.

    `actions` are the plan's actions in order, when the caller has already loaded them."""
    actions = list(plan.actions.all()) if actions is None else list(actions)
    if not actions:
        return [_("Add at least one action to the plan.")]
    required = ("estimated_cost_cents", "start_date", "end_date", "owner")
    problems = []
    for number, action in enumerate(actions, 1):
        missing = [_label(name) for name in required if getattr(action, name) in (None, "")]
        if missing:
            problems.append(
                _("Action %(number)s “%(title)s”: %(fields)s missing.")
                % {"number": number, "title": action.title, "fields": ", ".join(missing)}
            )
    return problems


def _move(plan: ActionPlan, name: str, actor: Any, reason: str = "", **values: Any) -> ActionPlan:
    for key, value in values.items():
        setattr(plan, key, value)
    return plan_transition(plan=plan, name=name, actor=actor, reason=reason, fields=tuple(values))


@transaction.atomic
def plan_submit(*, plan: ActionPlan, actor: Any) -> ActionPlan:
    """Submit the plan for validation; every action needs its cost, dates and owner."""
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    problems = submission_problems(locked)
    if problems:
        raise PlanError(" ".join(problems))
    return _move(plan, "submit", actor, submitted_at=timezone.now())


@transaction.atomic
def plan_company_validate(*, plan: ActionPlan, actor: Any) -> ActionPlan:
    """The firm validates the submitted plan."""
    return _move(
        plan, "company_validate", actor,
        company_validated_at=timezone.now(), company_validated_by=_user(actor),
    )  # fmt: skip


_JOURNEY_ORDER = list(JourneyState)
BEFORE_DIAGNOSED = frozenset(_JOURNEY_ORDER[: _JOURNEY_ORDER.index(JourneyState.DIAGNOSED)])
"""The steps declared before "diagnosed" in `JourneyState`: a new early step counts too."""


@transaction.atomic
def plan_validate(*, plan: ActionPlan, actor: Any, at: dt.datetime | None = None) -> ActionPlan:
    """A manager of the region validates the plan the firm validated.

    The firm's journey moves from "diagnosed" to "action plan validated" (by the system,
    through the journey's guards: the diagnostics guard asks for a validated diagnostic).
    A firm already further along (a new plan after a T1 diagnostic) keeps its step; a firm
    that left the programme gets no validated plan.
    """
    # The firm's row is locked: its step cannot change between this check and the move.
    company = Company.objects.select_for_update().get(pk=plan.company_id)
    plan.company = company
    if not company.is_open:
        raise PlanError(
            _("The firm is “%(state)s”: its plan can no longer be validated.")
            % {"state": company.get_state_display()}
        )
    if company.state in BEFORE_DIAGNOSED:
        raise PlanError(
            _(
                "The firm is still at the step “%(state)s”: its diagnostic must first take it "
                "to “%(diagnosed)s” (a diagnostic mission, then the validation of the diagnostic)."
            )
            % {"state": company.get_state_display(), "diagnosed": JourneyState.DIAGNOSED.label}
        )
    _move(plan, "validate", actor, validated_at=at or timezone.now(), validated_by=_user(actor))
    if company.state == JourneyState.DIAGNOSED:
        try:
            journey_apply(
                company=company,
                transition="validate_plan",
                actor=actor,
                reason=_("Action plan %(ref)s validated.") % {"ref": plan.reference},
                by_system=True,
            )
        except TransitionError as exc:
            raise PlanError(str(exc)) from None
    return plan


@transaction.atomic
def plan_return(*, plan: ActionPlan, actor: Any, reason: str) -> ActionPlan:
    """Send the plan back to be changed, with the reason (shown on the plan)."""
    return _move(plan, "return", actor, reason=reason, return_reason=reason.strip())


# --- following the actions -----------------------------------------------------------------


@transaction.atomic
def action_progress_set(*, action: Action, actor: Any, status: str, progress: int) -> Action:
    """Report where an action of a validated plan stands.

    A done action is at 100 %; a planned action has not started (0 %); progress is a whole
    percentage from 0 to 100.
    """
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=action.plan_id)
    )
    if not plan.is_validated:
        raise PlanError(_("Progress is reported once the plan is validated."))
    if status not in ActionStatus.values:
        raise ActionInvalid(
            {"status": _("“%(field)s”: unknown status.") % {"field": _label("status")}}
        )
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ActionInvalid(
            {
                "progress": _("“%(field)s” is a whole number from 0 to 100.")
                % {"field": _label("progress")}
            }
        )
    if status == ActionStatus.DONE:
        progress = 100
    elif status == ActionStatus.PLANNED and progress:
        raise ActionInvalid(
            {
                "progress": _(
                    "“%(field)s”: a planned action has not started (0 %%); set it in progress."
                )
                % {"field": _label("progress")}
            }
        )
    row = Action.objects.get(pk=action.pk, plan=plan)
    before = {"action": row.pk, "status": row.status, "progress": row.progress}
    row.status, row.progress = status, progress
    row.save(update_fields=["status", "progress", "updated_at"])
    after = {"action": row.pk, "status": status, "progress": progress}
    if after != before:
        audit_record(
            actor=actor, verb="actionplan.action.progress", obj=plan, before=before, after=after,
            region_code=plan.region.code,
        )  # fmt: skip
    action.status, action.progress = row.status, row.progress
    return row
