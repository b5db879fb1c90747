"""Hard cases found by a fresh-eyes attack on the features of issues 19-20 (one sign at a time,
corrections, start again, danger signs in everyday words), 2026-12-03: a danger sign told after
the outcome, inside a correction or inside a question; an abnormal feeling in own words; a
double negative; "stop" after an unsure sign. The ones still open are marked xfail(strict=True)
with their reason: the mark must go when the defect is fixed (a strict xfail that passes fails
the run). The e2e ones need the real servers."""
import pytest

from pht.triage import load_knowledge
from test_one_sign_at_a_time import RED_FLAGS, play

KNOWLEDGE = load_knowledge()
SADDLE_CONCRETE = KNOWLEDGE.fields["red_flags"]["values"]["saddle_numbness"]["concrete"]["question"]
OPENING = "sit bone pain for 3 weeks, came on gradually, worse sitting and running, more hills lately"
TO_A_ROUTINE_OUTCOME = [OPENING, "yes", "none of these", "none of these", "nothing else", "nothing else", "4", "35"]


# -- one sign at a time: the concrete re-ask ------------------------------------------------------

@pytest.mark.parametrize("abnormal", ["it feels different on one side", "the left side feels different",
                                      "one side feels duller", "it feels odd"])
def test_an_abnormal_answer_in_own_words_to_the_concrete_saddle_question_is_the_sign(abnormal):
    driver, result = play({"red_flags": "not sure"}, ["not sure", abnormal, abnormal, abnormal])
    assert driver.replies.count(SADDLE_CONCRETE) >= 1
    assert "saddle_numbness" in (result["findings"].get("red_flags") or []), driver.replies[-4:]
    assert result["urgency"] == "emergency"


def talk(assistant, sender, texts):
    """A conversation over the real servers: each of `texts` in turn; the last tracker."""
    from harness.servers import Conversation
    conversation = Conversation(assistant, sender, {})
    tracker = None
    for text in texts:
        tracker = conversation.send(text)
    return conversation, tracker


def _at_the_saddle_question(assistant, sender):
    conversation, tracker = talk(assistant, sender, [OPENING, "yes", "not sure"])
    assert tracker["slots"]["requested_slot"] == "danger_check", conversation.transcript[-3:]
    return conversation


@pytest.mark.e2e
def test_i_think_so_to_the_saddle_question_is_not_thrown_away(assistant):
    conversation = _at_the_saddle_question(assistant, "attack-think-so")
    conversation.send("I think so")
    assert "didn't quite get that" not in " ".join(conversation.replies[-2:]), conversation.transcript[-3:]


@pytest.mark.e2e
def test_altered_feeling_in_the_saddle_area_is_the_sign(assistant):
    conversation = _at_the_saddle_question(assistant, "attack-altered")
    tracker = conversation.send("not numb, just different")
    assert "saddle_numbness" in (tracker["slots"].get("red_flags") or []) or any(
        "emergency" in reply for reply in conversation.replies[-3:]), conversation.transcript[-3:]


def test_gibberish_to_a_one_sign_question_records_no_finding():
    _, result = play({"red_flags": "not sure"}, ["hmm", "asdfgh qwerty", "purple monkey dishwasher"])
    assert result["screens"]["injury_signs"]["items"]["bruising"] != "present"


# -- after the outcome (real servers) -------------------------------------------------------------

def _to_routine(assistant, sender):
    conversation, tracker = talk(assistant, sender, TO_A_ROUTINE_OUTCOME)
    assert tracker["slots"]["assessment"]["urgency"] == "routine", conversation.transcript
    return conversation


@pytest.mark.e2e
@pytest.mark.parametrize("late", ["I forgot to say, I have no bladder control since yesterday",
                                  "both legs have gone numb",
                                  "what should I do if I can't feel it when I wipe?"])
def test_a_cauda_equina_sign_told_after_a_routine_outcome_is_an_emergency(assistant, late):
    conversation = _to_routine(assistant, f"attack-late-{abs(hash(late))}")
    tracker = conversation.send(late)
    assert tracker["slots"]["assessment"]["urgency"] == "emergency", conversation.transcript[-4:]
    assert any("emergency" in reply.lower() for reply in conversation.replies[-6:])


@pytest.mark.e2e
def test_an_emergency_sign_told_as_the_answer_to_which_answer_is_wrong_is_acted_on_at_once(assistant):
    conversation = _to_routine(assistant, "attack-which-both-legs")
    conversation.send("you got that wrong")
    assert "Which answer is wrong?" in " ".join(conversation.replies[-2:])
    before = len(conversation.replies)
    conversation.send("both legs have gone numb")
    assert conversation.replies[before].startswith("Go to the emergency"), conversation.replies[before:]


@pytest.mark.e2e
def test_a_sudden_start_with_a_pop_told_as_the_answer_to_which_answer_is_wrong_is_urgent(assistant):
    conversation = _to_routine(assistant, "attack-which-pop")
    conversation.send("you got that wrong")
    tracker = conversation.send("it started suddenly when I sprinted and I felt a pop")
    if not tracker["slots"].get("requested_slot"):
        tracker = conversation.send("yes")
    for _ in range(6):  # any further questions: answer "no"
        if not tracker["slots"].get("requested_slot"):
            break
        tracker = conversation.send("no")
    assert tracker["slots"]["onset"] == "sudden", conversation.transcript[-8:]
    assert tracker["slots"]["assessment"]["urgency"] == "urgent", conversation.transcript[-8:]


