"""Peer benchmark: a firm's position among comparable firms (`docs/methodology.md` §7).

Pure part (plain data, no database):

- `peer_stats(score, peers)`: percentile, median, quartiles and count of the peers' scores;
  **percentile** = 100 x (peers strictly below x + 1/2 x peers equal to x) / n, shown as a
  whole number (half away from zero); **quartiles and median** by the "inclusive" linear
  method (spreadsheet `QUARTILE.INC`, `statistics.quantiles(method="inclusive")`,
  PostgreSQL `percentile_cont`): h = (n - 1) p, i = floor(h), value = y[i] + (h - i) x
  (y[i + 1] - y[i]) with 0-based ranks. Scores are snapped to 9 decimals first. No figure is
  produced from fewer than 5 peers (k = 5, design.md §2).
- `peer_ladder(profile)` and `choose_peer_group(ladder, counts)`: the widening rule, in this
  fixed order, the first step with at least 10 peers being used:

  | step | activity           | size class | area        |
  |------|--------------------|------------|-------------|
  | 1    | same NAF division  | same       | same region |
  | 2    | same NAF division  | same       | national    |
  | 3    | same NAF section   | same       | national    |

  The size class is never widened. If step 3 holds 5 to 9 peers it is used and flagged as a
  small group; under 5 there is no benchmark (`NoBenchmark` with the reason).
- `benchmark_from_records(firm, records)`: the whole benchmark from plain records (one per
  firm, its latest validated diagnostic on the same référentiel id and version); the firm
  itself is excluded. The group is chosen once, on the overall score, and used for every
  line; for a pillar or a dimension, peers with a null score there are left out and the line
  has no figures when fewer than 5 remain.

Database part: `peer_benchmark(diagnostic)` (and `peer_benchmark_outcome`, which says why
there is none) reads the diagnostics app's models: index-only counts and aggregate queries,
and for a large group a kept copy of its sorted scores (see the adapter section at the end).
"""

from __future__ import annotations

import math
import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, cast

from essor.referentiel.scoring import round_score, snap

if TYPE_CHECKING:
    from essor.diagnostics.models import Diagnostic

__all__ = [
    "MIN_PEERS",
    "QUARTILES",
    "TARGET_PEERS",
    "Benchmark",
    "FirmProfile",
    "NoBenchmark",
    "NoBenchmarkReason",
    "PeerGroup",
    "PeerRecord",
    "PeerStats",
    "benchmark_from_records",
    "choose_peer_group",
    "peer_benchmark",
    "peer_benchmark_outcome",
    "peer_ladder",
    "peer_stats",
    "percentile_rank",
    "quantile_inclusive",
    "quantile_position",
    "stats_from_counts",
]

MIN_PEERS = 5
"""Never a figure from fewer peers (the small-count rule, k = 5; methodology.md §7)."""
TARGET_PEERS = 10
"""The widening stops at the first step with at least this many peers (§7)."""
QUARTILES = (0.25, 0.5, 0.75)


# --- statistics ---------------------------------------------------------------------------


def quantile_position(n: int, p: float) -> tuple[int, float]:
    """(i, fraction) of the inclusive quantile p of n sorted values (0-based i; §7).

    h = (n - 1) x p, i = floor(h): the quantile is y[i] + fraction x (y[i + 1] - y[i]),
    and is y[i] alone when the fraction is 0. The database adapter turns this into
    `ORDER BY score OFFSET i LIMIT 2`.
    """
    if n < 1:
        raise ValueError("a quantile needs at least one value")
    h = (n - 1) * p
    i = math.floor(h)
    return i, h - i


def quantile_inclusive(ordered: Sequence[float], p: float) -> float:
    """The inclusive (linear, `QUARTILE.INC`) quantile p of already sorted values (§7)."""
    i, fraction = quantile_position(len(ordered), p)
    if fraction == 0 or i + 1 >= len(ordered):
        return ordered[i]
    return ordered[i] + fraction * (ordered[i + 1] - ordered[i])


def percentile_rank(below: int, equal: int, n: int) -> float:
    """100 x (below + equal / 2) / n, unrounded (§7)."""
    return 100 * (below + equal / 2) / n


