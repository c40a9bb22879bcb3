"""NAF rév. 2, the French classification of activities (INSEE, in force since 2008-01-01).

Pure, read-only access to the reference files shipped in ``essor/core/data`` (see the
``SOURCES.md`` there): no Django, no database. Files are read with :mod:`importlib.resources`
so that they work from an installed wheel, parsed once and cached.

Codes are written the INSEE way, ``"25.62A"`` (division 25, group 25.6, class 25.62,
sub-class 25.62A). Labels are the official French ones; English titles (NACE Rev. 2) are
provided for the sections and the manufacturing divisions 10 to 33.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = [
    "MANUFACTURING_SECTION",
    "NafCode",
    "NafDivision",
    "NafSection",
    "divisions",
    "is_manufacturing",
    "lookup",
    "naf_codes",
    "normalise_naf",
    "sections",
]

MANUFACTURING_SECTION = "C"

_DATA_PACKAGE = "essor.core"
_NAF_FILE = "naf_rev2.csv"
_NAF_EN_FILE = "naf_rev2_en.csv"
_NAF_COLUMNS = (
    "code",
    "label",
    "class_code",
    "class_label",
    "group_code",
    "group_label",
    "division_code",
    "division_label",
    "section_code",
    "section_label",
)
# "2562A", "25.62A", "25.62a" (surrounding whitespace is stripped first).
_NAF_RE = re.compile(r"(\d{2})\.?(\d{2})([A-Za-z])", re.ASCII)


@dataclass(frozen=True, slots=True)
class NafCode:
    """A NAF rév. 2 sub-class (the level of the APE code) with its whole hierarchy."""

    code: str
    label: str
    class_code: str
    class_label: str
    group_code: str
    group_label: str
    division_code: str
    division_label: str
    section_code: str
    section_label: str

    @property
    def is_manufacturing(self) -> bool:
        """True for section C, "Industrie manufacturière" (divisions 10 to 33)."""
        return self.section_code == MANUFACTURING_SECTION

    def __str__(self) -> str:
        return f"{self.code} \N{EN DASH} {self.label}"


@dataclass(frozen=True, slots=True)
class NafSection:
    """A NAF section (A to U); ``label_en`` is the NACE Rev. 2 English title."""

    code: str
    label: str
    label_en: str | None


@dataclass(frozen=True, slots=True)
class NafDivision:
    """A NAF division (two digits); ``label_en`` is only known for divisions 10 to 33."""

    code: str
    label: str
    section_code: str
    label_en: str | None


def _read_csv(name: str) -> list[dict[str, str]]:
    resource = files(_DATA_PACKAGE).joinpath("data", name)
    # Bytes, decoded here: no newline translation, as the csv module expects.
    text = resource.read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@lru_cache(maxsize=1)
def _codes() -> dict[str, NafCode]:
    rows = _read_csv(_NAF_FILE)
    if not rows or tuple(rows[0]) != _NAF_COLUMNS:
        raise RuntimeError(f"{_NAF_FILE}: unexpected columns, expected {', '.join(_NAF_COLUMNS)}")
    return {row["code"]: NafCode(**row) for row in rows}


@lru_cache(maxsize=1)
def _english_labels() -> dict[str, str]:
    return {row["code"]: row["label_en"] for row in _read_csv(_NAF_EN_FILE)}


def naf_codes() -> dict[str, NafCode]:
    """All 732 sub-classes keyed by code (``"25.62A"``), in code order.

    The returned dict is a fresh copy: callers may modify it without affecting the cache.
    """
    return dict(_codes())


def normalise_naf(raw: str) -> str:
    """Return the canonical form ``"25.62A"`` of a sub-class code.

    Accepts the dotted or undotted form, in any case, with surrounding whitespace
    (``"2562A"``, ``"25.62a"``, ``" 25.62A "``). Only the shape is checked, not whether
    the code exists: use :func:`lookup` for that.

    Raises:
        ValueError: ``raw`` is not shaped like a NAF sub-class code.
    """
    match = _NAF_RE.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        raise ValueError(f"{raw!r} is not a NAF rév. 2 code (expected e.g. '25.62A' or '2562A')")
    division_digits, class_digits, letter = match.groups()
    return f"{division_digits}.{class_digits}{letter.upper()}"


def lookup(code: str) -> NafCode:
    """Return the sub-class for ``code``, given in any form :func:`normalise_naf` accepts.

    Raises:
        KeyError: ``code`` is malformed or is not a NAF rév. 2 sub-class.
    """
    try:
        canonical = normalise_naf(code)
    except ValueError as exc:
        raise KeyError(str(exc)) from None
    try:
        return _codes()[canonical]
    except KeyError:
        raise KeyError(f"{canonical!r} is not a NAF rév. 2 sub-class") from None


def is_manufacturing(code: str) -> bool:
    """True if the sub-class belongs to section C (manufacturing, divisions 10 to 33).

    Raises:
        KeyError: ``code`` is not a NAF rév. 2 sub-class (see :func:`lookup`).
    """
    return lookup(code).is_manufacturing


@lru_cache(maxsize=1)
def sections() -> tuple[NafSection, ...]:
    """The 21 sections A to U, with French and English labels."""
    english = _english_labels()
    seen: dict[str, NafSection] = {}
    for naf in _codes().values():
        if naf.section_code not in seen:
            seen[naf.section_code] = NafSection(
                code=naf.section_code,
                label=naf.section_label,
                label_en=english.get(naf.section_code),
            )
    return tuple(sorted(seen.values(), key=lambda section: section.code))


@lru_cache(maxsize=1)
def divisions() -> tuple[NafDivision, ...]:
    """The 88 divisions in code order; English labels for divisions 10 to 33 only."""
    english = _english_labels()
    seen: dict[str, NafDivision] = {}
    for naf in _codes().values():
        if naf.division_code not in seen:
            seen[naf.division_code] = NafDivision(
                code=naf.division_code,
                label=naf.division_label,
                section_code=naf.section_code,
                label_en=english.get(naf.division_code),
            )
    return tuple(sorted(seen.values(), key=lambda division: division.code))
