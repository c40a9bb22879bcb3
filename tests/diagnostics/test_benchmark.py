"""Peer benchmark (docs/methodology.md §7): statistics, widening, and the database adapter."""

from __future__ import annotations

import random
import statistics
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essor.diagnostics.benchmark import (
    Benchmark,
    FirmProfile,
    NoBenchmark,
    NoBenchmarkReason,
    PeerGroup,
    PeerRecord,
    benchmark_from_records,
    choose_peer_group,
    peer_benchmark,
    peer_benchmark_outcome,
    peer_ladder,
    peer_stats,
    quantile_inclusive,
    sorted_line_stats,
)

SETTINGS = settings(max_examples=200, deadline=None, database=None)
EXAMPLE_PEERS = [22.5, 28, 31.25, 35, 38.5, 41, 43.75, 47.5, 52, 60, 66.25]


# --- statistics -------------------------------------------------------------------------------


def test_methodology_example() -> None:
    """§7: x = 43.75 among the 11 peers of the example."""
    stats = peer_stats(43.75, EXAMPLE_PEERS)
    assert stats is not None
    assert (stats.count, stats.below, stats.equal) == (11, 6, 1)
    assert stats.percentile == pytest.approx(59.0909, abs=1e-4)
    assert stats.percentile_display == 59
    assert stats.median == 41
    assert stats.q1 == pytest.approx(33.125)
    assert stats.q3 == pytest.approx(49.75)
    assert stats.rounded == (33.13, 41.0, 49.75)


def test_fewer_than_five_peers_give_nothing() -> None:
    assert peer_stats(50, [10, 20, 30, 40]) is None
    assert peer_stats(50, [10, 20, 30, 40, 60]) is not None


def test_scores_are_snapped_before_comparing() -> None:
    stats = peer_stats(43.75, [43.74999999999999, 10, 20, 30, 90])
    assert stats is not None and (stats.below, stats.equal) == (3, 1)


def test_percentile_display_rounds_half_up() -> None:
    # 100 x (0 + 0.5) / 10 = 5 exactly; 100 x (1 + 0.5)/6 = 25; 100 x 5/8 = 62.5 -> 63
    stats = peer_stats(50, [50, 51, 52, 53, 54, 55, 56, 57, 58, 59])
    assert stats is not None and stats.percentile_display == 5
    stats = peer_stats(5, [1, 2, 3, 4, 5.0000001, 6, 7, 8])
    assert stats is not None and stats.percentile == 50 and stats.percentile_display == 50
    stats = peer_stats(5.5, [1, 2, 3, 4, 5, 6, 7, 8])
    assert stats is not None and stats.percentile_display == 63


scores = st.floats(0, 100, allow_nan=False)


@SETTINGS
@given(st.lists(scores, min_size=1, max_size=60), st.sampled_from([0.25, 0.5, 0.75]))
def test_quantiles_are_the_inclusive_method(values: list[float], p: float) -> None:
    ordered = sorted(values)
    got = quantile_inclusive(ordered, p)
    if len(values) >= 2:
        expected = statistics.quantiles(values, n=4, method="inclusive")[int(p * 4) - 1]
        assert got == pytest.approx(expected, abs=1e-9)
    assert ordered[0] <= got <= ordered[-1]


@SETTINGS
@given(scores, scores, st.lists(scores, min_size=5, max_size=40))
def test_percentile_bounded_and_monotone(x: float, y: float, peers: list[float]) -> None:
    low, high = sorted((x, y))
    a, b = peer_stats(low, peers), peer_stats(high, peers)
    assert a is not None and b is not None
    assert 0 <= a.percentile <= b.percentile <= 100
    assert a.q1 <= a.median <= a.q3
    assert a.count == len(peers)
    assert peer_stats(low, peers) == a  # deterministic


# --- the peer group ---------------------------------------------------------------------------

