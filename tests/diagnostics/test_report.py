"""The diagnostic report (HTML and PDF) from plain data: docs/methodology.md §4-§8."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from essor.diagnostics import report as report_module
from essor.diagnostics.benchmark import (
    Benchmark,
    NoBenchmark,
    NoBenchmarkReason,
    PeerRecord,
    benchmark_from_records,
)
from essor.diagnostics.report import (
    PreviousDiagnostic,
    ReportData,
    build_report_data,
    render_report_html,
    render_report_pdf,
)
from essor.referentiel.model import QuestionKind, Referentiel
from essor.referentiel.scoring import score_document, score_validated
from essor.referentiel.validator import load_referentiel

DATA = Path(__file__).resolve().parents[2] / "essor" / "referentiel" / "data"
COMPANY = "Mécanique de Précision du Forez"
PDFTOTEXT = shutil.which("pdftotext")


# --- example data -----------------------------------------------------------------------------


def referentiel() -> Referentiel:
    return load_referentiel(DATA / "industrie-du-futur-2026.1.yaml")


def random_answers(ref: Referentiel, rng: random.Random, skill: dict[str, float]) -> dict[str, Any]:
    """Valid answers whose level follows `skill[dimension id]` (0..1), with a few N/A and gaps."""
    answers: dict[str, Any] = {}
    for dim in ref.dimensions:
        s = skill.get(dim.id, 0.5)
        for q in dim.questions:
            roll = rng.random()
            if roll < 0.05:
                continue  # unanswered
            if q.allow_na and roll < 0.12:
                answers[q.id] = {"na": "Sans objet pour ce site."}
                continue

            def near(values: list[float], s: float = s) -> int:
                goal = min(1.0, max(0.0, s + rng.uniform(-0.2, 0.2)))
                return min(range(len(values)), key=lambda i: abs(values[i] - goal))

            if q.kind is QuestionKind.SINGLE:
                answers[q.id] = {"option": q.options[near([o.value or 0 for o in q.options])].id}
            elif q.kind is QuestionKind.MULTIPLE:
                answers[q.id] = {
                    "options": [
                        o.id
                        for o in q.options
                        if rng.random() < (s if (o.weight or 0) > 0 else 1 - s)
                    ]
                }
            elif q.kind is QuestionKind.GRID:
                values = [c.value or 0 for c in q.columns]
                answers[q.id] = {"rows": {r.id: q.columns[near(values)].id for r in q.rows}}
            elif q.kind is QuestionKind.GRID_MULTIPLE:
                answers[q.id] = {
                    "rows": {r.id: [c.id for c in q.columns if rng.random() < s] for r in q.rows}
                }
            elif q.kind is QuestionKind.LEVEL:
                answers[q.id] = {"level": round(min(5.0, max(0.0, s * 5 + rng.uniform(-1, 1))))}
            else:
                index = near([t.value for t in q.thresholds])
                answers[q.id] = {"number": q.thresholds[index].from_ + 0.5}
    return answers


NOTES = {
    "feuille-de-route": (
        "Plan d'investissement 2026-2028 présenté au comité de direction en mars ; "
        "pas encore de porteur nommé pour la partie numérique.\n"
        "Revue semestrielle prévue à partir de septembre."
    ),
    "cybersecurite": (
        "Sauvegardes hebdomadaires sur un disque connecté en permanence au réseau ; "
        "automates de l'atelier sur le même réseau que la bureautique."
    ),
    "efficacite-energetique": "Audit énergétique réalisé en 2025 ; compresseur de 1998.",
    "automatisation-robotique": "Deux cellules robotisées de chargement, une troisième en projet.",
}


def rich_report_data(*, peers: int = 40, regional_peers: int = 6) -> ReportData:
    """A T1 report with targets, notes, N/A reasons, a benchmark and a T0 to compare with."""
    ref = referentiel()
    rng = random.Random(20261129)
    dims = [d.id for d in ref.dimensions]
    skill_t0 = {d: 0.15 + 0.6 * rng.random() for d in dims}
    skill_t1 = {d: min(1.0, s + 0.05 + 0.2 * rng.random()) for d, s in skill_t0.items()}
    answers_t0 = random_answers(ref, rng, skill_t0)
    answers_t1 = random_answers(ref, rng, skill_t1)
    result_t1 = score_validated(ref, answers_t1)

    def record(company_id: Any, region: str, result: dict[str, Any]) -> PeerRecord:
        return PeerRecord(
            company_id=company_id,
            naf_division="25",
            naf_section="C",
            size_class="pme",
            region_code=region,
            overall=result["overall"]["score"],
            dimensions={d: e["score"] for d, e in result["dimensions"].items()},
            pillars={p: e["score"] for p, e in result["pillars"].items()},
        )

    records = []
    for i in range(peers):
        skill = {d: rng.uniform(0.1, 0.8) for d in dims}
        region = "84" if i < regional_peers else rng.choice(["53", "11", "76", "32"])
        records.append(record(i, region, score_validated(ref, random_answers(ref, rng, skill))))
    firm = record("firm", "84", result_t1)
    benchmark = benchmark_from_records(firm, records)
    return build_report_data(
        referentiel=ref,
        result=result_t1,
        company_name=COMPANY,
        diagnostic_date=date(2027, 11, 15),
        expert_name="Claire Dubois",
        phase="T1",
        targets={
            "feuille-de-route": 4,
            "cybersecurite": 4,
            "efficacite-energetique": 3,
            "donnees-ia": 3,
        },
        important_kpis=["cost", "quality", "energy"],
        notes=NOTES,
        answers=answers_t1,
        benchmark=benchmark,
        benchmark_labels={
            "activity": {
                "fr": "Fabrication de produits métalliques",
                "en": "Manufacture of fabricated metal products",
            },
            "size": {"fr": "PME", "en": "SME"},
            "region": {"fr": "Auvergne-Rhône-Alpes", "en": "Auvergne-Rhône-Alpes"},
        },
        previous=PreviousDiagnostic(referentiel=ref, answers=answers_t0, date=date(2026, 11, 20)),
    )


def worked_example_data(benchmark: Benchmark | NoBenchmark | None) -> ReportData:
    """The worked example of methodology.md §9 (two dimensions assessed)."""
    ref = referentiel()
    doc = json.loads((DATA / "examples" / "answers-example.json").read_text())
    return build_report_data(
        referentiel=ref,
        result=score_document(ref, doc),
        company_name="Atelier Dupont & Fils",
        diagnostic_date=date(2026, 12, 1),
        expert_name="Marc Lefèvre",
        phase="T0",
        targets={"efficacite-energetique": 3, "ressources-circularite": 4},
        important_kpis=["cost", "energy"],
        answers=doc["answers"],
        benchmark=benchmark,
    )


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return out.stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def rich() -> ReportData:
    return rich_report_data()


# --- the data ---------------------------------------------------------------------------------


def test_worked_example_priorities_and_statements() -> None:
    data = worked_example_data(None)
    assert data.overall_score == 43.75
    assert data.overall_band is not None and data.overall_band.id == "intermediaire"
    assert [(p.dimension.id, round(p.priority, 2)) for p in data.priorities] == [
        ("efficacite-energetique", 20.0),
        ("ressources-circularite", 10.71),
    ]
    energy = next(d for d in data.dimensions if d.id == "efficacite-energetique")
    assert (energy.level, energy.target, energy.rank) == (1, 3, 1)  # 30 reads as level 1
    assert energy.level_statement is not None and energy.target_statement is not None
    assert energy.na_reasons == (
        "Pas de procédé thermique : assemblage et usinage à froid uniquement.",
    )
    families = [tid for tid, _ in data.priorities[0].technologies]
    assert families == ["efficacite-energetique", "iot-capteurs"]
    assert (data.answered, data.questions) == (5, 58)


def test_progress_lines(rich: ReportData) -> None:
    progress = rich.progress
    assert progress is not None and not progress.version_changed
    assert progress.overall.t0 is not None and progress.overall.t1 is not None
    assert progress.overall.delta == pytest.approx(
        progress.overall.t1 - progress.overall.t0, abs=0.011
    )
    assert len(progress.dimensions) == 18 and len(progress.pillars) == 6
    for line in progress.dimensions:
        if line.t0 is None or line.t1 is None:
            assert not line.comparable and not line.changed_basis


def test_changed_basis_and_not_comparable() -> None:
    ref = referentiel()
    t0 = {"efficacite-energetique-q1": {"level": 1}, "ressources-circularite-q1": {"level": 2}}
    t1 = {
        "efficacite-energetique-q1": {"level": 2},
        "efficacite-energetique-q3": {"options": ["fuites-air"]},
        "ressources-circularite-q1": {"level": 3},
        "cybersecurite-q1": {"level": 2},
    }
    data = build_report_data(
        referentiel=ref,
        result=score_validated(ref, t1),
        company_name="X",
        diagnostic_date=date(2027, 1, 1),
        answers=t1,
        previous=PreviousDiagnostic(ref, t0, date(2026, 1, 1)),
    )
    assert data.progress is not None
    lines = {line.id: line for line in data.progress.dimensions}
    assert lines["efficacite-energetique"].changed_basis  # q3 answered at T1 only
    assert not lines["ressources-circularite"].changed_basis
    assert lines["ressources-circularite"].delta == pytest.approx(20.0)
    assert not lines["cybersecurite"].comparable  # null at T0


# --- HTML -------------------------------------------------------------------------------------


def test_html_is_standalone_and_complete(rich: ReportData) -> None:
    html = render_report_html(rich, "en")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert "!!INVALID" not in html  # no unknown template variable
    assert COMPANY in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert "<script" not in html
    assert "Priorities" in html and "Peer benchmark" in html
    assert "Progress between T0 and T1" in html
    assert "Claire Dubois" in html
    assert "industrie-du-futur" in html and "2026.1" in html
    # the expert's notes are escaped text, line breaks kept
    assert "Plan d&#x27;investissement 2026-2028" in html
    assert html.count("<svg") == 2  # radar and T0/T1 chart


def test_html_in_french(rich: ReportData) -> None:
    html = render_report_html(rich, "fr")
    assert '<html lang="fr">' in html
    assert "Priorités" in html
    assert "Comparaison avec des entreprises similaires" in html
    assert "Médiane des pairs" in html
    assert "Vision et feuille de route de transformation" in html


def test_charts_are_deterministic(rich: ReportData) -> None:
    assert render_report_html(rich, "fr") == render_report_html(rich, "fr")


def test_same_svg_in_html_and_pdf(rich: ReportData, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF is WeasyPrint's rendering of the very page the browser shows."""
    import weasyprint

    seen: list[str] = []
    real_html = weasyprint.HTML

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["string"])
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    pdf = render_report_pdf(rich, "en")
    assert pdf.startswith(b"%PDF")
    page = render_report_html(rich, "en")
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2
    assert re.findall(r"<svg.*?</svg>", seen[0], flags=re.S) == svgs


