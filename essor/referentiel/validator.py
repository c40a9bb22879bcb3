"""Validation of a référentiel document (`referentiel-format.md` §1 and §2).

Structure (required and unknown keys, types, ranges, id syntax, non-empty lists) is
checked against the JSON Schema shipped as `schema.json`; the cross-field rules that a
schema cannot express are checked in `crosschecks.py`. Every problem becomes one
`ValidationError` whose path reads like `pillars[1].dimensions[0].questions[2].weight`;
errors are deduplicated and ordered by their position in the document.

Two deliberate departures from plain JSON Schema semantics: an `integer` is a JSON integer
(`3.0` and `true` are refused), and a `pattern` must match the whole string (a trailing
newline does not slip through Python's `$`).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import validators

from essor.referentiel.crosschecks import cross_check
from essor.referentiel.loader import LoadError, load_file
from essor.referentiel.model import Referentiel, build
from essor.referentiel.paths import Path as DocPath
from essor.referentiel.paths import format_path

__all__ = [
    "InvalidReferentiel",
    "LoadError",
    "ValidationError",
    "format_path",
    "load_file",
    "load_referentiel",
    "parse",
    "schema",
    "validate",
]

_DOCUMENT_ID_PATTERN = "^[a-z0-9-]+$"
_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
}
_DEFINITION_KEYS = {"options", "rows", "columns", "unit", "thresholds"}


@dataclass(frozen=True, slots=True)
class ValidationError:
    """One problem in a référentiel: where (`path`) and what (`message`)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidReferentiel(ValueError):
    """Raised by `parse()` when the document breaks the format; holds every error."""

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


# --- the JSON Schema, with JSON's own notion of integer and whole-string patterns -------


def _is_integer(_checker: object, instance: object) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def _is_number(_checker: object, instance: object) -> bool:
    return isinstance(instance, int | float) and not isinstance(instance, bool)