PROFILE = FirmProfile(naf_division="25", naf_section="C", size_class="10-49", region_code="84")


def test_ladder_is_the_fixed_order_of_section_7() -> None:
    assert [
        (g.step, g.activity, g.activity_code, g.size_class, g.region_code)
        for g in peer_ladder(PROFILE)
    ] == [
        (1, "division", "25", "10-49", "84"),
        (2, "division", "25", "10-49", None),
        (3, "section", "C", "10-49", None),
    ]
    no_region = FirmProfile("25", "C", "10-49", None)
    assert [g.step for g in peer_ladder(no_region)] == [2, 3]


@pytest.mark.parametrize(
    ("counts", "step", "count", "small"),
    [
        ((10, 40, 900), 1, 10, False),
        ((4, 11, 900), 2, 11, False),
        ((2, 9, 10), 3, 10, False),
        ((2, 6, 9), 3, 9, True),
        ((0, 0, 5), 3, 5, True),
    ],
)
def test_widening(counts: tuple[int, ...], step: int, count: int, small: bool) -> None:
    group = choose_peer_group(peer_ladder(PROFILE), counts)
    assert isinstance(group, PeerGroup)
    assert (group.step, group.count, group.small) == (step, count, small)


def test_no_group_under_five_peers() -> None:
    result = choose_peer_group(peer_ladder(PROFILE), (1, 3, 4))
    assert isinstance(result, NoBenchmark)
    assert (result.reason, result.count) == (NoBenchmarkReason.TOO_FEW_PEERS, 4)


def record(company: Any, *, division: str = "25", section: str = "C", size: str = "10-49",
           region: str | None = "84", overall: float | None = 50.0,
           dimensions: dict[str, float | None] | None = None) -> PeerRecord:  # fmt: skip
    return PeerRecord(company, division, section, size, region, overall, dimensions or {})


def test_benchmark_from_records_follows_the_example() -> None:
    """§7 example: 4 peers in the region, 11 nationally: step 2."""
    firm = record("firm", overall=43.75, dimensions={"a": 10.0, "b": None})
    records = [record("firm", overall=99.0)]  # the firm's own record never counts
    for i, score in enumerate(EXAMPLE_PEERS):
        region = "84" if i < 4 else "53"
        records.append(record(i, region=region, overall=score, dimensions={"a": score}))
    records.append(record("other-size", size="50-249", overall=10))
    records.append(record("other-division", division="28", overall=10))
    result = benchmark_from_records(firm, records)
    assert isinstance(result, Benchmark)
    assert (result.group.step, result.group.count, result.group.national) == (2, 11, True)
    assert result.overall is not None and result.overall.percentile_display == 59
    assert result.dimensions["a"] is not None and result.dimensions["a"].percentile == 0
    assert result.dimensions["b"] is None  # the firm's own score is null there


def test_lines_with_fewer_than_five_scores_are_empty() -> None:
    firm = record("firm", dimensions={"a": 50.0, "b": 50.0})
    peers = [
        record(i, dimensions={"a": 10.0 * i, "b": 10.0 * i if i < 4 else None}) for i in range(12)
    ]
    result = benchmark_from_records(firm, peers)
    assert isinstance(result, Benchmark)
    assert result.dimensions["a"] is not None and result.dimensions["a"].count == 12
    assert result.dimensions["b"] is None  # only 4 peers scored "b"


def test_incomplete_profile_and_unscored_firm() -> None:
    peers = [record(i) for i in range(20)]
    no_size = benchmark_from_records(record("firm", size=""), peers)
    assert isinstance(no_size, NoBenchmark)
    assert no_size.reason is NoBenchmarkReason.INCOMPLETE_PROFILE
    unscored = benchmark_from_records(record("firm", overall=None), peers)
    assert isinstance(unscored, NoBenchmark) and unscored.reason is NoBenchmarkReason.NOT_SCORED


# --- the database adapter ---------------------------------------------------------------------


