"""The benchmark's scripted users and its arithmetic (`make bench` itself is never part of
`make test`: benchmarks measure, tests never assert timings)."""
from pathlib import Path

import yaml

from bench.__main__ import _verdict, table
from bench.conversations import PatientScript, StockScript, stock_examples
from bench.load import percentile
from pht.triage import load_knowledge
from pht.domain import read_domain

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = read_domain()
TRUTH = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 42, "red_flags": [], "neuro_symptoms": [],
         "aggravators": ["sitting"], "load_changes": [], "pain_score": 4, "morning_stiffness": False,
         "worse_next_day": False, "age": 35, "sport": "running"}


def _said(*texts):
    return [{"recipient_id": "x", "text": text} for text in texts]


def test_a_patient_script_consents_then_answers_the_question_it_was_asked():
    script = PatientScript(TRUTH, seed=1, domain=DOMAIN)
    assert script.first()
    consent = DOMAIN["responses"]["utter_ask_consent"][0]["text"]
    assert script.next(_said("Hi", consent)) == "yes"
    question = load_knowledge().fields["duration_days"]["question"]
    answer = script.next(_said("You already mentioned ...", question))
    assert answer and any(word in answer for word in ("42", "six", "6", "forty"))


def test_a_patient_script_answers_follow_ups_and_confirms_only_the_danger_signs_it_has():
    fields = load_knowledge().fields
    script = PatientScript({**TRUTH, "neuro_symptoms": ["leg_weakness"]}, seed=4, domain=DOMAIN)
    script.first()
    more = fields["aggravators"]["more_question"].format(examples="driving or cycling")
    assert script.next(_said(more)) and script.turns == 2
    assert script.next(_said(fields["neuro_symptoms"]["values"]["leg_weakness"]["confirm"])) == "yes"
    assert script.next(_said(fields["red_flags"]["values"]["night_pain"]["confirm"])) == "no"
    place = fields["pain_location"]["confirm_question"].format(value="buttock")
    assert script.next(_said(place)) not in (None, "yes", "no")


def test_a_patient_script_ends_well_at_the_outcome_and_badly_without_a_question():
    ending = DOMAIN["responses"]["utter_after_outcome"][0]["text"]
    script = PatientScript(TRUTH, seed=2, domain=DOMAIN)
    script.first()
    assert script.next(_said("Your answers fit PHT well.", ending)) is None
    assert script.finished_well
    lost = PatientScript(TRUTH, seed=3, domain=DOMAIN)
    lost.first()
    assert lost.next(_said("Something unexpected")) is None
    assert not lost.finished_well


def test_a_stock_script_plays_its_messages_in_order_and_needs_a_reply_to_each(tmp_path):
    nlu = tmp_path / "nlu.yml"
    intents = ["greet", "goodbye", "affirm", "deny", "mood_great", "mood_unhappy", "bot_challenge"]
    nlu.write_text(yaml.safe_dump({"nlu": [{"intent": i, "examples": f"- {i} text\n"} for i in intents]}))
    script = StockScript(stock_examples(nlu), seed=5)
    assert script.first() == "greet text"
    sent = [script.first()]
    while (message := script.next(_said("ok"))) is not None:
        sent.append(message)
    assert sent[-1] == "goodbye text" and script.finished_well
    assert StockScript(stock_examples(nlu), seed=5).next([]) is None


def test_percentiles_are_nearest_rank():
    ordered = [float(n) for n in range(1, 101)]
    assert percentile(ordered, 50) == 50.0
    assert percentile(ordered, 95) == 95.0
    assert percentile([7.0], 95) == 7.0


def test_targets_compare_the_ratio_or_the_value_as_the_issue_sets_them():
    assert _verdict("ratio<=", 1.3, 40, 1.2).startswith("met")
    assert _verdict("ratio<=", 1.3, 60, 2.0).startswith("MISSED")
    assert _verdict("ratio>=", 0.9, 30, 0.95).startswith("met")
    assert _verdict("value<", 10.0, 0.5, None).startswith("met")
    assert _verdict("value==", 0, 3, None).startswith("MISSED")
    rows = {row["key"]: row for row in table({"single_p50_ms": 30.0}, {"single_p50_ms": 25.0}, [10])}
    assert rows["single_p50_ms"]["ratio"] == 1.2 and rows["single_p50_ms"]["target"].startswith("met")


def test_a_patient_script_answers_each_sign_of_a_screen_asked_alone():
    fields = load_knowledge().fields
    script = PatientScript({**TRUTH, "red_flags": ["night_pain"]}, seed=5, domain=DOMAIN)
    script.first()
    assert script.next(_said(fields["red_flags"]["values"]["night_pain"]["alone"])) == "yes"
    assert script.next(_said(fields["red_flags"]["values"]["fever"]["staff_alone"])) == "no"
