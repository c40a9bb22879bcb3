"""The diagnostic report: one HTML page and the same page as a PDF (WeasyPrint).

`build_report_data(...)` gathers, from plain data, everything the report shows and computes
what the methodology defines (`docs/methodology.md`):
- the overall, pillar and dimension scores and bands of the scoring output (§4, §5);
- the level statement of the level reached (floor of score / 20, §5) and of the target;
- the priorities (§6, `essor.referentiel.prioritisation`), top 5 with their technology
  families;
- the peer benchmark (§7, `essor.diagnostics.benchmark`) or the reason it is not shown;
- the T0/T1 comparison (§8): deltas on ids present in both diagnostics, band changes,
  "not comparable" where a score is null, a flag where the basis of answered questions
  changed, a warning when the référentiel version changed.

`ReportData` holds no translated string of ours: référentiel texts stay in every language and
are chosen at rendering, so one `ReportData` renders in French and in English.
`render_report_html(data, language)` and `render_report_pdf(data, language)` render it; the
PDF is WeasyPrint's rendering of exactly the HTML page (same inline SVG charts), with fonts
from the system (DejaVu) and no network access.

`report_html(diagnostic, language)` and `report_pdf(diagnostic, language)` adapt a
`essor.diagnostics.models.Diagnostic` for the views (see the adapter section at the end).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit
from urllib.request import urlopen

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from weasyprint.urls import URLFetcher, URLFetcherResponse

from essor.diagnostics.benchmark import Benchmark, NoBenchmark, NoBenchmarkReason, PeerStats
from essor.diagnostics.charts import ProgressRow, RadarAxis, progress_chart, radar_chart
from essor.diagnostics.progress import compare
from essor.diagnostics.scoring import raw_scores
from essor.referentiel.model import Band, Referentiel, Text
from essor.referentiel.prioritisation import Prioritisation, prioritise
from essor.referentiel.scoring import round_score, snap
from essor.referentiel.texts import localised, technology_families

if TYPE_CHECKING:
    from essor.diagnostics.models import Diagnostic

__all__ = [
    "TOP_PRIORITIES",
    "DimensionLine",
    "OfflineURLFetcher",
    "PillarLine",
    "PreviousDiagnostic",
    "PriorityLine",
    "ProgressData",
    "ProgressLine",
    "ReportData",
    "benchmark_labels",
    "build_report_data",
    "render_report_html",
    "render_report_pdf",
    "report_context",
    "report_data",
    "report_html",
    "report_pdf",
]

TOP_PRIORITIES = 5


# --- data ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DimensionLine:
    number: int
    """1-based position in the référentiel: the label of the dimension's radar axis."""
    id: str
    pillar_id: str
    title: Text
    score: float | None
    """Rounded to 2 decimals (§4); None when not assessed."""
    band: Band | None
    level: int | None
    """The level reached, floor(snap(score) / 20) (§5), None when not assessed."""
    level_statement: Text | None
    target: int | None
    default_target: bool
    target_statement: Text | None
    priority: float | None
    rank: int | None
    answered: int
    na: int
    unanswered: int
    notes: str
    na_reasons: tuple[str, ...]
    benchmark: PeerStats | None


@dataclass(frozen=True, slots=True)
class PillarLine:
    id: str
    title: Text
    score: float | None
    band: Band | None
    dimensions: tuple[DimensionLine, ...]
    benchmark: PeerStats | None


@dataclass(frozen=True, slots=True)
class PriorityLine:
    rank: int
    dimension: DimensionLine
    current_level: float
    target: int
    default_target: bool
    gap: float
    factor: int
    priority: float
    technologies: tuple[tuple[str, Text], ...]
    """(family id, family name) in référentiel order; the name is the id if unknown."""


@dataclass(frozen=True, slots=True)
class ProgressLine:
    kind: Literal["overall", "pillar", "dimension"]
    id: str
    number: int | None
    title: Text
    t0: float | None
    t1: float | None
    delta: float | None
    """T1 - T0 on the unrounded scores, rounded to 2 decimals; None when not comparable."""
    band_t0: Band | None
    band_t1: Band | None
    changed_basis: bool

    @property
    def comparable(self) -> bool:
        return self.delta is not None


@dataclass(frozen=True, slots=True)
class ProgressData:
    t0_date: date
    t0_version: str
    t1_version: str
    overall: ProgressLine
    pillars: tuple[ProgressLine, ...]
    dimensions: tuple[ProgressLine, ...]

    @property
    def version_changed(self) -> bool:
        return self.t0_version != self.t1_version


