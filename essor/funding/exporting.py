"""Exports of financing tables as CSV or XLSX (the caller scopes the rows).

Same conventions as the company export (`essor.companies.exporting`): CSV in UTF-8 with a
byte-order mark and `;` between fields, a decimal comma in French; amounts in euros;
free-text cells that would run as a formula are written with a leading apostrophe (CSV)
or as text (XLSX).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import FundingRequest
from .selectors import Consumption

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Cents:
    """A money cell."""

    value: int


@dataclass(frozen=True)
class Text:
    """A free-text cell (never a formula)."""

    value: str


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(cell: Any, decimal_comma: bool) -> Any:
    if isinstance(cell, Cents):
        sign = "-" if cell.value < 0 else ""
        whole, rest = divmod(abs(cell.value), 100)
        text = f"{sign}{whole}" if not rest else f"{sign}{whole}.{rest:02d}"
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(cell, Text):
        return "'" + cell.value if cell.value.startswith(_FORMULA_START) else cell.value
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return "" if cell is None else cell


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    decimal_comma = (get_language() or "fr").startswith("fr")
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_csv_cell(c, decimal_comma) for c in row])


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, Cents):
                number = Decimal(value.value) / 100
                cell = WriteOnlyCell(sheet, value=number)
                cell.number_format = "#,##0.00"
                cells.append(cell)
            elif isinstance(value, Text):
                cell = WriteOnlyCell(sheet, value=value.value)
                cell.data_type = "s"
                cells.append(cell)
            elif hasattr(value, "isoformat") and not isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def request_table(qs: QuerySet[FundingRequest]) -> tuple[list[str], Iterator[list[Any]]]:
    headers = [
        _("Reference"), _("Company"), _("SIREN"), _("Region"), _("Project"), _("Status"),
        _("Instrument asked for"), _("Amount asked (€)"), _("Total costs (€)"),
        _("Submitted on"), _("Decision"), _("Instrument granted"), _("Amount granted (€)"),
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        ordered = qs.select_related("company", "region", "instrument", "decision__instrument")
        for r in ordered.prefetch_related("lines").order_by("pk"):
            decision = getattr(r, "decision", None)
            yield [
                r.reference, Text(r.company.name), r.company.siren, r.region.display_name,
                Text(r.title), r.get_status_display(), r.instrument.display_name,
                Cents(r.amount_cents), Cents(r.total_costs_cents),
                timezone.localtime(r.submitted_at).date() if r.submitted_at else None,
                decision.get_outcome_display() if decision else "",
                decision.instrument.display_name if decision and decision.instrument else "",
                Cents(decision.amount_cents) if decision else None,
            ]  # fmt: skip

    return headers, rows()


def consumption_table(data: Consumption) -> tuple[list[str], list[list[Any]]]:
    """One row per region (all instruments) and per region and instrument, then the national
    rows. Figures hidden from aggregate viewers (`selectors.consumption`) are left out or
    empty."""
    headers = [
        _("Region"), _("Instrument"), _("Allocated (€)"), _("Committed (€)"), _("Paid (€)"),
        _("Available (€)"),
    ]  # fmt: skip
    rows: list[list[Any]] = []

    def money(balances: Any, hidden: bool) -> list[Any]:
        if hidden:
            return [None, None, None]
        return [Cents(balances.committed), Cents(balances.paid), Cents(balances.available)]

    for row in data.rows:
        name = row.region.display_name
        rows.append(
            [name, _("All instruments"), Cents(row.total.allocated), *money(row.total, row.hidden)]
        )
        for instrument in data.instruments:
            cell = row.by_instrument[instrument.pk]
            if not cell.hidden:
                b = cell.balances
                rows.append(
                    [name, instrument.display_name, None, Cents(b.committed), Cents(b.paid), None]
                )
    if data.national:
        france = _("France")
        rows.append(
            [
                france,
                _("All instruments"),
                Cents(data.total.allocated),
                *money(data.total, data.total_hidden),
            ]
        )
        for instrument in data.instruments:
            cell = data.by_instrument[instrument.pk]
            committed, paid, _available = money(cell.balances, cell.hidden)
            rows.append([france, instrument.display_name, None, committed, paid, None])
    return headers, rows
