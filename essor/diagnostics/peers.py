"""Who counts as a peer, kept up to date by the writes (docs/methodology.md §7).

A firm counts among its peers once per référentiel version, with its latest complete
diagnostic (latest `completed_at`, then highest id). That row carries
`Diagnostic.is_current`; the benchmark counts and reads current rows only, through partial
indexes, instead of looking for a later diagnostic of the same firm at every request.

`peers_refresh(company_id, referentiel_id, touched=...)` puts the flag right for one firm
and version, repeats it with the peer keys on the current row's `DimensionScore` rows (so
that a group's scores of one line are read in order from one partial index), and renews the
`PeerGroupStamp` of every peer group whose content changed (the groups of the rows whose
flag moved, and the `touched` ones: those of a diagnostic whose peer keys or scores were
rewritten). It runs in the caller's transaction, the same one as
the change, under a per-firm lock (a transaction-level advisory lock on PostgreSQL), so that
two completions of one firm at once cannot both leave their row current, and a reader sees
the new flags, scores and stamps together or not at all. Callers:

- `services._complete` (validation, submission of a linked self-assessment, linking, rescoring);
- the demo data's re-dating of a diagnostic (`completed_at` changes the order);
- deleting a diagnostic (the `post_delete` signal below; the admin deletes only drafts,
  which never count, but any other deletion is covered too).

No workflow transition leaves a complete status (an expert diagnostic is sent back only
while "submitted", before it is complete), so nothing else changes which row is current.

The stamp is a value never given before: the next value of a PostgreSQL sequence (not rolled
back with a transaction), so that a copy of a group's scores taken under stamp s is exact
for as long as the stamp still reads s (`essor.diagnostics.benchmark` keeps such copies).
The SQLite demo database never keeps copies; its stamps are only kept up to date.
"""

from __future__ import annotations

import functools
import itertools
import operator
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .enums import COMPLETE_STATUS

STAMP_SEQUENCE = "diagnostics_peer_stamp_seq"
_LOCK_NAMESPACE = 0x5EE5  # pg_advisory_xact_lock(namespace, company id)

StampKey = tuple[int, str, str, str, str]
"""(referentiel id, scope "division" or "section", code, size class, region code or "")."""

COMPLETE = functools.reduce(
    operator.or_, (Q(kind=kind, status=status) for kind, status in COMPLETE_STATUS.items())
)
"""A complete diagnostic (`enums.COMPLETE_STATUS`; `DiagnosticQuerySet.complete` uses it),
usable on the historical models of a migration."""

_fallback_stamps = itertools.count(time.time_ns())


def stamp_keys(
    referentiel_id: int, naf_division: str, naf_section: str, size_class: str, region_code: str
) -> list[StampKey]:
    """The three groups of the ladder (§7) a row with these peer keys belongs to."""
    if not (naf_division and size_class):
        return []
    return [
        (referentiel_id, "division", naf_division, size_class, region_code or ""),
        (referentiel_id, "division", naf_division, size_class, ""),
        (referentiel_id, "section", naf_section, size_class, ""),
    ]


def keys_of(diagnostic: Any) -> list[StampKey]:
    return stamp_keys(
        diagnostic.referentiel_id,
        diagnostic.naf_division,
        diagnostic.naf_section,
        diagnostic.size_class,
        diagnostic.region_code,
    )


def _new_stamps(connection: Any, count: int) -> list[int]:
    if connection.vendor != "postgresql":
        return [next(_fallback_stamps) for _ in range(count)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [STAMP_SEQUENCE, count])
        return [row[0] for row in cursor.fetchall()]


