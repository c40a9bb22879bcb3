"""Money and number formatting. Money is integer cents everywhere; it is shown in euros."""

from __future__ import annotations

NBSP = "\u00a0"


def _group(digits: str, sep: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.append(digits[-3:])
        digits = digits[:-3]
    parts.append(digits)
    return sep.join(reversed(parts))


def format_thousands(value: int, language: str = "fr") -> str:
    """12345 -> "12 345" in French (non-breaking space), "12,345" in English."""
    sign = "-" if value < 0 else ""
    sep = NBSP if language.startswith("fr") else ","
    return sign + _group(str(abs(int(value))), sep)


def format_euros(cents: int, language: str = "fr") -> str:
    """123456789 cents -> "1 234 567,89 €" in French, "€1,234,567.89" in English."""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    if language.startswith("fr"):
        return f"{sign}{_group(str(whole), NBSP)},{rest:02d}{NBSP}€"
    return f"{sign}€{_group(str(whole), ',')}.{rest:02d}"


def euros_input(cents: int | None) -> str:
    """An amount as it is typed back into a form field: "12 000 000" or "1 234,50" (plain
    spaces, decimal comma; `essor.companies.validation.clean_euros` reads it back)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    grouped = _group(str(whole), " ")
    return f"{sign}{grouped}" if not rest else f"{sign}{grouped},{rest:02d}"
