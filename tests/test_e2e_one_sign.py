"""Whole conversations over the real Rasa server (REST channel): a safety screen answered "not
sure" or in words that cannot be used goes one sign at a time, "start again" asks first, and
"everything" to a list question means every option (issues 19, 20)."""
import pytest

from pht.triage import load_knowledge
from harness.servers import Conversation
from test_e2e import CLASSIC_ANSWERS, started

pytestmark = pytest.mark.e2e

KNOWLEDGE = load_knowledge()
RED_FLAGS = [value for value in KNOWLEDGE.values("red_flags") if value != "chest_symptoms"]  # a follow-up only


def answer_until_outcome(conversation, tracker, one_sign_answers, max_turns=40):
    """Answer each question as CLASSIC_ANSWERS says and each one-sign question with the next of
    `one_sign_answers` (then "no"); the assessment."""
    queue = list(one_sign_answers)
    for _ in range(max_turns):
        if tracker["slots"].get("assessment"):
            return tracker["slots"]["assessment"]
        requested = tracker["slots"].get("requested_slot")
        assert requested, conversation.transcript[-6:]
        conversation.asked.append(requested)
        text = (queue.pop(0) if queue else "no") if requested == "danger_check" else conversation.answers[requested]
        tracker = conversation.send(text)
    raise AssertionError(f"no outcome; asked {conversation.asked}")


def test_not_sure_to_the_red_flags_asks_each_sign_alone_and_records_each_state(assistant):
    conversation, tracker = started(assistant, "one-sign-not-sure", "right at my sit bone",
                                    "it crept up gradually", "about six weeks")
    assert tracker["slots"]["requested_slot"] == "red_flags"
    tracker = conversation.send("not sure")
    assert tracker["slots"]["requested_slot"] == "danger_check"
    assert any("one at a time" in reply for reply in conversation.replies[-2:])
    result = answer_until_outcome(conversation, tracker, [])
    alone = [KNOWLEDGE.fields["red_flags"]["values"][value]["alone"] for value in RED_FLAGS]
    assert [reply for reply in conversation.replies if reply in alone] == alone, conversation.transcript
    assert result["findings"]["red_flags"] == []
    assert set(result["screens"]["red_flags"]["items"].values()) == {"absent"}
    assert result["screens"]["red_flags"]["state"] == "answered" and result["urgency"] == "routine"


def test_not_sure_twice_to_the_saddle_question_is_urgent_today_recorded_unsure(assistant):
    conversation, tracker = started(assistant, "one-sign-saddle-unsure", "right at my sit bone",
                                    "it crept up gradually", "about six weeks", "I don't know")
    result = answer_until_outcome(conversation, tracker, ["not sure", "I'm really not sure"])
    concrete = KNOWLEDGE.fields["red_flags"]["values"]["saddle_numbness"]["concrete"]["question"]
    assert conversation.replies.count(concrete) == 1
    assert result["urgency"] == "urgent" and result["today"] is True
    assert result["screens"]["red_flags"]["items"]["saddle_numbness"] == "unsure"
    assert KNOWLEDGE.advice["warning_card"]["text"] in conversation.replies


def test_not_sure_twice_to_the_saddle_question_with_leg_weakness_is_an_emergency(assistant):
    conversation, tracker = started(assistant, "one-sign-saddle-weak", "right at my sit bone",
                                    "it crept up gradually", "about six weeks", "not sure")
    conversation.answers = {**CLASSIC_ANSWERS, "neuro_symptoms": "my leg gives way and my foot drags"}
    result = answer_until_outcome(conversation, tracker, ["not sure", "not sure"])
    assert result["urgency"] == "emergency", conversation.transcript
    assert result["screens"]["red_flags"]["items"]["saddle_numbness"] == "unsure"


def test_gibberish_to_the_screen_then_three_times_to_one_sign_questions_stops_it_urgent_today(assistant):
    conversation, tracker = started(assistant, "one-sign-gibberish", "right at my sit bone",
                                    "it crept up gradually", "about six weeks")
    tracker = conversation.send("qwerty zxcvb")
    assert tracker["slots"]["requested_slot"] == "danger_check", conversation.transcript[-4:]
    for gibberish in ("asdf ghjk", "zzkx qwp", "plmq wxv"):
        tracker = conversation.send(gibberish)
    result = tracker["slots"]["assessment"]
    assert result, conversation.transcript[-8:]
    assert any("in person today" in reply for reply in conversation.replies)
    assert result["screening_stopped"]["field"] == "red_flags"
    assert result["screens"]["red_flags"]["state"] == "incomplete"
    assert result["urgency"] == "urgent" and result["today"] is True


def test_start_again_then_no_keeps_the_answers_and_asks_the_same_question(assistant):
    conversation, tracker = started(assistant, "start-again-no", "right at my sit bone",
                                    "it crept up gradually")
    assert tracker["slots"]["requested_slot"] == "duration_days"
    tracker = conversation.send("start again")
    assert "Start again from the beginning? Your answers so far will be cleared." in conversation.replies[-1]
    assert tracker["slots"]["pain_location"] == "sit_bone"
    tracker = conversation.send("no, carry on")
    assert tracker["slots"]["pain_location"] == "sit_bone" and tracker["slots"]["onset"] == "gradual"
    assert tracker["slots"]["requested_slot"] == "duration_days", conversation.transcript[-4:]
    assert tracker["active_loop"].get("name") == "assessment_form"
    tracker = conversation.send("about six weeks")
    assert tracker["slots"]["duration_days"] == 42


def test_start_again_then_yes_clears_the_answers_and_opens_again(assistant):
    conversation, tracker = started(assistant, "start-again-yes", "right at my sit bone")
    conversation.send("restart")
    tracker = conversation.send("yes")
    assert tracker["slots"]["pain_location"] is None and tracker["slots"]["onset"] is None
    assert any("cleared your answers" in reply for reply in conversation.replies[-4:])
    assert any("Shall we start?" in reply for reply in conversation.replies[-2:])


@pytest.mark.parametrize("text", ["go back", "my back hurts when I sit"])
def test_go_back_and_my_back_never_clear_the_answers(assistant, text):
    conversation, tracker = started(assistant, f"no-clear-{text.split()[0]}", "right at my sit bone",
                                    "it crept up gradually")
    tracker = conversation.send(text)
    assert tracker["slots"]["pain_location"] is not None or tracker["slots"]["onset"] is not None
    assert not any("cleared your answers" in reply for reply in conversation.replies)


def test_everything_to_what_makes_it_worse_is_every_option_and_keeps_the_other_answers(assistant):
    conversation = Conversation(assistant, "everything", {**CLASSIC_ANSWERS, "aggravators": "everything"})
    result = conversation.run("hi")
    assert result["findings"]["aggravators"] == [value for value in KNOWLEDGE.values("aggravators")
                                                  if value != "coughing_sneezing"], conversation.transcript
    assert result["findings"]["pain_location"] == "sit_bone" and result["findings"]["onset"] == "gradual"
    assert conversation.asked.count("pain_location") == 1 and conversation.asked.count("aggravators") == 1
    assert not any("cleared your answers" in reply or "Start again" in reply for reply in conversation.replies)
