"""The skill choices come from the référentiel and the technology families, once each."""

from essor.experts.skills import (
    DIMENSION,
    PILLAR,
    TECHNOLOGY,
    expand_skills,
    skill_choices,
    skill_title,
    skills,
)


def test_every_pillar_dimension_and_technology_is_a_skill_once() -> None:
    ids = [s.id for s in skills()]
    assert len(ids) == len(set(ids))
    kinds = {s.id: s.kind for s in skills()}
    assert kinds["energie-environnement"] == PILLAR
    assert kinds["efficacite-energetique"] == DIMENSION  # also a technology family id
    assert kinds["robotique-cobotique"] == TECHNOLOGY
    assert sum(1 for s in skills() if s.kind == PILLAR) == 6
    assert sum(1 for s in skills() if s.kind == DIMENSION) == 18


def test_choices_are_grouped_and_translated() -> None:
    groups = skill_choices("en", "Technologies")
    assert groups[0][0] == "Strategy and management of the transformation"
    assert groups[0][1][0] == (
        "strategie-pilotage",
        "Strategy and management of the transformation",
    )
    assert groups[-1][0] == "Technologies"
    assert ("cybersecurite", "Cybersecurity") not in groups[-1][1]  # listed under its dimension
    assert skill_title("fabrication-additive", "fr") == "Fabrication additive"
    assert skill_title("retired-id") == "retired-id"


def test_a_pillar_covers_its_dimensions() -> None:
    covered = expand_skills({"energie-environnement", "iot-capteurs"})
    assert {"efficacite-energetique", "ressources-circularite", "iot-capteurs"} <= covered
    assert "donnees-ia" not in covered