@pytest.fixture
def world(reference: None) -> dict[str, Any]:
    from essor.referentiel.services import referentiel_load_shipped

    versions = {v.ref_id: v for v, _created in referentiel_load_shipped()}
    return {
        "full": versions["industrie-du-futur"],
        "self": versions["industrie-du-futur-autodiagnostic"],
        "n": 0,
    }


def _company(world: dict[str, Any], *, department: str = "69", naf: str = "25.62A",
             headcount: int = 40) -> Any:  # fmt: skip
    from tests.factories import make_company

    world["n"] += 1
    return make_company(n=world["n"], department=department, naf_code=naf, headcount=headcount)


def _complete_diagnostic(world: dict[str, Any], company: Any, overall: float,
                         dimensions: dict[str, float], *, phase: str = "t0", days_ago: int = 10,
                         status: str = "validated", version: str = "full",
                         answers: dict[str, Any] | None = None) -> Any:  # fmt: skip
    """A complete diagnostic row as `services._complete` leaves it (peer keys, scores)."""
    from django.utils import timezone

    from essor.diagnostics.enums import headcount_class
    from essor.diagnostics.models import Diagnostic, DimensionScore
    from essor.diagnostics.peers import keys_of, peers_refresh

    when = timezone.now() - timedelta(days=days_ago)
    diagnostic = Diagnostic.objects.create(
        kind="expert" if version == "full" else "self_assessment",
        phase=phase,
        status=status,
        company=company,
        referentiel=world[version],
        answers=answers or {},
        results={},
        region=company.region,
        naf_division=company.naf_division,
        naf_section=company.naf_section,
        size_class=headcount_class(company.headcount),
        region_code=company.region.code,
        overall_score=overall,
        completed_at=when if status == "validated" or version == "self" else None,
    )
    DimensionScore.objects.bulk_create(
        DimensionScore(diagnostic=diagnostic, dimension_id=key, score=value)
        for key, value in dimensions.items()
    )
    peers_refresh(company.pk, diagnostic.referentiel_id, touched=keys_of(diagnostic))
    diagnostic.refresh_from_db(fields=["is_current"])
    return diagnostic


def _firm(world: dict[str, Any]) -> Any:
    from essor.diagnostics.scoring import raw_scores
    from tests.diagnostics.test_report import random_answers

    ref = world["full"].parsed
    answers = random_answers(ref, random.Random(7), {})
    raw = raw_scores(ref, answers)
    company = _company(world)
    dims = {k: v for k, v in raw.dimensions.items() if v is not None}
    diagnostic = _complete_diagnostic(world, company, raw.overall or 0, dims, answers=answers)
    return diagnostic, raw


@pytest.mark.django_db
def test_adapter_agrees_with_the_plain_reference(world: dict[str, Any]) -> None:
    """Same peers through the database and through `benchmark_from_records`."""
    diagnostic, raw = _firm(world)
    rng = random.Random(3)
    dims = [d.id for d in world["full"].parsed.dimensions][:6]
    records = []
    for i in range(14):
        department = "69" if i < 4 else "35"  # 4 in region 84, 10 more in Bretagne
        company = _company(world, department=department)
        scores = {
            d: rng.choice([25.0, 50.0, rng.uniform(0, 100)]) for d in dims if rng.random() > 0.2
        }
        overall = rng.choice([raw.overall, rng.uniform(0, 100)])
        _complete_diagnostic(world, company, overall, scores)
        records.append(
            PeerRecord(company.pk, "25", "C", "10-49", company.region.code, overall, scores)
        )
    firm = PeerRecord(
        diagnostic.company_id, "25", "C", "10-49", "84", raw.overall,
        {k: v for k, v in raw.dimensions.items() if v is not None},
        {k: v for k, v in raw.pillars.items() if v is not None},
    )  # fmt: skip
    expected = benchmark_from_records(firm, records)
    got = peer_benchmark_outcome(diagnostic)
    assert isinstance(expected, Benchmark) and isinstance(got, Benchmark)
    assert (
        (got.group.step, got.group.count) == (expected.group.step, expected.group.count) == (2, 14)
    )
    assert got.overall is not None and expected.overall is not None
    assert got.overall.rounded == expected.overall.rounded
    assert got.overall.percentile_display == expected.overall.percentile_display
    for key, stats in expected.dimensions.items():
        mine = got.dimensions[key]
        if stats is None:
            assert mine is None, key
        else:
            assert mine is not None, key
            assert (mine.count, mine.below, mine.equal) == (stats.count, stats.below, stats.equal)
            assert mine.rounded == stats.rounded
    assert peer_benchmark(diagnostic) == got