def renew_stamps(keys: Iterable[StampKey], *, model: Any = None, using: str | None = None) -> None:
    """Give each group a new stamp (created if missing), in key order (no lock cycles)."""
    if model is None:
        from .models import PeerGroupStamp as model
    using = using or router.db_for_write(model)
    ordered = sorted(set(keys))
    if not ordered:
        return
    stamps = _new_stamps(connections[using], len(ordered))
    model.objects.using(using).bulk_create(
        [
            model(
                referentiel_id=ref,
                scope=scope,
                code=code,
                size_class=size,
                region_code=region,
                stamp=stamp,
            )
            for (ref, scope, code, size, region), stamp in zip(ordered, stamps, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["referentiel", "scope", "code", "size_class", "region_code"],
        update_fields=["stamp"],
    )


def _lock_firm(connection: Any, company_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, company_id])


def peers_refresh(
    company_id: int | None,
    referentiel_id: int,
    *,
    touched: Sequence[StampKey] = (),
    model: Any = None,
    score_model: Any = None,
    stamp_model: Any = None,
    using: str | None = None,
) -> int | None:
    """Mark the latest complete diagnostic of the firm on this version as current, and
    renew the stamps of the groups whose peers changed. Returns the current row's id.

    The current row's `DimensionScore` rows get its flag (if it has an overall score) and
    peer keys, the other rows' lose the flag. Must run inside the transaction of the change. `touched`: the groups of a diagnostic
    whose peer keys or scores were rewritten (before and after), renewed in any case.
    """
    if model is None:
        from .models import Diagnostic as model
    if score_model is None:
        from .models import DimensionScore as score_model
    using = using or router.db_for_write(model)
    changed: set[StampKey] = set(touched)
    latest: int | None = None
    if company_id is not None:
        _lock_firm(connections[using], company_id)
        rows = list(
            model.objects.using(using)
            .filter(COMPLETE | Q(is_current=True), company_id=company_id)
            .filter(referentiel_id=referentiel_id)
            .order_by()
            .values(
                "pk",
                "is_current",
                "completed_at",
                "kind",
                "status",
                "referentiel_id",
                "naf_division",
                "naf_section",
                "size_class",
                "region_code",
                "overall_score",
            )
        )
        complete = [
            r
            for r in rows
            if r["completed_at"] is not None and COMPLETE_STATUS.get(r["kind"]) == r["status"]
        ]
        if complete:
            latest = max(complete, key=lambda r: (r["completed_at"], r["pk"]))["pk"]
        off = [r["pk"] for r in rows if r["is_current"] and r["pk"] != latest]
        on = [r["pk"] for r in rows if not r["is_current"] and r["pk"] == latest]
        if off:  # first, for the one-current-row constraint
            model.objects.using(using).filter(pk__in=off).update(is_current=False)
            score_model.objects.using(using).filter(diagnostic_id__in=off).update(is_current=False)
        if on:
            model.objects.using(using).filter(pk__in=on).update(is_current=True)
        if latest is not None:  # its scores repeat its flag and keys (always rewritten)
            row = next(r for r in rows if r["pk"] == latest)
            score_model.objects.using(using).filter(diagnostic_id=latest).update(
                is_current=row["overall_score"] is not None,
                referentiel_id=row["referentiel_id"],
                naf_division=row["naf_division"],
                naf_section=row["naf_section"],
                size_class=row["size_class"],
                region_code=row["region_code"],
            )
        for r in rows:
            if r["pk"] in off or r["pk"] in on:
                changed.update(
                    stamp_keys(
                        r["referentiel_id"],
                        r["naf_division"],
                        r["naf_section"],
                        r["size_class"],
                        r["region_code"],
                    )
                )
    renew_stamps(changed, model=stamp_model, using=using)
    return latest


def backfill_current(model: Any, score_model: Any, stamp_model: Any, using: str) -> int:
    """Set `is_current` on every firm's latest complete diagnostic per version, and give
    every group that has current rows a stamp (the data migration). Returns the count."""
    from django.db.models import Exists, OuterRef

    later = model.objects.using(using).filter(
        COMPLETE,
        Q(completed_at__gt=OuterRef("completed_at"))
        | Q(completed_at=OuterRef("completed_at"), pk__gt=OuterRef("pk")),
        completed_at__isnull=False,
        company=OuterRef("company"),
        referentiel=OuterRef("referentiel"),
    )
    model.objects.using(using).filter(is_current=True).update(is_current=False)
    count: int = (
        model.objects.using(using)
        .filter(COMPLETE, ~Exists(later), completed_at__isnull=False, company__isnull=False)
        .update(is_current=True)
    )
    # the scores repeat the flag and the peer keys of their diagnostic
    connection = connections[using]
    quote = connection.ops.quote_name
    scores = quote(score_model._meta.db_table)
    diagnostics = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {scores} SET is_current = %s WHERE is_current", [False])  # noqa: S608
        cursor.execute(
            f"UPDATE {scores} SET is_current = %s, referentiel_id = d.referentiel_id, "  # noqa: S608
            "naf_division = d.naf_division, naf_section = d.naf_section, "
            "size_class = d.size_class, region_code = d.region_code "
            f"FROM {diagnostics} d WHERE d.id = {scores}.diagnostic_id AND d.is_current "
            "AND d.overall_score IS NOT NULL",
            [True],
        )
    groups = (
        model.objects.using(using)
        .filter(is_current=True)
        .order_by()
        .values_list("referentiel_id", "naf_division", "naf_section", "size_class", "region_code")
        .distinct()
    )
    keys = [key for g in groups for key in stamp_keys(*g)]
    renew_stamps(keys, model=stamp_model, using=using)
    return count


@receiver(post_delete, sender="diagnostics.Diagnostic", dispatch_uid="diagnostics.peers.delete")
def _diagnostic_deleted(sender: Any, instance: Any, using: str, **kwargs: Any) -> None:
    """A deleted current diagnostic hands over to the firm's previous complete one."""
    if instance.is_current or instance.completed_at is not None:
        peers_refresh(
            instance.company_id, instance.referentiel_id, touched=keys_of(instance), using=using
        )
