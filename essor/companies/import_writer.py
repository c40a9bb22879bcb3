"""The writes of a company import, in bulk: companies created and updated, and their audit
events (one per company, as `company_save` would write them, with the verb `company.import`).

PostgreSQL, the system of record, gets COPY and one `UPDATE … FROM` a temporary table per
batch: at 300,000 rows the ORM's `bulk_create` spends its time building SQL and
`bulk_update` writes a `CASE WHEN` per row and field, an order of magnitude slower
(bench/bench_import.py). Other databases (the embedded SQLite of a first run) go through the
ORM. Both must be called inside the import's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

from essor.core.models import AuditEvent
from essor.core.services import SYSTEM_ACTOR_LABEL
from essor.territories.models import Department

from .models import Company

# The company columns an import writes (attnames), as `company_fields` computes them.
WRITTEN = (
    "siren", "name", "naf_code", "naf_division", "naf_section", "department_id", "region_id",
    "headcount", "turnover_cents", "balance_sheet_cents", "group_name", "size_class",
)  # fmt: skip
# The audit event fields an import writes, in the order of the tuples given to `audit`.
EVENT_FIELDS = (
    "actor_id", "actor_label", "verb", "object_type", "object_id", "object_repr", "region_code",
    "before", "after", "reason",
)  # fmt: skip
IMPORT_VERB = "company.import"
_REGION = WRITTEN.index("region_id")
_TEMP_TABLE = "essor_company_import"


def columns(fields: dict[str, Any]) -> tuple[Any, ...]:
    """The values of `WRITTEN` from `company_fields` (which holds model objects for FKs)."""
    return (
        fields["siren"], fields["name"], fields["naf_code"], fields["naf_division"],
        fields["naf_section"], fields["department"].pk, fields["region"].pk,
        fields["headcount"], fields["turnover_cents"], fields["balance_sheet_cents"],
        fields["group_name"], fields["size_class"],
    )  # fmt: skip


Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Planned:
    """A checked row to write: its `WRITTEN` values (`columns` of `company_fields`); `pk` the
    company to update (None: create one) and `stored` its values as the check read them (the
    audit event's "before")."""

    line: int
    values: tuple[Any, ...]
    pk: int | None = None
    stored: tuple[Any, ...] | None = None


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def read_companies(key: str, values: list[Any], names: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The `names` columns (attnames) of the companies whose `key` is one of `values`.

    PostgreSQL gets one array parameter (`= ANY(%s)`) per 50,000 values: an `IN` list of
    300,000 placeholders costs seconds of query building alone. Elsewhere, `IN` lists of
    the size the database accepts.
    """
    if connection.vendor == "postgresql":
        column_of = {f.attname: str(f.column) for f in Company._meta.concrete_fields}
        selected = ", ".join(_quote(column_of[name]) for name in names)
        sql = (
            f"SELECT {selected} FROM {_quote(Company._meta.db_table)} "  # noqa: S608 (names from the model)
            f"WHERE {_quote(column_of[key])} = ANY(%s)"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(values), 50_000):
                cursor.execute(sql, [values[start : start + 50_000]])
                yield from cursor.fetchall()
        return
    chunk = max(1, (connection.features.max_query_params or 5_000) - 10)
    for start in range(0, len(values), chunk):
        rows = Company.objects.filter(**{f"{key}__in": values[start : start + chunk]})
        yield from rows.values_list(*names)


class Writer:
    """Writes batches of rows; `close()` when done. `creates` are `WRITTEN` tuples, `updates`
    (pk, tuple) pairs, `events` `EVENT_FIELDS` tuples (`before` and `after` as dicts)."""

    def create(self, creates: list[tuple[Any, ...]], now: datetime) -> list[int]:
        raise NotImplementedError

    def update(self, updates: list[tuple[int, tuple[Any, ...]]], now: datetime) -> None:
        raise NotImplementedError

    def audit(self, events: list[tuple[Any, ...]], now: datetime) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class OrmWriter(Writer):
    def create(self, creates: list[tuple[Any, ...]], now: datetime) -> list[int]:
        companies = [Company(**dict(zip(WRITTEN, values, strict=True))) for values in creates]
        Company.objects.bulk_create(companies)
        return [company.pk for company in companies]

    def update(self, updates: list[tuple[int, tuple[Any, ...]]], now: datetime) -> None:
        companies = [
            Company(pk=pk, updated_at=now, **dict(zip(WRITTEN, values, strict=True)))
            for pk, values in updates
        ]
        fields = [name.removesuffix("_id") for name in WRITTEN if name != "siren"]
        Company.objects.bulk_update(companies, [*fields, "updated_at"])

    def audit(self, events: list[tuple[Any, ...]], now: datetime) -> None:
        AuditEvent.objects.bulk_create(
            AuditEvent(**dict(zip(EVENT_FIELDS, event, strict=True))) for event in events
        )


class PostgresWriter(Writer):
    def __init__(self) -> None:
        self.django_cursor = connection.cursor()
        self.cursor: Any = self.django_cursor.cursor  # the psycopg cursor, for COPY
        table = _quote(Company._meta.db_table)
        selected = ", ".join(_quote(name) for name in ("id", *WRITTEN))
        self.django_cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_TEMP_TABLE} AS "  # noqa: S608 (names from the model)
            f"SELECT {selected} FROM {table} WITH NO DATA"
        )

    def _copy(
        self, model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """COPY rows holding the `names` columns; the table's other columns take their
        default (a field added later with a default needs no change here)."""
        meta = model._meta
        others = [f for f in meta.concrete_fields if f.attname not in names and not f.primary_key]
        defaults = [f.get_db_prep_save(f.get_default(), connection) for f in others]
        column_of = {f.attname: str(f.column) for f in meta.concrete_fields}
        column_list = ", ".join(
            _quote(column_of[name]) for name in (*names, *(f.attname for f in others))
        )
        with self.cursor.copy(f"COPY {_quote(meta.db_table)} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *defaults))

    def create(self, creates: list[tuple[Any, ...]], now: datetime) -> list[int]:
        if not creates:
            return []
        table = Company._meta.db_table
        self.django_cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(creates)],
        )
        ids = [row[0] for row in self.django_cursor.fetchall()]
        names = ("id", *WRITTEN, "state_changed_at", "created_at", "updated_at")
        self._copy(
            Company,
            names,
            ((pk, *values, now, now, now) for pk, values in zip(ids, creates, strict=True)),
        )
        return ids

    def update(self, updates: list[tuple[int, tuple[Any, ...]]], now: datetime) -> None:
        if not updates:
            return
        self.django_cursor.execute(f"TRUNCATE {_TEMP_TABLE}")
        with self.cursor.copy(f"COPY {_TEMP_TABLE} FROM STDIN") as copy:
            for pk, values in updates:
                copy.write_row((pk, *values))
        assignments = ", ".join(
            f"{_quote(name)} = t.{_quote(name)}" for name in WRITTEN if name != "siren"
        )
        self.django_cursor.execute(
            f"UPDATE {_quote(Company._meta.db_table)} AS c SET {assignments}, "  # noqa: S608 (names from the model)
            f"{_quote('updated_at')} = %s FROM {_TEMP_TABLE} AS t WHERE c.id = t.id",
            [now],
        )

    def audit(self, events: list[tuple[Any, ...]], now: datetime) -> None:
        dumps = json.dumps
        rows = (
            (
                now,
                *event[:7],
                None if event[7] is None else dumps(event[7]),
                dumps(event[8]),
                event[9],
            )
            for event in events
        )
        self._copy(AuditEvent, ("created_at", *EVENT_FIELDS), rows)

    def close(self) -> None:
        self.django_cursor.execute(f"DROP TABLE IF EXISTS {_TEMP_TABLE}")
        self.django_cursor.close()


def writer() -> Writer:
    return PostgresWriter() if connection.vendor == "postgresql" else OrmWriter()


def actor_of(actor: Any) -> tuple[Any, str]:
    """The user an audit event names (None: the system) and its label, as `audit_record`."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    label = SYSTEM_ACTOR_LABEL if actor is None else f"{actor.get_full_name()} <{actor.email}>"
    return actor, label[:200]


def write_plan(
    plan: list[Planned],
    departments: dict[str, Department],
    *,
    actor: Any,
    on_progress: Progress | None,
    batch_size: int,
) -> None:
    """Create and update the planned companies, batch by batch, with their audit events.
    Call it inside a transaction."""
    codes_by_id = {d.pk: d.code for d in departments.values()}
    user, label = actor_of(actor)
    actor_fields = {"actor_id": getattr(user, "pk", None), "actor_label": label}
    total = len(plan)
    if on_progress is not None:
        on_progress(0, total)
    out = writer()
    try:
        for start in range(0, total, batch_size):
            batch = plan[start : start + batch_size]
            _write_batch(batch, departments, codes_by_id, actor_fields, out)
            if on_progress is not None:
                on_progress(start + len(batch), total)
    finally:
        out.close()


def _write_batch(
    batch: list[Planned],
    departments: dict[str, Department],
    codes_by_id: dict[int, str],
    actor_fields: dict[str, Any],
    out: Writer,
) -> None:
    now = timezone.now()
    creates: list[tuple[Any, ...]] = []
    updates: list[tuple[int, tuple[Any, ...]]] = []
    befores: list[dict[str, Any]] = []
    for planned in batch:
        if planned.pk is None:
            creates.append(planned.values)
        else:
            updates.append((planned.pk, planned.values))
            befores.append(snapshot(planned.stored or (), codes_by_id))
    ids = out.create(creates, now)
    out.update(updates, now)
    actor_id, actor_label = actor_fields["actor_id"], actor_fields["actor_label"]
    object_type = Company._meta.label_lower
    region_codes = {d.region_id: d.region.code for d in departments.values()}
    written = [
        *((pk, values, None) for pk, values in zip(ids, creates, strict=True)),
        *((pk, values, before) for (pk, values), before in zip(updates, befores, strict=True)),
    ]
    out.audit(
        [
            (
                actor_id,
                actor_label,
                IMPORT_VERB,
                object_type,
                str(pk),
                f"{values[1]} ({values[0]})"[:200],  # str(company): "name (siren)"
                region_codes[values[_REGION]],
                before,
                snapshot(values, codes_by_id),
                "",
            )
            for pk, values, before in written
        ],
        now,
    )


def snapshot(values: Sequence[Any], codes_by_id: dict[int, str]) -> dict[str, Any]:
    """`company_snapshot` of a company from its `WRITTEN` values, without a model object."""
    stored = dict(zip(WRITTEN, values, strict=True))
    return {
        "siren": stored["siren"],
        "name": stored["name"],
        "naf_code": stored["naf_code"],
        "department": codes_by_id.get(stored["department_id"]),
        "headcount": stored["headcount"],
        "turnover_cents": stored["turnover_cents"],
        "balance_sheet_cents": stored["balance_sheet_cents"],
        "size_class": stored["size_class"],
        "group_name": stored["group_name"],
    }