@pytest.mark.django_db
def test_only_latest_complete_diagnostic_of_another_firm_on_the_same_version(
    world: dict[str, Any],
) -> None:
    diagnostic, raw = _firm(world)
    # the firm's own older diagnostic never counts
    _complete_diagnostic(world, diagnostic.company, 1.0, {}, phase="t1", days_ago=400)
    for _i in range(5):
        company = _company(world)
        _complete_diagnostic(world, company, 10.0, {}, phase="t0", days_ago=300)
        _complete_diagnostic(world, company, 90.0, {}, phase="t1", days_ago=20)  # latest
    # not counted: a draft, a submitted (not validated) one, another référentiel
    _complete_diagnostic(world, _company(world), 10.0, {}, status="draft")
    _complete_diagnostic(world, _company(world), 10.0, {}, status="submitted")
    _complete_diagnostic(world, _company(world), 10.0, {}, version="self", status="submitted")
    result = peer_benchmark_outcome(diagnostic)
    assert isinstance(result, Benchmark)
    assert result.group.count == 5 and result.group.small
    assert result.overall is not None
    assert result.overall.median == pytest.approx(90.0)
    assert result.overall.below == (5 if raw.overall > 90 else 0)


@pytest.mark.django_db
def test_adapter_says_why_there_is_no_benchmark(world: dict[str, Any]) -> None:
    diagnostic, _raw = _firm(world)
    for _i in range(4):
        _complete_diagnostic(world, _company(world), 50.0, {})
    _complete_diagnostic(world, _company(world, headcount=500), 50.0, {})  # other size
    result = peer_benchmark_outcome(diagnostic)
    assert isinstance(result, NoBenchmark)
    assert (result.reason, result.count) == (NoBenchmarkReason.TOO_FEW_PEERS, 4)
    assert peer_benchmark(diagnostic) is None


@pytest.mark.django_db
def test_widening_to_the_section(world: dict[str, Any]) -> None:
    diagnostic, _raw = _firm(world)
    for _i in range(3):
        _complete_diagnostic(world, _company(world), 40.0, {})  # same division
    for _i in range(8):
        _complete_diagnostic(world, _company(world, naf="28.41Z"), 60.0, {})  # same section
    result = peer_benchmark_outcome(diagnostic)
    assert isinstance(result, Benchmark)
    assert (result.group.step, result.group.activity_code, result.group.count) == (3, "C", 11)
    assert result.overall is not None and result.overall.median == pytest.approx(60.0)


# --- the current peer record and the kept copies ---------------------------------------------


def _stamps(referentiel: Any) -> dict[tuple[str, str, str, str], int]:
    from essor.diagnostics.models import PeerGroupStamp

    rows = PeerGroupStamp.objects.filter(referentiel=referentiel)
    return {(r.scope, r.code, r.size_class, r.region_code): r.stamp for r in rows}


def _current_scores(diagnostic: Any) -> set[tuple[str, bool, str, str, str, str]]:
    from essor.diagnostics.models import DimensionScore

    return set(
        DimensionScore.objects.filter(diagnostic=diagnostic).values_list(
            "dimension_id",
            "is_current",
            "naf_division",
            "naf_section",
            "size_class",
            "region_code",
        )
    )