@dataclass(frozen=True, slots=True)
class PreviousDiagnostic:
    """The T0 diagnostic a T1 is compared with (§8), as plain data."""

    referentiel: Referentiel
    answers: Mapping[str, Any]
    """Its answers (question id -> answer): deltas are taken on the unrounded scores and
    the "changed basis" flag compares the sets of answered questions (§8)."""
    date: date


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows, language-neutral (see the module docstring)."""

    company_name: str
    diagnostic_date: date
    referentiel_id: str
    referentiel_version: str
    referentiel_title: Text
    expert_name: str
    phase: str
    """"T0", "T1" or "" (a diagnostic outside a T0/T1 pair, or an autodiagnostic)."""
    overall_score: float | None
    overall_band: Band | None
    pillars: tuple[PillarLine, ...]
    dimensions: tuple[DimensionLine, ...]
    priorities: tuple[PriorityLine, ...]
    important_kpis: tuple[Text, ...]
    benchmark: Benchmark | NoBenchmark | None
    benchmark_labels: Mapping[str, Text] = field(default_factory=dict)
    """Text for the peer group description: keys "activity", "size", "region"."""
    progress: ProgressData | None = None
    answered: int = 0
    questions: int = 0


# --- building -----------------------------------------------------------------------------


def _band(ref: Referentiel, band_id: str | None) -> Band | None:
    return next((b for b in ref.bands if b.id == band_id), None)


def _statement(levels: Iterable[Any], level: int | None) -> Text | None:
    if level is None:
        return None
    return next((s.text for s in levels if s.level == level), None)


def _level_reached(score: float | None) -> int | None:
    """The level a score reads as (§5): floor(snap(score) / 20), 100 reading as level 5."""
    if score is None:
        return None
    return min(5, math.floor(snap(score) / 20))


def _na_reasons(ref: Referentiel, answers: Mapping[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for question_id, answer in (answers or {}).items():
        dim = ref.dimension_of.get(question_id)
        if dim is not None and isinstance(answer, Mapping) and "na" in answer:
            out.setdefault(dim.id, []).append(str(answer["na"]))
    return out


def _progress(
    ref: Referentiel,
    answers: Mapping[str, Any],
    previous: PreviousDiagnostic,
    numbers: Mapping[str, int],
) -> ProgressData:
    """The T0/T1 comparison of methodology.md §8, by `essor.diagnostics.progress.compare`
    (deltas on the unrounded scores, ids present in both versions, changed basis)."""
    comparison = compare(previous.referentiel, previous.answers, ref, answers)
    titles: dict[str, Text] = {p.id: p.title for p in ref.pillars}
    titles.update((d.id, d.title) for d in ref.dimensions)

    def line(item: Any, kind: Literal["overall", "pillar", "dimension"]) -> ProgressLine:
        return ProgressLine(
            kind=kind,
            id=item.id,
            number=numbers.get(item.id) if kind == "dimension" else None,
            title=titles.get(item.id, {}),
            t0=item.t0,
            t1=item.t1,
            delta=item.delta,
            band_t0=_band(previous.referentiel, item.band_t0),
            band_t1=_band(ref, item.band_t1),
            changed_basis=bool(item.changed_basis and item.comparable),
        )

    return ProgressData(
        t0_date=previous.date,
        t0_version=previous.referentiel.version,
        t1_version=ref.version,
        overall=line(comparison.overall, "overall"),
        pillars=tuple(line(i, "pillar") for i in comparison.lines if i.is_pillar),
        dimensions=tuple(line(i, "dimension") for i in comparison.lines if not i.is_pillar),
    )


def build_report_data(
    *,
    referentiel: Referentiel,
    result: Mapping[str, Any],
    company_name: str,
    diagnostic_date: date,
    expert_name: str = "",
    phase: str = "",
    targets: Mapping[str, int] | None = None,
    important_kpis: Iterable[str] = (),
    notes: Mapping[str, str] | None = None,
    answers: Mapping[str, Any] | None = None,
    dimension_scores: Mapping[str, float | None] | None = None,
    benchmark: Benchmark | NoBenchmark | None = None,
    benchmark_labels: Mapping[str, Text] | None = None,
    previous: PreviousDiagnostic | None = None,
) -> ReportData:
    """Gather the report of one diagnostic from plain data (methodology.md §4-§8).

    `result` is the scoring output (`referentiel-format.md` §4) of `answers` against
    `referentiel`. The priorities (§6) use the unrounded dimension scores: given as
    `dimension_scores`, else computed from `answers`, else (no answers) the rounded ones of
    `result`.
    `targets` and `important_kpis` are the agreed target levels and the KPIs the firm
    marked as important (§6). `notes` maps dimension id -> the expert's evidence notes.
    `answers`, when given, supplies the N/A reasons shown under each dimension (§3).
    `benchmark` is the peer benchmark or the reason it is missing (§7); `previous` the T0
    diagnostic of a T1 (§8), which needs `answers` too.
    """
    notes = notes or {}
    if dimension_scores is not None:
        scores = dict(dimension_scores)
    elif answers is not None:
        scores = raw_scores(referentiel, answers).dimensions
    else:
        scores = {d: entry["score"] for d, entry in result["dimensions"].items()}
    if previous is not None and answers is None:
        raise ValueError("a T0/T1 comparison needs the answers of both diagnostics")
    ranking: Prioritisation = prioritise(referentiel, scores, targets or {}, important_kpis)
    by_dimension = {p.dimension_id: p for p in ranking.ranking}
    ranks = {p.dimension_id: i for i, p in enumerate(ranking.top(len(ranking.ranking)), 1)}
    na_reasons = _na_reasons(referentiel, answers)
    dim_stats = benchmark.dimensions if isinstance(benchmark, Benchmark) else {}
    pillar_stats = benchmark.pillars if isinstance(benchmark, Benchmark) else {}
    numbers = {d.id: i for i, d in enumerate(referentiel.dimensions, 1)}
    pillar_of = {d.id: p.id for p in referentiel.pillars for d in p.dimensions}

    lines: dict[str, DimensionLine] = {}
    for dim in referentiel.dimensions:
        entry = result["dimensions"][dim.id]
        priority = by_dimension.get(dim.id)
        # the unrounded score, as for the band: 39.996 is level 1 (explorer), not 2
        level = _level_reached(scores.get(dim.id))
        target = priority.target_level if priority else None
        lines[dim.id] = DimensionLine(
            number=numbers[dim.id],
            id=dim.id,
            pillar_id=pillar_of[dim.id],
            title=dim.title,
            score=entry["score"],
            band=_band(referentiel, entry["band"]),
            level=level,
            level_statement=_statement(dim.levels, level),
            target=target,
            default_target=priority.default_target if priority else False,
            target_statement=_statement(dim.levels, target),
            priority=priority.priority if priority else None,
            rank=ranks.get(dim.id),
            answered=entry["answered"],
            na=entry["na"],
            unanswered=entry["unanswered"],
            notes=notes.get(dim.id, "").strip(),
            na_reasons=tuple(na_reasons.get(dim.id, ())),
            benchmark=dim_stats.get(dim.id),
        )
    pillars = tuple(
        PillarLine(
            id=p.id,
            title=p.title,
            score=result["pillars"][p.id]["score"],
            band=_band(referentiel, result["pillars"][p.id]["band"]),
            dimensions=tuple(lines[d.id] for d in p.dimensions),
            benchmark=pillar_stats.get(p.id),
        )
        for p in referentiel.pillars
    )
    families = technology_families()
    priorities = tuple(
        PriorityLine(
            rank=i,
            dimension=lines[p.dimension_id],
            current_level=p.current_level,
            target=p.target_level,
            default_target=p.default_target,
            gap=p.gap,
            factor=p.factor,
            priority=p.priority,
            technologies=tuple((t, families.get(t, {})) for t in p.technologies),
        )
        for i, p in enumerate(ranking.top(TOP_PRIORITIES), 1)
    )
    kpi_titles = {k.id: k.title for k in referentiel.kpis}
    dims_out = result["dimensions"]
    return ReportData(
        company_name=company_name,
        diagnostic_date=diagnostic_date,
        referentiel_id=referentiel.id,
        referentiel_version=referentiel.version,
        referentiel_title=referentiel.title,
        expert_name=expert_name,
        phase=phase,
        overall_score=result["overall"]["score"],
        overall_band=_band(referentiel, result["overall"]["band"]),
        pillars=pillars,
        dimensions=tuple(lines.values()),
        priorities=priorities,
        important_kpis=tuple(kpi_titles[k] for k in ranking.important),
        benchmark=benchmark,
        benchmark_labels=dict(benchmark_labels or {}),
        progress=(
            _progress(referentiel, answers, previous, numbers)
            if previous is not None and answers is not None
            else None
        ),
        answered=sum(e["answered"] for e in dims_out.values()),
        questions=sum(e["answered"] + e["na"] + e["unanswered"] for e in dims_out.values()),
    )


# --- rendering ----------------------------------------------------------------------------


def _number(value: float | None, decimals: int = 2) -> str:
    """A score as printed (2 decimals, half away from zero, §4), in the active locale."""
    if value is None:
        return ""
    rounded = round_score(value) if decimals == 2 else round(value, decimals)
    return formats.number_format(rounded or 0.0, decimals)


def _signed(value: float | None) -> str:
    if value is None:
        return ""
    text = _number(value)
    rounded = round_score(value) or 0.0
    return ("+" if rounded > 0 else "\u2212" if rounded < 0 else "±") + text.lstrip("-")


def _stats(stats: PeerStats | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    q1, median, q3 = stats.rounded
    return {
        "count": stats.count,
        "percentile": stats.percentile_display,
        "q1": _number(q1),
        "median": _number(median),
        "q3": _number(q3),
    }


def _benchmark_context(data: ReportData, language: str) -> dict[str, Any]:
    bench = data.benchmark
    labels = data.benchmark_labels
    if bench is None:
        return {"shown": False, "reason": _("No peer benchmark was computed for this report.")}
    if isinstance(bench, NoBenchmark):
        if bench.reason is NoBenchmarkReason.TOO_FEW_PEERS:
            # The count itself is not shown: it is below the small-count threshold (k = 5).
            reason = _(
                "Not enough comparable firms: fewer than 5 peers, and no figure is ever "
                "shown for fewer than 5 companies."
            )
        elif bench.reason is NoBenchmarkReason.INCOMPLETE_PROFILE:
            reason = _(
                "The company record has no NAF code or no size class, so it cannot be "
                "compared with similar firms."
            )
        else:
            reason = _("This diagnostic has no overall score to compare.")
        return {"shown": False, "reason": reason}
    group = bench.group
    activity = localised(labels.get("activity"), language)
    if group.activity == "division":
        activity_text = _("NAF division %(code)s") % {"code": group.activity_code}
    else:
        activity_text = _("NAF section %(code)s") % {"code": group.activity_code}
    if activity:
        activity_text = f"{activity_text} ({activity})"
    area = localised(labels.get("region"), language) or group.region_code or ""
    return {
        "shown": True,
        "step": group.step,
        "activity": activity_text,
        "size": localised(labels.get("size"), language) or group.size_class,
        "area": _("national") if group.national else area,
        "count": group.count,
        "small": group.small,
        "overall": _stats(bench.overall),
    }


def _dimension_context(line: DimensionLine, language: str) -> dict[str, Any]:
    return {
        "number": line.number,
        "id": line.id,
        "title": localised(line.title, language),
        "score": _number(line.score),
        "assessed": line.score is not None,
        "band": localised(line.band.title, language) if line.band else "",
        "band_id": line.band.id if line.band else "",
        "level": line.level,
        "level_statement": localised(line.level_statement, language),
        "target": line.target,
        "default_target": line.default_target,
        "target_statement": localised(line.target_statement, language),
        "target_reached": line.target is not None
        and line.level is not None
        and line.priority is not None
        and snap(line.priority) == 0,
        "rank": line.rank,
        "answered": line.answered,
        "na": line.na,
        "unanswered": line.unanswered,
        "notes": line.notes,
        "na_reasons": line.na_reasons,
        "benchmark": _stats(line.benchmark),
    }


def _progress_context(progress: ProgressData | None, language: str) -> dict[str, Any] | None:
    if progress is None:
        return None

    def row(line: ProgressLine) -> dict[str, Any]:
        return {
            "kind": line.kind,
            "number": line.number,
            "title": localised(line.title, language) if line.kind != "overall" else _("Overall"),
            "t0": _number(line.t0),
            "t1": _number(line.t1),
            "delta": _signed(line.delta),
            "levels": _signed(None if line.delta is None else line.delta / 20),
            "comparable": line.comparable,
            "band_t0": localised(line.band_t0.title, language) if line.band_t0 else "",
            "band_t1": localised(line.band_t1.title, language) if line.band_t1 else "",
            "band_changed": (line.band_t0 and line.band_t0.id)
            != (line.band_t1 and line.band_t1.id),
            "changed_basis": line.changed_basis,
        }

    rows = [row(progress.overall), *map(row, progress.pillars), *map(row, progress.dimensions)]
    chart_rows = [
        ProgressRow(line.number, localised(line.title, language), line.t0, line.t1)
        for line in progress.dimensions
    ]
    return {
        "t0_date": formats.date_format(progress.t0_date, "DATE_FORMAT"),
        "version_changed": progress.version_changed,
        "t0_version": progress.t0_version,
        "t1_version": progress.t1_version,
        "rows": rows,
        "any_changed_basis": any(line.changed_basis for line in progress.dimensions),
        "chart": progress_chart(chart_rows, title=_("Dimension scores at T0 and T1")),
    }


def _radar(data: ReportData, language: str) -> str:
    bench = data.benchmark if isinstance(data.benchmark, Benchmark) else None
    axes = [
        RadarAxis(
            number=line.number,
            title=localised(line.title, language),
            current=line.score,
            target=None if line.target is None else 20.0 * line.target,
            median=bench.median_of(line.id) if bench else None,
        )
        for line in data.dimensions
        if line.score is not None
    ]
    return radar_chart(axes, title=_("Maturity by dimension: current score, target, peer median"))


def report_context(data: ReportData, language: str) -> dict[str, Any]:
    """The template context, every text in `language` (call under `translation.override`)."""
    dims = {line.id: _dimension_context(line, language) for line in data.dimensions}
    return {
        "language": language,
        "company_name": data.company_name or _("Anonymous self-assessment"),
        "date": formats.date_format(data.diagnostic_date, "DATE_FORMAT"),
        "referentiel_id": data.referentiel_id,
        "referentiel_version": data.referentiel_version,
        "referentiel_title": localised(data.referentiel_title, language),
        "expert_name": data.expert_name,
        "phase": data.phase,
        "overall_score": _number(data.overall_score),
        "overall_band": localised(data.overall_band.title, language) if data.overall_band else "",
        "overall_band_id": data.overall_band.id if data.overall_band else "",
        "answered": data.answered,
        "questions": data.questions,
        "important_kpis": [localised(t, language) for t in data.important_kpis],
        "radar": _radar(data, language),
        "assessed": [dims[line.id] for line in data.dimensions if line.score is not None],
        "pillars": [
            {
                "id": p.id,
                "title": localised(p.title, language),
                "score": _number(p.score),
                "band": localised(p.band.title, language) if p.band else "",
                "band_id": p.band.id if p.band else "",
                "dimensions": [dims[d.id] for d in p.dimensions],
                "benchmark": _stats(p.benchmark),
            }
            for p in data.pillars
        ],
        "priorities": [
            {
                "rank": p.rank,
                "number": p.dimension.number,
                "title": localised(p.dimension.title, language),
                "current_level": _number(p.current_level),
                "target": p.target,
                "default_target": p.default_target,
                "gap": _number(p.gap),
                "factor": p.factor,
                "priority": _number(p.priority),
                "technologies": [localised(name, language) or tid for tid, name in p.technologies],
            }
            for p in data.priorities
        ],
        "any_default_target": any(p.default_target for p in data.priorities),
        "benchmark": _benchmark_context(data, language),
        "progress": _progress_context(data.progress, language),
    }


def render_report_html(data: ReportData, language: str) -> str:
    """The report as a standalone HTML page (inline CSS and SVG) in `language`."""
    with translation.override(language):
        return render_to_string("diagnostics/report.html", report_context(data, language))


class OfflineURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves `data:` URLs only: a report never goes online.

    Every other URL (http, https, file, ftp...) is refused; WeasyPrint then logs a warning
    and skips the resource. The report needs none: its CSS and SVG charts are inline. The
    parent's network handlers (and their TLS set-up, a tenth of a second) are never built.
    """

    def __init__(self) -> None:  # no super().__init__(): no opener handlers needed
        self._timeout = 0
        self._http_headers: dict[str, str] = {}
        self._allowed_protocols = ("data",)
        self._fail_on_errors = False
        self._request = None

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if urlsplit(url).scheme.lower() != "data":
            raise ValueError(f"URI uses disallowed protocol: {url}")
        with urlopen(url) as response:  # noqa: S310 - data: URLs only, checked above
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def render_report_pdf(data: ReportData, language: str) -> bytes:
    """The report as an A4 PDF: WeasyPrint's rendering of `render_report_html`."""
    from weasyprint import HTML

    html = render_report_html(data, language)
    document = HTML(string=html, url_fetcher=OfflineURLFetcher(), base_url=None)
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


