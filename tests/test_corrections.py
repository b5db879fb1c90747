"""Correcting what the assistant repeated back, in plain words (issue 19, item 11).

Played through the real actions with the form driver (tests/form_driver.py): "You already
mentioned ..." answered "no, I didn't say that" takes it out, a danger sign only after an
explicit yes, and a plain "no" to the question asked stays an answer.
"""
import pytest

from actions.assessment import ActionAssess
from actions.corrections import REPEATED_SLOT, WITHDRAW_CHECK, ActionCorrect
from actions.forms import ActionExtractFindings
from pht.language.corrections import denied_items
from actions.prescreen import records
from tests.form_driver import FormDriver

# Opening messages whose passing mentions are repeated back at their question.
SITTING_AND_DRIVING = "pain at my sit bone for 6 weeks, it came on gradually, worse when sitting and driving"
BELOW_THE_KNEE = "pain at my sit bone for 6 weeks, it came on gradually, and it goes below the knee"
GIVES_WAY = "pain at my sit bone for 6 weeks, it came on gradually, and my right leg keeps giving way"
NOT_SURE_OR_NO = {"red_flags": "none of these", "neuro_symptoms": "no"}


def until_asked(driver: FormDriver, opening: str, field: str) -> FormDriver:
    """Play the opening, then answer "none" until `field` is asked."""
    requested = driver.say(opening)
    for _ in range(10):
        if requested == field:
            return driver
        requested = driver.say(NOT_SURE_OR_NO.get(requested, "none"))
    raise AssertionError(f"{field} was never asked; asked {driver.asked}")


def at_the_aggravators_question() -> FormDriver:
    driver = until_asked(FormDriver(), SITTING_AND_DRIVING, "aggravators")
    assert "You already mentioned sitting and driving." in driver.replies
    return driver


def at_the_nerve_question() -> FormDriver:
    driver = until_asked(FormDriver(), BELOW_THE_KNEE, "neuro_symptoms")
    assert "You already mentioned pain going below the knee." in driver.replies
    return driver


def at_the_nerve_question_with_a_weak_leg() -> FormDriver:
    driver = until_asked(FormDriver(), GIVES_WAY, "neuro_symptoms")
    assert any("You already mentioned" in reply and "gives way" in reply for reply in driver.replies), driver.replies
    return driver


def last_replies(driver: FormDriver, count: int):
    return driver.replies[-count:]


# --- what a message denies -------------------------------------------------------------------

@pytest.mark.parametrize("text", ["I didn't say that", "I never said that", "that's not right", "that's wrong",
                                  "you misunderstood", "no, I didn't say that", "that's not what I said"])
def test_every_strong_cue_denies_the_items_just_repeated_back(text):
    assert denied_items(text, {"aggravators": ["sitting", "driving"]}) == {"aggravators": ["sitting", "driving"]}


@pytest.mark.parametrize("text", ["no", "nope", "no, nothing else", "no, not really", "no, just sitting", "none",
                                  "no thanks", "not sure"])
def test_a_plain_no_denies_nothing(text):
    assert denied_items(text, {"aggravators": ["sitting"]}) == {}


def test_a_weak_no_denies_a_repeated_back_value_it_names_negated():
    assert denied_items("no, not below the knee", {"neuro_symptoms": ["pain_below_knee"]}) == {
        "neuro_symptoms": ["pain_below_knee"]}
    assert denied_items("not below the knee", {"neuro_symptoms": ["pain_below_knee"]}) == {
        "neuro_symptoms": ["pain_below_knee"]}


def test_a_weak_no_with_only_something_else_denies_what_was_repeated_back():
    assert denied_items("no, it only goes to the back of the thigh", {"neuro_symptoms": ["pain_below_knee"]}) == {
        "neuro_symptoms": ["pain_below_knee"]}


def test_a_denial_naming_one_value_denies_only_that_one():
    assert denied_items("I didn't say driving", {"aggravators": ["sitting", "driving"]}) == {"aggravators": ["driving"]}


def test_a_new_value_for_what_was_repeated_back_changes_it_and_denies_nothing():
    assert denied_items("that's wrong, it's been 3 months", {"duration_days": 42}) == {}


def test_nothing_is_denied_when_nothing_was_repeated_back():
    assert denied_items("I didn't say that", None) == {}


# --- during the questions --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["no, I didn't say that", "I never said that", "that's wrong", "that's not right",
                                  "you misunderstood"])