@dataclass(frozen=True, slots=True)
class PeerStats:
    """The firm's position on one line (overall, a pillar or a dimension) among n peers."""

    count: int
    below: int
    equal: int
    percentile: float
    """Unrounded; print `percentile_display`."""
    q1: float
    median: float
    q3: float

    @property
    def percentile_display(self) -> int:
        """The percentile as a whole number, half away from zero (§7: 59.09 -> 59)."""
        return math.floor(self.percentile + 0.5)

    @property
    def rounded(self) -> tuple[float, float, float]:
        """(q1, median, q3) with 2 decimals, half away from zero (§7)."""
        return (
            round_score(self.q1) or 0.0,
            round_score(self.median) or 0.0,
            round_score(self.q3) or 0.0,
        )


def stats_from_counts(
    n: int, below: int, equal: int, q1: float, median: float, q3: float
) -> PeerStats | None:
    """Assemble `PeerStats` from figures a database computed; None under `MIN_PEERS`."""
    if n < MIN_PEERS:
        return None
    return PeerStats(
        count=n,
        below=below,
        equal=equal,
        percentile=percentile_rank(below, equal, n),
        q1=q1,
        median=median,
        q3=q3,
    )


def peer_stats(score: float, peers: Iterable[float]) -> PeerStats | None:
    """The firm's percentile and the peers' quartiles (§7); None with fewer than 5 peers.

    `peers` excludes the firm itself. Both the firm's score and the peers' are snapped to
    9 decimals, so that 43.75 computed as 43.74999999999999 counts as equal to 43.75.
    """
    ordered = sorted(snap(float(y)) for y in peers)
    if len(ordered) < MIN_PEERS:
        return None
    x = snap(float(score))
    below = sum(1 for y in ordered if y < x)
    equal = sum(1 for y in ordered if y == x)
    q1, median, q3 = (quantile_inclusive(ordered, p) for p in QUARTILES)
    return stats_from_counts(len(ordered), below, equal, q1, median, q3)


# --- the peer group -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FirmProfile:
    """The keys of the company record that define its peers (§7)."""

    naf_division: str
    naf_section: str
    size_class: str
    region_code: str | None


@dataclass(frozen=True, slots=True)
class PeerGroup:
    """One step of the widening ladder; `count` is filled once the peers are counted."""

    step: int
    activity: Literal["division", "section"]
    activity_code: str
    size_class: str
    region_code: str | None
    """None for the national area."""
    count: int = 0

    @property
    def national(self) -> bool:
        return self.region_code is None

    @property
    def small(self) -> bool:
        """Fewer than 10 peers: the report says "small peer group" (§7)."""
        return self.count < TARGET_PEERS

    def matches(self, record: PeerRecord) -> bool:
        """Whether a firm with this record belongs to the group (the firm's own test)."""
        code = record.naf_division if self.activity == "division" else record.naf_section
        return (
            code == self.activity_code
            and record.size_class == self.size_class
            and (self.region_code is None or record.region_code == self.region_code)
        )


class NoBenchmarkReason(StrEnum):
    TOO_FEW_PEERS = "too_few_peers"
    """Fewer than 5 peers even at the widest step."""
    INCOMPLETE_PROFILE = "incomplete_profile"
    """The company has no NAF code or no size class: it cannot be placed in a group."""
    NOT_SCORED = "not_scored"
    """The diagnostic has no overall score."""


@dataclass(frozen=True, slots=True)
class NoBenchmark:
    """Why no benchmark is shown; `count` is the number of peers at the widest step."""

    reason: NoBenchmarkReason
    count: int = 0
    group: PeerGroup | None = None


def peer_ladder(profile: FirmProfile) -> tuple[PeerGroup, ...]:
    """The widening steps of §7 for this firm, in order (step 1 only when the region is known)."""
    steps: list[PeerGroup] = []
    if profile.region_code:
        steps.append(
            PeerGroup(1, "division", profile.naf_division, profile.size_class, profile.region_code)
        )
    steps.append(PeerGroup(2, "division", profile.naf_division, profile.size_class, None))
    steps.append(PeerGroup(3, "section", profile.naf_section, profile.size_class, None))
    return tuple(steps)


def choose_peer_group(
    ladder: Sequence[PeerGroup], counts: Sequence[int]
) -> PeerGroup | NoBenchmark:
    """Apply the widening rule of §7 to the peer counts of each step of `ladder`.

    The first step with at least 10 peers is used; otherwise the last (widest) step if it
    holds at least 5 (a "small peer group"); otherwise `NoBenchmark(TOO_FEW_PEERS)`.
    """
    if len(ladder) != len(counts) or not ladder:
        raise ValueError("one count per step of a non-empty ladder")
    for group, n in zip(ladder, counts, strict=True):
        if n >= TARGET_PEERS:
            return _with_count(group, n)
    widest = _with_count(ladder[-1], counts[-1])
    if counts[-1] >= MIN_PEERS:
        return widest
    return NoBenchmark(NoBenchmarkReason.TOO_FEW_PEERS, counts[-1], widest)