def _whole_pattern(
    validator: Any, pattern: str, instance: object, _schema: object
) -> Iterator[jsonschema.ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    body = pattern.removeprefix("^").removesuffix("$")
    if re.fullmatch(body, str(instance)) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the format, as shipped in the package."""
    text = resources.files("essor.referentiel").joinpath("schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _schema_validator() -> Any:
    base = validators.validator_for(schema())
    checker = base.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
    strict = validators.extend(base, validators={"pattern": _whole_pattern}, type_checker=checker)
    return strict(schema())


def _schema_messages(error: jsonschema.ValidationError) -> Iterator[tuple[DocPath, str]]:
    """Translate one jsonschema error into (path, message) pairs in plain English."""
    path: DocPath = tuple(error.absolute_path)
    keyword = error.validator
    value: Any = error.validator_value
    sub: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    instance: Any = error.instance
    kind = instance.get("kind") if isinstance(instance, Mapping) else None
    kind_text = f' for a "{kind}" question' if isinstance(kind, str) else ""
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value)
        yield path, "must be " + " or ".join(_TYPE_NAMES.get(n, n) for n in names)
    elif keyword == "required":
        for name in value:
            if isinstance(instance, Mapping) and name not in instance:
                extra = kind_text if name in _DEFINITION_KEYS else ""
                yield (*path, name), f"is required{extra}"
    elif keyword == "additionalProperties" and value is False:
        allowed = list(sub.get("properties", {}))
        for key in instance:
            if key not in allowed:
                yield (*path, key), f"unknown key{kind_text} (allowed: {', '.join(allowed)})"
    elif keyword == "const":
        yield path, f"must be {json.dumps(value, ensure_ascii=False)}"
    elif keyword == "enum":
        yield path, "must be one of: " + ", ".join(json.dumps(v) for v in value)
    elif keyword in ("minItems", "minLength"):
        yield path, "must not be empty"
    elif keyword == "exclusiveMinimum":
        yield path, f"must be greater than {value}"
    elif keyword in ("minimum", "maximum"):
        low, high = sub.get("minimum"), sub.get("maximum")
        if sub.get("type") == "integer":
            yield path, f"must be an integer from {low} to {high}"
        else:
            yield path, f"must be between {low} and {high}"
    elif keyword == "pattern":
        if value == _DOCUMENT_ID_PATTERN:
            yield path, 'must be made of lowercase ASCII letters, digits and "-" only'
        else:
            yield path, 'must be an id made of ASCII letters, digits, "-", "_" and "." only'
    else:  # a keyword this schema does not use today; keep jsonschema's own wording
        yield path, error.message


# --- generic passes over the raw document -----------------------------------------------


def _non_string_keys(node: object, path: DocPath) -> Iterator[tuple[DocPath, str]]:
    if isinstance(node, Mapping):
        for key, child in node.items():
            if not isinstance(key, str):
                yield path, f"key {key!r} must be a string"
            else:
                yield from _non_string_keys(child, (*path, key))
    elif isinstance(node, list | tuple):
        for index, child in enumerate(node):
            yield from _non_string_keys(child, (*path, index))


def _non_finite_numbers(node: object, path: DocPath) -> Iterator[tuple[DocPath, str]]:
    if isinstance(node, float) and not math.isfinite(node):
        yield path, "must be a finite number"
    elif isinstance(node, int) and not isinstance(node, bool) and abs(node) > sys.float_info.max:
        yield path, "must be a finite number (this one is too large)"
    elif isinstance(node, Mapping):
        for key, child in node.items():
            yield from _non_finite_numbers(child, (*path, key))
    elif isinstance(node, list | tuple):
        for index, child in enumerate(node):
            yield from _non_finite_numbers(child, (*path, index))


def _position(doc: object, path: DocPath) -> tuple[int, ...]:
    """Where `path` sits in the document, so that errors read top to bottom.

    A key that is missing (a "required" error) sorts after its parent's existing keys.
    """
    position: list[int] = []
    node: object = doc
    for part in path:
        if isinstance(node, Mapping) and isinstance(part, str):
            keys = list(node)
            position.append(keys.index(part) if part in node else len(keys))
            node = node.get(part)
        elif isinstance(node, list | tuple) and isinstance(part, int) and part < len(node):
            position.append(part)
            node = node[part]
        else:
            position.append(sys.maxsize)
            node = None
    return tuple(position)


def _finish(doc: object, found: list[tuple[DocPath, str]]) -> list[ValidationError]:
    seen: set[tuple[DocPath, str]] = set()
    unique: list[tuple[DocPath, str]] = []
    for item in found:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    unique.sort(key=lambda item: _position(doc, item[0]))
    return [ValidationError(format_path(path), message) for path, message in unique]


def validate(doc: object) -> list[ValidationError]:
    """Every way in which `doc` breaks the référentiel format; empty when it is valid.

    Checks (§1, §2): the structure against `schema.json`; the cross-field rules in
    `crosschecks.py`; numbers finite. One message per problem, in document order.
    """
    if not isinstance(doc, Mapping):
        return [ValidationError(format_path(()), "must be a mapping (the référentiel document)")]
    bad_keys = list(_non_string_keys(doc, ()))
    if bad_keys:  # the schema cannot even be applied: report these alone
        return _finish(doc, bad_keys)
    found: list[tuple[DocPath, str]] = []
    for error in _schema_validator().iter_errors(doc):
        found.extend(_schema_messages(error))
    found.extend(cross_check(doc))
    flagged = {path for path, _ in found}
    # A non-finite number already refused for its type or range needs no second message.
    found.extend(item for item in _non_finite_numbers(doc, ()) if item[0] not in flagged)
    return _finish(doc, found)


def parse(doc: object) -> Referentiel:
    """Validate `doc` and build the typed model; raises `InvalidReferentiel` on any error."""
    errors = validate(doc)
    if errors:
        raise InvalidReferentiel(errors)
    assert isinstance(doc, Mapping)
    return build(doc)


def load_referentiel(path: str | Path) -> Referentiel:
    """Load, validate and parse a référentiel file.

    Raises `LoadError` (unreadable or malformed file) or `InvalidReferentiel`.
    """
    return parse(load_file(path))
