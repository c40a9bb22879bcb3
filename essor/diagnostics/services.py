"""Writes for diagnostics: create, answer, notes and targets, submit, validate, send back.

Scores always come from the pure scorer (`essor.referentiel.scoring`) applied to the
référentiel version the diagnostic was answered with (`referentiel-format.md` §6).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts.enums import Role
from essor.companies.enums import JourneyState
from essor.companies.journey import journey_apply
from essor.companies.models import Company
from essor.core.services import audit_record
from essor.core.workflow import status_record
from essor.referentiel.answers import check_answer_map
from essor.referentiel.enums import ReferentielKind
from essor.referentiel.models import ReferentielVersion
from essor.referentiel.scoring import AnswersError, score, score_validated
from essor.referentiel.selectors import referentiel_current
from essor.referentiel.services import FULL_REFERENTIEL_ID, SELF_ASSESSMENT_REFERENTIEL_ID

from .enums import ContactRequestStatus, DiagnosticKind, DiagnosticStatus, Phase, headcount_class
from .models import ContactRequest, Diagnostic, DimensionNote, DimensionScore
from .peers import keys_of, peers_refresh, stamp_keys
from .scoring import raw_scores
from .workflow import DiagnosticError, diagnostic_transition

REFERENTIEL_KIND = {
    DiagnosticKind.EXPERT: ReferentielKind.FULL,
    DiagnosticKind.SELF_ASSESSMENT: ReferentielKind.SELF_ASSESSMENT,
}
DEFAULT_REFERENTIEL_ID = {
    DiagnosticKind.EXPERT: FULL_REFERENTIEL_ID,
    DiagnosticKind.SELF_ASSESSMENT: SELF_ASSESSMENT_REFERENTIEL_ID,
}


def default_referentiel(kind: str) -> ReferentielVersion:
    """The latest published version of the programme's référentiel for this kind."""
    version = referentiel_current(DEFAULT_REFERENTIEL_ID[DiagnosticKind(kind)])
    if version is None:
        version = (
            ReferentielVersion.objects.filter(kind=REFERENTIEL_KIND[DiagnosticKind(kind)])
            .order_by("-published_at", "-pk")
            .first()
        )
    if version is None:
        raise DiagnosticError(_("No référentiel is published yet for this kind of diagnostic."))
    return version


# --- creation ----------------------------------------------------------------------------


