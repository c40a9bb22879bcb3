"""Publishing référentiel versions into the database (`referentiel-format.md` §6).

The rules `referentiel_publish` enforces:
- a document with any validation error never becomes a version; the `ValidationError`
  lists every error with its path, as `essor referentiel validate` prints them;
- a published (id, version) is immutable: publishing the same pair again with different
  content is refused (the spec makes a version immutable once a diagnostic uses it; essor
  is stricter and freezes it from publication, so a version can never change under a
  diagnostic started a second after it was published);
- publishing the same content again is a no-op (idempotent), whatever its layout: two
  documents are "the same content" when their normalised forms (`model.to_document`,
  defaults made explicit) are equal.

Parsed référentiels are cached in-process per (id, version, digest): a version never
changes, and the digest keeps the cache right even when a test database is rolled back and
the same pair is published again with other content.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from essor.core.services import audit_record

from .enums import ReferentielKind
from .loader import LoadError, loads_json, loads_yaml
from .model import Referentiel, build, to_document
from .models import ReferentielVersion
from .validator import validate

# The référentiels shipped in the package (docs/methodology.md §2), loaded with the
# reference data.
SHIPPED_FILES = (
    "industrie-du-futur-2026.1.yaml",
    "industrie-du-futur-autodiagnostic-2026.1.yaml",
)
FULL_REFERENTIEL_ID = "industrie-du-futur"
SELF_ASSESSMENT_REFERENTIEL_ID = "industrie-du-futur-autodiagnostic"

_SELF_ASSESSMENT_MARKERS = ("autodiagnostic", "self-assessment", "auto-evaluation")

_cache: dict[tuple[str, str, str], Referentiel] = {}
_checked_cache: dict[str, tuple[Referentiel, str]] = {}
_cache_lock = threading.Lock()


def kind_for(ref_id: str) -> ReferentielKind:
    """A référentiel whose id names a self-assessment is one; any other is a full diagnostic."""
    if any(marker in ref_id for marker in _SELF_ASSESSMENT_MARKERS):
        return ReferentielKind.SELF_ASSESSMENT
    return ReferentielKind.FULL


def _canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest_of(ref: Referentiel) -> str:
    """SHA-256 of the normalised document: equal for two files with the same content."""
    return hashlib.sha256(_canonical(to_document(ref)).encode()).hexdigest()


def _title(ref: Referentiel, language: str) -> str:
    return ref.title.get(language) or ref.title[ref.languages[0]]


def parse_upload(name: str, content: bytes) -> Any:
    """Read an uploaded file as strict JSON (`.json`) or strict YAML; raises LoadError.

    The publish page's own messages (not UTF-8, empty, not a mapping) are translated here,
    at the Django edge; the pure loader and validator keep theirs in English for the CLI.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            _("The file is not UTF-8 text (byte %(byte)s).") % {"byte": exc.start}, source=name
        ) from None
    if not text.strip():
        raise LoadError(_("The file is empty."), source=name)
    if name.lower().endswith(".json"):
        document = loads_json(text, source=name)
    else:
        document = loads_yaml(text, source=name)
    if not isinstance(document, Mapping):
        raise LoadError(
            _("The file must hold one mapping at its top level: the référentiel document."),
            source=name,
        )
    return document


def _checked(document: Any) -> tuple[Referentiel, str]:
    """Validate and build the document, or raise `ValidationError` listing every error.

    Documents already accepted in this process (same raw content) are not validated again:
    the reference data loads the shipped files at every test and every `essor demo`.
    """
    try:
        raw_key = hashlib.sha256(_canonical(document).encode()).hexdigest()
    except (TypeError, ValueError):  # not JSON-serialisable: let the validator say why
        raw_key = ""
    known = _checked_cache.get(raw_key) if raw_key else None
    if known is not None:
        return known
    errors = validate(document)
    if errors:
        raise ValidationError([str(e) for e in errors], code="invalid")
    assert isinstance(document, Mapping)
    ref = build(document)
    checked = (ref, digest_of(ref))
    if raw_key:
        with _cache_lock:
            _checked_cache[raw_key] = checked
    return checked


@transaction.atomic
def referentiel_publish(*, document: Any, actor: Any) -> tuple[ReferentielVersion, bool]:
    """Publish a référentiel version; returns (version, created).

    Raises `ValidationError` whose messages are every validation error (`path: message`),
    or the reason an existing (id, version) cannot take this content.
    """
    ref, digest = _checked(document)
    existing = ReferentielVersion.objects.filter(ref_id=ref.id, version=ref.version).first()
    if existing is not None:
        return _same_or_refuse(existing, digest), False
    version = ReferentielVersion(
        ref_id=ref.id,
        version=ref.version,
        kind=kind_for(ref.id),
        title_fr=_title(ref, "fr")[:300],
        title_en=_title(ref, "en")[:300],
        document=json.loads(json.dumps(document)),
        digest=digest,
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:  # published by someone else a moment ago
        existing = ReferentielVersion.objects.get(ref_id=ref.id, version=ref.version)
        return _same_or_refuse(existing, digest), False
    audit_record(
        actor=actor,
        verb="referentiel.publish",
        obj=version,
        after={"id": ref.id, "version": ref.version, "digest": digest},
    )
    with _cache_lock:
        _cache[(ref.id, ref.version, digest)] = ref
    return version, True


def _same_or_refuse(existing: ReferentielVersion, digest: str) -> ReferentielVersion:
    if existing.digest == digest:
        return existing
    raise ValidationError(
        _(
            "Référentiel %(id)s version %(version)s is already published with different "
            "content. A published version never changes: publish this file under a new "
            "version number."
        )
        % {"id": existing.ref_id, "version": existing.version},
        code="immutable",
    )


def referentiel_of(version: ReferentielVersion) -> Referentiel:
    """The parsed référentiel of a stored version (validated when it was published)."""
    key = (version.ref_id, version.version, version.digest)
    ref = _cache.get(key)
    if ref is None:
        ref = build(version.document)
        with _cache_lock:
            _cache[key] = ref
    return ref


def referentiel_export(version: ReferentielVersion) -> dict[str, Any]:
    """The document of a stored version, exactly as published (it validates and scores
    identically, `referentiel-format.md` §6)."""
    document: dict[str, Any] = json.loads(json.dumps(version.document))
    return document


def export_text(version: ReferentielVersion, fmt: str = "yaml") -> str:
    """The exported document as YAML (default) or JSON text."""
    document = referentiel_export(version)
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    import yaml

    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


@cache
def _shipped_document(name: str) -> Any:
    text = resources.files("essor.referentiel").joinpath("data", name).read_text("utf-8")
    return loads_yaml(text, source=name)


def referentiel_load_shipped() -> list[tuple[ReferentielVersion, bool]]:
    """Publish the référentiels shipped in the package (idempotent)."""
    return [
        referentiel_publish(document=_shipped_document(name), actor=None) for name in SHIPPED_FILES
    ]
