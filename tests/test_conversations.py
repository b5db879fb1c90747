"""Whole pre-screens through the real actions without servers (tests/form_driver.py): the
simulated patients' tricky and everyday danger-sign cases, and the issue's phrasings.
Over-triage and under-triage are counted separately; both must be 0."""
import pytest

from form_driver import FormDriver
from harness.patients import BENIGN_BUT_TRICKY, DANGER_SIGNS_IN_EVERYDAY_WORDS, Patient

RANK = {"routine": 0, "soon": 1, "urgent": 2, "emergency": 3}


def play(case, seed):
    patient = Patient(case.name, case.findings, seed=seed)
    said = []

    def answer(field):
        if field == "danger_check":
            return case.confirms
        if field == case.field and not said:
            said.append(field)
            return case.says
        return patient.answer(field)

    driver = FormDriver()
    opening = case.says if case.field == "opening" else patient.answer("pain_location")
    if case.field == "opening":
        said.append("opening")
    return driver, driver.run(opening, answer)


@pytest.mark.parametrize("case", BENIGN_BUT_TRICKY, ids=lambda case: case.name)
def test_a_benign_but_tricky_person_is_not_over_triaged(case):
    driver, result = play(case, seed=7)
    assert RANK[result["urgency"]] <= RANK[case.expected_urgency], (driver.asked, driver.replies[-8:])
    assert driver.asked.count("danger_check") <= 1


@pytest.mark.parametrize("case", DANGER_SIGNS_IN_EVERYDAY_WORDS, ids=lambda case: case.name)
def test_a_danger_sign_in_everyday_words_is_not_under_triaged(case):
    driver, result = play(case, seed=11)
    assert RANK[result["urgency"]] >= RANK[case.expected_urgency], (driver.asked, result["findings"])


def test_the_41_year_old_runners_story_gets_the_anything_else_question_and_fits_well():
    driver = FormDriver()
    answers = {"onset": "gradually", "red_flags": "none of these", "neuro_symptoms": "no", "aggravators": "nothing else",
               "load_changes": "nothing changed", "pain_score": "4"}
    result = driver.run("I'm a 41 year old runner and my right sit bone has been sore for about 7 weeks, "
                        "especially when I sit at work or run hills", answers.__getitem__)
    assert "aggravators" in driver.asked
    assert any(reply.startswith("Anything else that makes it worse, like") for reply in driver.replies)
    assert set(result["findings"]["aggravators"]) == {"sitting", "uphill_running"}
    assert result["findings"]["load_changes"] == []
    assert result["likelihood"] == "high"


@pytest.mark.parametrize("then, urgency", [("no, my legs are fine", "routine"), (None, "urgent")])
def test_a_story_told_again_to_a_confirming_question_brings_the_question_once_more(then, urgency):
    """A person who tells their story instead of answering "does your leg give way?" is asked
    once more; a yes or no then counts, and a story again errs safe (policy v3)."""
    story = "My sit bone has hurt for six weeks, it came on gradually, worse sitting, and my left leg feels a bit weak"
    answers = {"red_flags": "none of these", "neuro_symptoms": "no", "aggravators": "nothing else",
               "load_changes": "nothing changed", "pain_score": "4", "age": "40"}
    told_instead = "I'm a runner, the pain is right at my sit bone and it started after hill sprints"
    confirms = [told_instead, then or told_instead]
    driver = FormDriver()
    result = driver.run(story, lambda field: confirms.pop(0) if field == "danger_check" else answers.get(field, "no"))
    assert driver.asked.count("danger_check") == 2
    assert result["urgency"] == urgency


def test_a_safety_screen_with_no_usable_answer_goes_one_sign_at_a_time_then_is_left_to_a_professional():
    driver = FormDriver()
    answers = {"onset": "gradually", "duration_days": "6 weeks", "red_flags": "qwerty zxcvb", "danger_check": "zxcvb qwe"}
    result = driver.run("pain at my sit bone", answers.__getitem__)
    assert driver.asked.count("red_flags") == 1 and driver.asked.count("danger_check") == 3
    assert result["screening_stopped"]["field"] == "red_flags"
    assert result["complete"] is False and result["urgency"] == "urgent" and result["today"] is True
    assert result["screens"]["red_flags"]["state"] == "incomplete"


@pytest.mark.parametrize("answer, urgency", [("no, it never gives way", "routine"), ("not sure", "urgent"),
                                             ("yes", "urgent")])
def test_a_possible_danger_sign_is_confirmed_with_one_question(answer, urgency):
    driver = FormDriver()
    answers = {"onset": "gradually", "duration_days": "6 weeks", "red_flags": "none", "neuro_symptoms": "my leg feels weak",
               "danger_check": answer, "aggravators": "sitting and driving", "load_changes": "nothing", "pain_score": "3",
               "age": "40"}
    result = driver.run("pain at my sit bone", answers.__getitem__)
    # a sign not confirmed leaves the rest of the list unanswered: it comes once more, "apart from that"
    assert driver.asked.count("danger_check") == 1 and driver.asked.count("neuro_symptoms") == (1 if answer == "yes" else 2)
    assert result["urgency"] == urgency and not result["screening_stopped"]


