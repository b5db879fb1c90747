"""The command line `python -m pht.triage [path]`, run as a real subprocess."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from common import CLASSIC

PROJECT_ROOT = Path(__file__).resolve().parent.parent



def run_cli(*args, stdin=""):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, "-m", "pht.triage", *map(str, args)],
        input=stdin, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120,
    )


def assert_rejected(completed):
    assert completed.returncode == 2
    assert completed.stderr.strip().startswith("error:")
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""


def test_valid_findings_on_stdin_print_the_result():
    completed = run_cli(stdin=json.dumps(CLASSIC))
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["urgency"] == "routine"
    assert result["likelihood"] == "high"
    assert result["complete"] is True


def test_valid_findings_from_a_file_print_the_result(tmp_path):
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(dict(CLASSIC, onset="sudden", injury_signs=["pop"])), encoding="utf-8")
    completed = run_cli(path)
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["suspected_avulsion"]


def test_emergency_findings_on_stdin_are_emergency():
    completed = run_cli(stdin=json.dumps(dict(CLASSIC, red_flags=["saddle_numbness"])))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["urgency"] == "emergency"


def test_invalid_json_exits_2_with_a_message():
    completed = run_cli(stdin='{"age": 35,')
    assert_rejected(completed)
    assert "invalid JSON" in completed.stderr


def test_empty_input_exits_2_with_a_message():
    assert_rejected(run_cli(stdin=""))


def test_unknown_field_exits_2_naming_it():
    completed = run_cli(stdin=json.dumps(dict(CLASSIC, colour="red")))
    assert_rejected(completed)
    assert "colour" in completed.stderr


def test_unknown_value_exits_2_naming_it():
    completed = run_cli(stdin=json.dumps(dict(CLASSIC, pain_location="knee")))
    assert_rejected(completed)
    assert "knee" in completed.stderr


@pytest.mark.parametrize("change", [{"age": "35"}, {"age": True}, {"pain_score": 11}, {"red_flags": "fever"}],
                         ids=["string_age", "bool_age", "pain_score_11", "list_as_string"])
def test_wrong_type_exits_2(change):
    assert_rejected(run_cli(stdin=json.dumps(dict(CLASSIC, **change))))


def test_non_object_json_exits_2():
    assert_rejected(run_cli(stdin="[1, 2, 3]"))


def test_missing_file_exits_2_with_a_message(tmp_path):
    completed = run_cli(tmp_path / "no-such-file.json")
    assert_rejected(completed)
    assert "cannot read" in completed.stderr


def test_invalid_json_in_a_file_exits_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("not json", encoding="utf-8")
    assert_rejected(run_cli(path))


def test_the_clinical_core_imports_no_rasa():
    code = "import sys, pht.triage, pht.language.reader; print(sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


CHECKIN = {"prescreen": dict(CLASSIC, sitting_minutes=20), "history": [], "days_since_start": 14, "stage": 1,
           "answers": {"checkin": "week_2", "pain_score": 3, "trend": "better", "sitting_minutes": 30,
                       "next_morning": "settled", "red_flags": [], "neuro_symptoms": [], "injury_signs": []}}


def test_a_check_in_on_stdin_prints_its_decision_and_reply():
    completed = run_cli("checkin", stdin=json.dumps(CHECKIN))
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert (result["decision"]["outcome"], result["decision"]["stage"]) == ("next_stage", 2)
    assert result["messages"][0].startswith("Good progress. You can move on to stage 2")


def test_a_check_in_with_a_cauda_equina_sign_prints_an_emergency():
    given = dict(CHECKIN, answers=dict(CHECKIN["answers"], red_flags=["saddle_numbness"]))
    completed = run_cli("checkin", stdin=json.dumps(given))
    assert json.loads(completed.stdout)["decision"]["urgency"] == "emergency"


@pytest.mark.parametrize("given", [dict(CHECKIN, answers={"next_morning": "meh"}), {"answers": {}}, [1]],
                         ids=["unknown_value", "missing_parts", "not_an_object"])
def test_a_check_in_that_does_not_fit_exits_2(given):
    assert_rejected(run_cli("checkin", stdin=json.dumps(given)))