def _with_count(group: PeerGroup, n: int) -> PeerGroup:
    return PeerGroup(
        group.step, group.activity, group.activity_code, group.size_class, group.region_code, n
    )


def profile_complete(profile: FirmProfile) -> bool:
    return bool(profile.naf_division and profile.naf_section and profile.size_class)


# --- the whole benchmark ----------------------------------------------------------------------


def _frozen(mapping: Mapping[str, float | None] | None = None) -> Mapping[str, float | None]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class PeerRecord:
    """One firm's latest validated diagnostic, as plain data (§7 "Who counts as a peer")."""

    company_id: Hashable
    naf_division: str
    naf_section: str
    size_class: str
    region_code: str | None
    overall: float | None
    dimensions: Mapping[str, float | None] = field(default_factory=_frozen)
    pillars: Mapping[str, float | None] = field(default_factory=_frozen)

    @property
    def profile(self) -> FirmProfile:
        return FirmProfile(self.naf_division, self.naf_section, self.size_class, self.region_code)


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The firm's position for the overall score and every pillar and dimension (§7).

    A line is None when the firm's score is null there or fewer than 5 peers have a score.
    """

    group: PeerGroup
    overall: PeerStats | None
    dimensions: Mapping[str, PeerStats | None]
    pillars: Mapping[str, PeerStats | None] = field(default_factory=lambda: MappingProxyType({}))

    def median_of(self, dimension_id: str) -> float | None:
        stats = self.dimensions.get(dimension_id)
        return None if stats is None else stats.median


def _line(score: float | None, peers: Iterable[float | None]) -> PeerStats | None:
    if score is None:
        return None
    return peer_stats(score, (y for y in peers if y is not None))


def benchmark_from_records(
    firm: PeerRecord, records: Iterable[PeerRecord]
) -> Benchmark | NoBenchmark:
    """The benchmark of `firm` among `records` (§7), from plain data.

    `records` holds one record per firm (its latest validated diagnostic on the firm's
    référentiel id and version); the firm's own record, recognised by `company_id`, is left
    out. This is the reference the database adapter is tested against.
    """
    if firm.overall is None:
        return NoBenchmark(NoBenchmarkReason.NOT_SCORED)
    profile = firm.profile
    if not profile_complete(profile):
        return NoBenchmark(NoBenchmarkReason.INCOMPLETE_PROFILE)
    others = [r for r in records if r.company_id != firm.company_id and r.overall is not None]
    ladder = peer_ladder(profile)
    counts = [sum(1 for r in others if step.matches(r)) for step in ladder]
    group = choose_peer_group(ladder, counts)
    if isinstance(group, NoBenchmark):
        return group
    peers = [r for r in others if group.matches(r)]
    return Benchmark(
        group=group,
        overall=_line(firm.overall, (r.overall for r in peers)),
        dimensions=MappingProxyType(
            {
                dim_id: _line(score, (r.dimensions.get(dim_id) for r in peers))
                for dim_id, score in firm.dimensions.items()
            }
        ),
        pillars=MappingProxyType(
            {
                pillar_id: _line(score, (r.pillars.get(pillar_id) for r in peers))
                for pillar_id, score in firm.pillars.items()
            }
        ),
    )


# --- database adapter ------------------------------------------------------------------------
#
# The same rules, read from `essor.diagnostics.models`. A peer is the *current* diagnostic of
# another firm on the same référentiel version: `Diagnostic.is_current` marks each firm's
# latest complete diagnostic per version (an expert diagnostic once validated, a
# self-assessment once submitted and linked to a firm) and is kept by the writes
# (`essor.diagnostics.peers`), so the population is a partial index, not a search for a
# later diagnostic of the same firm.
#
# - the group: one COUNT per ladder step, stopping at the first with 10 peers (1 to 3
#   index-only counts on the partial indexes `WHERE is_current`);
# - a group of fewer than `SNAPSHOT_MIN_PEERS` peers, on PostgreSQL: the overall line and every
#   pillar and dimension line in one more query (`_lines_postgres`): filtered counts for n,
#   below and equal, and `percentile_cont` (the same inclusive linear interpolation) for the
#   three quartiles of a line at once;
# - a larger group (up to a whole NAF section: tens of thousands of peers), on PostgreSQL: the
#   sorted scores of every line of the group (`_Snapshot`), read once in one query and kept
#   in memory under the group's stamp (`PeerGroupStamp`, renewed in the transaction of every
#   change to the group). Each request reads the stamp and the firm's own current record in
#   one query; the kept copy is used only if its stamp is the same, otherwise it is read
#   again by one query that also returns the stamp it saw (the copy, the stamp and the
#   firm's record are thus of one committed state; if a completion slipped in between, the
#   request starts again, and after three tries uses the aggregate query). The scores come
#   from partial indexes of current rows in (line, score) order (`DimensionScore` repeats
#   its diagnostic's flag and peer keys), packed by `float8send`, so no join and no sort in
#   the database. The firm's own record, if it is in the group, is taken out arithmetically
#   (one value per line: counts minus one, ranks past it shifted by one), and the group's
#   count is the copy's. The figures are those of the aggregate query: counts by binary
#   search with the same half-nano window, quartiles from the same ranked scores;
# - elsewhere (SQLite), the counts by one query for the overall line and one grouped by
#   `DimensionScore.dimension_id`, and each quartile from the one or two ranked scores it
#   needs, `ORDER BY score LIMIT 2 OFFSET i` (`quantile_position`).
# Snapping to 9 decimals is done by comparing within half a unit of the 9th decimal.
#
# Cost (bench/bench_peer_benchmark.py, 100,000 diagnostics, docs/benchmarks.md): about 10 ms
# for the usual group of a few hundred peers; for the widest group (31,655 peers, 760,000
# scores) about 9 ms once its copy is kept, and about 0.25 s for the first request after the
# group changed (or the first in a process): the read of its scores.

_HALF_NANO = 5e-10
SNAPSHOT_MIN_PEERS = 500
"""Groups with at least this many peers are read from a kept copy of their sorted scores
(PostgreSQL only); smaller ones by one aggregate query, which takes under 10 ms up to a few
hundred peers but some 35 to 65 ms at 1,700 (bench data), when reading the copy again
takes 20 to 30 ms and using a kept one about 1 ms."""
SNAPSHOT_BUDGET = 8_000_000
"""At most this many scores kept in memory per process (8 bytes each), least recently used
groups dropped first."""


def _peer_population(diagnostic: Diagnostic) -> Any:
    """Current diagnostics of other firms on the same version, with an overall score."""
    from essor.diagnostics.models import Diagnostic as Model

    peers = Model.objects.filter(
        is_current=True, overall_score__isnull=False, referentiel_id=diagnostic.referentiel_id
    )
    if diagnostic.company_id is not None:
        peers = peers.exclude(company_id=diagnostic.company_id)
    return peers


def _group_filter(group: PeerGroup) -> dict[str, str]:
    keys = {"size_class": group.size_class}
    if group.activity == "division":
        keys["naf_division"] = group.activity_code
    else:
        keys["naf_section"] = group.activity_code
    if group.region_code is not None:
        keys["region_code"] = group.region_code
    return keys


def firm_profile(diagnostic: Diagnostic) -> FirmProfile | None:
    """The peer keys of a diagnostic: its own once complete, else its company's (§7)."""
    from essor.diagnostics.enums import headcount_class

    if diagnostic.completed_at is not None and diagnostic.naf_division:
        return FirmProfile(
            diagnostic.naf_division,
            diagnostic.naf_section,
            diagnostic.size_class,
            diagnostic.region_code or None,
        )
    company = diagnostic.company
    if company is None:
        return None
    return FirmProfile(
        company.naf_division,
        company.naf_section,
        headcount_class(company.headcount),
        company.region.code if company.region_id else None,
    )


