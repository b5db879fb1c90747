"""Simulated patients: at least 30 vignettes played through the REST channel in free text,
then people whose words only look like danger signs and people who tell real ones in
everyday words (harness/patients.py).

Each patient answers every question in its own words. The tests report over-triage (more
urgent than the policy gives) and under-triage (less urgent) separately, slot accuracy and
the number of questions asked (results/simulated_patients*.json).
"""
import json
import statistics
from pathlib import Path

import pytest

from harness.patients import BENIGN_BUT_TRICKY, DANGER_SIGNS_IN_EVERYDAY_WORDS, Patient, patient_cases
from harness.servers import Conversation

pytestmark = pytest.mark.e2e

REPORT = Path(__file__).resolve().parent.parent / "results" / "simulated_patients.json"
TRICKY_REPORT = REPORT.with_name("simulated_patients_tricky.json")
RANK = {"routine": 0, "soon": 1, "urgent": 2, "emergency": 3}


def triage_errors(results):
    """Over-triage and under-triage, each a list of the conversations concerned."""
    over = [r for r in results if RANK[r["urgency"]] > RANK[r["expected_urgency"]]]
    under = [r for r in results if RANK[r["urgency"]] < RANK[r["expected_urgency"]]]
    return over, under


def test_simulated_patients_reach_the_right_urgency_with_few_questions(assistant):
    cases = patient_cases()[::2][:40]  # every other vignette: varied pictures, bounded run time
    assert len(cases) >= 30
    results = []
    for index, (name, truth, expected_urgency) in enumerate(cases):
        patient = Patient(name, truth, seed=index)
        conversation = Conversation(assistant, f"patient-{name}", {field: None for field in truth})
        conversation.answers = _Answers(patient)
        result = conversation.run(patient.answer("pain_location"))
        recorded = result["findings"]
        correct_slots = [field for field, value in recorded.items() if _same(value, truth.get(field))]
        results.append({
            "patient": name, "expected_urgency": expected_urgency, "urgency": result["urgency"],
            "questions": len(conversation.asked), "asked": conversation.asked,
            "slots_recorded": len(recorded), "slots_correct": len(correct_slots),
            "wrong": {field: [recorded[field], truth.get(field)] for field in recorded if field not in correct_slots},
        })
    urgency_accuracy = sum(r["urgency"] == r["expected_urgency"] for r in results) / len(results)
    slot_accuracy = sum(r["slots_correct"] for r in results) / sum(r["slots_recorded"] for r in results)
    median_questions = statistics.median(r["questions"] for r in results)
    over, under = triage_errors(results)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"patients": len(results), "urgency_accuracy": urgency_accuracy,
                                  "over_triage": len(over), "under_triage": len(under),
                                  "slot_accuracy": slot_accuracy, "median_questions": median_questions,
                                  "conversations": results}, indent=2))
    assert (over, under) == ([], [])
    assert slot_accuracy >= 0.95, [r for r in results if r["wrong"]]
    assert median_questions <= 10


class _Answers(dict):
    """Answers on demand: whatever is asked, the patient replies in its own words. A tricky
    patient says its phrase the first time its question comes, and answers a confirming
    question as the case says."""

    def __init__(self, patient, case=None):
        super().__init__()
        self.patient = patient
        self.case = case
        self.said = False

    def __contains__(self, field):
        return True

    def __getitem__(self, field):
        if self.case and field == "danger_check":
            return self.case.confirms
        if self.case and field == self.case.field and not self.said:
            self.said = True
            return self.case.says
        return self.patient.answer(field)


def _same(recorded, true_value):
    if isinstance(recorded, list) and isinstance(true_value, list):
        return set(recorded) == set(true_value)
    return recorded == true_value


def test_tricky_words_never_escalate_and_everyday_danger_signs_are_never_missed(assistant):
    assert len(BENIGN_BUT_TRICKY) >= 30 and len(DANGER_SIGNS_IN_EVERYDAY_WORDS) >= 20
    results = []
    for index, case in enumerate(BENIGN_BUT_TRICKY + DANGER_SIGNS_IN_EVERYDAY_WORDS):
        patient = Patient(case.name, case.findings, seed=1000 + index)
        conversation = Conversation(assistant, f"tricky-{case.name}", {})
        conversation.answers = _Answers(patient, case)
        opening = case.says if case.field == "opening" else patient.answer("pain_location")
        result = conversation.run(opening)
        results.append({"patient": case.name, "benign": case in BENIGN_BUT_TRICKY, "says": case.says,
                        "expected_urgency": case.expected_urgency, "urgency": result["urgency"],
                        "asked": conversation.asked, "possible_signs": result.get("possible_signs")})
    over, under = triage_errors(results)
    TRICKY_REPORT.parent.mkdir(exist_ok=True)
    TRICKY_REPORT.write_text(json.dumps({"benign_but_tricky": len(BENIGN_BUT_TRICKY),
                                         "danger_signs_in_everyday_words": len(DANGER_SIGNS_IN_EVERYDAY_WORDS),
                                         "over_triage": len(over), "under_triage": len(under),
                                         "conversations": results}, indent=2))
    assert over == [], over
    assert under == [], under
