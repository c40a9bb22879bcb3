"""French is the default language and the catalogue is complete; English is the source."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

ESSOR = Path(__file__).resolve().parents[2] / "essor"
PO = ESSOR / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry, crude but enough for completeness."""
    entries = []
    for block in text.split("\n\n")[1:]:
        fuzzy = "#, fuzzy" in block
        msgid, msgstr, current = "", "", None
        for line in block.splitlines():
            if line.startswith("msgid "):
                current, msgid = "id", line[6:].strip('"')
            elif line.startswith(("msgstr ", "msgstr[0] ")):
                current, msgstr = "str", line.split(" ", 1)[1].strip('"')
            elif line.startswith("msgid_plural") or line.startswith("msgstr["):
                current = None
            elif line.startswith('"') and current == "id":
                msgid += line.strip('"')
            elif line.startswith('"') and current == "str":
                msgstr += line.strip('"')
        if msgid:
            entries.append((msgid, msgstr, fuzzy))
    return entries


def test_every_french_message_is_translated() -> None:
    entries = _entries(PO.read_text())
    assert entries
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert not missing, f"untranslated or fuzzy in fr: {missing}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) not installed")
def test_the_compiled_catalogue_matches_the_po_file(tmp_path: Path) -> None:
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(out), str(PO)], check=True)
    assert out.read_bytes() == (PO.parent / "django.mo").read_bytes(), (
        "run `make messages`: django.mo is out of date"
    )


@pytest.mark.django_db
def test_pages_are_french_by_default_and_english_on_request() -> None:
    french = Client().get("/accounts/login/")
    assert '<html lang="fr">' in french.content.decode()
    assert "Se connecter" in french.content.decode()
    english = Client(headers={"accept-language": "en"}).get("/accounts/login/")
    assert '<html lang="en">' in english.content.decode()
    assert "Log in" in english.content.decode()
