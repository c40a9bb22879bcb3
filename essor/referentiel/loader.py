"""Strict loading of référentiel and answers files (YAML or JSON).

The format (`referentiel-format.md` §1) allows YAML or JSON. Both parsers are wrapped so
that input a plain parser would accept silently is refused instead:

- a key repeated in one mapping (YAML or JSON) is an error, never "last one wins";
- the non-standard JSON literals `NaN`, `Infinity` and `-Infinity` are refused (§5: a
  non-finite number is bad input);
- a YAML stream holding several documents, or an empty file, is refused.

Every failure raises `LoadError`, whose message names the file and, where the parser knows
it, the line and column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

__all__ = ["LoadError", "load_file", "loads_json", "loads_yaml"]

_MERGE_TAG = "tag:yaml.org,2002:merge"


class LoadError(Exception):
    """A file that cannot be read or parsed as strict YAML or JSON."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping.

    Keys brought in by a `<<` merge may legitimately be overridden by explicit keys, so only
    the explicit keys of a mapping are compared with each other.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:  # unhashable key: the base class reports it
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r}",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _json_object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise LoadError(f"duplicate key {json.dumps(key, ensure_ascii=False)} in a JSON object")
        result[key] = value
    return result


def _refuse_json_constant(literal: str) -> Any:
    raise LoadError(f"{literal} is not valid JSON (numbers must be finite)")


def loads_json(text: str, *, source: str | None = None) -> Any:
    """Parse strict JSON: no duplicate keys, no NaN/Infinity literals."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_json_object_without_duplicates,
            parse_constant=_refuse_json_constant,
        )
    except LoadError as exc:
        raise LoadError(exc.message, source=source) from None
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", source=source
        ) from None
    except RecursionError:
        raise LoadError("malformed JSON: nested too deeply", source=source) from None


def loads_yaml(text: str, *, source: str | None = None) -> Any:
    """Parse one YAML document with the safe loader, refusing duplicate keys."""
    try:
        return yaml.load(text, Loader=_StrictYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "unreadable YAML"
        raise LoadError(f"malformed YAML{where}: {problem}", source=source) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"malformed YAML: {exc}", source=source) from None
    except RecursionError:
        raise LoadError("malformed YAML: nested too deeply", source=source) from None


def load_file(path: str | Path) -> Any:
    """Load a `.json` file as strict JSON, any other file (`.yaml`, `.yml`) as strict YAML.

    Raises `LoadError` when the file cannot be read, is not UTF-8, is empty, or is malformed.
    """
    file = Path(path)
    source = str(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text (byte {exc.start})", source=source) from None
    if not text.strip():
        raise LoadError("the file is empty", source=source)
    if file.suffix.lower() == ".json":
        return loads_json(text, source=source)
    return loads_yaml(text, source=source)
