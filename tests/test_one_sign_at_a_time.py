"""A safety screen answered "not sure", "all of them" or with words that cannot be used is asked
one sign at a time (issues 19, 20; policy v3: every item of a screen has its own state).
Whole pre-screens through the real actions (tests/form_driver.py)."""
from typing import Dict, List

import pytest

from pht.triage import load_knowledge
from form_driver import FormDriver

KNOWLEDGE = load_knowledge()
RED_FLAGS = [value for value in KNOWLEDGE.values("red_flags") if value != "chest_symptoms"]  # a follow-up only
NEURO = KNOWLEDGE.values("neuro_symptoms")
ANSWERS = {"onset": "gradually", "duration_days": "6 weeks", "red_flags": "none of these", "neuro_symptoms": "no",
           "aggravators": "sitting and driving", "load_changes": "nothing changed", "pain_score": "3", "trend": "same",
           "age": "40"}


def play(answers: Dict[str, str], one_sign_answers: List[str], staff: bool = False):
    """A pre-screen where each one-sign (confirming) question gets the next of `one_sign_answers`
    (then "no")."""
    driver = FormDriver()
    driver.slots["staff_entered"] = staff or None
    queue = list(one_sign_answers)

    def answer(field):
        if field == "danger_check":
            return queue.pop(0) if queue else "no"
        return {**ANSWERS, **answers}[field]

    return driver, driver.run("pain at my sit bone", answer)


def one_sign_questions(driver, field):
    entries = KNOWLEDGE.fields[field]["values"]
    return [value for reply in driver.replies for value, entry in entries.items() if reply == entry.get("alone")]


def test_not_sure_to_the_red_flags_asks_one_question_per_sign_and_records_each_as_absent():
    driver, result = play({"red_flags": "not sure"}, [])
    assert driver.asked.count("red_flags") == 1
    assert driver.asked.count("danger_check") == len(RED_FLAGS)
    assert one_sign_questions(driver, "red_flags") == RED_FLAGS  # each sign alone, in the vocabulary's order
    assert "one at a time" in " ".join(driver.replies)
    assert result["findings"]["red_flags"] == []
    screen = result["screens"]["red_flags"]
    assert screen["state"] == "answered" and set(screen["items"].values()) == {"absent"}
    assert result["urgency"] == "routine" and result["complete"] is True


def test_a_sign_said_yes_one_at_a_time_counts_and_the_rest_are_recorded_absent():
    answers = ["no"] * RED_FLAGS.index("night_pain") + ["yes"]
    driver, result = play({"red_flags": "I don't know"}, answers)
    assert result["findings"]["red_flags"] == ["night_pain"]
    items = result["screens"]["red_flags"]["items"]
    assert items["night_pain"] == "present" and items["fever"] == "absent" and items["calf_swelling"] == "absent"
    assert result["urgency"] == "soon"


def test_not_sure_twice_to_the_saddle_question_is_urgent_today_and_recorded_unsure():
    driver, result = play({"red_flags": "not sure"}, ["not sure", "I'm really not sure"])
    card_question = KNOWLEDGE.fields["red_flags"]["values"]["saddle_numbness"]["concrete"]["question"]
    assert driver.replies.count(card_question) == 1  # the one re-ask in the warning card's words
    assert result["urgency"] == "urgent" and result["today"] is True
    assert result["screens"]["red_flags"]["items"]["saddle_numbness"] == "unsure"
    assert result["screens"]["red_flags"]["items"]["fever"] == "absent"
    assert KNOWLEDGE.advice["warning_card"]["text"] in [item["text"] for item in result["advice"]]


def test_not_sure_twice_to_the_saddle_question_with_leg_weakness_is_an_emergency():
    _, result = play({"red_flags": "not sure", "neuro_symptoms": "the leg gives way"}, ["not sure", "not sure"])
    assert result["urgency"] == "emergency"
    assert result["screens"]["red_flags"]["items"]["saddle_numbness"] == "unsure"


def test_a_concrete_answer_that_is_not_the_normal_one_is_the_sign():
    """"When you wipe after the toilet, does it feel normal on both sides?" "no": saddle numbness."""
    _, result = play({"red_flags": "not sure"}, ["not sure", "no"])
    assert result["urgency"] == "emergency" and "saddle_numbness" in result["findings"]["red_flags"]


def test_not_sure_to_an_ordinary_sign_asked_alone_errs_safe_and_is_recorded_unsure():
    answers = ["no"] * RED_FLAGS.index("calf_swelling") + ["not sure"]
    driver, result = play({"red_flags": "not sure"}, answers)
    assert result["screens"]["red_flags"]["items"]["calf_swelling"] == "unsure"
    assert result["urgency"] == "urgent" and result["today"] is True  # a swollen calf: today (err safe)