# --- adapters to the diagnostics app --------------------------------------------------------


def _both_languages(label: Any) -> Text:
    """A lazily translated label (a `TextChoices` label, say) in French and in English."""
    out = {}
    for language in ("fr", "en"):
        with translation.override(language):
            out[language] = str(label)
    return out


def benchmark_labels(benchmark: Benchmark | NoBenchmark) -> dict[str, Text]:
    """Names of the peer group's keys (NAF division or section, size class, region)."""
    from essor.core.naf import divisions, sections
    from essor.diagnostics.enums import HeadcountClass
    from essor.territories.reference import regions

    if not isinstance(benchmark, Benchmark):
        return {}
    group = benchmark.group
    labels: dict[str, Text] = {}
    activities: Iterable[Any] = divisions() if group.activity == "division" else sections()
    activity = next((a for a in activities if a.code == group.activity_code), None)
    if activity is not None:
        labels["activity"] = {"fr": activity.label, "en": activity.label_en or activity.label}
    if group.size_class in HeadcountClass.values:
        labels["size"] = _both_languages(HeadcountClass(group.size_class).label)
    region = next((r for r in regions() if r.code == group.region_code), None)
    if region is not None:
        labels["region"] = {"fr": region.name, "en": region.name_en or region.name}
    return labels