def _quantiles_by_offset(queryset: Any, field: str, n: int) -> tuple[float, float, float]:
    """The inclusive quartiles of `field` over `queryset` (n rows) by ranked look-ups."""
    ordered = queryset.order_by(field).values_list(field, flat=True)
    out: list[float] = []
    for p in QUARTILES:
        i, fraction = quantile_position(n, p)
        pair = list(ordered[i : i + 2])
        value = (
            pair[0] if fraction == 0 or len(pair) < 2 else pair[0] + fraction * (pair[1] - pair[0])
        )
        out.append(float(value))
    return out[0], out[1], out[2]


def _overall_line(peers: Any, score: float) -> PeerStats | None:
    """The overall line, portable: filtered counts, then ranked look-ups for the quartiles."""
    from django.db.models import Count, Q

    x = snap(score)
    row = peers.aggregate(
        n=Count("pk"),
        below=Count("pk", filter=Q(overall_score__lt=x - _HALF_NANO)),
        equal=Count("pk", filter=Q(overall_score__range=(x - _HALF_NANO, x + _HALF_NANO))),
    )
    n = row["n"]
    if n < MIN_PEERS:
        return None
    quartiles = _quantiles_by_offset(peers, "overall_score", n)
    return stats_from_counts(n, row["below"], row["equal"], *quartiles)