@pytest.mark.django_db
def test_the_latest_complete_diagnostic_is_current_through_the_services(
    world: dict[str, Any],
) -> None:
    """Validation marks the firm's latest complete diagnostic; the scores follow the flag."""
    from essor.diagnostics.models import Diagnostic
    from tests.diagnostics.helpers import validated_diagnostic

    company = _company(world)
    t0 = validated_diagnostic(company)
    assert t0.is_current and Diagnostic.objects.get(pk=t0.pk).is_current
    rows = _current_scores(t0)
    assert rows and all(r[1:] == (True, "25", "C", "10-49", "84") for r in rows)
    before = _stamps(world["full"])
    assert set(before) == {
        ("division", "25", "10-49", "84"),
        ("division", "25", "10-49", ""),
        ("section", "C", "10-49", ""),
    }
    t1 = validated_diagnostic(company, phase="t1")
    current = Diagnostic.objects.filter(company=company, is_current=True)
    assert list(current.values_list("pk", flat=True)) == [t1.pk]
    assert not any(flag for _k, flag, *_rest in _current_scores(t0))
    assert all(flag for _k, flag, *_rest in _current_scores(t1))
    after = _stamps(world["full"])
    assert all(after[key] != stamp for key, stamp in before.items())  # every group renewed


@pytest.mark.django_db
def test_deleting_the_current_diagnostic_hands_over_to_the_previous_one(
    world: dict[str, Any],
) -> None:
    from essor.diagnostics.models import Diagnostic

    company = _company(world)
    older = _complete_diagnostic(world, company, 40.0, {"a": 1.0}, days_ago=300)
    newer = _complete_diagnostic(world, company, 60.0, {"a": 2.0}, phase="t1", days_ago=20)
    older.refresh_from_db()
    assert not older.is_current and newer.is_current
    draft = _complete_diagnostic(world, _company(world), 10.0, {}, status="draft")
    assert not draft.is_current  # never complete: never a peer
    before = _stamps(world["full"])
    Diagnostic.objects.filter(pk=newer.pk).delete()
    older.refresh_from_db()
    assert older.is_current
    assert _current_scores(older) == {("a", True, "25", "C", "10-49", "84")}
    assert all(_stamps(world["full"])[key] != stamp for key, stamp in before.items())


@pytest.mark.django_db
def test_backfill_marks_each_firms_latest_complete_diagnostic(world: dict[str, Any]) -> None:
    """The data migration's function, on rows whose flags were lost."""
    from django.db import DEFAULT_DB_ALIAS

    from essor.diagnostics.models import Diagnostic, DimensionScore, PeerGroupStamp
    from essor.diagnostics.peers import backfill_current

    firm = _company(world)
    t0 = _complete_diagnostic(world, firm, 40.0, {"a": 1.0}, days_ago=300)
    t1 = _complete_diagnostic(world, firm, 60.0, {"a": 2.0}, phase="t1", days_ago=20)
    self_assessment = _complete_diagnostic(
        world, firm, 30.0, {"b": 3.0}, version="self", status="submitted"
    )
    other = _complete_diagnostic(world, _company(world, naf="28.41Z"), 50.0, {"a": 4.0})
    _complete_diagnostic(world, _company(world), 10.0, {}, status="submitted")  # not complete
    Diagnostic.objects.update(is_current=False)
    DimensionScore.objects.update(is_current=False, naf_division="", size_class="")
    PeerGroupStamp.objects.all().delete()

    count = backfill_current(Diagnostic, DimensionScore, PeerGroupStamp, DEFAULT_DB_ALIAS)

    assert count == 3
    assert set(Diagnostic.objects.filter(is_current=True).values_list("pk", flat=True)) == {
        t1.pk,
        self_assessment.pk,
        other.pk,
    }
    assert _current_scores(t0) == {("a", False, "", "C", "", "84")}
    assert _current_scores(t1) == {("a", True, "25", "C", "10-49", "84")}
    assert _current_scores(other) == {("a", True, "28", "C", "10-49", "84")}
    assert ("division", "28", "10-49", "84") in _stamps(world["full"])
    assert ("section", "C", "10-49", "") in _stamps(world["self"])


