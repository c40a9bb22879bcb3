import pytest

from essor.companies import validation as v
from tests.factories import valid_siren

pytestmark = pytest.mark.usefixtures("english")


def test_siren_checks() -> None:
    good = valid_siren(5)
    assert v.clean_siren(f" {good[:3]} {good[3:6]} {good[6:]} ") == good
    with pytest.raises(v.FieldError, match="checksum"):
        v.clean_siren(good[:8] + str((int(good[8]) + 1) % 10))
    with pytest.raises(v.FieldError, match="9 digits"):
        v.clean_siren("12345")
    with pytest.raises(v.FieldError, match="required"):
        v.clean_siren("")


def test_siret_must_match_its_siren() -> None:
    from stdnum import luhn

    siren = valid_siren(7)
    body = siren + "0001"
    siret = body + luhn.calc_check_digit(body)
    assert v.clean_siret(siret, siren) == siret
    with pytest.raises(v.FieldError, match="does not belong"):
        v.clean_siret(siret, valid_siren(8))
    with pytest.raises(v.FieldError, match="checksum"):
        v.clean_siret(body + str((int(luhn.calc_check_digit(body)) + 1) % 10), siren)


def test_naf_and_department() -> None:
    assert v.clean_naf("2562a").code == "25.62A"
    with pytest.raises(v.FieldError, match="NAF"):
        v.clean_naf("99.99Z")
    assert v.clean_department("1").code == "01"
    assert v.clean_department("2a").code == "2A"
    with pytest.raises(v.FieldError, match="department"):
        v.clean_department("20")


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("1 234 567,89", 123456789),
        ("1234567.89", 123456789),
        ("1.234.567,89", 123456789),
        ("1,234,567.89", 123456789),
        ("2 000 000 €", 200000000),
        ("", None),
        (None, None),
        (1500, 150000),
        (2500000.0, 250000000),
        ("12,50", 1250),
        ("0.010", 1),
        ("10000000000000", 10**15),
    ],
)
def test_euros(raw: object, cents: int | None) -> None:
    assert v.clean_euros(raw) == cents


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-5", "negative"),
        ("abc", "not an amount"),
        ("12a", "not an amount"),
        ("NaN", "not an amount"),
        ("inf", "not an amount"),
        ("1e18", "not an amount"),
        ("+5", "not an amount"),
        ("0,015", "fractions of a cent"),
        ("10000000000000.01", "largest amount"),
        ("99999999999999999999", "largest amount"),
    ],
)
def test_bad_euros(raw: str, message: str, english: None) -> None:
    with pytest.raises(v.FieldError, match=message):
        v.clean_euros(raw)


def test_counts() -> None:
    assert v.clean_count("1 200") == 1200
    assert v.clean_count("") is None
    for bad in ("-1", "2.5", "douze", "inf", "NaN", "1e999", "2147483648"):
        with pytest.raises(v.FieldError):
            v.clean_count(bad)
