"""Tests of the territorial reference data and its pure loaders (no database needed)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from essor.territories.reference import (
    EARTH_RADIUS_KM,
    DepartmentRef,
    RegionRef,
    department,
    department_centroids,
    departments,
    great_circle_km,
    normalise_department_code,
    regions,
)

EXPECTED_REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

DEPARTMENTS_PER_REGION = {
    "01": 1,
    "02": 1,
    "03": 1,
    "04": 1,
    "06": 1,
    "11": 8,
    "24": 6,
    "27": 8,
    "28": 5,
    "32": 5,
    "44": 10,
    "52": 5,
    "53": 4,
    "75": 12,
    "76": 13,
    "84": 12,
    "93": 6,
    "94": 2,
}

# Rough extent of each metropolitan region: (lat min, lat max, lon min, lon max).
REGION_BOXES = {
    "11": (48.1, 49.3, 1.4, 3.6),
    "24": (46.3, 49.0, 0.0, 3.2),
    "27": (46.1, 48.4, 2.8, 7.2),
    "28": (48.1, 50.1, -2.0, 1.8),
    "32": (48.8, 51.1, 1.3, 4.3),
    "44": (47.4, 50.2, 3.3, 8.3),
    "52": (46.2, 48.6, -2.6, 1.0),
    "53": (47.2, 48.9, -5.2, -1.0),
    "75": (42.7, 47.2, -1.8, 2.7),
    "76": (42.3, 45.1, -0.4, 4.9),
    "84": (44.1, 46.9, 2.0, 7.2),
    "93": (42.9, 45.2, 4.2, 7.8),
    "94": (41.3, 43.1, 8.5, 9.6),
}

OVERSEAS_BOXES = {
    "971": (15.8, 16.6, -61.9, -61.0),
    "972": (14.3, 14.9, -61.3, -60.8),
    "973": (2.1, 5.8, -54.6, -51.6),
    "974": (-21.4, -20.8, 55.2, 55.9),
    "976": (-13.1, -12.6, 45.0, 45.3),
}

# Pairs of departments sharing a border: their centroids must be reasonably close.
NEIGHBOURS = [
    ("01", "69"),
    ("01", "74"),
    ("02", "59"),
    ("04", "05"),
    ("06", "04"),
    ("08", "51"),
    ("09", "31"),
    ("11", "66"),
    ("13", "84"),
    ("13", "83"),
    ("14", "50"),
    ("15", "63"),
    ("17", "33"),
    ("18", "36"),
    ("19", "87"),
    ("21", "71"),
    ("22", "29"),
    ("25", "39"),
    ("2A", "2B"),
    ("26", "07"),
    ("27", "76"),
    ("28", "78"),
    ("30", "34"),
    ("32", "65"),
    ("33", "40"),
    ("35", "53"),
    ("37", "41"),
    ("38", "73"),
    ("42", "69"),
    ("43", "48"),
    ("44", "85"),
    ("45", "89"),
    ("46", "12"),
    ("47", "24"),
    ("49", "72"),
    ("52", "88"),
    ("54", "57"),
    ("55", "54"),
    ("56", "35"),
    ("58", "03"),
    ("59", "62"),
    ("60", "80"),
    ("61", "53"),
    ("64", "65"),
    ("67", "68"),
    ("68", "90"),
    ("70", "25"),
    ("75", "92"),
    ("75", "93"),
    ("75", "94"),
    ("77", "91"),
    ("79", "86"),
    ("81", "82"),
    ("95", "60"),
]

# (department, department, expected km, tolerance km)
KNOWN_DISTANCES = [
    ("75", "69", 390, 30),
    ("75", "13", 640, 40),
    ("75", "59", 190, 25),
    ("2A", "2B", 60, 20),
    ("29", "67", 860, 50),
    ("75", "974", 9370, 100),
    ("75", "971", 6760, 100),
]


def test_eighteen_regions_with_codes_and_names() -> None:
    assert len(regions()) == 18
    assert {r.code: r.name for r in regions()} == EXPECTED_REGIONS
    assert [r.code for r in regions()] == sorted(EXPECTED_REGIONS)


def test_region_flags_and_english_names() -> None:
    by_code = {r.code: r for r in regions()}
    assert sum(not r.is_overseas for r in regions()) == 13
    assert {r.code for r in regions() if r.is_overseas} == {"01", "02", "03", "04", "06"}
    assert by_code["53"].name_en == "Brittany"
    assert by_code["28"].name_en == "Normandy"
    assert by_code["94"].name_en == "Corsica"
    assert by_code["03"].name_en == "French Guiana"
    assert by_code["04"].name_en == "Réunion"
    assert all(r.name_en for r in regions())


def test_one_hundred_and_one_departments() -> None:
    codes = [d.code for d in departments()]
    assert len(codes) == 101
    assert len(set(codes)) == 101
    expected = (
        [f"{n:02d}" for n in range(1, 20)]
        + ["2A", "2B"]
        + [f"{n:02d}" for n in range(21, 96)]
        + ["971", "972", "973", "974", "976"]
    )
    assert codes == expected
    assert all(d.name for d in departments())


def test_every_department_belongs_to_an_existing_region() -> None:
    region_codes = {r.code for r in regions()}
    assert {d.region_code for d in departments()} == region_codes


def test_departments_per_region() -> None:
    assert Counter(d.region_code for d in departments()) == DEPARTMENTS_PER_REGION


@pytest.mark.parametrize(
    ("code", "region_code"),
    [("69", "84"), ("67", "44"), ("68", "44"), ("2A", "94"), ("2B", "94"), ("90", "27"),
     ("976", "06"), ("974", "04"), ("75", "11"), ("44", "52"), ("33", "75"), ("31", "76")],
)  # fmt: skip
def test_known_department_regions(code: str, region_code: str) -> None:
    assert department(code).region_code == region_code


def test_metropolitan_centroids_inside_their_region() -> None:
    for dep in departments():
        if dep.is_overseas:
            continue
        lat_min, lat_max, lon_min, lon_max = REGION_BOXES[dep.region_code]
        assert lat_min <= dep.latitude <= lat_max, dep
        assert lon_min <= dep.longitude <= lon_max, dep
        # Mainland France plus Corsica.
        assert 41.3 <= dep.latitude <= 51.1, dep
        assert -5.2 <= dep.longitude <= 9.6, dep


def test_overseas_centroids_inside_their_territory() -> None:
    overseas = [d for d in departments() if d.is_overseas]
    assert [d.code for d in overseas] == sorted(OVERSEAS_BOXES)
    for dep in overseas:
        lat_min, lat_max, lon_min, lon_max = OVERSEAS_BOXES[dep.code]
        assert lat_min <= dep.latitude <= lat_max, dep
        assert lon_min <= dep.longitude <= lon_max, dep


def test_every_metropolitan_department_has_a_close_neighbour_in_its_region() -> None:
    metro = [d for d in departments() if not d.is_overseas]
    for dep in metro:
        nearest = min(
            great_circle_km(dep.centroid, other.centroid)
            for other in metro
            if other.region_code == dep.region_code and other.code != dep.code
        )
        assert nearest < 120, (dep.code, nearest)


@pytest.mark.parametrize(("a", "b"), NEIGHBOURS)
def test_neighbouring_departments_are_close(a: str, b: str) -> None:
    assert great_circle_km(department(a).centroid, department(b).centroid) < 150


@pytest.mark.parametrize(("a", "b", "expected", "tolerance"), KNOWN_DISTANCES)
def test_known_distances(a: str, b: str, expected: float, tolerance: float) -> None:
    distance = great_circle_km(department(a).centroid, department(b).centroid)
    assert distance == pytest.approx(expected, abs=tolerance)


def test_overseas_departments_are_far_from_mainland() -> None:
    paris = department("75").centroid
    for dep in departments():
        if dep.is_overseas:
            assert great_circle_km(paris, dep.centroid) > 6000, dep


def test_department_centroids() -> None:
    centroids = department_centroids()
    assert len(centroids) == 101
    assert centroids["75"] == pytest.approx((48.8567, 2.3422), abs=0.01)
    centroids.clear()  # a fresh dict: the cache is unaffected
    assert len(department_centroids()) == 101


def test_great_circle_km() -> None:
    assert great_circle_km((45.0, 5.0), (45.0, 5.0)) == 0.0
    assert great_circle_km((0.0, 0.0), (90.0, 0.0)) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM)
    assert great_circle_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    a, b = (48.8566, 2.3522), (45.7640, 4.8357)  # Paris and Lyon city halls, about 392 km
    assert great_circle_km(a, b) == pytest.approx(392, abs=3)
    assert great_circle_km(a, b) == great_circle_km(b, a)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", "01"), ("01", "01"), ("2a", "2A"), ("2B", "2B"), (" 69 ", "69"), ("69", "69"),
     ("95", "95"), ("971", "971"), ("976", "976"), ("\t9\n", "09")],
)  # fmt: skip
def test_normalise_department_code(raw: str, expected: str) -> None:
    assert normalise_department_code(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "  ", "2C", "A2", "123", "001", "2 A", "69001", "Rhône", "9a", "٦٩"]
)
def test_normalise_department_code_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match="not a French department code") as info:
        normalise_department_code(raw)
    assert repr(raw) in str(info.value)


def test_normalise_department_code_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="69"):
        normalise_department_code(69)  # type: ignore[arg-type]


def test_department_lookup() -> None:
    rhone = department(" 69 ")
    assert rhone == DepartmentRef("69", "Rhône", "84", rhone.latitude, rhone.longitude)
    assert department("2a").name == "Corse-du-Sud"
    assert department("1").name == "Ain"
    assert department("974").name == "La Réunion"


@pytest.mark.parametrize("code", ["20", "00", "96", "975", "977", "2C", "foo"])
def test_department_lookup_unknown(code: str) -> None:
    with pytest.raises(KeyError, match="not a"):
        department(code)


def test_loaders_are_cached_and_immutable() -> None:
    assert regions() is regions()
    assert departments() is departments()
    assert isinstance(regions()[0], RegionRef)
    with pytest.raises(AttributeError):
        regions()[0].name = "x"  # type: ignore[misc]