def test_a_denied_passing_mention_is_taken_out_and_the_question_asked_again(text):
    driver = at_the_aggravators_question()
    assert driver.say(text) == "aggravators"
    assert driver.slots["aggravators"] is None and not (driver.slots["mentioned"] or {}).get("aggravators")
    assert "Thanks, I've taken that out: worse with: sitting and driving." in driver.replies
    assert driver.replies[-1].startswith("What makes it worse?")  # the whole question again, nothing repeated
    assert driver.slots["reask_count"] in (None, 0)  # a correction is no unusable answer


def test_a_denial_naming_one_item_takes_out_only_that_one():
    driver = at_the_aggravators_question()
    assert driver.say("I didn't say driving") == "aggravators"
    assert driver.slots["mentioned"]["aggravators"] == ["sitting"]
    assert "Thanks, I've taken that out: worse with: driving." in driver.replies
    assert "You already mentioned sitting." in last_replies(driver, 2)


def test_only_the_items_of_the_last_repeat_can_be_denied():
    driver = at_the_aggravators_question()
    driver.say("stairs")  # an answer: the next question repeats nothing back
    assert driver.slots[REPEATED_SLOT] is None
    driver.say("I didn't say that")
    assert driver.slots["aggravators"] == ["sitting", "driving", "stairs"]


def test_a_plain_no_to_the_question_asked_is_still_an_answer():
    driver = at_the_aggravators_question()
    assert driver.say("no") != "aggravators"
    assert driver.slots["aggravators"] == ["sitting", "driving"]  # "nothing else": what was mentioned stays
    driver = at_the_nerve_question()
    assert driver.say("no") not in ("neuro_symptoms", WITHDRAW_CHECK)
    assert driver.slots["neuro_symptoms"] == ["pain_below_knee"]


def test_a_plain_no_to_a_yes_no_question_after_a_repeat_is_an_answer_not_a_correction():
    driver = FormDriver()
    driver.slots.update({"pain_location": "sit_bone", "onset": "gradual", "duration_days": 90, "red_flags": [],
                         "neuro_symptoms": [], "aggravators": ["sitting"], "load_changes": [], "pain_score": 4,
                         "trend": "same", "requested_slot": "worse_next_day",
                         REPEATED_SLOT: {"duration_days": 90}})  # "Thanks, I've changed that: for about 3 months"
    driver.say("no")
    assert driver.slots["worse_next_day"] is False
    assert driver.slots["duration_days"] == 90
    assert not any("taken that out" in reply for reply in driver.replies)


def test_pain_below_the_knee_is_no_danger_sign_and_is_taken_out_at_once():
    driver = at_the_nerve_question()
    assert driver.say("no, it only goes to the back of the thigh") == "neuro_symptoms"
    assert WITHDRAW_CHECK not in driver.asked
    assert "Thanks, I've taken that out: nerve-type symptoms: pain going below the knee." in driver.replies
    assert not (driver.slots["mentioned"] or {}).get("neuro_symptoms")
    assert driver.replies[-1].startswith("Do you have any of these in the leg")  # the question asked again


def test_a_denied_danger_sign_is_confirmed_in_plain_words_and_yes_takes_it_out():
    driver = at_the_nerve_question_with_a_weak_leg()
    assert driver.say("no, I didn't say that") == WITHDRAW_CHECK
    assert driver.replies[-1] == ("Just to be sure: should I take out a leg that gives way, a foot that drags, or trouble "
                                  "standing on tiptoe? Say yes only if you do not have it.")
    assert driver.slots["mentioned"]["neuro_symptoms"] == ["leg_weakness"]  # kept until the yes
    assert driver.say("yes") == "neuro_symptoms"
    assert not (driver.slots["mentioned"] or {}).get("neuro_symptoms")
    assert driver.replies[-1].startswith("Do you have any of these in the leg")  # the question asked again


@pytest.mark.parametrize("answer", ["no", "not sure", "hmm", "I do have it", "yes I do", "yes but only sometimes",
                                    "no I don't"])
def test_anything_but_yes_keeps_the_danger_sign(answer):
    driver = at_the_nerve_question_with_a_weak_leg()
    assert driver.say("I never said that") == WITHDRAW_CHECK
    driver.say(answer)
    assert driver.slots["mentioned"]["neuro_symptoms"] == ["leg_weakness"]
    assert any(reply.startswith("Then I've kept it in: nerve-type symptoms:") for reply in driver.replies)


def test_a_red_flag_is_asked_about_in_plain_words_not_its_label():
    driver = FormDriver()
    driver.slots.update({"mentioned": {"red_flags": ["saddle_numbness"]}, REPEATED_SLOT: {"red_flags": ["saddle_numbness"]},
                         "requested_slot": "red_flags"})
    assert driver.say("I didn't say that") == WITHDRAW_CHECK
    assert driver.replies[-1] == "Just to be sure: should I take out numbness between your legs or around your bottom? Say yes only if you do not have it."
    assert "saddle_numbness" not in driver.replies[-1]


