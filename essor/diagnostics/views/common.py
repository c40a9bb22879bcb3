from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from essor.referentiel.model import Referentiel

from ..models import Diagnostic
from ..questionnaire import ParsedPage, parse_pillar, pillar_page
from ..services import AnswersSaved, NoteInput, diagnostic_save_answers, diagnostic_save_notes


def language() -> str:
    return (get_language() or "fr")[:2]


def notes_of(diagnostic: Diagnostic) -> dict[str, tuple[str, int | None]]:
    return {n.dimension_id: (n.evidence, n.target_level) for n in diagnostic.notes.all()}


def save_page(
    request: HttpRequest, diagnostic: Diagnostic, ref: Referentiel, pillar_id: str, *, notes: bool
) -> tuple[ParsedPage, AnswersSaved, dict[str, str]]:
    """Save a posted pillar page: every good answer is kept, the bad ones are reported."""
    parsed = parse_pillar(ref, pillar_id, request.POST, diagnostic.answers or {}, with_notes=notes)
    saved = diagnostic_save_answers(
        diagnostic=diagnostic, answers=parsed.answers, actor=request.user
    )
    note_errors = dict(parsed.note_errors)
    if notes and parsed.notes:
        note_errors.update(
            diagnostic_save_notes(
                diagnostic=diagnostic,
                notes={
                    k: NoteInput(evidence, target) for k, (evidence, target) in parsed.notes.items()
                },
                actor=request.user,
            )
        )
    return parsed, saved, note_errors


def page_with_errors(
    diagnostic: Diagnostic,
    ref: Referentiel,
    pillar_id: str,
    parsed: ParsedPage,
    saved: AnswersSaved,
    note_errors: dict[str, str],
    results: dict[str, Any] | None,
    notes: dict[str, tuple[str, int | None]],
) -> Any:
    """The page again, showing what was typed where it was refused, with the reasons."""
    errors = dict(parsed.errors)
    shown: dict[str, Any] = dict(diagnostic.answers or {})
    shown.update(parsed.shown)
    for question_id, problems in saved.errors.items():
        errors[question_id] = [
            _("This answer was not saved: %(problem)s") % {"problem": p} for p in problems
        ]
        shown[question_id] = parsed.answers.get(question_id)
    for dimension_id, (evidence, target) in parsed.notes.items():
        if dimension_id in note_errors:
            notes[dimension_id] = (evidence, target)
    return pillar_page(
        ref,
        pillar_id,
        shown,
        language(),
        errors=errors,
        results=results,
        notes=notes,
        note_errors=note_errors,
    )
