"""French regions and departments (INSEE Code officiel géographique) with department centroids.

Pure, read-only access to the reference files shipped in ``essor/territories/data`` (see the
``SOURCES.md`` there): no Django, no database. Files are read with :mod:`importlib.resources`
so that they work from an installed wheel, parsed once and cached.

Coordinates are ``(latitude, longitude)`` pairs in decimal degrees (WGS84).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = [
    "EARTH_RADIUS_KM",
    "DepartmentRef",
    "RegionRef",
    "department",
    "department_centroids",
    "departments",
    "great_circle_km",
    "normalise_department_code",
    "regions",
]

# Mean Earth radius (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088

_DATA_PACKAGE = "essor.territories"
_REGIONS_FILE = "regions.csv"
_DEPARTMENTS_FILE = "departments.csv"
# Overseas regions (régions d'outre-mer) all have a code below 10.
_OVERSEAS_REGION_CODES = frozenset({"01", "02", "03", "04", "06"})
# One or two digits ("1", "01", "69"), Corsica ("2A", "2B"), or overseas ("971".."976").
_DEPARTMENT_RE = re.compile(r"\d{1,2}|2[AB]|97\d", re.ASCII)


@dataclass(frozen=True, slots=True)
class RegionRef:
    """A region of the COG: INSEE code, official French name and usual English name."""

    code: str
    name: str
    name_en: str

    @property
    def is_overseas(self) -> bool:
        """True for the five overseas regions (Guadeloupe, Martinique, Guyane, Réunion, Mayotte)."""
        return self.code in _OVERSEAS_REGION_CODES


@dataclass(frozen=True, slots=True)
class DepartmentRef:
    """A department of the COG with the approximate geographic centre of its territory."""

    code: str
    name: str
    region_code: str
    latitude: float
    longitude: float

    @property
    def centroid(self) -> tuple[float, float]:
        """The centroid as a ``(latitude, longitude)`` pair."""
        return (self.latitude, self.longitude)

    @property
    def is_overseas(self) -> bool:
        """True for the five overseas departments (971 to 976)."""
        return self.region_code in _OVERSEAS_REGION_CODES


def _read_csv(name: str) -> list[dict[str, str]]:
    resource = files(_DATA_PACKAGE).joinpath("data", name)
    # Bytes, decoded here: no newline translation, as the csv module expects.
    text = resource.read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@lru_cache(maxsize=1)
def regions() -> tuple[RegionRef, ...]:
    """The 18 regions (13 metropolitan, 5 overseas), in INSEE code order."""
    return tuple(
        RegionRef(code=row["code"], name=row["name"], name_en=row["name_en"])
        for row in _read_csv(_REGIONS_FILE)
    )


@lru_cache(maxsize=1)
def departments() -> tuple[DepartmentRef, ...]:
    """The 101 departments, in COG order ("01".."19", "2A", "2B", "21".."95", "971".."976")."""
    return tuple(
        DepartmentRef(
            code=row["code"],
            name=row["name"],
            region_code=row["region_code"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
        )
        for row in _read_csv(_DEPARTMENTS_FILE)
    )


@lru_cache(maxsize=1)
def _departments_by_code() -> dict[str, DepartmentRef]:
    return {dep.code: dep for dep in departments()}


def normalise_department_code(raw: str) -> str:
    """Return the canonical INSEE form of a department code.

    Strips whitespace, upper-cases and zero-pads: ``"1"`` → ``"01"``, ``"2a"`` → ``"2A"``,
    ``" 69 "`` → ``"69"``, ``"971"`` → ``"971"``. Only the shape is checked, not whether the
    department exists: use :func:`department` for that.

    Raises:
        ValueError: ``raw`` is not shaped like a department code.
    """
    candidate = raw.strip().upper() if isinstance(raw, str) else ""
    if not _DEPARTMENT_RE.fullmatch(candidate):
        raise ValueError(
            f"{raw!r} is not a French department code (expected e.g. '01', '2A' or '971')"
        )
    return candidate.zfill(2)


def department(code: str) -> DepartmentRef:
    """Return the department for ``code``, given in any form the normaliser accepts.

    Raises:
        KeyError: ``code`` is malformed or is not one of the 101 departments.
    """
    try:
        canonical = normalise_department_code(code)
    except ValueError as exc:
        raise KeyError(str(exc)) from None
    try:
        return _departments_by_code()[canonical]
    except KeyError:
        raise KeyError(
            f"{canonical!r} is not a department of the Code officiel géographique"
        ) from None


def department_centroids() -> dict[str, tuple[float, float]]:
    """Centroid ``(latitude, longitude)`` of every department, keyed by code (a fresh dict)."""
    return {dep.code: dep.centroid for dep in departments()}


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two ``(latitude, longitude)`` points (haversine)."""
    lat1, lon1 = (math.radians(value) for value in a)
    lat2, lon2 = (math.radians(value) for value in b)
    half_chord = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half_chord)))
