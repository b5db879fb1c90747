"""docs/clinical/safety-case.md: every hazard names its controls, every control names the tests
that verify it by test id (`tests/file.py::test_function`), and every one of them exists."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASE = (ROOT / "docs" / "clinical" / "safety-case.md").read_text()
VALIDATION = ROOT / "docs" / "clinical" / "validation.md"
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
HAZARDS = re.split(r"^### ", CASE.split("## Hazard log", 1)[1].split("## Open items", 1)[0], flags=re.M)[1:]


def defined_tests(path: Path) -> set:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def controls(hazard: str):
    return re.findall(r"^  - (C\d+\.\d+ .*)$", hazard, flags=re.M)


def test_there_is_a_hazard_log():
    assert len(HAZARDS) >= 10


@pytest.mark.parametrize("hazard", HAZARDS, ids=[hazard.split("\n")[0][:40] for hazard in HAZARDS])
def test_every_hazard_has_cause_effect_severity_likelihood_controls_and_residual_risk(hazard):
    for part in ("- Cause:", "- Effect:", "- Severity:", "- Controls:", "- Residual risk:"):
        assert part in hazard, part
    assert "Likelihood" in hazard
    assert controls(hazard), "no controls"


@pytest.mark.parametrize("hazard", HAZARDS, ids=[hazard.split("\n")[0][:40] for hazard in HAZARDS])
def test_every_control_has_a_test(hazard):
    for control in controls(hazard):
        assert TEST_ID.search(control), f"control without a test: {control[:60]}"


def test_every_test_a_hazard_names_exists():
    missing = []
    for file, name in TEST_ID.findall(CASE):
        path = ROOT / file
        if not path.exists() or name not in defined_tests(path):
            missing.append(f"{file}::{name}")
    assert not missing, missing


def test_the_validation_report_names_only_tests_that_exist():
    text = VALIDATION.read_text()
    for file, name in TEST_ID.findall(text):
        assert name in defined_tests(ROOT / file), f"{file}::{name}"


def test_the_validation_report_lists_every_vignette():
    import yaml

    cases = yaml.safe_load((ROOT / "tests" / "vignettes" / "cases.yml").read_text())["cases"]
    text = VALIDATION.read_text()
    for case in cases:
        row = re.search(r"^\| `%s` \| [^|]+ \| (\w+) \|" % re.escape(case["id"]), text, flags=re.M)
        assert row and row.group(1) == case["expected"]["urgency"], case["id"]
