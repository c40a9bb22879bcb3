"""Company import: the core (`essor.companies.importing`), the pages, the command line."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from stdnum import luhn

from essor.cli import main
from essor.companies import import_jobs
from essor.companies.importing import ImportFileError, ImportResult, import_companies
from essor.companies.models import Company, ImportJob, ImportStatus
from essor.companies.services import CompanyData, company_save, company_snapshot
from essor.core.models import AuditEvent
from tests.conftest import Cast
from tests.factories import make_company, valid_siren

HEADER = "siren;name;naf;department;headcount;turnover;balance_sheet;group"


def wrong_checksum(siren: str) -> str:
    return siren[:8] + str((int(siren[8]) + 1) % 10)


def csv_file(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def row(n: int, department: str = "69", **overrides: str) -> str:
    cells = {
        "siren": valid_siren(n),
        "name": f"Usine {n}",
        "naf": "25.62A",
        "department": department,
        "headcount": "40",
        "turnover": "5 000 000",
        "balance_sheet": "",
        "group": "",
    }
    cells.update(overrides)
    return ";".join(cells.values())


def report(result: ImportResult) -> list[tuple[int, str, str, str]]:
    return [(e.line, e.column, e.value, e.message) for e in result.errors]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- The core --------------------------------------------------------------------------


def test_a_clean_file_creates_companies_as_the_form_would(reference: None) -> None:
    data = csv_file(row(10), row(11, department="2a", naf="10.20Z", headcount="300"))
    result = import_companies(data, filename="clean.csv")
    assert (result.rows, result.created, result.updated, result.errors) == (2, 2, 0, [])
    assert result.written
    # The derived fields are those `company_save` computes for the same data.
    reference_company, _created = company_save(
        data=CompanyData(
            siren=valid_siren(12), name="Référence", naf_code="10.20Z", department_code="2A",
            headcount=300, turnover_cents=500_000_000,
        ),
        actor=None,
    )  # fmt: skip
    imported = Company.objects.get(siren=valid_siren(11))
    for name in ("naf_division", "naf_section", "region_id", "department_id", "size_class"):
        assert getattr(imported, name) == getattr(reference_company, name), name
    assert imported.size_class == "eti" and imported.region.code == "94"
    assert imported.turnover_cents == 500_000_000 and imported.state == "identified"


def test_every_imported_company_is_audited_and_so_is_the_import(reference: None) -> None:
    import_companies(csv_file(row(10), row(11)), filename="audit.csv")
    events = AuditEvent.objects.filter(verb="company.import")
    assert events.count() == 2
    company = Company.objects.get(siren=valid_siren(10))
    event = events.get(object_id=str(company.pk))
    assert event.actor_label == "system" and event.region_code == "84"
    assert event.object_repr == str(company) and event.before is None
    assert event.after == company_snapshot(company)  # what `company_save` would record
    summary = AuditEvent.objects.get(verb="company.import.summary")
    assert summary.object_repr == "audit.csv"
    assert summary.after == {
        "rows": 2, "created": 2, "updated": 0, "unchanged": 0, "errors": 0, "partial": False
    }  # fmt: skip


def test_every_bad_row_is_reported_with_line_column_and_reason(
    reference: None, english: None
) -> None:
    good = valid_siren(20)
    data = csv_file(
        row(20),  # line 2
        row(21, siren=wrong_checksum(valid_siren(21))),
        row(22, siren="12345"),
        row(23, naf="99.99Z"),
        row(24, department="20"),
        row(25, turnover="-5"),
        row(26, headcount="beaucoup"),
        row(27, siren=good),  # line 9: the SIREN of line 2 again
        row(28, naf="XX", balance_sheet="-1", name=""),  # line 10: three errors
        "",  # a blank line is skipped but keeps its number
        row(29),  # line 12
        header="SIREN;Raison sociale;NAF;Département;Effectif;CA;Bilan;Groupe",
    )
    result = import_companies(data)
    assert report(result) == [
        (3, "SIREN", wrong_checksum(valid_siren(21)),
         f"SIREN {wrong_checksum(valid_siren(21))} has a wrong checksum."),
        (4, "SIREN", "12345", "“12345” is not a SIREN: 9 digits expected."),
        (5, "NAF", "99.99Z", "“99.99Z” is not a NAF rév. 2 code (e.g. 25.62A)."),
        (6, "Département", "20", "“20” is not a French department code."),
        (7, "CA", "-5", "-5 is negative."),
        (8, "Effectif", "beaucoup", "“beaucoup” is not a number."),
        (9, "SIREN", good, f"SIREN {good} already appears on line 2."),
        (10, "Raison sociale", "", "The legal name is required."),
        (10, "NAF", "XX", "“XX” is not a NAF rév. 2 code (e.g. 25.62A)."),
        (10, "Bilan", "-1", "-1 is negative."),
    ]  # fmt: skip
    assert (result.rows, result.created, result.invalid_rows) == (10, 2, 8)
    assert str(result.errors[0]) == (
        f'line 3, column "SIREN": SIREN {wrong_checksum(valid_siren(21))} has a wrong checksum.'
    )


def test_a_file_with_errors_writes_nothing(reference: None) -> None:
    data = csv_file(row(30), row(31), row(32, naf="99.99Z"))
    result = import_companies(data)
    assert not result.written and result.error_count == 1
    assert result.created == 2  # what the file would create once corrected
    assert not Company.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="company.import").exists()


def test_partial_mode_writes_the_valid_rows_only(reference: None) -> None:
    data = csv_file(row(30), row(31, siren="123"), row(32))
    result = import_companies(data, partial=True)
    assert result.written and (result.created, result.error_count) == (2, 1)
    assert set(Company.objects.values_list("siren", flat=True)) == {
        valid_siren(30),
        valid_siren(32),
    }
    assert AuditEvent.objects.get(verb="company.import.summary").after["errors"] == 1


def test_a_dry_run_writes_nothing_and_says_what_would_happen(reference: None) -> None:
    make_company(n=40, name="Déjà là")
    result = import_companies(csv_file(row(40), row(41), row(42)), dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert not result.written and result.dry_run
    assert Company.objects.count() == 1
    assert not AuditEvent.objects.filter(verb__startswith="company.import").exists()


def test_a_known_siren_is_updated_not_duplicated(reference: None) -> None:
    import_companies(csv_file(row(50), row(51), row(52)))
    first = Company.objects.get(siren=valid_siren(51))
    result = import_companies(csv_file(row(50), row(51, turnover="60 000 000"), row(52)))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Company.objects.count() == 3
    again = Company.objects.get(siren=valid_siren(51))
    assert again.pk == first.pk and again.turnover_cents == 6_000_000_000
    assert again.size_class == "eti" and again.state_changed_at == first.state_changed_at
    event = AuditEvent.objects.filter(verb="company.import", object_id=str(first.pk)).latest("pk")
    assert event.before == company_snapshot(first)
    assert event.after == company_snapshot(again)
    assert AuditEvent.objects.filter(verb="company.import").count() == 4  # 3 created, 1 updated


def test_french_headers_in_any_case_with_or_without_accents(reference: None) -> None:
    header = " N° SIREN ;DÉNOMINATION;code ape;departement;EFFECTIF;Chiffre d'affaires (€);Total bilan;groupe"
    data = csv_file(row(60, turnover="1 234 567,89", group="Groupe Rhône"), header=header)
    result = import_companies(data)
    assert result.errors == [] and result.created == 1
    company = Company.objects.get()
    assert company.turnover_cents == 123_456_789 and company.group_name == "Groupe Rhône"


def test_header_errors_name_the_column_as_written(reference: None, english: None) -> None:
    data = csv_file(row(61), header="siren;name;naf;dept;headcount;chiffre d'afaires;bilan;group")
    result = import_companies(data, partial=True)
    assert [(e.line, e.column) for e in result.errors] == [(1, "chiffre d'afaires")]
    assert result.errors[0].message.startswith("Unknown column “chiffre d'afaires”.")
    assert not result.written and not Company.objects.exists()
    missing = import_companies(csv_file("x;y", header="siren;name"))
    assert [(e.line, e.column, e.message) for e in missing.errors] == [
        (1, "naf", "The required column “naf” is missing."),
        (1, "department", "The required column “department” is missing."),
    ]


def test_read_only_export_columns_are_ignored_and_stray_values_are_errors(
    reference: None, english: None
) -> None:
    data = csv_file(
        row(62) + ";Auvergne-Rhône-Alpes;;",
        row(63) + ";;;surprise",
        header=HEADER + ";Région;Étape du parcours;",
    )
    result = import_companies(data)
    assert report(result) == [
        (3, "column 11", "surprise", "This column has no header: its values cannot be imported.")
    ]


def test_figures_too_large_for_the_database_are_errors(reference: None, english: None) -> None:
    result = import_companies(csv_file(row(64, headcount="99999999999")))
    assert report(result) == [
        (2, "headcount", "99999999999", "“99999999999” is too large: at most 2,147,483,647.")
    ]


@pytest.mark.parametrize(
    ("sep", "bom", "encoding"),
    [(";", False, "utf-8"), (",", False, "utf-8"), (";", True, "utf-8"), (";", False, "latin-1"),
     (",", False, "cp1252"), ("\t", False, "utf-8")],
)  # fmt: skip
def test_csv_delimiters_and_encodings(reference: None, sep: str, bom: bool, encoding: str) -> None:
    lines = [HEADER, row(70, name="Société d'Usinage Crème"), row(71, name="Œuvres Métalliques")]
    if encoding == "latin-1":
        lines[2] = row(71, name="Forges Réunies")  # Œ is not in Latin-1
    text = "\r\n".join(line.replace(";", sep) for line in lines)
    data = ("\ufeff" if bom else "").encode() + text.encode(encoding)
    result = import_companies(data)
    assert result.errors == [] and result.created == 2
    names = set(Company.objects.values_list("name", flat=True))
    assert "Société d'Usinage Crème" in names


def test_csv_quoted_fields_keep_their_delimiters(reference: None) -> None:
    data = csv_file(
        f'{valid_siren(72)},"Dupont, Fils et Cie",25.62A,69,12,"1,5",,',
        header=HEADER.replace(";", ","),
    )
    result = import_companies(data)
    assert result.errors == []
    company = Company.objects.get()
    assert company.name == "Dupont, Fils et Cie" and company.turnover_cents == 150


def xlsx_file(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_files_with_numbers_typed_as_numbers(reference: None, english: None) -> None:
    body = "01234567"
    leading_zero = body + luhn.calc_check_digit(body)
    data = xlsx_file(
        [
            ["SIREN", "Raison sociale", "Code NAF", "Département", "Effectif", "CA", "Bilan"],
            [int(leading_zero), "Zéro Devant", "25.62A", 1, 12, 1234567.89, None],
            [valid_siren(80), "Usine 80", "25.62A", "69", 40.0, 5_000_000, 1000],
            [],
            [valid_siren(81), "Usine 81", "25.62A", "69", -3, None, None],
        ]
    )
    result = import_companies(data, partial=True)
    assert report(result) == [(5, "Effectif", "-3", "-3 is negative.")]
    zero = Company.objects.get(siren=leading_zero)
    assert zero.department.code == "01" and zero.turnover_cents == 123_456_789
    assert Company.objects.get(siren=valid_siren(80)).headcount == 40


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "neither a CSV"),
        (b"PK\x03\x04 not really a zip", "cannot be read as an Excel"),
    ],
)
def test_unreadable_files(reference: None, english: None, data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        import_companies(data)


def test_a_manager_imports_only_in_their_regions(cast: Cast, english: None) -> None:
    data = csv_file(
        row(90),  # region A: accepted
        row(91, department="29"),  # Bretagne: refused
        row(1, name="Usinage Rhône A renamed"),  # company_a, region A: updated
        row(2, department="69"),  # company_b is followed in Bretagne: refused
    )
    region_a = {cast.region_a.pk}
    result = import_companies(data, allowed_region_ids=region_a, partial=True)
    assert report(result) == [
        (3, "department", "29", "Department 29 is outside the region(s) you manage."),
        (5, "siren", valid_siren(2), f"SIREN {valid_siren(2)} is already followed by another region."),
    ]  # fmt: skip
    assert (result.created, result.updated) == (1, 1)
    cast.company_b.refresh_from_db()
    assert cast.company_b.department.code == "29"
    assert not Company.objects.filter(siren=valid_siren(91)).exists()
    # A national import (every region allowed) takes them all.
    national = import_companies(data, dry_run=True)
    assert national.errors == [] and (national.created, national.updated) == (1, 1)


def test_progress_is_reported_after_each_batch(reference: None) -> None:
    calls: list[tuple[int, int]] = []
    data = csv_file(*(row(100 + i) for i in range(5)))
    import_companies(
        data, on_progress=lambda done, total: calls.append((done, total)), batch_size=2
    )
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]


# --- The pages -------------------------------------------------------------------------


def _client(cast: Cast, actor: str) -> Client:
    client = Client()
    client.force_login(cast.users[actor])
    return client


def _upload(client: Client, data: bytes, name: str = "entreprises.csv") -> Any:
    """Upload in English: the report keeps the language of the upload."""
    return client.post(
        reverse("companies:company_import"),
        {"file": SimpleUploadedFile(name, data)},
        headers={"accept-language": "en"},
    )


def test_upload_shows_the_report_then_imports_in_the_background(cast: Cast) -> None:
    client = _client(cast, "manager_a")
    response = _upload(client, csv_file(row(200), row(201), row(1, name="Usinage Rhône A bis")))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == ImportStatus.CHECKED and job.file
    assert list(job.regions.all()) == [cast.region_a] and not job.is_national
    assert job.language == "en"  # the report, and the import's messages, in the upload's language
    assert Company.objects.count() == 2  # the dry run wrote nothing
    page = client.get(job.get_absolute_url(), headers={"accept-language": "en"})
    content = page.content.decode()
    assert "Companies to create" in content and "Import" in content
    assert "valid rows only" not in content
    response = client.post(reverse("companies:import_job_run", args=[job.pk]), {"mode": "all"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.written
    assert (job.created_count, job.updated_count, job.progress_done) == (2, 1, 3)
    assert not job.file  # the upload is deleted once imported
    assert Company.objects.count() == 4
    assert Company.objects.get(pk=cast.company_a.pk).name == "Usinage Rhône A bis"
    summary = AuditEvent.objects.get(verb="company.import.summary")
    assert summary.object_type == "companies.importjob" and summary.object_id == str(job.pk)
    assert summary.actor == cast.users["manager_a"] and summary.region_code == "84"
    done = client.get(job.get_absolute_url(), headers={"accept-language": "en"})
    assert "Import done: 2 created, 1 updated" in done.content.decode()
    status = client.get(reverse("companies:import_job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["finished"] and status["done"] == 3


def test_a_file_with_errors_offers_the_valid_rows_only(cast: Cast) -> None:
    client = _client(cast, "manager_a")
    _upload(client, csv_file(row(210), row(211, department="29"), row(212, naf="00.00Z")))
    job = ImportJob.objects.get()
    assert (job.error_count, job.invalid_row_count, job.valid_row_count) == (2, 2, 1)
    page = client.get(job.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert "Import the 1 valid row only" in page
    assert 'value="all"' not in page
    assert "Department 29 is outside the region(s) you manage." in page
    assert '<td class="num">3</td>' in page  # the line of the first error
    client.post(reverse("companies:import_job_run", args=[job.pk]), {"mode": "partial"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.partial and job.created_count == 1
    imported = Company.objects.exclude(pk__in=[cast.company_a.pk, cast.company_b.pk])
    assert list(imported.values_list("siren", flat=True)) == [valid_siren(210)]
    again = client.post(reverse("companies:import_job_run", args=[job.pk]), {"mode": "partial"})
    assert again.status_code == 302 and ImportJob.objects.get().status == ImportStatus.DONE


def test_an_unreadable_or_too_large_upload_is_refused_with_a_reason(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(cast, "manager_a")
    response = _upload(client, b"\xd0\xcf\x11\xe0" + b"\0" * 64, name="old.xls")
    assert response.status_code == 200
    assert "XLSX" in response.content.decode()
    monkeypatch.setattr(import_jobs, "MAX_UPLOAD_BYTES", 10)
    response = client.post(
        reverse("companies:company_import"),
        {"file": SimpleUploadedFile("big.csv", b"x" * 11)},
        headers={"accept-language": "en"},
    )
    assert "the limit is 10\xa0bytes" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_jobs_are_seen_only_by_those_who_manage_their_regions(cast: Cast) -> None:
    _upload(_client(cast, "manager_a"), csv_file(row(220)))
    job = ImportJob.objects.get()
    manager_b = _client(cast, "manager_b")
    assert manager_b.get(job.get_absolute_url()).status_code == 404
    assert b"entreprises.csv" not in manager_b.get(reverse("companies:company_import")).content
    assert (
        b"entreprises.csv"
        in _client(cast, "admin").get(reverse("companies:company_import")).content
    )
    assert (
        manager_b.post(
            reverse("companies:import_job_run", args=[job.pk]), {"mode": "all"}
        ).status_code
        == 404
    )
    # A national admin's job covers every region: no regional manager sees it.
    _upload(_client(cast, "admin"), csv_file(row(221, department="29")), name="national.csv")
    national = ImportJob.objects.get(original_name="national.csv")
    assert national.is_national
    assert _client(cast, "manager_a").get(national.get_absolute_url()).status_code == 404


def test_a_job_that_fails_says_why(cast: Cast) -> None:
    client = _client(cast, "manager_a")
    _upload(client, csv_file(row(230)))
    job = ImportJob.objects.get()
    make_company(n=230, department="29")  # meanwhile Bretagne took this SIREN
    client.post(reverse("companies:import_job_run", args=[job.pk]), {"mode": "all"})
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not job.written
    assert job.failure == "Nothing was written: the file has errors."
    assert job.errors == [
        {
            "line": 2,
            "column": "siren",
            "value": valid_siren(230),
            "message": f"SIREN {valid_siren(230)} is already followed by another region.",
        }
    ]
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'role="alert"' in page


def test_the_running_page_shows_an_accessible_progress(cast: Cast) -> None:
    client = _client(cast, "manager_a")
    _upload(client, csv_file(row(240)))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, progress_done=1_000, progress_total=3_000
    )
    page = client.get(job.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert '<label for="import-progress">' in page
    assert '<progress id="import-progress" max="3000" value="1000">' in page
    assert 'role="status">1000 of 3000 companies written.' in page
    status = client.get(reverse("companies:import_job_status", args=[job.pk])).json()
    assert status == {
        "status": "running", "label": "En cours", "done": 1000, "total": 3000, "finished": False
    }  # fmt: skip


# --- The command line ------------------------------------------------------------------


@pytest.fixture
def cli_english(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def _write(tmp_path: Path, data: bytes, name: str = "companies.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_cli_imports_a_clean_file(
    reference: None, cli_english: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, csv_file(row(300), row(301)))
    assert main(["import", "companies", path]) == 0
    out, err = capsys.readouterr()
    assert "Imported 2 rows" in out and "2 created, 0 updated, 0 unchanged, 0 errors" in out
    assert "2/2 rows written" in err  # stderr is not a terminal: plain progress lines
    assert Company.objects.count() == 2


def test_cli_reports_errors_and_writes_nothing(
    reference: None, cli_english: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = wrong_checksum(valid_siren(311))
    path = _write(
        tmp_path, csv_file(row(310), row(311, siren=bad), header=HEADER.replace("siren", "SIREN"))
    )
    assert main(["import", "companies", path]) == 2
    out, _err = capsys.readouterr()
    assert f'line 3, column "SIREN": SIREN {bad} has a wrong checksum.\n' in out
    assert "Nothing written: 1 errors in 2 rows (1 valid)" in out
    assert not Company.objects.exists()
    assert main(["import", "companies", path, "--dry-run"]) == 2
    assert not Company.objects.exists()
    capsys.readouterr()
    assert main(["import", "companies", path, "--partial"]) == 0
    out, _err = capsys.readouterr()
    assert "has a wrong checksum" in out and "1 created" in out and "1 errors" in out
    assert list(Company.objects.values_list("siren", flat=True)) == [valid_siren(310)]


def test_cli_dry_run(
    reference: None, cli_english: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, csv_file(row(320)))
    assert main(["import", "companies", path, "--dry-run"]) == 0
    assert "Dry run, nothing written. 1 rows: 1 would be created" in capsys.readouterr().out
    assert not Company.objects.exists()


def test_cli_unreadable_files_exit_2(
    reference: None, cli_english: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "companies", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
    path = _write(tmp_path, b"\x89PNG\r\n\x1a\n\0\0\0", name="picture.csv")
    assert main(["import", "companies", path]) == 2
    assert "neither a CSV" in capsys.readouterr().err
    path = _write(tmp_path, csv_file("", header="siren;nom;naf;dept;couleur"), name="header.csv")
    assert main(["import", "companies", path, "--partial"]) == 2
    out = capsys.readouterr().out
    assert 'line 1, column "couleur": Unknown column' in out and "header line" in out


def test_cli_speaks_french_in_a_french_locale(
    reference: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    bad = wrong_checksum(valid_siren(330))
    path = _write(tmp_path, csv_file(row(330, siren=bad)))
    assert main(["import", "companies", path]) == 2
    out = capsys.readouterr().out
    assert f"ligne 2, colonne « siren » : La clé de contrôle du SIREN {bad} est incorrecte." in out


def test_the_region_scope_of_a_job_follows_the_uploader(cast: Cast) -> None:
    assert import_jobs.import_scope(cast.users["admin"]) is None
    assert import_jobs.import_scope(cast.users["manager_a"]) == {cast.region_a.pk}


def test_the_progress_bar_redraws_in_place_on_a_terminal(english: None) -> None:
    from essor.companies.commands import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    bar = ProgressBar(terminal)
    bar(0, 300_000)
    bar(120_000, 300_000)
    bar.finish()
    assert terminal.getvalue() == (
        "\r[..............................] 0/300000 rows written"
        "\r[############..................] 120000/300000 rows written\n"
    )
