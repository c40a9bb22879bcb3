"""Company import from a CSV or XLSX file (design.md §5, "Imports").

A file imports fully or nothing is written, and every bad row is reported with its line (as
a spreadsheet shows it: the header is line 1), its column (the header as written in the
file) and the reason. `partial=True`, asked explicitly, writes the valid rows only; a dry
run checks the file and writes nothing.

Rows are checked with `company_data_clean`, the checks of the company form, plus what only
a file can get wrong: a SIREN twice in the file, and rows outside the importer's regions (a
department of another region, or a SIREN already followed by another region). An existing
SIREN is updated, never duplicated, and its derived fields (region, NAF division and
section, size class) come from `company_fields`, as for the form.

Checking needs the database only for two bulk reads (the departments, the SIRENs already
known). Writing (`import_writer`) is one transaction, in batches: companies created and
updated in bulk, one audit event per company written, plus one for the import.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from essor.core.models import AuditEvent
from essor.territories.models import Department

from . import import_writer
from . import validation as v
from .import_writer import Planned
from .services import CompanyData, company_data_clean, company_fields

BATCH_SIZE = 2_000
IMPORT_VERB = import_writer.IMPORT_VERB
SUMMARY_VERB = "company.import.summary"

# The columns of a company file: the name the README documents, the key of
# `company_data_clean`, and the headers accepted for it once normalised (lower case, no
# accents, letters and digits only: "Chiffre d'affaires (€)" -> "chiffredaffaires").
COLUMNS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("siren", "siren", frozenset({"siren", "nsiren", "numerosiren"})),
    (
        "name",
        "name",
        frozenset({"name", "legalname", "raisonsociale", "denomination", "nom"}),
    ),
    ("naf", "naf_code", frozenset({"naf", "nafcode", "codenaf", "ape", "codeape"})),
    ("department", "department", frozenset({"department", "departement", "dept", "dep"})),
    ("headcount", "headcount", frozenset({"headcount", "effectif", "effectifs"})),
    (
        "turnover",
        "turnover",
        frozenset({"turnover", "chiffredaffaires", "ca"}),
    ),
    (
        "balance_sheet",
        "balance_sheet",
        frozenset({"balancesheet", "balancesheettotal", "totalbilan", "totaldebilan", "bilan"}),
    ),
    ("group", "group_name", frozenset({"group", "groupname", "groupe"})),
)
REQUIRED = ("siren", "name", "naf_code", "department")
DOC_NAMES = {key: name for name, key, _aliases in COLUMNS}
HEADER_ALIASES = {alias: key for _name, key, aliases in COLUMNS for alias in aliases}
# Columns of the export that the platform computes: accepted so that an exported file can
# be edited and imported again, and ignored (region and size class are derived, the
# journey state changes only through the journey).
READ_ONLY_HEADERS = frozenset(
    {
        "region",
        "sizeclass",
        "categoriedentreprise",
        "journeystate",
        "etapeduparcours",
        "inthisstatesince",
        "acetteetapedepuisle",
    }
)
_UNNAMED = "<unnamed>"
_READ_ONLY = "<read-only>"

# The fields compared to tell an update from an unchanged row: all those an import writes
# but the SIREN, the key (`WRITTEN` starts with it).
_COMPARED = import_writer.WRITTEN[1:]


class ImportFileError(Exception):
    """The file cannot be read at all (not a CSV or XLSX file, empty...)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of the file: `line` as a spreadsheet numbers it (the header is line 1),
    `column` the header as written in the file, `value` the cell as read."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return _('line %(line)s, column "%(column)s": %(message)s') % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class ImportResult:
    """What an import did, or would do for a dry run (or when errors stopped it)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    partial: bool = False

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def valid_rows(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def invalid_rows(self) -> int:
        return len({e.line for e in self.errors if e.line > 1})

    @property
    def header_errors(self) -> bool:
        return any(e.line == 1 for e in self.errors)


@dataclass
class _Check:
    result: ImportResult
    plan: list[Planned]
    departments: dict[str, Department]


# --- Reading ---------------------------------------------------------------------------


def normalise_header(text: str) -> str:
    """Lower case, accents and everything but letters and digits removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def read_table(data: bytes) -> Iterator[list[str]]:
    """The rows of a CSV or XLSX file as lists of strings, the header first.

    XLSX is recognised by its content (a ZIP archive), anything else is read as CSV text:
    UTF-8 with or without a byte-order mark, else Windows-1252 (a superset of Latin-1 for
    letters), with the delimiter (`;`, `,` or tab) guessed from the header line.
    """
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Excel 97-2003 files (.xls) are not supported: save the file as XLSX or CSV.")
        )
    return _read_csv(_decode(data))


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            _("This file is neither a CSV text file nor an Excel (XLSX) workbook.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes are undefined in Windows-1252; Latin-1 decodes anything.
        return data.decode("latin-1")


def _read_csv(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise ImportFileError(_("This CSV file is malformed: %(error)s") % {"error": exc}) from exc


class _NumberText(str):
    """The text of a numeric spreadsheet cell, whose leading zeros the spreadsheet dropped."""

    __slots__ = ()


def _cell_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            value = int(value)
        return _NumberText(value)
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(_("This file cannot be read as an Excel (XLSX) workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


# --- Checking --------------------------------------------------------------------------


def map_header(header: Sequence[str]) -> tuple[list[str], list[RowError]]:
    """The field of each column (or a marker for unnamed and read-only ones) and the errors
    of the header line: unknown, repeated and missing columns."""
    fields: list[str] = []
    errors: list[RowError] = []
    seen: dict[str, str] = {}
    expected = ", ".join(DOC_NAMES.values())
    for title in header:
        text = title.strip()
        key = normalise_header(text)
        if not key:
            fields.append(_UNNAMED)
        elif key in READ_ONLY_HEADERS:
            fields.append(_READ_ONLY)
        elif key not in HEADER_ALIASES:
            errors.append(
                RowError(
                    1,
                    text,
                    text,
                    _("Unknown column “%(column)s”. Expected columns: %(expected)s.")
                    % {"column": text, "expected": expected},
                )
            )
            fields.append(_UNNAMED)
        elif HEADER_ALIASES[key] in seen:
            errors.append(
                RowError(
                    1,
                    text,
                    text,
                    _("Column “%(column)s” repeats column “%(other)s”.")
                    % {"column": text, "other": seen[HEADER_ALIASES[key]]},
                )
            )
            fields.append(_UNNAMED)
        else:
            seen[HEADER_ALIASES[key]] = text
            fields.append(HEADER_ALIASES[key])
    for key in REQUIRED:
        if key not in seen:
            errors.append(
                RowError(
                    1,
                    DOC_NAMES[key],
                    "",
                    _("The required column “%(column)s” is missing.") % {"column": DOC_NAMES[key]},
                )
            )
    return fields, errors


@dataclass
class RowsChecked:
    """What the rows tell without the database. Errors come as (line, column index, error),
    to be sorted in reading order once the database checks have added theirs."""

    titles: list[str]
    position: dict[str, int]  # field key -> column index
    count: int = 0
    valid: list[tuple[int, CompanyData]] = field(default_factory=list)
    errors: list[tuple[int, int, RowError]] = field(default_factory=list)

    def error(self, line: int, key: str, value: str, message: str) -> None:
        index = self.position[key]
        self.errors.append((line, index, RowError(line, self.titles[index], value, message)))


def check_rows(rows: Iterator[list[str]]) -> RowsChecked:
    """Check the header, then every row, with the checks of the company form."""
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    fields, header_errors = map_header(header)
    titles = [t.strip() for t in header]
    position = {key: i for i, key in enumerate(fields) if not key.startswith("<")}
    checked = RowsChecked(titles, position)
    if header_errors:
        checked.errors = [(1, i, error) for i, error in enumerate(header_errors)]
        return checked
    valid, errors = checked.valid, checked.errors
    named = [(index, key) for index, key in enumerate(fields) if key in position]
    unnamed = [index for index, key in enumerate(fields) if key == _UNNAMED]
    siren_at = position["siren"]
    first_line: dict[str, int] = {}
    count = 0
    for line, cells in enumerate(rows, start=2):
        if not "".join(cells).strip():
            continue
        count += 1
        width = len(cells)
        raw = {key: cells[index] for index, key in named if index < width}
        siren_cell = cells[siren_at] if siren_at < width else ""
        if isinstance(siren_cell, _NumberText) and siren_cell.isdigit():
            raw["siren"] = siren_cell.zfill(9)  # a SIREN typed as a number lost its leading zeros
        row_errors = [
            (line, index, _stray(line, index, titles, cells[index]))
            for index in (*unnamed, *range(len(fields), width))
            if index < width and cells[index].strip()
        ]
        data, field_errors = company_data_clean(raw)
        for key, message in field_errors.items():
            index = position[key] if key in position else len(fields)
            column = titles[index] if key in position else DOC_NAMES[key]
            error = RowError(line, column, raw.get(key, "").strip()[:200], message)
            row_errors.append((line, index, error))
        siren = data.siren if data is not None else _siren_or_none(raw.get("siren"))
        if siren is not None:
            if siren in first_line:
                index = siren_at
                message = _("SIREN %(siren)s already appears on line %(line)s.") % {
                    "siren": siren,
                    "line": first_line[siren],
                }
                row_errors.append(
                    (line, index, RowError(line, titles[index], raw["siren"].strip(), message))
                )
            else:
                first_line[siren] = line
        if row_errors:
            errors.extend(row_errors)
        elif data is not None:
            valid.append((line, data))
    checked.count = count
    return checked


def _stray(line: int, index: int, titles: list[str], cell: str) -> RowError:
    column = titles[index] if index < len(titles) else ""
    return RowError(
        line,
        column or _("column %(number)s") % {"number": index + 1},
        cell.strip()[:200],
        _("This column has no header: its values cannot be imported."),
    )


def _siren_or_none(raw: Any) -> str | None:
    try:
        return v.clean_siren(raw)
    except v.FieldError:
        return None


def check_file(data: bytes, *, allowed_region_ids: Collection[int] | None = None) -> _Check:
    """Check the whole file and plan the writes; nothing is written.

    `allowed_region_ids`: the regions the importer manages, None for every region (a
    national admin, or the command line run as the system).
    """
    checked = check_rows(read_table(data))
    result = ImportResult(rows=checked.count)
    departments = {d.code: d for d in Department.objects.select_related("region")}
    valid, errors, scope_error = checked.valid, checked.errors, checked.error

    in_scope: list[tuple[int, CompanyData]] = []
    for line, company in valid:
        department = departments.get(company.department_code)
        if department is None:  # reference data not loaded
            scope_error(
                line,
                "department",
                company.department_code,
                _("“%(value)s” is not a French department code.")
                % {"value": company.department_code},
            )
        elif allowed_region_ids is not None and department.region_id not in allowed_region_ids:
            scope_error(
                line,
                "department",
                company.department_code,
                _("Department %(code)s is outside the region(s) you manage.")
                % {"code": company.department_code},
            )
        else:
            in_scope.append((line, company))
    # The existing companies of the file's SIRENs, read in chunks.
    existing: dict[str, tuple[Any, ...]] = {}
    sirens = [company.siren for _line, company in valid]
    for row in import_writer.read_companies("siren", sirens, ("siren", "id", *_COMPARED)):
        existing[row[0]] = row[1:]
    region_at = _COMPARED.index("region_id") + 1
    plan: list[Planned] = []
    refused = {line for line, _index, _error in errors}
    for line, company in valid:
        known = existing.get(company.siren)
        if (
            known is not None
            and allowed_region_ids is not None
            and known[region_at] not in allowed_region_ids
        ):
            scope_error(
                line,
                "siren",
                company.siren,
                _("SIREN %(siren)s is already followed by another region.")
                % {"siren": company.siren},
            )
            refused.add(line)
    for line, company in in_scope:
        if line in refused:
            continue
        values = import_writer.columns(
            company_fields(company, departments[company.department_code])
        )
        known = existing.get(company.siren)
        if known is None:
            result.created += 1
            plan.append(Planned(line, values))
        elif values[1:] == known[1:]:
            result.unchanged += 1
        else:
            result.updated += 1
            plan.append(Planned(line, values, known[0], (company.siren, *known[1:])))
    errors.sort(key=lambda item: (item[0], item[1]))
    result.errors = [error for _line, _index, error in errors]
    return _Check(result, plan, departments)


# --- Writing ---------------------------------------------------------------------------


def import_companies(
    data: bytes,
    *,
    filename: str = "",
    actor: Any = None,
    allowed_region_ids: Collection[int] | None = None,
    dry_run: bool = False,
    partial: bool = False,
    on_progress: import_writer.Progress | None = None,
    audit_object: models.Model | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Check the file, then write it unless this is a dry run or (without `partial`) it has
    errors. `on_progress(done, total)` is called after each batch written.

    `actor` is the user the audit trail names (None: the system); `audit_object` the object
    the summary event is attached to (the import job), if any.
    """
    check = check_file(data, allowed_region_ids=allowed_region_ids)
    result = check.result
    result.dry_run, result.partial = dry_run, partial
    if dry_run or result.header_errors or (result.errors and not partial):
        return result
    user, label = import_writer.actor_of(actor)
    with transaction.atomic():
        import_writer.write_plan(
            check.plan,
            check.departments,
            actor=actor,
            on_progress=on_progress,
            batch_size=batch_size,
        )
        AuditEvent.objects.create(
            actor=user,
            actor_label=label,
            verb=SUMMARY_VERB,
            object_type=(
                audit_object._meta.label_lower if audit_object is not None else "companies.import"
            ),
            object_id=str(audit_object.pk) if audit_object is not None else "",
            object_repr=(filename or "-")[:200],
            region_code=_region_code(check.departments, allowed_region_ids),
            after={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "errors": result.error_count,
                "partial": partial,
            },
        )
    result.written = True
    return result


def _region_code(
    departments: dict[str, Department], allowed_region_ids: Collection[int] | None
) -> str:
    if allowed_region_ids is None or len(allowed_region_ids) != 1:
        return ""
    (region_id,) = allowed_region_ids
    for department in departments.values():
        if department.region_id == region_id:
            return department.region.code
    return ""