def test_a_value_that_is_no_danger_sign_is_taken_out_at_once():
    driver = at_the_aggravators_question()
    driver.say("I didn't say that")
    assert WITHDRAW_CHECK not in driver.asked


def test_pain_on_sneezing_is_no_danger_sign_and_is_taken_out_at_once():
    driver = until_asked(FormDriver(), "pain at my sit bone for 6 weeks, it came on gradually, worse when I sneeze",
                         "aggravators")
    assert driver.say("no, I didn't say that") == "aggravators"  # a sign of a nerve root, but never urgent
    assert WITHDRAW_CHECK not in driver.asked
    assert not (driver.slots["mentioned"] or {}).get("aggravators")


# --- after the outcome -----------------------------------------------------------------------

def answer(field: str) -> str:
    return {"red_flags": "none of these", "neuro_symptoms": "no", "aggravators": "sitting and stairs",
            "load_changes": "none", "pain_score": "4", "trend": "same", "age": "40"}.get(field, "no")


def outcome(driver: FormDriver, opening: str) -> dict:
    return driver.run(opening, answer)


def correct_after_outcome(driver: FormDriver, text: str):
    """What Rasa does for "you got that wrong" after the outcome: the message is read, then
    `action_correct` runs (data/rules), and the form, if it reopens the questions."""
    driver._apply(driver._run(ActionExtractFindings(), text))
    events = driver._run(ActionCorrect(), text)
    driver._apply(events)
    return [event.get("name") for event in events if event["event"] == "followup" and event["name"] != "action_listen"]


def test_a_correction_after_the_outcome_gives_a_corrected_outcome_in_a_new_record_that_replaces_the_old():
    driver = FormDriver()
    first = outcome(driver, "pain at my sit bone for 6 weeks, it came on gradually, worse when driving")
    old_reference = driver.slots["prescreen_reference"]
    assert "driving" in first["findings"]["aggravators"]
    followups = correct_after_outcome(driver, "that's not right, I didn't say driving")
    assert "Thanks, I've taken that out: worse with: driving." in driver.replies
    if followups:  # questions to ask again first
        assert followups == ["assessment_form"]
        requested = driver.say("")
        while requested:
            requested = driver.say(answer(requested))
        driver._apply(driver._run(ActionAssess(), ""))
    corrected = driver.slots["assessment"]
    assert "driving" not in corrected["findings"].get("aggravators", [])
    assert corrected["replaces"] == old_reference
    new_reference = driver.slots["prescreen_reference"]
    assert new_reference != old_reference
    assert records().get(new_reference).assessment["replaces"] == old_reference
    assert records().get(old_reference) is not None  # the earlier record stays, for the clinic to see


def test_a_correction_after_the_outcome_with_nothing_to_ask_again_gives_the_corrected_outcome_at_once():
    driver = FormDriver()
    outcome(driver, "pain at my sit bone for 6 weeks, it came on gradually, worse when sitting and driving")
    old_reference = driver.slots["prescreen_reference"]
    assert correct_after_outcome(driver, "I never said driving") == []  # sitting and stairs still answer it
    assert driver.slots["assessment"]["findings"]["aggravators"] == ["sitting", "stairs"]
    assert driver.slots["assessment"]["replaces"] == old_reference
    assert any(f"replaces your earlier code {old_reference}" in reply for reply in driver.replies[-3:])


def test_a_danger_sign_in_the_outcome_is_withdrawn_only_after_yes():
    driver = FormDriver()
    first = outcome(driver, "pain at my sit bone for 6 weeks, it came on gradually, I had a fever")
    assert "fever" in first["findings"]["red_flags"]
    assert correct_after_outcome(driver, "I never said I had a fever") == ["assessment_form"]
    assert driver.slots["assessment"] is None
    assert driver.say("") == WITHDRAW_CHECK
    assert driver.replies[-1] == "Just to be sure: should I take out a fever, or feeling very unwell? Say yes only if you do not have it."
    assert "fever" in (driver.slots["mentioned"] or {}).get("red_flags", []) + (driver.slots["red_flags"] or [])