def test_network_is_refused() -> None:
    fetcher = report_module.OfflineURLFetcher()
    for url in ("https://example.com/font.woff2", "http://example.com/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher(url)
    assert fetcher("data:text/plain;base64,ZXNzb3I=").read() == b"essor"


def test_pdf_rendering_never_fetches_remote_resources(
    rich: ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remote stylesheet slipped into the page is skipped, never requested."""
    calls: list[str] = []
    fetch = report_module.OfflineURLFetcher.fetch

    def spy(self: Any, url: str, headers: Any = None) -> Any:
        calls.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(report_module.OfflineURLFetcher, "fetch", spy)
    page = render_report_html(rich, "en").replace(
        "</head>", '<link rel="stylesheet" href="https://example.com/x.css"></head>'
    )
    monkeypatch.setattr(report_module, "render_report_html", lambda data, language: page)
    assert render_report_pdf(rich, "en").startswith(b"%PDF")
    assert calls == ["https://example.com/x.css"]  # asked, refused, rendering went on


# --- PDF --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            [
                "Diagnostic report",
                "Overall result",
                "Priorities",
                "Peer benchmark",
                "Current score",
            ],
        ),
        (
            "fr",
            [
                "Rapport de diagnostic",
                "Résultat global",
                "Priorités",
                "Médiane des pairs",
                "Score actuel",
            ],
        ),
    ],
)
def test_pdf_content(rich: ReportData, tmp_path: Path, language: str, words: list[str]) -> None:
    pdf = render_report_pdf(rich, language)
    assert pdf.startswith(b"%PDF-")
    text = squash(pdf_text(pdf, tmp_path))
    assert COMPANY in text
    for word in words:
        assert word in text
    overall = f"{rich.overall_score:.2f}"
    assert (overall.replace(".", ",") if language == "fr" else overall) in text
    # the priorities in their order: where each row starts, "13. Cybersecurity"...
    section = text[text.index(words[2]) :]
    starts = [
        f"{p.dimension.number}. {p.dimension.title[language].split()[0]}" for p in rich.priorities
    ]
    positions = [section.index(start) for start in starts]
    assert positions == sorted(positions)


def test_pdf_of_worked_example_lists_priorities_in_order(tmp_path: Path) -> None:
    for language, first, second, value in [
        ("fr", "Efficacité énergétique", "Ressources", "20,00"),
        ("en", "Energy efficiency", "Resources", "20.00"),
    ]:
        text = squash(pdf_text(render_report_pdf(worked_example_data(None), language), tmp_path))
        assert "Atelier Dupont & Fils" in text
        assert ("43,75" if language == "fr" else "43.75") in text
        section = text[text.index("Priorit") :]
        assert section.index(first) < section.index(second)
        assert value in section


def test_benchmark_hidden_under_five_peers(tmp_path: Path) -> None:
    hidden = NoBenchmark(NoBenchmarkReason.TOO_FEW_PEERS, count=3)
    data = worked_example_data(hidden)
    html = render_report_html(data, "en")
    assert "Not enough comparable firms: fewer than 5 peers, and no figure" in html
    assert "3 found" not in html
    assert "Percentile" not in html
    text = squash(pdf_text(render_report_pdf(data, "fr"), tmp_path))
    assert "Pas assez d'entreprises comparables" in text.replace("’", "'")
    assert "3 trouvées" not in text  # a count below k = 5 is never printed


def test_small_peer_group_is_flagged() -> None:
    data = rich_report_data(peers=7, regional_peers=2)
    assert isinstance(data.benchmark, Benchmark) and data.benchmark.group.count == 7
    html = render_report_html(data, "en")
    assert "Small peer group" in html
    assert "Compared with 7 firms" in html


# --- the adapters the views call ------------------------------------------------------------


@pytest.mark.django_db
def test_report_of_a_stored_t1_diagnostic(reference: None, tmp_path: Path) -> None:
    """`report_html` / `report_pdf` read a T1 diagnostic, its T0, notes, targets and KPIs."""
    from django.utils import timezone

    from essor.diagnostics.models import Diagnostic, DimensionNote
    from essor.diagnostics.report import report_data, report_html, report_pdf
    from essor.referentiel.services import referentiel_load_shipped
    from tests.factories import UserFactory, make_company

    version = next(v for v, _ in referentiel_load_shipped() if v.ref_id == "industrie-du-futur")
    ref = version.parsed
    company = make_company(n=1, name="Fonderie Durand")
    expert = UserFactory(email="expert@example.fr", full_name="Claire Dubois")
    rng = random.Random(5)
    answers_t0 = random_answers(ref, rng, {})
    answers_t1 = random_answers(ref, rng, {d.id: 0.7 for d in ref.dimensions})
    now = timezone.now()
    t0 = Diagnostic.objects.create(
        kind="expert", phase="t0", status="validated", company=company, referentiel=version,
        expert=expert, answers=answers_t0, results=score_validated(ref, answers_t0),
        validated_at=now - timedelta(days=365),
    )  # fmt: skip
    t1 = Diagnostic.objects.create(
        kind="expert", phase="t1", status="submitted", company=company, referentiel=version,
        expert=expert, answers=answers_t1, results=score_validated(ref, answers_t1),
        submitted_at=now, important_kpis=["cost", "energy"],
    )  # fmt: skip
    DimensionNote.objects.create(diagnostic=t0, dimension_id="cybersecurite", target_level=5)
    DimensionNote.objects.create(
        diagnostic=t1, dimension_id="cybersecurite", target_level=3, evidence="Pare-feu installé."
    )
    DimensionNote.objects.create(diagnostic=t1, dimension_id="donnees-ia", target_level=4)

    data = report_data(t1)
    assert data.company_name == "Fonderie Durand" and data.expert_name == "Claire Dubois"
    assert data.phase == "T1" and data.progress is not None
    lines = {line.id: line for line in data.dimensions}
    assert lines["cybersecurite"].target == 5  # the target agreed at T0 (§8)
    assert lines["donnees-ia"].target == 4  # T1's own target where T0 set none
    assert lines["cybersecurite"].notes == "Pare-feu installé."
    assert [k["en"] for k in data.important_kpis] == ["Cost", "Energy and environment"]
    assert isinstance(data.benchmark, NoBenchmark)  # no peer in this database

    html = report_html(t1, "en")
    assert "Fonderie Durand" in html and "!!INVALID" not in html
    assert "Not enough comparable firms" in html
    assert "Progress between T0 and T1" in html
    text = squash(pdf_text(report_pdf(t1, "fr"), tmp_path))
    assert "Fonderie Durand" in text and "Progression entre T0 et T1" in text
