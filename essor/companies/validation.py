"""Checks of company fields, shared by forms, the API and imports. Pure: no database.

Each checker returns the clean value or raises `FieldError` with a message naming the
problem; callers attach the field (and, for imports, the line and column).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from essor.core import naf
from essor.core.formatting import format_euros, format_thousands
from essor.territories import reference


class FieldError(ValueError):
    pass


def clean_siren(raw: Any) -> str:
    """Nine digits with a valid Luhn checksum (python-stdnum); spaces are ignored."""
    value = re.sub(r"[\s.]", "", str(raw or ""))
    if not value:
        raise FieldError(_("SIREN is required."))
    if not value.isdigit() or len(value) != 9:
        raise FieldError(_("“%(value)s” is not a SIREN: 9 digits expected.") % {"value": raw})
    if not stdnum_siren.is_valid(value):
        raise FieldError(_("SIREN %(value)s has a wrong checksum.") % {"value": value})
    return value


def clean_siret(raw: Any, siren: str | None = None) -> str:
    """Fourteen digits, valid checksum, and starting with the company's SIREN."""
    value = re.sub(r"[\s.]", "", str(raw or ""))
    if not value.isdigit() or len(value) != 14:
        raise FieldError(_("“%(value)s” is not a SIRET: 14 digits expected.") % {"value": raw})
    if not stdnum_siret.is_valid(value):
        raise FieldError(_("SIRET %(value)s has a wrong checksum.") % {"value": value})
    if siren is not None and value[:9] != siren:
        raise FieldError(
            _("SIRET %(value)s does not belong to SIREN %(siren)s.")
            % {"value": value, "siren": siren}
        )
    return value


def clean_naf(raw: Any) -> naf.NafCode:
    try:
        return naf.lookup(naf.normalise_naf(str(raw or "")))
    except (KeyError, ValueError):
        raise FieldError(
            _("“%(value)s” is not a NAF rév. 2 code (e.g. 25.62A).") % {"value": raw}
        ) from None


def clean_department(raw: Any) -> reference.DepartmentRef:
    try:
        return reference.department(reference.normalise_department_code(str(raw or "")))
    except (KeyError, ValueError):
        raise FieldError(
            _("“%(value)s” is not a French department code.") % {"value": raw}
        ) from None


def clean_name(raw: Any) -> str:
    value = " ".join(str(raw or "").split())
    if not value:
        raise FieldError(_("The legal name is required."))
    if len(value) > 200:
        raise FieldError(_("The legal name is longer than 200 characters."))
    return value


MAX_COUNT = 2_147_483_647
"""The largest count a column holds (PositiveIntegerField): far above any headcount."""


def clean_count(raw: Any) -> int | None:
    """A non-negative whole number of persons; empty means unknown."""
    text = str(raw if raw is not None else "").replace("\u00a0", "").replace(" ", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise FieldError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite():
        raise FieldError(_("“%(value)s” is not a number.") % {"value": raw})
    if value > MAX_COUNT:
        raise FieldError(
            _("“%(value)s” is too large: at most %(max)s.")
            % {"value": raw, "max": format_thousands(MAX_COUNT, get_language() or "fr")}
        )
    if value != value.to_integral_value():
        raise FieldError(_("“%(value)s” is not a whole number.") % {"value": raw})
    if value < 0:
        raise FieldError(_("%(value)s is negative.") % {"value": raw})
    return int(value)


EUROS_PATTERN = re.compile(r"[0-9]+(\.[0-9]+)?")
MAX_CENTS = 10**15
"""Ten thousand billion euros: above any real figure, well inside a 64-bit column."""


def clean_euros(raw: Any) -> int | None:
    """An amount in euros (French or English decimal mark) returned in cents; empty: unknown."""
    text = str(raw if raw is not None else "")
    text = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    text = text.strip()
    if not text:
        return None
    if "," in text and "." in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    else:
        text = text.replace(",", ".")
    if text.startswith("-") and EUROS_PATTERN.fullmatch(text[1:]):
        raise FieldError(_("%(value)s is negative.") % {"value": raw})
    if not EUROS_PATTERN.fullmatch(text):
        # Digits and one decimal mark only: no exponent ("1e18"), no sign, no other text.
        raise FieldError(_("“%(value)s” is not an amount in euros.") % {"value": raw})
    cents = Decimal(text) * 100
    if cents != cents.to_integral_value():
        raise FieldError(
            _("“%(value)s” has fractions of a cent: at most 2 decimals.") % {"value": raw}
        )
    if cents > MAX_CENTS:
        raise FieldError(
            _("“%(value)s” is beyond the largest amount accepted (%(max)s).")
            % {"value": raw, "max": format_euros(MAX_CENTS, get_language() or "fr")}
        )
    return int(cents)