def _score_lines(peers: Any, scores: Mapping[str, float]) -> dict[str, PeerStats | None]:
    """The pillar and dimension lines, portable: one query grouped by id for the counts,
    then ranked look-ups for the quartiles of each line."""
    from django.db.models import Case, Count, FloatField, Q, Value, When

    from essor.diagnostics.models import DimensionScore

    out: dict[str, PeerStats | None] = dict.fromkeys(scores)
    if not scores:
        return out
    firm = Case(
        *(When(dimension_id=key, then=Value(snap(x))) for key, x in scores.items()),
        output_field=FloatField(),
    )
    rows = DimensionScore.objects.filter(diagnostic__in=peers.values("pk"), dimension_id__in=scores)
    grouped = cast(
        Iterable[dict[str, Any]],
        rows.values("dimension_id")
        .annotate(
            n=Count("pk"),
            below=Count("pk", filter=Q(score__lt=firm - _HALF_NANO)),
            equal=Count("pk", filter=Q(score__gte=firm - _HALF_NANO, score__lte=firm + _HALF_NANO)),
        )
        .order_by("dimension_id"),
    )
    for row in grouped:
        key, n = row["dimension_id"], row["n"]
        if n >= MIN_PEERS:
            quartiles = _quantiles_by_offset(rows.filter(dimension_id=key), "score", n)
            out[key] = stats_from_counts(n, row["below"], row["equal"], *quartiles)
    return out


def _lines_postgres(
    peers: Any, score: float, scores: Mapping[str, float]
) -> tuple[PeerStats | None, dict[str, PeerStats | None]]:
    """The overall line and every pillar and dimension line in one PostgreSQL query.

    The peer set is computed once (a materialised CTE); the firm's scores join as a
    `VALUES` list numbered 0..k-1 (so that each row compares with its own line's score and
    groups on an integer); `percentile_cont(ARRAY[...])` gives a line's three quartiles
    from one sort. Line -1 is the overall score.
    """
    from django.db import connection

    from essor.diagnostics.models import DimensionScore

    keys = list(scores)
    peer_sql, peer_params = peers.order_by().values("pk", "overall_score").query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(DimensionScore._meta.db_table)
    column = {f.name: quote(str(f.column)) for f in DimensionScore._meta.concrete_fields}
    stats = (
        "count(*), count(*) FILTER (WHERE {v} < {x} - %s), "
        "count(*) FILTER (WHERE {v} BETWEEN {x} - %s AND {x} + %s), "
        "percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY {v})"
    )
    # Identifiers come from the model's metadata and every value is a parameter.
    sql = (
        f"WITH peers (id, overall) AS MATERIALIZED ({peer_sql}) "  # noqa: S608
        f"SELECT -1, {stats.format(v='peers.overall', x='%s::double precision')} FROM peers"
    )
    x = snap(score)
    params: list[Any] = [*peer_params, x, _HALF_NANO, x, _HALF_NANO, x, _HALF_NANO]
    if keys:
        values = ", ".join(["(%s, %s, %s::double precision)"] * len(keys))
        sql += (
            f" UNION ALL SELECT firm.i, {stats.format(v='s.' + column['score'], x='firm.x')}"  # noqa: S608
            f" FROM peers JOIN {table} s ON s.{column['diagnostic']} = peers.id"
            f" JOIN (VALUES {values}) AS firm (i, key, x) ON firm.key = s.{column['dimension_id']}"
            " GROUP BY firm.i"
        )
        params += [_HALF_NANO, _HALF_NANO, _HALF_NANO]
        params += [p for i, key in enumerate(keys) for p in (i, key, snap(scores[key]))]
    overall: PeerStats | None = None
    lines: dict[str, PeerStats | None] = dict.fromkeys(keys)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, n, below, equal, quartiles in cursor.fetchall():
            line = stats_from_counts(n, below, equal, *quartiles) if n else None
            if index < 0:
                overall = line
            else:
                lines[keys[index]] = line
    return overall, lines


