"""Clinical vignettes (tests/vignettes/cases.yml) against the policy (docs/clinical/policy.md).

Each vignette's expected urgency, likelihood and differentials were worked out by hand from
the policy text, so a failure here means the engine and the policy disagree.
"""
from pathlib import Path

import pytest
import yaml

from pht.triage import assess, load_knowledge
from pht.triage.findings import STATE_KEYS

CASES_FILE = Path(__file__).parent / "vignettes" / "cases.yml"
URGENCY_LEVELS = ["emergency", "urgent", "soon", "routine"]
LIKELIHOOD_LEVELS = ["low", "moderate", "high"]


def load_cases():
    with open(CASES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["cases"]


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_vignette(case):
    result = assess(case["findings"])
    expected = case["expected"]
    assert result["urgency"] == expected["urgency"], case["title"]
    assert result["likelihood"] == expected["likelihood"], case["title"]
    assert sorted(result["differentials"]) == sorted(expected["differentials"]), case["title"]


def test_there_are_enough_vignettes():
    assert len(CASES) >= 80


def test_enough_vignettes_come_from_the_seed_articles():
    assert sum(1 for case in CASES if str(case["origin"]).startswith("seed:")) >= 10


def test_vignette_ids_are_unique():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))


def test_every_vignette_is_well_formed():
    knowledge = load_knowledge()
    differential_ids = {item["id"] for item in knowledge.rules["differentials"]}
    for case in CASES:
        assert set(case) == {"id", "title", "origin", "findings", "expected"}, case.get("id")
        assert case["origin"] == "policy" or str(case["origin"]).startswith("seed:"), case["id"]
        assert set(case["findings"]) <= set(knowledge.fields) | set(STATE_KEYS), case["id"]
        expected = case["expected"]
        assert expected["urgency"] in URGENCY_LEVELS, case["id"]
        assert expected["likelihood"] in LIKELIHOOD_LEVELS, case["id"]
        assert set(expected["differentials"]) <= differential_ids, case["id"]
        assert len(expected["differentials"]) == len(set(expected["differentials"])), case["id"]


@pytest.mark.parametrize("level", URGENCY_LEVELS)
def test_every_urgency_level_is_expected_by_some_vignette(level):
    assert any(case["expected"]["urgency"] == level for case in CASES)


@pytest.mark.parametrize("level", LIKELIHOOD_LEVELS)
def test_every_likelihood_level_is_expected_by_some_vignette(level):
    assert any(case["expected"]["likelihood"] == level for case in CASES)


@pytest.mark.parametrize("differential", [item["id"] for item in load_knowledge().rules["differentials"]])
def test_every_differential_is_expected_by_some_vignette(differential):
    assert any(differential in case["expected"]["differentials"] for case in CASES)