def test_you_got_that_wrong_to_a_whole_summary_asks_which_answer():
    driver = FormDriver()
    outcome(driver, "pain at my sit bone for 6 weeks, it came on gradually, worse when driving")
    before = dict(driver.slots)
    assert correct_after_outcome(driver, "you got that wrong") == []
    assert driver.replies[-1] == "utter_which_answer_wrong"  # "Sorry about that. Which answer is wrong? ..."
    assert driver.slots["aggravators"] == before["aggravators"] and driver.slots["assessment"] == before["assessment"]
    correct_after_outcome(driver, "I didn't say driving")  # the summary can still be corrected
    assert "Thanks, I've taken that out: worse with: driving." in driver.replies


# --- end to end, over the real Rasa server ---------------------------------------------------

E2E_ANSWERS = {
    "pain_location": "right at my sit bone",
    "onset": "it crept up gradually",
    "duration_days": "about six weeks",
    "red_flags": "none of these",
    "neuro_symptoms": "no",
    "aggravators": "sitting",
    "load_changes": "nothing changed",
    "pain_score": "about a 4",
    "trend": "about the same",
    "morning_stiffness": "no",
    "worse_next_day": "no",
    "age": "40",
    "sport": "running",
    "sitting_minutes": "about 30 minutes",
}


def until_outcome(conversation, tracker, max_turns=20):
    for _ in range(max_turns):
        if tracker["slots"].get("assessment"):
            return tracker
        requested = tracker["slots"].get("requested_slot")
        assert requested in E2E_ANSWERS, conversation.transcript[-6:]
        tracker = conversation.send(E2E_ANSWERS[requested])
    raise AssertionError(conversation.transcript)


@pytest.mark.e2e
def test_e2e_a_misreading_denied_in_plain_words_is_taken_out_and_the_outcome_is_right(assistant):
    from harness.servers import Conversation

    conversation = Conversation(assistant, "corrections-misread", E2E_ANSWERS)
    conversation.send("pain at my sit bone for 6 weeks, it came on gradually, worse when sitting and driving")
    tracker = conversation.send("yes")
    for _ in range(8):
        if tracker["slots"].get("requested_slot") == "aggravators":
            break
        tracker = conversation.send(E2E_ANSWERS[tracker["slots"]["requested_slot"]])
    assert tracker["slots"].get("requested_slot") == "aggravators", conversation.transcript
    assert "You already mentioned sitting and driving." in conversation.replies
    tracker = conversation.send("no, I didn't say that")
    assert "Thanks, I've taken that out: worse with: sitting and driving." in conversation.replies, conversation.transcript
    assert tracker["slots"]["requested_slot"] == "aggravators"  # the question again, in full
    assert conversation.replies[-1].startswith("What makes it worse?")
    result = until_outcome(conversation, conversation.send("just sitting"))["slots"]["assessment"]
    assert result["findings"]["aggravators"] == ["sitting"]


@pytest.mark.e2e
def test_e2e_a_correction_after_the_outcome_gives_a_new_record_that_replaces_the_old(assistant):
    from harness.servers import Conversation

    conversation = Conversation(assistant, "corrections-after-outcome",
                                {**E2E_ANSWERS, "aggravators": "sitting and running up hills"})
    first = conversation.run("hi")
    tracker = assistant.tracker(conversation.sender)
    old_reference = tracker["slots"]["prescreen_reference"]
    assert "uphill_running" in first["findings"]["aggravators"]
    tracker = conversation.send("that's not right, I never said running up hills")
    assert "Thanks, I've taken that out: worse with: running uphill." in conversation.replies, conversation.transcript
    tracker = until_outcome(conversation, tracker)
    corrected = tracker["slots"]["assessment"]
    assert corrected["findings"]["aggravators"] == ["sitting"]
    assert corrected["replaces"] == old_reference
    assert tracker["slots"]["prescreen_reference"] not in (None, old_reference)
    assert any(f"replaces your earlier code {old_reference}" in reply for reply in conversation.replies[-3:])