# --- kept copies of a large group's sorted scores (PostgreSQL) ---------------------------------


@dataclass(frozen=True, slots=True)
class _OwnRecord:
    """The firm's own current record on the version: its peer keys and scores (exact)."""

    naf_division: str
    naf_section: str
    size_class: str
    region_code: str
    overall: float
    scores: Mapping[str, float]

    def within(self, group: PeerGroup) -> bool:
        code = self.naf_division if group.activity == "division" else self.naf_section
        return (
            code == group.activity_code
            and self.size_class == group.size_class
            and (group.region_code is None or self.region_code == group.region_code)
        )


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """The sorted scores of every line of one peer group, all firms included, as read
    under `stamp` (None: the group has no stamp yet, and the copy is not kept)."""

    stamp: int | None
    overall: array[float]
    lines: Mapping[str, array[float]]

    @property
    def size(self) -> int:
        return len(self.overall) + sum(len(a) for a in self.lines.values())


_snapshots: OrderedDict[tuple[Any, ...], _Snapshot] = OrderedDict()
_snapshots_lock = threading.Lock()


def _unpack(data: bytes | memoryview | None, *, ordered: bool = False) -> array[float]:
    """Big-endian float8 values (PostgreSQL `float8send`) as a native array, sorted if
    `ordered`."""
    values = array("d")
    if data:
        values.frombytes(bytes(data))
        if sys.byteorder == "little":
            values.byteswap()
    return array("d", sorted(values)) if ordered else values


def sorted_line_stats(
    ordered: Sequence[float], score: float, exclude: float | None = None
) -> PeerStats | None:
    """The line of a firm with `score` among the sorted scores `ordered`, less one value
    `exclude` (the firm's own, when it is among them); None under `MIN_PEERS`.

    The same figures as `_lines_postgres`: below = scores < x - half a nano, equal = scores
    within half a nano of x (x snapped to 9 decimals), and the inclusive quartiles of the
    ranked scores; without the excluded value, rank r reads `ordered[r]` before its
    position and `ordered[r + 1]` from it on.
    """
    x = snap(score)
    low, high = x - _HALF_NANO, x + _HALF_NANO
    n = len(ordered)
    below = bisect_left(ordered, low)
    equal = bisect_right(ordered, high) - below
    skip = n  # the position of the excluded value
    if exclude is not None:
        skip = bisect_left(ordered, exclude)
        if skip == n or ordered[skip] != exclude:
            raise ValueError("the excluded value is not among the scores")
        n -= 1
        if exclude < low:
            below -= 1
        elif exclude <= high:
            equal -= 1
    if n < MIN_PEERS:
        return None

    def ranked(r: int) -> float:
        return ordered[r] if r < skip else ordered[r + 1]

    quartiles: list[float] = []
    for p in QUARTILES:
        i, fraction = quantile_position(n, p)
        value = ranked(i)
        if fraction and i + 1 < n:
            value = value + fraction * (ranked(i + 1) - value)
        quartiles.append(value)
    return stats_from_counts(n, below, equal, *quartiles)


def _stamp_where(group: PeerGroup, referentiel_id: int) -> tuple[str, list[Any]]:
    scope = "division" if group.activity == "division" else "section"
    return (
        "referentiel_id = %s AND scope = %s AND code = %s AND size_class = %s AND region_code = %s",
        [referentiel_id, scope, group.activity_code, group.size_class, group.region_code or ""],
    )


