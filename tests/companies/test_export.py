"""Export of the company list as CSV and XLSX: the list's filters, the user's scope."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essor.companies.importing import import_companies
from essor.companies.journey import journey_apply
from essor.companies.models import Company
from tests.conftest import Cast
from tests.factories import make_company, valid_siren


def _client(cast: Cast, actor: str) -> Client:
    client = Client()
    client.force_login(cast.users[actor])
    return client


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    return list(csv.reader(io.StringIO(body[1:], newline=""), delimiter=";"))


def _xlsx(response: Any) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


@pytest.fixture
def firms(cast: Cast) -> dict[str, Company]:
    """Beside the cast's company_a (69) and company_b (29): two more firms in region A."""
    lyon = make_company(
        n=10, department="69", name="Découpe Lyonnaise", headcount=8, turnover_cents=123_456_789,
        balance_cents=50_000_000, group_name="Groupe Rhône",
    )  # fmt: skip
    journey_apply(company=lyon, transition="confirm_eligible", actor=None)
    grenoble = make_company(n=11, department="38", name="Alpes Fonderie", headcount=None)
    return {"lyon": lyon, "grenoble": grenoble}


def test_csv_export_of_a_manager_holds_their_region_only(cast: Cast, firms: Any) -> None:
    rows = _csv(
        _client(cast, "manager_a").get(
            reverse("companies:company_export_csv"), headers={"accept-language": "fr"}
        )
    )
    assert rows[0] == [
        "SIREN", "Raison sociale", "Code NAF", "Département", "Région", "Effectif",
        "Chiffre d'affaires (€)", "Total de bilan (€)", "Catégorie d'entreprise", "Groupe",
        "Étape du parcours", "À cette étape depuis le",
    ]  # fmt: skip
    names = [r[1] for r in rows[1:]]
    assert names == ["Alpes Fonderie", "Découpe Lyonnaise", "Usinage Rhône A"]  # by name
    lyon = rows[2]
    assert lyon == [
        valid_siren(10), "Découpe Lyonnaise", "25.62A", "69", "Auvergne-Rhône-Alpes", "8",
        "1234567,89", "500000", "Microentreprise", "Groupe Rhône", "Éligible",
        timezone.localdate().isoformat(),
    ]  # fmt: skip
    assert rows[1][5] == "" and rows[1][8] == ""  # unknown headcount, so no size class


def test_csv_export_keeps_the_list_filters(cast: Cast, firms: Any) -> None:
    client = _client(cast, "manager_a")
    url = reverse("companies:company_export_csv")
    assert [r[1] for r in _csv(client.get(url, {"department": "38"}))[1:]] == ["Alpes Fonderie"]
    assert [r[1] for r in _csv(client.get(url, {"state": "eligible"}))[1:]] == ["Découpe Lyonnaise"]
    assert [r[0] for r in _csv(client.get(url, {"q": valid_siren(1)}))[1:]] == [valid_siren(1)]
    # A filter never reaches beyond the scope: Bretagne's firm is not there for manager A.
    assert _csv(client.get(url, {"department": "29"}))[1:] == []
    assert _csv(client.get(url, {"q": "Conserverie"}))[1:] == []
    # A national admin exports every region.
    everything = _csv(_client(cast, "admin").get(url, {"department": "29"}))
    assert [r[1] for r in everything[1:]] == ["Conserverie Bretonne B"]


def test_csv_export_in_english_uses_a_decimal_point(cast: Cast, firms: Any) -> None:
    rows = _csv(
        _client(cast, "manager_a").get(
            reverse("companies:company_export_csv"), {"q": "Découpe"},
            headers={"accept-language": "en"},
        )
    )  # fmt: skip
    assert rows[0][1] == "Legal name" and rows[0][11] == "In this state since"
    assert rows[1][6] == "1234567.89" and rows[1][8] == "Micro-enterprise"


def test_xlsx_export_has_typed_cells_and_the_same_scope(cast: Cast, firms: Any) -> None:
    rows = _xlsx(
        _client(cast, "manager_a").get(
            reverse("companies:company_export_xlsx"), headers={"accept-language": "en"}
        )
    )
    assert rows[0][:3] == ("SIREN", "Legal name", "NAF code")
    assert [r[1] for r in rows[1:]] == ["Alpes Fonderie", "Découpe Lyonnaise", "Usinage Rhône A"]
    lyon = rows[2]
    assert lyon[0] == valid_siren(10) and lyon[3] == "69" and lyon[4] == "Auvergne-Rhône-Alpes"
    assert lyon[5] == 8 and lyon[6] == pytest.approx(1_234_567.89) and lyon[7] == 500_000
    assert lyon[10] == "Eligible" and lyon[11].date() == timezone.localdate()
    admin_rows = _xlsx(
        _client(cast, "admin").get(reverse("companies:company_export_xlsx"), {"department": "29"})
    )
    assert [r[1] for r in admin_rows[1:]] == ["Conserverie Bretonne B"]


def test_formulas_in_names_are_neutralised(cast: Cast) -> None:
    make_company(n=20, name='=HYPERLINK("http://evil.example","clic")', group_name="+33 group")
    client = _client(cast, "manager_a")
    rows = _csv(client.get(reverse("companies:company_export_csv"), {"q": "HYPERLINK"}))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","clic")'
    assert rows[1][9] == "'+33 group"
    from openpyxl import load_workbook

    response = client.get(reverse("companies:company_export_xlsx"), {"q": "HYPERLINK"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == '=HYPERLINK("http://evil.example","clic")'


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_export_imports_again_unchanged(cast: Cast, firms: Any, language: str) -> None:
    client = _client(cast, "admin")
    headers = {"accept-language": language}
    for name in ("company_export_csv", "company_export_xlsx"):
        response = client.get(reverse(f"companies:{name}"), headers=headers)
        data = b"".join(response.streaming_content) if response.streaming else response.content
        result = import_companies(data, dry_run=True)
        assert result.errors == [], (name, result.errors[:3])
        assert (result.rows, result.unchanged) == (4, 4), name


def test_the_list_links_to_the_exports_with_its_filters(cast: Cast) -> None:
    page = _client(cast, "manager_a").get(
        reverse("companies:company_list"), {"state": "eligible", "department": "69"}
    )
    content = page.content.decode()
    assert 'href="/companies/export.csv?state=eligible&amp;department=69"' in content
    assert 'href="/companies/export.xlsx?state=eligible&amp;department=69"' in content
