"""Strict YAML/JSON loading (referentiel-format.md §1 "YAML or JSON", §5 malformed input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from essor.referentiel.loader import LoadError, load_file, loads_json, loads_yaml
from tests.referentiel.helpers import FIXTURES


def test_yaml_and_json_fixtures_load_to_the_same_document() -> None:
    assert load_file(FIXTURES / "full.yaml") == load_file(FIXTURES / "full.json")


def test_yaml_duplicate_key_is_refused_with_its_line() -> None:
    with pytest.raises(LoadError) as caught:
        loads_yaml("id: a\nversion: '1'\nid: b\n", source="r.yaml")
    assert (
        str(caught.value) == "r.yaml: malformed YAML at line 3, column 1: found duplicate key 'id'"
    )


def test_yaml_duplicate_key_in_a_nested_flow_mapping_is_refused() -> None:
    with pytest.raises(LoadError, match="duplicate key 'fr'"):
        loads_yaml("title: {fr: a, en: b, fr: c}\n")


def test_yaml_merge_keys_may_be_overridden() -> None:
    doc = loads_yaml("base: &b {fr: a, en: b}\ntitle:\n  <<: *b\n  fr: c\n")
    assert doc["title"] == {"fr": "c", "en": "b"}


def test_malformed_yaml_names_line_and_column() -> None:
    with pytest.raises(LoadError, match=r"malformed YAML at line 2, column \d+"):
        loads_yaml("a: [1, 2\nb: c\n")


def test_several_yaml_documents_are_refused() -> None:
    with pytest.raises(LoadError, match="malformed YAML"):
        loads_yaml("a: 1\n---\nb: 2\n")


def test_json_duplicate_key_is_refused() -> None:
    with pytest.raises(LoadError, match='duplicate key "q1"'):
        loads_json('{"answers": {"q1": {"level": 1}, "q1": {"level": 2}}}')


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_json_non_finite_literals_are_refused(literal: str) -> None:
    with pytest.raises(LoadError, match=f"{literal} is not valid JSON"):
        loads_json(f'{{"number": {literal}}}')


def test_malformed_json_names_line_and_column() -> None:
    with pytest.raises(LoadError, match="malformed JSON at line 2, column 1"):
        loads_json('{"a": 1,\n}')


def test_load_file_picks_the_parser_by_extension(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"a": 1}', "utf-8")
    (tmp_path / "a.yml").write_text("a: 1\n", "utf-8")
    (tmp_path / "b.json").write_text("a: 1\n", "utf-8")
    assert load_file(tmp_path / "a.json") == {"a": 1}
    assert load_file(tmp_path / "a.yml") == {"a": 1}
    with pytest.raises(LoadError, match="malformed JSON"):
        load_file(tmp_path / "b.json")


def test_load_file_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read the file"):
        load_file(tmp_path / "missing.yaml")
    (tmp_path / "empty.yaml").write_text("  \n", "utf-8")
    with pytest.raises(LoadError, match="the file is empty"):
        load_file(tmp_path / "empty.yaml")
    (tmp_path / "latin1.yaml").write_bytes("titre: é".encode("latin-1"))
    with pytest.raises(LoadError, match="not UTF-8"):
        load_file(tmp_path / "latin1.yaml")


def test_a_utf8_bom_is_tolerated(tmp_path: Path) -> None:
    (tmp_path / "bom.json").write_bytes(b'\xef\xbb\xbf{"a": "\xc3\xa9"}')
    assert load_file(tmp_path / "bom.json") == {"a": "é"}
