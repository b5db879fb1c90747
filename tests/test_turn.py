"""What one message means for the pre-screen, decided without Rasa (pht/turn.py)."""
from pht.state import CONFIRM_SLOT, MENTIONED_SLOT, POSSIBLE_SLOT
from pht.turn import CORRECTED_SLOT, Message, read_message_into


def changes(state, text, asked=None, **message):
    return dict(read_message_into(state, Message(text, **message), asked))


def test_an_answer_to_the_question_asked_sets_its_field():
    assert changes({}, "about six weeks", "duration_days")["duration_days"] == 42


def test_values_told_in_passing_count_but_leave_the_question_to_be_asked():
    told = changes({}, "my sit bone hurts when I sit at my desk and when I drive")
    assert told["pain_location"] == "sit_bone"
    assert told[MENTIONED_SLOT]["aggravators"] == ["sitting", "driving"]
    assert "aggravators" not in told


def test_a_passing_mention_does_not_overwrite_an_answer_but_actually_does():
    state = {"onset": "gradual"}
    assert "onset" not in changes(state, "it hurts when I sit, it came on suddenly", "aggravators")
    corrected = changes(state, "actually, it came on suddenly", "aggravators")
    assert corrected["onset"] == "sudden" and corrected[CORRECTED_SLOT] == {"onset": "sudden"}


def test_a_question_to_the_assistant_is_no_report_but_a_danger_sign_in_it_counts():
    asked = changes({}, "can I keep running with this, I also can't control my bladder?", intent="faq", confidence=0.95)
    assert "aggravators" not in asked and "running" not in asked[MENTIONED_SLOT].get("aggravators", [])
    assert "bladder_bowel_change" in asked[MENTIONED_SLOT]["red_flags"]


def test_a_possible_danger_sign_is_kept_apart_to_confirm_and_yes_counts_it():
    first = changes({}, "my left leg feels a bit weak when I walk far")
    signs = first[POSSIBLE_SLOT]
    assert [(sign["field"], sign["value"], sign["answer"]) for sign in signs] == [("neuro_symptoms", "leg_weakness", None)]
    answered = changes({POSSIBLE_SLOT: signs}, "yes", CONFIRM_SLOT)
    assert answered[CONFIRM_SLOT] == "yes"
    assert answered[POSSIBLE_SLOT][0]["answer"] == "yes"


def test_a_confirming_question_answered_unclearly_is_unsure_not_absent():
    signs = changes({}, "my left leg feels a bit weak when I walk far")[POSSIBLE_SLOT]
    answered = changes({POSSIBLE_SLOT: signs}, "hmm no idea really", CONFIRM_SLOT)
    assert answered[POSSIBLE_SLOT][0]["answer"] == "unclear"


def test_the_answer_to_which_answer_is_wrong_corrects():
    state = {"onset": "gradual"}
    assert changes(state, "it started suddenly, with a pop", corrects=True)["onset"] == "sudden"