# Scores as the app produces them: on a grid of quarters, or any value to 6 decimals. (The
# database path treats values within half a unit of the 9th decimal as equal, the pure
# reference rounds to 9 decimals: they can only differ for two scores exactly 5e-10 apart,
# which no average of answer values produces.)
scores_quarter = st.one_of(
    st.integers(0, 400).map(lambda i: i / 4), st.floats(0, 100).map(lambda f: round(f, 6))
)


@SETTINGS
@given(st.lists(scores_quarter, min_size=1, max_size=40), scores_quarter, st.data())
def test_sorted_line_stats_is_peer_stats_without_the_firms_own_value(
    values: list[float], x: float, data: st.DataObject
) -> None:
    """The kept-copy computation: the firm's own value taken out arithmetically."""
    ordered = sorted(values)
    own: float | None = data.draw(st.sampled_from([*values, None]))
    peers = list(values)
    if own is not None:
        peers.remove(own)
    expected = peer_stats(x, peers)
    got = sorted_line_stats(ordered, x, own)
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert (got.count, got.below, got.equal) == (expected.count, expected.below, expected.equal)
    for mine, theirs in zip((got.q1, got.median, got.q3), (expected.q1, expected.median,
                                                           expected.q3), strict=True):  # fmt: skip
        assert mine == pytest.approx(theirs, abs=1e-9)