def test_a_correction_of_what_the_welcome_noted_gives_the_corrected_note_and_the_consent_question_again():
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.conversation import ActionWelcome
    from tests.form_driver import DOMAIN

    def run(action, slots, events, text):
        tracker = Tracker("welcome-correction", slots, {"text": text, "intent": {"name": "correct", "confidence": 0.9}},
                          events, False, None, {}, "action_listen")
        dispatcher = CollectingDispatcher()
        return asyncio.run(action.run(dispatcher, tracker, DOMAIN)), dispatcher.messages

    slots = {name: None for name in DOMAIN["slots"]}
    slots.update({"pain_location": "sit_bone", "mentioned": {"aggravators": ["sitting", "driving"]}})
    history = [{"event": "bot", "text": "Hi", "metadata": {"utter_action": "utter_welcome"}}]
    _, said = run(ActionWelcome(), slots, [], "my sit bone hurts when sitting and driving")
    assert "From your message I've noted: pain at: sit bone (lower buttock, where you sit); worse with: sitting and driving." in [
        message.get("text") for message in said]
    slots[REPEATED_SLOT] = {"pain_location": "sit_bone", "aggravators": ["sitting", "driving"]}
    extracted, _ = run(ActionExtractFindings(), slots, history, "no, I never said driving")
    slots.update({event["name"]: event["value"] for event in extracted if event["event"] == "slot"})
    turn = history + [{"event": "user", "text": "no, I never said driving"}] + extracted
    events, said = run(ActionCorrect(), slots, turn, "no, I never said driving")
    assert [message.get("text") for message in said] == ["Thanks, I've taken that out: worse with: driving."]
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "action_welcome"
    slots.update({event["name"]: event["value"] for event in events if event["event"] == "slot"})
    _, said = run(ActionWelcome(), slots, turn + events, "no, I never said driving")
    assert [message.get("text") or message.get("response") for message in said] == [
        "From your message I've noted: pain at: sit bone (lower buttock, where you sit); worse with: sitting.",
        "utter_ask_consent"]


@pytest.mark.parametrize("action_name", ["action_welcome", "action_fallback", "action_off_topic"])
def test_a_correction_after_the_outcome_taken_for_another_intent_still_reaches_action_correct(action_name):
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.conversation import ActionFallback, ActionOffTopic, ActionWelcome
    from tests.form_driver import DOMAIN

    action = {"action_welcome": ActionWelcome, "action_fallback": ActionFallback, "action_off_topic": ActionOffTopic}
    slots = {name: None for name in DOMAIN["slots"]}
    slots.update({"assessment": {"urgency": "soon"}, "withdrawal": [{"field": "neuro_symptoms", "value": "pain_below_knee"}]})
    tracker = Tracker("after-outcome", slots, {"text": "no, it only goes to the back of the thigh",
                                               "intent": {"name": "inform", "confidence": 0.99}},
                      [], False, None, {}, "action_listen")
    events = asyncio.run(action[action_name]().run(CollectingDispatcher(), tracker, DOMAIN))
    assert {"event": "followup", "name": "action_correct"} in [{"event": e["event"], "name": e.get("name")} for e in events]


def test_pain_read_in_passing_and_denied_in_the_answer_to_its_own_question_is_taken_out():
    driver = FormDriver()

    def answers(field: str) -> str:
        return "a weird pain down the back of my leg, not past the knee" if field == "neuro_symptoms" else answer(field)

    result = driver.run("a burning spot where my leg and cheek meet, and weird pain radiating down my leg", answers)
    assert "pain_below_knee" not in result["findings"].get("neuro_symptoms", [])


def test_a_danger_sign_read_in_passing_is_kept_when_the_answer_to_its_question_denies_it():
    driver = FormDriver()

    asked_before = []

    def answers(field: str) -> str:  # denies the weak leg once, then keeps it when asked to be sure
        asked_before.append(field)
        return "no, not a weak leg" if field == "neuro_symptoms" and asked_before.count(field) == 1 else answer(field)

    result = driver.run("my sit bone hurts and my right leg keeps giving way under me", answers)
    assert "leg_weakness" in result["findings"].get("neuro_symptoms", [])
    assert WITHDRAW_CHECK in asked_before


def test_the_answer_to_a_list_question_takes_out_what_it_denies_but_never_a_danger_sign():
    from rasa_sdk import Tracker

    from actions.forms import ValidateAssessmentForm

    tracker = Tracker("merge", {"mentioned": {"neuro_symptoms": ["pain_below_knee", "leg_weakness"]}},
                      {"text": "not below the knee and my leg isn't weak"}, [], False, None, {}, "action_listen")
    assert ValidateAssessmentForm._merge_mentioned("neuro_symptoms", [], tracker) == ["leg_weakness"]


def test_an_outcome_asked_for_again_with_nothing_changed_makes_no_second_record():
    """A retried or repeated last answer that reaches the end of the form again after the
    outcome (two replicas, a duplicate delivery) says the advice stands and writes nothing."""
    driver = FormDriver()
    first = outcome(driver, "pain at my sit bone for 6 weeks, it came on gradually, worse when driving")
    reference = driver.slots["prescreen_reference"]
    events = driver._run(ActionAssess(), "")
    driver._apply(events)
    assert driver.slots["prescreen_reference"] == reference
    assert driver.slots["assessment"] == first
    assert not any(event.get("name") == "prescreen_reference" for event in events)
