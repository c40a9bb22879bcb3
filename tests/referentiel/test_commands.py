"""`essor score` and `essor referentiel validate` (referentiel-format.md §4, §5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from essor.cli import main
from tests.referentiel.helpers import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
FULL = str(FIXTURES / "full.yaml")
ANSWERS = str(FIXTURES / "answers-full.json")


def write(tmp_path: Path, name: str, content: object) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return str(path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_score_prints_the_result_as_indented_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["score", FULL, ANSWERS], capsys)
    assert code == 0
    assert err == ""
    result = json.loads(out)
    assert result["overall"] == {"score": 76.75, "band": "avance"}
    assert out == json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def test_score_accepts_a_json_referentiel(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", str(FIXTURES / "full.json"), ANSWERS], capsys)
    assert code == 0
    assert json.loads(out)["overall"]["score"] == 76.75


BAD_ANSWERS: list[tuple[str, object, str]] = [
    (
        "unknown question",
        {"answers": {"q-zz": {"level": 1}}},
        'answers.q-zz: unknown question id "q-zz"',
    ),
    (
        "unknown option",
        {"answers": {"q-single": {"option": "z"}}},
        'answers.q-single.option: unknown option "z"',
    ),
    (
        "unknown row",
        {"answers": {"q-grid": {"rows": {"r7": "c1"}}}},
        'answers.q-grid.rows.r7: unknown row "r7"',
    ),
    (
        "unknown column",
        {"answers": {"q-grid": {"rows": {"r1": "c7"}}}},
        'answers.q-grid.rows.r1: unknown column "c7"',
    ),
    (
        "level out of range",
        {"answers": {"q-level": {"level": 6}}},
        "answers.q-level.level: must be a JSON integer from 0 to 5",
    ),
    ("level as float", {"answers": {"q-level": {"level": 3.0}}}, "answers.q-level.level"),
    (
        "na not allowed",
        {"answers": {"q-level": {"na": "x"}}},
        "answers.q-level.na: question q-level does not allow N/A",
    ),
    (
        "number as string",
        {"answers": {"q-number": {"number": "4"}}},
        "answers.q-number.number: must be a JSON number",
    ),
    ("null answer", {"answers": {"q-level": None}}, "answers.q-level: null is not an answer"),
    (
        "wrong version",
        {"referentiel": {"id": "essai-complet", "version": "9"}, "answers": {}},
        "referentiel.version",
    ),
    (
        "extra top-level key",
        {"answers": {}, "diagnostic": 1},
        "diagnostic: unexpected top-level key",
    ),
    ("answers missing", {}, "answers: is required"),
]


@pytest.mark.parametrize(
    ("doc", "fragment"), [c[1:] for c in BAD_ANSWERS], ids=[c[0] for c in BAD_ANSWERS]
)
def test_score_bad_answers_exit_2_with_nothing_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: object, fragment: str
) -> None:
    code, out, err = run(["score", FULL, write(tmp_path, "a.json", doc)], capsys)
    assert code == 2
    assert out == ""
    assert fragment in err


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"answers": {"q-level": {"level": 1}', "malformed JSON"),
        ('{"answers": {"q-number": {"number": NaN}}}', "NaN is not valid JSON"),
        ('{"answers": {"q-number": {"number": Infinity}}}', "Infinity is not valid JSON"),
        (
            '{"answers": {"q-level": {"level": 1}, "q-level": {"level": 2}}}',
            'duplicate key "q-level"',
        ),
        ('{"answers": {"q-number": {"number": 1e999}}}', "must be a finite number"),
        ("", "the file is empty"),
    ],
)
def test_score_malformed_answers_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    code, out, err = run(["score", FULL, write(tmp_path, "a.json", text)], capsys)
    assert (code, out) == (2, "")
    assert fragment in err


def test_score_invalid_referentiel_prints_its_errors_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["score", str(FIXTURES / "invalid.yaml"), ANSWERS], capsys)
    assert (code, out) == (2, "")
    assert "pillars[1].dimensions[0].questions[2].options[1].weight: must be a number" in err
    assert "bands[1].to: must be 100" in err


def test_score_malformed_or_missing_referentiel_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write(tmp_path, "r.yaml", "id: [unclosed\n")
    code, out, err = run(["score", broken, ANSWERS], capsys)
    assert (code, out) == (2, "")
    assert "malformed YAML" in err
    code, out, err = run(["score", str(tmp_path / "nope.yaml"), ANSWERS], capsys)
    assert (code, out) == (2, "")
    assert "cannot read the file" in err
    code, out, err = run(["score", FULL, str(tmp_path / "nope.json")], capsys)
    assert (code, out) == (2, "")


def test_score_duplicate_key_in_referentiel_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        (FIXTURES / "full.yaml")
        .read_text("utf-8")
        .replace('version: "1.0"\n', 'version: "1.0"\nversion: "1.1"\n')
    )
    code, out, err = run(["score", write(tmp_path, "r.yaml", text), ANSWERS], capsys)
    assert (code, out) == (2, "")
    assert "found duplicate key 'version'" in err


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["referentiel", "validate", FULL], capsys)
    assert (code, out, err) == (
        0,
        "OK: essai-complet 1.0 (2 pillars, 4 dimensions, 8 questions)\n",
        "",
    )


def test_validate_prints_each_error_on_its_own_line_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["referentiel", "validate", str(FIXTURES / "invalid.yaml")], capsys)
    assert code == 1
    assert out.splitlines() == [
        "bands[1].to: must be 100 (the last band ends at 100)",
        'pillars[1].title.en: missing text in language "en"',
        "pillars[1].dimensions[0].questions[2].options[1].weight: must be a number",
    ]


def test_validate_malformed_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["referentiel", "validate", write(tmp_path, "r.json", "{")], capsys)
    assert code == 1
    assert "malformed JSON" in out


def test_referentiel_group_requires_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["referentiel"])
    assert caught.value.code == 2


def test_referentiel_group_can_be_extended(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse
    import types

    from essor.referentiel import commands

    extension = types.ModuleType("fake_referentiel_extension")

    def register_referentiel_subcommands(group: argparse._SubParsersAction[Any]) -> None:
        group.add_parser("export").set_defaults(handler=lambda args: 0)

    extension.register_referentiel_subcommands = register_referentiel_subcommands  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_referentiel_extension", extension)
    monkeypatch.setattr(commands, "REFERENTIEL_EXTENSIONS", ("fake_referentiel_extension",))
    assert main(["referentiel", "export"]) == 0


def test_python_m_essor_cli_runs_without_django() -> None:
    code = (
        "import sys; from essor.cli import main; "
        f"rc = main(['score', {FULL!r}, {ANSWERS!r}]); "
        "print('django loaded' if 'django' in sys.modules else 'pure', file=sys.stderr); "
        "sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["overall"]["band"] == "avance"
    assert done.stderr.strip() == "pure"


def test_python_m_essor_cli_exit_codes() -> None:
    def essor(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "essor.cli", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

    done = essor("referentiel", "validate", str(FIXTURES / "invalid.yaml"))
    assert done.returncode == 1
    done = essor("score", str(FIXTURES / "invalid.yaml"), ANSWERS)
    assert (done.returncode, done.stdout) == (2, "")
    done = essor("score", FULL, ANSWERS)
    assert done.returncode == 0
    assert json.loads(done.stdout)["dimensions"]["maintenance"]["score"] is None