def test_not_sure_to_the_nerve_screen_asks_each_nerve_sign_alone():
    driver, result = play({"neuro_symptoms": "no idea"}, [])
    assert one_sign_questions(driver, "neuro_symptoms") == NEURO
    assert result["findings"]["neuro_symptoms"] == [] and result["urgency"] == "routine"


def test_gibberish_three_times_to_one_sign_questions_stops_the_screen_urgent_today_incomplete():
    driver, result = play({"red_flags": "not sure"}, ["no", "qwerty zxcvb", "asdf jkl", "zzzz"])
    assert any("in person today" in reply for reply in driver.replies)
    assert result["screening_stopped"]["field"] == "red_flags"
    assert result["screens"]["red_flags"]["state"] == "incomplete"
    assert result["urgency"] == "urgent" and result["today"] is True and result["complete"] is False
    signs = {sign["value"]: sign["answer"] for sign in result["possible_signs"]}
    assert signs == {"saddle_numbness": "no"}  # the one answered; the rest were not asked


def test_an_answer_between_two_unusable_ones_starts_the_count_again():
    before = ["no"] * RED_FLAGS.index("both_legs_pain")  # the cauda equina signs: re-asked in concrete words
    _, result = play({"red_flags": "not sure"}, before + ["qwerty", "asdf", "no", "zxcv", "hjkl", "no"])
    assert not result["screening_stopped"] and result["urgency"] == "routine"


def test_all_of_them_to_a_safety_screen_is_asked_one_sign_at_a_time_not_taken_as_every_sign():
    driver, result = play({"red_flags": "all of them"}, [])
    assert driver.asked.count("danger_check") == len(RED_FLAGS)
    assert result["urgency"] == "routine"
    _, result = play({"red_flags": "all of them"}, ["yes"])
    assert result["urgency"] == "emergency" and result["findings"]["red_flags"] == ["saddle_numbness"]


def test_everything_to_what_makes_it_worse_means_every_option_and_keeps_the_other_answers():
    driver, result = play({"aggravators": "everything"}, [])
    assert result["findings"]["aggravators"] == [value for value in KNOWLEDGE.values("aggravators")
                                                  if value != "coughing_sneezing"]  # every activity
    assert result["findings"]["onset"] == "gradual" and result["findings"]["duration_days"] == 42
    assert driver.asked.count("aggravators") == 1 and driver.asked.count("onset") == 1


def test_staff_get_each_sign_in_the_third_person():
    driver, _ = play({"red_flags": "not sure"}, [], staff=True)
    staff_questions = [entry["staff_alone"] for value, entry in KNOWLEDGE.fields["red_flags"]["values"].items()
                       if value in RED_FLAGS]
    assert [reply for reply in driver.replies if reply in staff_questions] == staff_questions


@pytest.mark.parametrize("field", ["red_flags", "neuro_symptoms"])
def test_every_sign_of_a_screen_has_its_own_question_in_both_voices(field):
    for value in KNOWLEDGE.values(field):
        entry = KNOWLEDGE.fields[field]["values"][value]
        if value != "chest_symptoms":
            assert entry["alone"] != entry["staff_alone"] and "patient" in entry["staff_alone"]


@pytest.mark.parametrize("field", ["red_flags", "neuro_symptoms", "aggravators"])
@pytest.mark.parametrize("text", ["no idea", "no clue, not sure", "dunno", "I don't know", "maybe", "possibly"])
def test_no_idea_to_a_list_question_is_not_sure_never_none_of_these(field, text):
    from pht.language.reader import NOT_SURE, shared_reader

    assert shared_reader().read(text, field).get(field) == NOT_SURE


def test_the_summary_to_bring_along_never_calls_a_screen_with_an_unsure_sign_none():
    driver, result = play({"neuro_symptoms": "not sure"}, ["not sure"])
    assert result["urgency"] == "soon"
    summary = next(reply for reply in driver.replies if "reference code" in reply)
    assert "nerve-type symptoms: not sure about numbness" in summary and "nerve-type symptoms: none" not in summary


def test_staff_get_the_warning_cards_concrete_re_ask_in_the_third_person():
    driver, result = play({"red_flags": "not sure"}, ["not sure", "not sure"], staff=True)
    concrete = KNOWLEDGE.fields["red_flags"]["values"]["saddle_numbness"]["concrete"]
    assert driver.replies.count(concrete["staff_question"]) == 1 and concrete["question"] not in driver.replies
    assert result["screens"]["red_flags"]["items"]["saddle_numbness"] == "unsure"


def test_every_confirming_question_has_its_third_person_wording():
    for field in ("red_flags", "neuro_symptoms"):
        for value, entry in KNOWLEDGE.fields[field]["values"].items():
            if entry.get("confirm"):
                assert entry["staff_confirm"] != entry["confirm"] and "the patient" in entry["staff_confirm"], value