def test_the_vignette_patients_reach_their_urgency_through_the_real_actions():
    from harness.patients import patient_cases

    wrong = []
    for index, (name, truth, expected) in enumerate(patient_cases()[::2][:40]):
        patient = Patient(name, truth, seed=index)
        driver = FormDriver()
        result = driver.run(patient.answer("pain_location"), patient.answer)
        if result["urgency"] != expected:
            wrong.append((name, expected, result["urgency"], driver.asked))
    assert wrong == []


def test_a_possible_sign_that_was_the_whole_answer_and_is_confirmed_answers_its_question():
    driver = FormDriver()
    answers = {"onset": "gradually", "duration_days": "6 weeks", "red_flags": "it hurts at night",
               "danger_check": "yes, whatever I do", "neuro_symptoms": "no", "aggravators": "sitting and driving",
               "load_changes": "nothing", "pain_score": "3", "age": "40"}
    result = driver.run("pain at my sit bone", answers.__getitem__)
    assert driver.asked.count("red_flags") == 1 and driver.asked.count("danger_check") == 1
    assert result["findings"]["red_flags"] == ["night_pain"]
    assert result["urgency"] == "soon" and result["complete"] is True


SCREEN_ANSWERS = {"onset": "gradually", "duration_days": "2 months", "neuro_symptoms": "no", "aggravators": "sitting",
                  "load_changes": "nothing", "pain_score": "4", "age": "45", "trend": "about the same"}


@pytest.mark.parametrize("then, urgency, flags", [
    ("I slipped on the ice last week", "routine", []),  # the same words again: nothing else
    ("no, none of them", "routine", []),
    ("yes, I can't feel myself wipe", "emergency", ["saddle_numbness"]),
    ("I've had breast cancer", "soon", ["cancer_history"]),
])
def test_a_no_to_the_one_sign_read_from_a_safety_answer_asks_the_rest_of_the_list_once_more(then, urgency, flags):
    # "no" to the fall read from "I slipped on the ice" is no "none of these": the answer may
    # have told another sign in words the reader missed, so the list comes once more
    driver = FormDriver()
    screen = ["I slipped on the ice last week", then]
    answers = {**SCREEN_ANSWERS, "danger_check": "no"}
    result = driver.run("a deep ache at my left sit bone", lambda asked: screen.pop(0) if asked == "red_flags" else answers[asked])
    first = driver.asked.index("red_flags")
    assert driver.asked[first:first + 3] == ["red_flags", "danger_check", "red_flags"] and driver.asked.count("red_flags") == 2
    assert any(reply.startswith("Thank you. Apart from that") for reply in driver.replies)
    again = driver.buttons[driver.asked.index("red_flags", first + 1)]
    assert "A major fall or accident" not in again and "Numbness in the saddle area" in again  # the rest of the list
    assert result["findings"]["red_flags"] == flags
    assert result["urgency"] == urgency


@pytest.mark.parametrize("bladder, urgency, flags", [("yes", "emergency", ["bladder_bowel_change"]), ("no", "routine", [])])
def test_a_safety_answer_that_says_something_is_not_right_with_the_waterworks_asks_about_the_bladder(bladder, urgency, flags):
    # "not right" says the waterworks are not well: no denial of them (once it hid them, and the
    # "no" to the fall that was asked about instead counted as "none of these")
    driver = FormDriver()
    answers = {"onset": "gradually", "duration_days": "2 months", "neuro_symptoms": "no", "aggravators": "sitting",
               "load_changes": "nothing", "pain_score": "4", "age": "45",
               "red_flags": "I slipped on the ice last week and something's not right with my waterworks"}
    confirms = {"major_trauma": "no", "bladder_bowel_change": bladder}

    def answer(asked: str) -> str:
        if asked == "danger_check":
            return confirms[next(sign for sign in driver.slots["possible_signs"] if sign["answer"] is None)["value"]]
        return answers[asked]

    result = driver.run("a deep ache at my left sit bone", answer)
    assert driver.asked.count("danger_check") == 2
    assert result["findings"]["red_flags"] == flags
    assert result["urgency"] == urgency


def test_staff_get_the_rest_of_the_list_asked_about_the_patient():
    driver = FormDriver()
    driver.slots["staff_entered"] = True
    screen = ["it hurts at night", "none of these"]
    answers = {**SCREEN_ANSWERS, "danger_check": "no"}
    driver.run("a deep ache at my left sit bone", lambda asked: screen.pop(0) if asked == "red_flags" else answers[asked])
    assert "Thank you. Apart from that, does anything else on this list apply to the patient?" in driver.replies