def _head(group: PeerGroup, diagnostic: Diagnostic) -> tuple[int | None, _OwnRecord | None]:
    """The group's stamp and the firm's own current record, in one query (one snapshot)."""
    from django.db import connection

    from essor.diagnostics.models import Diagnostic as Model
    from essor.diagnostics.models import DimensionScore, PeerGroupStamp

    quote = connection.ops.quote_name
    stamps = quote(PeerGroupStamp._meta.db_table)
    diagnostics = quote(Model._meta.db_table)
    scores = quote(DimensionScore._meta.db_table)
    where, params = _stamp_where(group, diagnostic.referentiel_id)
    # Table names from the models' metadata; every value is a parameter.
    sql = (
        f"SELECT (SELECT stamp FROM {stamps} WHERE {where}), d.naf_division, d.naf_section, "  # noqa: S608
        "d.size_class, d.region_code, float8send(d.overall_score), "
        "(SELECT array_agg(s.dimension_id ORDER BY s.dimension_id) "
        f" FROM {scores} s WHERE s.diagnostic_id = d.id), "
        "(SELECT string_agg(float8send(s.score), ''::bytea ORDER BY s.dimension_id) "
        f" FROM {scores} s WHERE s.diagnostic_id = d.id) "
        f"FROM (SELECT 1) AS one LEFT JOIN {diagnostics} d ON d.company_id = %s "
        "AND d.referentiel_id = %s AND d.is_current AND d.overall_score IS NOT NULL"
    )
    params += [diagnostic.company_id, diagnostic.referentiel_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        stamp, division, section, size, region, overall, keys, values = cursor.fetchone()
    if overall is None:
        return stamp, None
    own_scores = dict(zip(keys or [], _unpack(values), strict=True))
    return stamp, _OwnRecord(division, section, size, region, _unpack(overall)[0], own_scores)


def _read_snapshot(group: PeerGroup, referentiel_id: int) -> _Snapshot:
    """Every score of the group, sorted per line, with the stamp, in one query.

    The overall scores from the partial index of current diagnostics, the other lines from
    the one of current `DimensionScore` rows (which repeat the peer keys), read in
    (line, score) order: no join and no sort in the database. The values are concatenated
    in the order read; they are sorted again here all the same (a linear pass when they are
    in order already), so the order never rests on the plan.
    """
    from django.db import connection

    from essor.diagnostics.models import Diagnostic as Model
    from essor.diagnostics.models import DimensionScore, PeerGroupStamp

    quote = connection.ops.quote_name
    stamps = quote(PeerGroupStamp._meta.db_table)
    where, stamp_params = _stamp_where(group, referentiel_id)
    members = Model.objects.filter(
        is_current=True, overall_score__isnull=False, referentiel_id=referentiel_id
    ).filter(**_group_filter(group))
    peer_sql, peer_params = members.order_by().values("overall_score").query.sql_with_params()
    lines = (
        DimensionScore.objects.filter(is_current=True, referentiel_id=referentiel_id)
        .filter(**_group_filter(group))
        .order_by()
        .values("dimension_id", "score")
    )
    line_sql, line_params = lines.query.sql_with_params()
    # Identifiers from the models' metadata; every value is a parameter.
    sql = (
        f"SELECT NULL, (SELECT stamp FROM {stamps} WHERE {where}), "  # noqa: S608
        "string_agg(float8send(p.overall), ''::bytea) "
        f"FROM ({peer_sql} ORDER BY 1) AS p (overall) "
        "UNION ALL SELECT s.line, NULL, string_agg(float8send(s.score), ''::bytea) "
        f"FROM ({line_sql} ORDER BY 1, 2) AS s (line, score) GROUP BY s.line"
    )
    stamp: int | None = None
    overall: array[float] = array("d")
    by_line: dict[str, array[float]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*stamp_params, *peer_params, *line_params])
        for key, row_stamp, data in cursor.fetchall():
            if key is None:
                stamp, overall = row_stamp, _unpack(data, ordered=True)
            else:
                by_line[key] = _unpack(data, ordered=True)
    return _Snapshot(stamp, overall, MappingProxyType(by_line))


def _snapshot_key(group: PeerGroup, referentiel_id: int) -> tuple[Any, ...]:
    from django.db import connection

    db = connection.settings_dict
    return (
        db.get("HOST"), db.get("PORT"), db.get("NAME"), referentiel_id, group.activity,
        group.activity_code, group.size_class, group.region_code,
    )  # fmt: skip


def _keep(key: tuple[Any, ...], snapshot: _Snapshot) -> None:
    if snapshot.stamp is None or snapshot.size > SNAPSHOT_BUDGET:
        return
    with _snapshots_lock:
        _snapshots[key] = snapshot
        _snapshots.move_to_end(key)
        total = sum(s.size for s in _snapshots.values())
        while total > SNAPSHOT_BUDGET:
            _key, dropped = _snapshots.popitem(last=False)
            total -= dropped.size


def snapshots_clear() -> None:
    """Forget every kept copy (tests; never needed for correctness)."""
    with _snapshots_lock:
        _snapshots.clear()