@transaction.atomic
def diagnostic_create(
    *,
    company: Company,
    actor: Any,
    kind: str = DiagnosticKind.EXPERT,
    phase: str = Phase.T0,
    expert: Any = None,
    referentiel: ReferentielVersion | None = None,
) -> Diagnostic:
    """Open a diagnostic of a firm, answered against `referentiel` (default: the latest).

    Rules: the référentiel must be of the kind's questionnaire (full / self-assessment);
    an expert diagnostic names a user holding the expert role (or nobody yet); a firm has
    at most one expert diagnostic per phase, and a T1 only after a validated T0.
    """
    kind = DiagnosticKind(kind)
    phase = Phase(phase)
    referentiel = referentiel or default_referentiel(kind)
    if referentiel.kind != REFERENTIEL_KIND[kind]:
        raise DiagnosticError(
            _("The référentiel %(ref)s is not a questionnaire for this kind of diagnostic.")
            % {"ref": str(referentiel)}
        )
    if kind == DiagnosticKind.EXPERT:
        if expert is not None and not expert.memberships.filter(role=Role.EXPERT).exists():
            raise DiagnosticError(_("%(user)s is not an expert.") % {"user": str(expert)})
        profile = getattr(expert, "expert_profile", None) if expert is not None else None
        if profile is not None and not profile.is_referenced:
            raise DiagnosticError(
                _("%(user)s is not a referenced expert (“%(status)s”).")
                % {"user": str(expert), "status": profile.get_status_display()}
            )
        existing = Diagnostic.objects.filter(company=company, kind=kind, phase=phase)
        if existing.exists():
            raise DiagnosticError(
                _("%(company)s already has a %(phase)s expert diagnostic.")
                % {"company": company.name, "phase": phase.label}
            )
        if (
            phase == Phase.T1
            and not Diagnostic.objects.filter(
                company=company, kind=kind, phase=Phase.T0, status=DiagnosticStatus.VALIDATED
            ).exists()
        ):
            raise DiagnosticError(_("A T1 diagnostic needs a validated T0 diagnostic first."))
    else:
        expert = None
    diagnostic = Diagnostic(
        kind=kind,
        phase=phase,
        company=company,
        region=company.region,
        referentiel=referentiel,
        expert=expert,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            diagnostic.save()
    except IntegrityError:  # the same phase opened a moment ago by someone else
        raise DiagnosticError(
            _("%(company)s already has a %(phase)s expert diagnostic.")
            % {"company": company.name, "phase": phase.label}
        ) from None
    audit_record(
        actor=actor,
        verb="diagnostic.create",
        obj=diagnostic,
        after={
            "kind": kind.value,
            "phase": phase.value,
            "referentiel": str(referentiel),
            "company": company.siren,
            "expert": expert.email if expert is not None else None,
        },
        region_code=company.region.code,
    )
    return diagnostic


def self_assessment_start(*, referentiel: ReferentielVersion | None = None) -> Diagnostic:
    """Open an anonymous self-assessment, found again through its random token.

    Not audited: nothing is known about the visitor and nothing is decided yet; the
    request to be contacted, which creates records, is.
    """
    referentiel = referentiel or default_referentiel(DiagnosticKind.SELF_ASSESSMENT)
    return Diagnostic.objects.create(
        kind=DiagnosticKind.SELF_ASSESSMENT,
        phase=Phase.T0,
        referentiel=referentiel,
        token=secrets.token_urlsafe(32),
    )


# --- answers, notes, targets, KPIs ---------------------------------------------------------


@dataclass
class AnswersSaved:
    """What `diagnostic_save_answers` did: saved and cleared question ids, refused ones."""

    saved: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _ensure_draft(diagnostic: Diagnostic) -> None:
    if not diagnostic.is_draft:
        raise DiagnosticError(
            _("This diagnostic is “%(status)s”: only a diagnostic being answered can change.")
            % {"status": diagnostic.get_status_display()}
        )


def _locked(diagnostic: Diagnostic) -> Diagnostic:
    locked = (
        Diagnostic.objects.select_for_update().select_related("referentiel").get(pk=diagnostic.pk)
    )
    _ensure_draft(locked)
    return locked


@transaction.atomic
def diagnostic_save_answers(
    *, diagnostic: Diagnostic, answers: Mapping[str, Any], actor: Any
) -> AnswersSaved:
    """Save some answers (question id -> answer object; None clears the answer).

    Each answer is checked on its own against the référentiel with the pure checks
    (`referentiel-format.md` §2, §5): a bad one is refused with a message naming the
    question, and the good ones are saved all the same, so that a half-filled page is
    never lost. Only drafts change.
    """
    locked = _locked(diagnostic)
    ref = locked.referentiel.parsed
    current = dict(locked.answers or {})
    result = AnswersSaved()
    for question_id, answer in answers.items():
        if answer is None and question_id in ref.questions_by_id:
            if current.pop(question_id, None) is not None:
                result.cleared.append(question_id)
            continue
        problems = check_answer_map(ref, {question_id: answer})
        if problems:
            result.errors[question_id] = problems
            continue
        current[question_id] = answer
        result.saved.append(question_id)
    if result.saved or result.cleared:
        locked.answers = current
        locked.save(update_fields=["answers", "updated_at"])
    diagnostic.answers = locked.answers
    return result


@dataclass(frozen=True)
class NoteInput:
    evidence: str = ""
    target_level: int | None = None


@transaction.atomic
def diagnostic_save_notes(
    *, diagnostic: Diagnostic, notes: Mapping[str, NoteInput], actor: Any
) -> dict[str, str]:
    """Save evidence notes and agreed target levels (0–5) per dimension; returns the
    refused dimensions with the reason. Only drafts change."""
    locked = _locked(diagnostic)
    ref = locked.referentiel.parsed
    known = {d.id for d in ref.dimensions}
    errors: dict[str, str] = {}
    existing = {n.dimension_id: n for n in locked.notes.all()}
    for dimension_id, note in notes.items():
        if dimension_id not in known:
            errors[dimension_id] = _("unknown dimension")
            continue
        target = note.target_level
        if target is not None and (
            isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= 5
        ):
            errors[dimension_id] = _("the target level must be a whole number from 0 to 5")
            continue
        evidence = note.evidence.strip()
        row = existing.get(dimension_id)
        if not evidence and target is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            DimensionNote.objects.create(
                diagnostic=locked, dimension_id=dimension_id, evidence=evidence, target_level=target
            )
        elif (row.evidence, row.target_level) != (evidence, target):
            row.evidence, row.target_level = evidence, target
            row.save(update_fields=["evidence", "target_level"])
    return errors


@transaction.atomic
def diagnostic_set_kpis(*, diagnostic: Diagnostic, kpis: Sequence[str], actor: Any) -> None:
    """Record the KPIs the firm says matter most (ids declared by the référentiel)."""
    locked = _locked(diagnostic)
    ref = locked.referentiel.parsed
    declared = [k.id for k in ref.kpis]
    unknown = [k for k in kpis if k not in declared]
    if unknown:
        raise DiagnosticError(_("Unknown KPI: %(ids)s") % {"ids": ", ".join(unknown)})
    chosen = [k for k in declared if k in set(kpis)]  # référentiel order, no duplicates
    if chosen != locked.important_kpis:
        locked.important_kpis = chosen
        locked.save(update_fields=["important_kpis", "updated_at"])
    diagnostic.important_kpis = chosen


def targets_of(diagnostic: Diagnostic) -> dict[str, int]:
    """The agreed target level per dimension (dimensions without one are left out)."""
    return {
        n.dimension_id: n.target_level for n in diagnostic.notes.all() if n.target_level is not None
    }


# --- scores and the workflow ----------------------------------------------------------------


def current_results(diagnostic: Diagnostic) -> dict[str, Any]:
    """The §4 scoring output: the stored one, or for a draft the score of its answers now."""
    if diagnostic.results is not None and not diagnostic.is_draft:
        return diagnostic.results
    return score_validated(diagnostic.referentiel.parsed, diagnostic.answers or {})


def _score(diagnostic: Diagnostic) -> dict[str, Any]:
    try:
        return score(diagnostic.referentiel.parsed, diagnostic.answers or {})
    except AnswersError as exc:  # answers are checked when saved: only a corrupted row
        raise DiagnosticError(
            _("Some stored answers do not fit the référentiel: %(problems)s")
            % {"problems": "; ".join(exc.problems)}
        ) from exc


def _complete(diagnostic: Diagnostic) -> None:
    """Copy the peer keys and write the unrounded scores (docs/methodology.md §7), then
    mark the firm's latest complete diagnostic as its current peer record and renew the
    stamps of the peer groups that changed (`essor.diagnostics.peers`), in this transaction.
    """
    company = diagnostic.company
    assert company is not None
    before = (
        Diagnostic.objects.filter(pk=diagnostic.pk)
        .values_list("naf_division", "naf_section", "size_class", "region_code")
        .get()
    )
    raw = raw_scores(diagnostic.referentiel.parsed, diagnostic.answers or {})
    diagnostic.region = company.region
    diagnostic.naf_division = company.naf_division
    diagnostic.naf_section = company.naf_section
    diagnostic.size_class = headcount_class(company.headcount)
    diagnostic.region_code = company.region.code
    diagnostic.overall_score = raw.overall
    diagnostic.completed_at = diagnostic.completed_at or timezone.now()
    diagnostic.save(
        update_fields=[
            "region", "naf_division", "naf_section", "size_class", "region_code",
            "overall_score", "completed_at", "updated_at",
        ]
    )  # fmt: skip
    DimensionScore.objects.filter(diagnostic=diagnostic).delete()
    rows = [
        DimensionScore(diagnostic=diagnostic, dimension_id=key, is_pillar=is_pillar, score=value)
        for is_pillar, scores in ((True, raw.pillars), (False, raw.dimensions))
        for key, value in scores.items()
        if value is not None
    ]
    DimensionScore.objects.bulk_create(rows)
    touched = stamp_keys(diagnostic.referentiel_id, *before) + keys_of(diagnostic)
    current = peers_refresh(diagnostic.company_id, diagnostic.referentiel_id, touched=touched)
    diagnostic.is_current = current == diagnostic.pk


@transaction.atomic
def diagnostic_submit(*, diagnostic: Diagnostic, actor: Any) -> Diagnostic:
    """Score the answers with the pure scorer, store the result, move to "submitted".

    Questions may stay unanswered (they are reported as such); a self-assessment linked
    to a firm is then complete.
    """
    _ensure_draft(diagnostic)
    results = _score(diagnostic)
    diagnostic_transition(diagnostic=diagnostic, name="submit", actor=actor)
    diagnostic.results = results
    diagnostic.submitted_at = timezone.now()
    diagnostic.save(update_fields=["results", "submitted_at", "updated_at"])
    if diagnostic.kind == DiagnosticKind.SELF_ASSESSMENT and diagnostic.company_id:
        _complete(diagnostic)
    return diagnostic


def plan_needs_validated_diagnostic(company: Company) -> str | None:
    """Journey guard on "validate_plan": no action plan without a validated expert diagnostic."""
    if Diagnostic.objects.filter(
        company=company, kind=DiagnosticKind.EXPERT, status=DiagnosticStatus.VALIDATED
    ).exists():
        return None
    return _("The firm has no validated expert diagnostic yet.")


@transaction.atomic
def diagnostic_validate(*, diagnostic: Diagnostic, actor: Any) -> Diagnostic:
    """Validate a submitted expert diagnostic (a manager of the firm).

    Re-scores it, copies the peer keys, and moves the firm from "diagnostic scheduled" to
    "diagnosed" (a T0 diagnostic only: a T1 is taken during the follow-up).
    """
    diagnostic_transition(diagnostic=diagnostic, name="validate", actor=actor)
    diagnostic.results = _score(diagnostic)
    diagnostic.validated_at = timezone.now()
    diagnostic.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    diagnostic.save(update_fields=["results", "validated_at", "validated_by", "updated_at"])
    _complete(diagnostic)
    company = diagnostic.company
    assert company is not None
    company.refresh_from_db(fields=["state", "state_changed_at"])
    if diagnostic.phase == Phase.T0 and company.state == JourneyState.DIAGNOSTIC_SCHEDULED:
        journey_apply(company=company, transition="record_diagnosis", actor=actor, by_system=True)
    return diagnostic


@transaction.atomic
def diagnostic_reopen(*, diagnostic: Diagnostic, actor: Any, reason: str) -> Diagnostic:
    """Send a submitted expert diagnostic back to its expert, with the reason."""
    diagnostic_transition(diagnostic=diagnostic, name="reopen", actor=actor, reason=reason)
    diagnostic.results = None
    diagnostic.submitted_at = None
    diagnostic.save(update_fields=["results", "submitted_at", "updated_at"])
    return diagnostic


@transaction.atomic
def diagnostic_rescore(*, diagnostic: Diagnostic) -> dict[str, Any]:
    """Recompute the stored results from the answers (same version, same pure scorer)."""
    results = _score(diagnostic)
    if not diagnostic.is_draft:
        diagnostic.results = results
        diagnostic.save(update_fields=["results", "updated_at"])
        if diagnostic.completed_at is not None:
            _complete(diagnostic)
    return results


# --- the self-assessment's request to be contacted -------------------------------------------


@dataclass(frozen=True)
class ContactDetails:
    first_name: str
    last_name: str
    email: str
    phone: str = ""


@transaction.atomic
def self_assessment_contact_request(
    *, diagnostic: Diagnostic, company_data: Any, contact: ContactDetails
) -> tuple[Company, bool]:
    """The visitor asks to be contacted. Returns (company, created).

    - SIREN not yet known: the firm is created as "identified" in the region of its
      department, for that region's platform to follow up; the contact is recorded with
      the visitor's consent and the self-assessment is attached to the new firm.
    - SIREN of a firm already followed: an anonymous form must not write into a real
      firm's record, so nothing is attached and no contact is added; a `ContactRequest`
      waits for the firm's regional platform to confirm it (`contact_request_attach`) or
      dismiss it (`contact_request_dismiss`). The visitor is told only that the request
      went to the platform of the department they typed.
    Audited with no actor.
    """
    from essor.companies.services import company_save, contact_add

    locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if locked.kind != DiagnosticKind.SELF_ASSESSMENT or locked.status != DiagnosticStatus.SUBMITTED:
        raise DiagnosticError(_("Finish the self-assessment first."))
    if locked.company_id is not None or ContactRequest.objects.filter(diagnostic=locked).exists():
        raise DiagnosticError(_("This self-assessment has already been sent to a platform."))
    company = Company.objects.select_related("region").filter(siren=company_data.siren).first()
    if company is not None:
        request = ContactRequest.objects.create(
            diagnostic=locked,
            company=company,
            region=company.region,
            first_name=contact.first_name.strip(),
            last_name=contact.last_name.strip(),
            email=contact.email.strip().lower(),
            phone=contact.phone.strip(),
            consent_at=timezone.now(),
        )
        audit_record(
            actor=None,
            verb="diagnostic.contact_request",
            obj=request,
            after={"company": company.siren, "pending": True, "consent": True},
            region_code=company.region.code,
        )
        return company, False
    company, created = company_save(data=company_data, actor=None)
    contact_add(
        company=company,
        actor=None,
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        phone=contact.phone,
        consent=True,
    )
    locked.company = company
    locked.region = company.region
    locked.save(update_fields=["company", "region", "updated_at"])
    _complete(locked)
    audit_record(
        actor=None,
        verb="diagnostic.contact_request",
        obj=locked,
        after={"company": company.siren, "company_created": created, "consent": True},
        region_code=company.region.code,
    )
    diagnostic.company, diagnostic.region = company, company.region
    return company, created


def _pending_request(request: ContactRequest) -> ContactRequest:
    locked = (
        ContactRequest.objects.select_for_update(of=("self",))
        .select_related("company", "company__region", "diagnostic")
        .get(pk=request.pk)
    )
    if locked.status != ContactRequestStatus.PENDING:
        raise DiagnosticError(
            _("This request is already “%(status)s”.") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def contact_request_attach(*, request: ContactRequest, actor: Any) -> ContactRequest:
    """The firm's platform confirms the request: the person becomes a contact of the firm
    (with the consent given on the form) and the self-assessment is attached to the firm."""
    from essor.companies.models import Contact

    locked = _pending_request(request)
    company = locked.company
    contact = Contact.objects.create(
        company=company,
        first_name=locked.first_name,
        last_name=locked.last_name,
        email=locked.email,
        phone=locked.phone,
        consent_at=locked.consent_at,
    )
    diagnostic = Diagnostic.objects.select_for_update().get(pk=locked.diagnostic_id)
    if diagnostic.company_id is None:
        diagnostic.company = company
        diagnostic.region = company.region
        diagnostic.save(update_fields=["company", "region", "updated_at"])
        _complete(diagnostic)
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    status_record(
        locked,
        target=ContactRequestStatus.ATTACHED,
        verb="diagnostic.contact_request.attach",
        actor=actor,
        region_code=company.region.code,
        fields=["decided_by", "decided_at"],
        after={"company": company.siren, "contact": contact.pk, "diagnostic": diagnostic.pk},
    )
    request.status = locked.status
    return locked


@transaction.atomic
def contact_request_dismiss(*, request: ContactRequest, actor: Any, reason: str) -> ContactRequest:
    """The platform dismisses the request (not the firm, a mistake, a test): the person's
    details are erased; the anonymous self-assessment stays unattached."""
    reason = " ".join(reason.split())
    if not reason:
        raise DiagnosticError(_("Give the reason for dismissing the request."))
    locked = _pending_request(request)
    locked.first_name = locked.last_name = locked.email = locked.phone = ""
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    status_record(
        locked,
        target=ContactRequestStatus.DISMISSED,
        verb="diagnostic.contact_request.dismiss",
        actor=actor,
        region_code=locked.company.region.code,
        reason=reason,
        fields=["first_name", "last_name", "email", "phone", "decided_by", "decided_at"],
    )
    request.status = locked.status
    return locked


@transaction.atomic
def self_assessment_link(*, diagnostic: Diagnostic, company: Company, actor: Any) -> Diagnostic:
    """A logged-in user of a firm records their finished self-assessment for the firm."""
    locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if locked.kind != DiagnosticKind.SELF_ASSESSMENT or locked.status != DiagnosticStatus.SUBMITTED:
        raise DiagnosticError(_("Finish the self-assessment first."))
    if locked.company_id is not None:
        raise DiagnosticError(_("This self-assessment has already been sent to a platform."))
    locked.company = company
    locked.region = company.region
    locked.created_by = actor
    locked.save(update_fields=["company", "region", "created_by", "updated_at"])
    _complete(locked)
    audit_record(
        actor=actor,
        verb="diagnostic.link",
        obj=locked,
        after={"company": company.siren},
        region_code=company.region.code,
    )
    diagnostic.company, diagnostic.region = company, company.region
    return locked