def test_sorted_line_stats_refuses_a_value_that_is_not_there() -> None:
    with pytest.raises(ValueError, match="not among"):
        sorted_line_stats([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3.0, 2.5)


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def kept_copies(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every group read from a kept copy (PostgreSQL), none kept from another test."""
    from essor.diagnostics import benchmark

    if not _postgres():
        pytest.skip("kept copies are used on PostgreSQL only")
    monkeypatch.setattr(benchmark, "SNAPSHOT_MIN_PEERS", 0)
    benchmark.snapshots_clear()
    yield benchmark
    benchmark.snapshots_clear()


def _records_of(world: dict[str, Any]) -> list[PeerRecord]:
    """Every firm's current diagnostic as a plain record (the reference's input)."""
    from essor.diagnostics.models import Diagnostic

    out = []
    for d in Diagnostic.objects.filter(is_current=True, referentiel=world["full"]):
        scores = {s.dimension_id: s.score for s in d.dimension_scores.all()}
        out.append(
            PeerRecord(
                d.company_id,
                d.naf_division,
                d.naf_section,
                d.size_class,
                d.region_code,
                d.overall_score,
                {k: v for k, v in scores.items()},
            )
        )
    return out


def _assert_same(got: Any, expected: Any) -> None:
    assert isinstance(expected, Benchmark) and isinstance(got, Benchmark)
    assert (got.group.step, got.group.count) == (expected.group.step, expected.group.count)
    for mine, stats in [(got.overall, expected.overall)] + [
        (got.dimensions[k], v) for k, v in expected.dimensions.items()
    ]:
        if stats is None:
            assert mine is None
        else:
            assert mine is not None
            assert (mine.count, mine.below, mine.equal) == (stats.count, stats.below, stats.equal)
            assert mine.rounded == stats.rounded
            assert mine.percentile_display == stats.percentile_display


@pytest.mark.django_db
def test_kept_copy_agrees_with_the_reference_and_follows_changes(
    world: dict[str, Any], kept_copies: Any
) -> None:
    """PostgreSQL: the kept copy gives the reference's figures, is reused while the group's
    stamp holds, and is read again once a completion changes the group."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    diagnostic, raw = _firm(world)
    rng = random.Random(11)
    dims = [d.id for d in world["full"].parsed.dimensions]
    for i in range(16):
        company = _company(world, department="69" if i < 3 else "35")
        scores = {d: rng.choice([25.0, 50.0, rng.uniform(0, 100)]) for d in dims}
        _complete_diagnostic(world, company, rng.uniform(0, 100), scores)
    firm = PeerRecord(
        diagnostic.company_id, "25", "C", "10-49", "84", raw.overall,
        {k: v for k, v in raw.dimensions.items() if v is not None},
        {k: v for k, v in raw.pillars.items() if v is not None},
    )  # fmt: skip
    _assert_same(
        peer_benchmark_outcome(diagnostic), benchmark_from_records(firm, _records_of(world))
    )
    with CaptureQueriesContext(connection) as queries:
        again = peer_benchmark_outcome(diagnostic)
    assert not any("GROUP BY s.line" in q["sql"] for q in queries.captured_queries)
    _assert_same(again, benchmark_from_records(firm, _records_of(world)))
    # a new peer renews the stamp: the copy is read again and counts it
    _complete_diagnostic(world, _company(world, department="35"), 99.0, {dims[0]: 99.0})
    with CaptureQueriesContext(connection) as queries:
        changed = peer_benchmark_outcome(diagnostic)
    assert any("GROUP BY s.line" in q["sql"] for q in queries.captured_queries)
    assert isinstance(changed, Benchmark) and changed.group.count == 17
    _assert_same(changed, benchmark_from_records(firm, _records_of(world)))


@pytest.mark.django_db
def test_kept_copy_takes_out_the_firms_current_record(
    world: dict[str, Any], kept_copies: Any
) -> None:
    """Benchmarking an older diagnostic: the firm's current (later) one is in the group
    and must not count; the older one's own scores are the firm's."""
    from essor.diagnostics.models import Diagnostic

    diagnostic, raw = _firm(world)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        completed_at=diagnostic.completed_at - timedelta(days=200)
    )
    later = _complete_diagnostic(
        world, diagnostic.company, 12.5, dict.fromkeys(raw.dimensions, 12.5), phase="t1"
    )
    assert later.is_current
    for i in range(12):
        _complete_diagnostic(world, _company(world), 10.0 + 5 * i, {"x": 1.0})
    result = peer_benchmark_outcome(diagnostic)
    assert isinstance(result, Benchmark) and result.group.count == 12
    assert result.overall is not None and result.overall.count == 12
    assert result.overall.equal == 0 or raw.overall == pytest.approx(12.5)
    assert all(stats is None for stats in result.dimensions.values())  # no peer has them


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_of_one_firm_leave_one_current_record(
    world: dict[str, Any],
) -> None:
    """Eight self-assessments of one firm completed at once, each in its own transaction
    (and connection): the per-firm lock serialises the flag, so every transaction commits
    and the latest one is the firm's only current record."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections, transaction
    from django.utils import timezone

    from essor.diagnostics.models import Diagnostic
    from essor.diagnostics.peers import keys_of, peers_refresh

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    company = _company(world)
    start = timezone.now()
    barrier = Barrier(8)

    def complete(i: int) -> int:
        try:
            with transaction.atomic():
                d = Diagnostic.objects.create(
                    kind="self_assessment", status="submitted", company=company,
                    referentiel=world["self"], region=company.region, naf_division="25",
                    naf_section="C", size_class="10-49", region_code="84", overall_score=i,
                    completed_at=start - timedelta(minutes=i),
                )  # fmt: skip
                barrier.wait(timeout=10)
                peers_refresh(company.pk, d.referentiel_id, touched=keys_of(d))
                return d.pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(complete, range(8)))
    current = Diagnostic.objects.filter(company=company, is_current=True)
    assert list(current.values_list("pk", flat=True)) == [created[0]]  # the latest