@pytest.mark.e2e
def test_a_cauda_equina_sign_told_after_an_urgent_outcome_raises_it_to_an_emergency(assistant):
    conversation, tracker = talk(assistant, "attack-late-urgent", [OPENING, "yes", "not sure", "not sure", "not sure"] + ["no"] * (len(RED_FLAGS) - 1) + ["no"])
    assert tracker["slots"]["assessment"]["urgency"] == "urgent", conversation.transcript[-6:]
    tracker = conversation.send("I've just realised I can't feel it when I wipe")
    assert tracker["slots"]["assessment"]["urgency"] == "emergency", conversation.transcript[-4:]


# -- go back during the one-sign questions ------------------------------------------------------

@pytest.mark.e2e
def test_go_back_during_the_one_sign_questions_goes_back(assistant):
    conversation, before = talk(assistant, "attack-go-back", [OPENING, "yes", "not sure", "no"])
    saddle = KNOWLEDGE.fields["red_flags"]["values"]["saddle_numbness"]["alone"]
    assert saddle in conversation.replies[-3:] and conversation.replies[-1] != saddle
    after = conversation.send("go back")
    assert conversation.replies[-1] == saddle, conversation.transcript[-3:]
    for field in KNOWLEDGE.question_order:  # the findings told so far all stay
        assert after["slots"][field] == before["slots"][field], field
    after = conversation.send("yes")
    assert after["slots"]["assessment"]["urgency"] == "emergency", conversation.transcript[-3:]


# -- order of the replies ----------------------------------------------------------------------

@pytest.mark.e2e
@pytest.mark.parametrize("question", ["I can't tell when my bladder is full, is that ok?",
                                      "is it normal that both my legs have gone numb?"])
def test_the_emergency_advice_comes_first_for_a_danger_sign_in_a_question(assistant, question):
    replies = [reply.get("text", "") for reply in assistant.say(f"attack-q-{abs(hash(question))}", question)]
    assert replies and replies[0].startswith("Go to the emergency"), replies[:2]


# -- corrections that withdraw a danger sign ------------------------------------------------------

FEVER_OPENING = OPENING + ", and I've had a fever"


@pytest.mark.e2e
def test_a_double_negative_never_withdraws_a_danger_sign(assistant):
    conversation, tracker = talk(assistant, "attack-double-negative", [FEVER_OPENING, "yes"])
    assert "You already mentioned fever" in " ".join(conversation.replies[-2:])
    tracker = conversation.send("no, I never said I had no fever")
    assert tracker["slots"].get("requested_slot") != "withdraw_check", conversation.transcript[-3:]


@pytest.mark.e2e
def test_a_correction_that_restates_the_danger_sign_keeps_it(assistant):
    conversation, tracker = talk(assistant, "attack-temperature", [FEVER_OPENING, "yes", "that's not right, it's not a fever it's a temperature of 39", "yes"])
    assert "fever" in (tracker["slots"].get("red_flags") or []) or "fever" in str(
        (tracker["slots"].get("mentioned") or {}).get("red_flags")), conversation.transcript[-4:]


# -- stop ---------------------------------------------------------------------------------------------

@pytest.mark.e2e
def test_stop_after_an_unsure_cauda_equina_sign_still_says_see_a_doctor_today(assistant):
    conversation, tracker = talk(assistant, "attack-stop-unsure", [OPENING, "yes", "not sure", "not sure", "not sure"])
    before = len(conversation.replies)
    conversation.send("stop")
    assert any("in person today" in reply for reply in conversation.replies[before:]), conversation.replies[before:]


@pytest.mark.e2e
def test_an_emergency_sign_inside_a_correction_ends_the_questions_at_once(assistant):
    conversation, tracker = talk(assistant, "attack-correction-emergency", [OPENING + ", the pain goes below the knee", "yes", "none of these"])
    assert "You already mentioned pain going below the knee" in " ".join(conversation.replies[-2:])
    before = len(conversation.replies)
    conversation.send("no, not below the knee, but both legs have gone numb")
    assert conversation.replies[before].startswith("Go to the emergency"), conversation.replies[before:]


# -- after an urgent outcome: a spurious corrected record ------------------------------------------

@pytest.mark.e2e
def test_answers_after_an_urgent_outcome_make_no_new_record(assistant):
    conversation, tracker = talk(assistant, "attack-second-record", [FEVER_OPENING, "yes", "none of the others", "none of these"])
    first = tracker["slots"]["prescreen_reference"]
    assert first and tracker["slots"]["assessment"]["urgency"] == "urgent", conversation.transcript[-4:]
    for text in ["4", "35"]:
        tracker = conversation.send(text)
    assert tracker["slots"]["prescreen_reference"] == first, conversation.transcript[-4:]


# -- a question about the wording of a one-sign question ---------------------------------------------

@pytest.mark.e2e
def test_a_question_about_the_wording_of_a_one_sign_question_is_answered_not_counted(assistant):
    conversation = _at_the_saddle_question(assistant, "attack-what-is")
    before = len(conversation.replies)
    conversation.send("what's the back passage?")
    said = " ".join(conversation.replies[before:])
    assert "didn't quite get that" not in said and "only help with" not in said, conversation.replies[before:]
