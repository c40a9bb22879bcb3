"""Export of a company list (already filtered and scoped by the caller) as CSV or XLSX.

Headers are in the active language; an exported file can be edited and imported again
(the importer knows these headers and ignores the columns the platform computes). Amounts
are in euros. CSV follows what French Excel opens without a wizard: UTF-8 with a byte-order
mark, `;` between fields, a decimal comma in French.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from essor.territories.models import Region

from .enums import JourneyState, SizeClass
from .models import Company

CHUNK = 2_000
# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection,
# OWASP): free-text cells that start so are written with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_VALUES = (
    "siren", "name", "naf_code", "department__code", "region_id", "headcount", "turnover_cents",
    "balance_sheet_cents", "size_class", "group_name", "state", "state_changed_at",
)  # fmt: skip


def headers() -> list[str]:
    return [
        _("SIREN"),
        _("Legal name"),
        _("NAF code"),
        _("Department"),
        _("Region"),
        _("Headcount"),
        _("Turnover (€)"),
        _("Balance-sheet total (€)"),
        _("Size class"),
        _("Group"),
        _("Journey state"),
        _("In this state since"),
    ]


def export_rows(qs: QuerySet[Company]) -> Iterator[list[Any]]:
    """One list of typed cells per company (amounts in cents, the date a `date`), in the
    order of `headers()`. Labels are taken in the language active when this is called, so
    that a response streamed later keeps the request's language."""
    regions = {r.pk: r.display_name for r in Region.objects.all()}
    sizes = {value: str(label) for value, label in SizeClass.choices}
    states = {value: str(label) for value, label in JourneyState.choices}

    def rows() -> Iterator[list[Any]]:
        ordered = qs.order_by("name", "pk").values_list(*_VALUES)
        for (
            siren, name, naf_code, department, region_id, headcount, turnover, balance,
            size_class, group_name, state, since,
        ) in ordered.iterator(chunk_size=CHUNK):  # fmt: skip
            yield [
                siren, name, naf_code, department, regions.get(region_id, ""), headcount,
                turnover, balance, sizes.get(size_class, ""), group_name,
                states.get(state, state), timezone.localtime(since).date(),
            ]  # fmt: skip

    return rows()


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _euros_text(cents: int | None, decimal_comma: bool) -> str:
    if cents is None:
        return ""
    whole, rest = divmod(cents, 100)
    text = str(whole) if not rest else f"{whole}.{rest:02d}"
    return text.replace(".", ",") if decimal_comma else text


class _Echo:
    """A file-like object whose `write` returns the line: csv.writer into a generator."""

    def write(self, value: str) -> str:
        return value


def csv_stream(qs: QuerySet[Company]) -> Iterator[str]:
    """The CSV file, chunk by chunk, for a `StreamingHttpResponse`."""
    decimal_comma = (get_language() or "fr").startswith("fr")
    header = headers()
    rows = export_rows(qs)

    def stream() -> Iterator[str]:
        writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
        yield "\ufeff" + writer.writerow(header)
        lines: list[str] = []
        for row in rows:
            row[1], row[9] = _safe_text(row[1]), _safe_text(row[9])
            row[6] = _euros_text(row[6], decimal_comma)
            row[7] = _euros_text(row[7], decimal_comma)
            row[11] = row[11].isoformat()
            lines.append(writer.writerow(row))
            if len(lines) >= 500:
                yield "".join(lines)
                lines = []
        if lines:
            yield "".join(lines)

    return stream()


def _euros_number(cents: int | None) -> int | Decimal | None:
    if cents is None:
        return None
    return cents // 100 if cents % 100 == 0 else Decimal(cents) / 100


def xlsx_bytes(qs: QuerySet[Company]) -> bytes:
    """The XLSX workbook (openpyxl in write-only mode: rows go straight to the file)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Companies")[:31])
    sheet.append(headers())

    def text_cell(value: str) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    amount_format = "#,##0.00"
    for row in export_rows(qs):
        turnover, balance = (WriteOnlyCell(sheet, value=_euros_number(c)) for c in row[6:8])
        turnover.number_format = balance.number_format = amount_format
        since = WriteOnlyCell(sheet, value=row[11])
        since.number_format = "yyyy-mm-dd"
        row[1], row[9] = text_cell(row[1]), text_cell(row[9])
        row[6], row[7], row[11] = turnover, balance, since
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(extension: str, today: date | None = None) -> str:
    return f"{_('companies')}-{(today or timezone.localdate()).isoformat()}.{extension}"