def _first_day(*moments: Any) -> date:
    from django.utils import timezone

    moment = next(m for m in moments if m is not None)
    return timezone.localdate(moment)


def report_data(diagnostic: Diagnostic) -> ReportData:
    """`ReportData` of a diagnostic with results (submitted or validated).

    Reads its answers, results, evidence notes, targets and important KPIs, the peer
    benchmark (`benchmark.peer_benchmark_outcome`) and, for a T1 expert diagnostic, the
    same firm's T0 expert diagnostic on the same référentiel id. At T1 the priorities use
    the targets agreed at T0 (methodology.md §8), and T1's own targets where T0 set none.
    The caller has already checked that the user may see the diagnostic.
    """
    from essor.diagnostics.benchmark import peer_benchmark_outcome
    from essor.diagnostics.enums import DiagnosticKind, Phase
    from essor.diagnostics.selectors import comparison_pair
    from essor.diagnostics.services import current_results, targets_of

    ref = diagnostic.referentiel.parsed
    answers = diagnostic.answers or {}
    targets = targets_of(diagnostic)
    previous = None
    expert = diagnostic.kind == DiagnosticKind.EXPERT
    if expert and diagnostic.phase == Phase.T1 and diagnostic.company is not None:
        t0, t1 = comparison_pair(user=None, company=diagnostic.company)
        if t1 is None or t1.pk != diagnostic.pk:
            t0 = None
        if t0 is not None:
            previous = PreviousDiagnostic(
                referentiel=t0.referentiel.parsed,
                answers=t0.answers or {},
                date=_first_day(t0.validated_at, t0.submitted_at, t0.created_at),
            )
            known = {d.id for d in ref.dimensions}
            targets = {**targets, **{k: v for k, v in targets_of(t0).items() if k in known}}
    benchmark = peer_benchmark_outcome(diagnostic)
    company = diagnostic.company
    return build_report_data(
        referentiel=ref,
        result=current_results(diagnostic),
        company_name=company.name if company is not None else "",
        diagnostic_date=_first_day(
            diagnostic.validated_at, diagnostic.submitted_at, diagnostic.created_at
        ),
        expert_name=str(diagnostic.expert) if diagnostic.expert_id else "",
        phase=str(diagnostic.phase).upper() if expert else "",
        targets=targets,
        important_kpis=list(diagnostic.important_kpis or ()),
        notes={n.dimension_id: n.evidence for n in diagnostic.notes.all()},
        answers=answers,
        benchmark=benchmark,
        benchmark_labels=benchmark_labels(benchmark),
        previous=previous,
    )


def report_html(diagnostic: Diagnostic, language: str) -> str:
    """The report page of a diagnostic, for the views (see `report_data`)."""
    return render_report_html(report_data(diagnostic), language)


def report_pdf(diagnostic: Diagnostic, language: str) -> bytes:
    """The report PDF of a diagnostic, for the views (see `report_data`)."""
    return render_report_pdf(report_data(diagnostic), language)
