"""Stored référentiel versions: publish, immutability, export round trip (format §6)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from essor.cli import main
from essor.core.models import AuditEvent
from essor.referentiel.enums import ReferentielKind
from essor.referentiel.loader import load_file
from essor.referentiel.models import ReferentielVersion
from essor.referentiel.scoring import score
from essor.referentiel.services import (
    kind_for,
    referentiel_load_shipped,
    referentiel_of,
    referentiel_publish,
)
from essor.referentiel.validator import parse, validate
from tests.conftest import Cast
from tests.referentiel.helpers import FIXTURES, full_doc, minimal_doc, single

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "essor" / "referentiel" / "data"
FULL_ANSWERS = json.loads((FIXTURES / "answers-full.json").read_text("utf-8"))["answers"]


def test_a_valid_document_becomes_a_version_with_its_kind_and_titles() -> None:
    version, created = referentiel_publish(document=full_doc(), actor=None)
    assert created
    assert (version.ref_id, version.kind) == (full_doc()["id"], ReferentielKind.FULL)
    assert version.title_fr == full_doc()["title"]["fr"]
    assert version.document == full_doc()
    assert AuditEvent.objects.filter(verb="referentiel.publish", object_id=str(version.pk)).exists()


def test_a_file_with_errors_never_becomes_a_version_and_every_error_has_its_path() -> None:
    doc = minimal_doc(single("q1", values=(0, 7)), id="broken")
    doc["bands"][0]["to"] = 40  # bands no longer contiguous
    with pytest.raises(ValidationError) as caught:
        referentiel_publish(document=doc, actor=None)
    messages = caught.value.messages
    assert messages == [str(e) for e in validate(doc)]
    assert len(messages) >= 2
    assert any(
        m.startswith("pillars[0].dimensions[0].questions[0].options[1].value") for m in messages
    )
    assert not ReferentielVersion.objects.filter(ref_id="broken").exists()


def test_publishing_the_same_content_again_is_a_no_op() -> None:
    first, _ = referentiel_publish(document=full_doc(), actor=None)
    # Same content written differently: defaults made explicit, keys in another order.
    rewritten = dict(reversed(list(full_doc().items())))
    rewritten["pillars"][0]["weight"] = rewritten["pillars"][0].get("weight", 1)
    again, created = referentiel_publish(document=rewritten, actor=None)
    assert (again.pk, created) == (first.pk, False)
    assert ReferentielVersion.objects.count() == 1


def test_a_published_version_never_changes(english: None) -> None:
    referentiel_publish(document=full_doc(), actor=None)
    changed = full_doc()
    changed["pillars"][0]["dimensions"][0]["questions"][0]["weight"] = 3
    with pytest.raises(ValidationError, match="already published with different content"):
        referentiel_publish(document=changed, actor=None)
    stored = ReferentielVersion.objects.get()
    assert stored.document == full_doc()
    changed["version"] = "2"
    version, created = referentiel_publish(document=changed, actor=None)
    assert created and version.version == "2"


def test_the_export_validates_and_scores_identically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = FIXTURES / "full.yaml"
    assert main(["referentiel", "load", str(source)]) == 0
    assert "published" in capsys.readouterr().out
    doc = load_file(source)
    for suffix in ("yaml", "json"):
        out = tmp_path / f"export.{suffix}"
        assert main(["referentiel", "export", doc["id"], doc["version"], "-o", str(out)]) == 0
        exported = load_file(out)
        assert validate(exported) == []
        assert exported == doc
        assert score(parse(exported), FULL_ANSWERS) == score(parse(doc), FULL_ANSWERS)
        # and loading the export back is the same version, not a new one
        assert main(["referentiel", "load", str(out)]) == 0
        assert "already published, same content" in capsys.readouterr().out
    assert ReferentielVersion.objects.count() == 1


def test_export_to_stdout_and_unknown_versions(capsys: pytest.CaptureFixture[str]) -> None:
    referentiel_publish(document=full_doc(), actor=None)
    doc = full_doc()
    assert main(["referentiel", "export", doc["id"], doc["version"], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == doc
    assert main(["referentiel", "export", doc["id"], "9.9"]) == 1
    assert "no published version" in capsys.readouterr().err


def test_load_refuses_a_bad_file_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["referentiel", "load", str(FIXTURES / "invalid.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        str(e) for e in validate(load_file(FIXTURES / "invalid.yaml"))
    ]
    assert not ReferentielVersion.objects.exists()
    changed = copy.deepcopy(full_doc())
    referentiel_publish(document=full_doc(), actor=None)
    changed["title"]["en"] = "Another title"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), "utf-8")
    assert main(["referentiel", "load", str(path)]) == 1
    assert "already published with different content" in capsys.readouterr().err


def test_the_shipped_referentiels_load_with_the_reference_data(reference: None) -> None:
    ids = set(ReferentielVersion.objects.values_list("ref_id", "kind"))
    assert ids == {
        ("industrie-du-futur", ReferentielKind.FULL),
        ("industrie-du-futur-autodiagnostic", ReferentielKind.SELF_ASSESSMENT),
    }
    assert [created for _v, created in referentiel_load_shipped()] == [False, False]
    full = ReferentielVersion.objects.get(ref_id="industrie-du-futur")
    assert len(referentiel_of(full).questions) == 58
    assert full.document == load_file(DATA / "industrie-du-futur-2026.1.yaml")


def test_the_parsed_referentiel_is_cached_per_content() -> None:
    version, _ = referentiel_publish(document=full_doc(), actor=None)
    assert referentiel_of(version) is referentiel_of(ReferentielVersion.objects.get(pk=version.pk))


def test_the_kind_comes_from_the_id() -> None:
    assert kind_for("industrie-du-futur-autodiagnostic") == ReferentielKind.SELF_ASSESSMENT
    assert kind_for("industrie-du-futur") == ReferentielKind.FULL


def test_national_admins_publish_through_the_page_and_see_errors_by_path(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["admin"])
    url = reverse("referentiel:version_publish")
    bad = minimal_doc(single("q1", values=(0, 2)), id="page-test")
    upload = SimpleUploadedFile("bad.json", json.dumps(bad).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "pillars[0].dimensions[0].questions[0].options[1].value" in body
    assert not ReferentielVersion.objects.filter(ref_id="page-test").exists()
    good = SimpleUploadedFile("good.yaml", (FIXTURES / "full.yaml").read_bytes())
    response = client.post(url, {"file": good})
    version = ReferentielVersion.objects.get(ref_id=full_doc()["id"])
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    assert version.published_by == cast.users["admin"]
    listing = client.get(reverse("referentiel:version_list")).content.decode()
    assert escape(version.title_fr) in listing
    export = client.get(reverse("referentiel:version_export", args=[version.pk]))
    assert load_file_text(export.content.decode()) == version.document


def test_a_malformed_upload_is_reported(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.users["admin"])
    upload = SimpleUploadedFile("bad.yaml", b"pillars: [unclosed")
    response = client.post(reverse("referentiel:version_publish"), {"file": upload})
    assert "malformed YAML" in response.content.decode()


def load_file_text(text: str) -> object:
    from essor.referentiel.loader import loads_yaml

    return loads_yaml(text)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("blank.yaml", b"  \n", "The file is empty."),
        ("latin.yaml", "id: é".encode("latin-1"), "The file is not UTF-8 text (byte 4)."),
        (
            "list.json",
            b"[1, 2]",
            "The file must hold one mapping at its top level: the référentiel document.",
        ),
    ],
)
def test_the_publish_page_reports_unreadable_uploads_in_the_user_language(
    cast: Cast, name: str, content: bytes, message: str
) -> None:
    from django.utils import translation

    client = Client()
    client.force_login(cast.users["admin"])
    with translation.override("en"):
        expected = f"{name}: {translation.gettext(message)}"
    response = client.post(
        reverse("referentiel:version_publish"),
        {"file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert escape(expected) in response.content.decode()