def _snapshot_for(
    group: PeerGroup, diagnostic: Diagnostic
) -> tuple[_Snapshot, _OwnRecord | None] | None:
    """The group's scores and the firm's own record as of one committed state, or None if
    the group kept changing during three attempts."""
    key = _snapshot_key(group, diagnostic.referentiel_id)
    for _attempt in range(3):
        stamp, own = _head(group, diagnostic)
        with _snapshots_lock:
            kept = _snapshots.get(key)
            if kept is not None:
                _snapshots.move_to_end(key)
        if kept is not None and stamp is not None and kept.stamp == stamp:
            return kept, own
        snapshot = _read_snapshot(group, diagnostic.referentiel_id)
        if snapshot.stamp == stamp:
            _keep(key, snapshot)
            return snapshot, own
    return None


def _lines_from_snapshot(
    snapshot: _Snapshot,
    own: _OwnRecord | None,
    group: PeerGroup,
    score: float,
    scores: Mapping[str, float],
) -> tuple[int, PeerStats | None, dict[str, PeerStats | None]]:
    """(peer count, overall line, other lines) of the firm, its own record taken out."""
    mine = own if own is not None and own.within(group) else None
    count = len(snapshot.overall) - (1 if mine is not None else 0)
    overall = sorted_line_stats(snapshot.overall, score, mine.overall if mine else None)
    lines: dict[str, PeerStats | None] = {}
    for key, x in scores.items():
        ordered = snapshot.lines.get(key)
        exclude = mine.scores.get(key) if mine is not None else None
        lines[key] = None if ordered is None else sorted_line_stats(ordered, x, exclude)
    return count, overall, lines


@contextmanager
def _tuned(postgres: bool) -> Iterator[None]:
    """On PostgreSQL, for the benchmark's queries only: no JIT, and sorts kept in memory.

    These queries run in milliseconds, and JIT compilation would add 0.1 s to each as soon
    as a large group makes the planner's cost estimate cross `jit_above_cost`; a group of
    tens of thousands of peers sorts some hundreds of thousands of scores, which the
    default `work_mem` (4 MB) would spill to disk. The previous values are put back
    (`set_config(..., is_local => true)` lasts until the end of the transaction at most).
    """
    if not postgres:
        yield
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('work_mem')")
        jit, work_mem = cursor.fetchone()
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)",
                [jit, work_mem],
            )


def peer_benchmark_outcome(diagnostic: Diagnostic) -> Benchmark | NoBenchmark:
    """The benchmark of a diagnostic read from the database, or why there is none (§7).

    The firm's scores are the diagnostic's unrounded scores (`essor.diagnostics.scoring`);
    its peer keys are the diagnostic's once complete, else its company's current ones.
    """
    from django.db import connection, transaction

    from essor.diagnostics.scoring import raw_scores

    profile = firm_profile(diagnostic)
    if profile is None or not profile_complete(profile):
        return NoBenchmark(NoBenchmarkReason.INCOMPLETE_PROFILE)
    raw = raw_scores(diagnostic.referentiel.parsed, diagnostic.answers or {})
    if raw.overall is None:
        return NoBenchmark(NoBenchmarkReason.NOT_SCORED)
    population = _peer_population(diagnostic).filter(overall_score__isnull=False)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), _tuned(postgres):
        ladder = peer_ladder(profile)
        counts: list[int] = []
        for step in ladder:
            counts.append(population.filter(**_group_filter(step)).count())
            if counts[-1] >= TARGET_PEERS:
                break
        group = choose_peer_group(ladder[: len(counts)], counts)
        if isinstance(group, NoBenchmark):
            return group
        peers = population.filter(**_group_filter(group))
        scores = {k: v for k, v in (*raw.dimensions.items(), *raw.pillars.items()) if v is not None}
        kept = (
            _snapshot_for(group, diagnostic)
            if postgres and group.count >= SNAPSHOT_MIN_PEERS
            else None
        )
        if kept is not None:
            count, overall, lines = _lines_from_snapshot(*kept, group, raw.overall, scores)
            group = _with_count(group, count)  # the same committed state as the lines
        elif postgres:
            overall, lines = _lines_postgres(peers, raw.overall, scores)
        else:
            overall, lines = _overall_line(peers, raw.overall), _score_lines(peers, scores)
    return Benchmark(
        group=group,
        overall=overall,
        dimensions=MappingProxyType({k: lines.get(k) for k in raw.dimensions}),
        pillars=MappingProxyType({k: lines.get(k) for k in raw.pillars}),
    )


def peer_benchmark(diagnostic: Diagnostic) -> Benchmark | None:
    """The benchmark of a diagnostic, or None (see `peer_benchmark_outcome` for why)."""
    result = peer_benchmark_outcome(diagnostic)
    return result if isinstance(result, Benchmark) else None
