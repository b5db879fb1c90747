"""The Rasa SDK actions, run with a real rasa-sdk Tracker and CollectingDispatcher."""
import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import AllSlotsReset, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import ActionAssess
from actions.conversation import (
    ActionAnswerQuestion, ActionAskStartOver, ActionDistress, ActionExplainQuestion, ActionFallback, ActionGoodbye,
    ActionOffTopic, ActionStartOver, ActionThank, ActionWelcome,
)
from actions.checkins import ActionStopCheckIns
from actions.handover import ActionAskForPerson
from actions.forms import (
    ASK_ACTIONS, ActionExtractFindings, ActionGoBack, AskToConfirmDangerSign, ValidateAssessmentForm,
)
from pht.state import needs_care_now
from pht.triage import load_knowledge
from pht.domain import read_domain

DOMAIN = read_domain()
FIELDS = load_knowledge().question_order

CLASSIC = {
    "pain_location": "sit_bone", "onset": "gradual", "duration_days": 42, "red_flags": [],
    "neuro_symptoms": [], "aggravators": ["sitting", "uphill_running"], "load_changes": ["more_hills"],
    "pain_score": 4, "morning_stiffness": True, "worse_next_day": True, "age": 34, "sport": "running",
}


def make_tracker(text="", slots=None, intent="inform", requested=None, form=True, events=None):
    all_slots = {field: None for field in FIELDS}
    all_slots.update({"mentioned": None, "corrected": None, "reask_count": None, "assessment": None,
                      "possible_signs": None, "danger_check": None, "screening_stopped": None,
                      "requested_slot": requested})
    all_slots.update(slots or {})
    return Tracker(
        sender_id="test-user",
        slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": "assessment_form"} if form else {},
        latest_action_name="action_listen",
    )


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def slot_events(events):
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def texts(messages):
    return [message.get("text") or "" for message in messages]


def validation_tracker(text, filled, requested, extracted, intent="inform"):
    """The tracker the form's validation action sees: extracted slots set after the form ran."""
    slots = {**filled, **extracted}
    events = [{"event": "action", "name": "assessment_form"}] + [
        SlotSet(name, value) for name, value in extracted.items()
    ]
    return make_tracker(text, slots=slots, intent=intent, requested=requested, events=events)


# --- reading every message ----------------------------------------------------------------

def test_the_first_message_fills_every_slot_it_mentions():
    tracker = make_tracker("pain at my sit bone for 6 weeks, worse sitting and driving, I'm 34 years old", form=False)
    _, events = run(ActionExtractFindings(), tracker)
    slots = slot_events(events)
    assert slots["pain_location"] == "sit_bone"
    assert slots["duration_days"] == 42
    assert slots["mentioned"] == {"aggravators": ["sitting", "driving"]}  # in passing: counts, not yet the whole answer
    assert slots["age"] == 34


def test_the_answer_to_the_question_asked_is_read_in_context():
    tracker = make_tracker("none of these", requested="neuro_symptoms")
    _, events = run(ActionExtractFindings(), tracker)
    assert slot_events(events) == {"neuro_symptoms": []}


def test_a_danger_sign_mentioned_in_passing_is_remembered_but_not_an_answer():
    tracker = make_tracker("it hurts at my sit bone and I've lost a stone without trying", requested="pain_location")
    _, events = run(ActionExtractFindings(), tracker)
    slots = slot_events(events)
    assert slots["pain_location"] == "sit_bone"
    assert "red_flags" not in slots  # the full safety question is still asked
    assert slots["mentioned"] == {"red_flags": ["weight_loss"]}


def test_new_list_values_add_to_earlier_ones():
    tracker = make_tracker("stretching too", slots={"aggravators": ["sitting"]}, requested="load_changes")
    _, events = run(ActionExtractFindings(), tracker)
    assert slot_events(events)["aggravators"] == ["sitting", "stretching"]


def test_an_intent_payload_carries_no_findings():
    _, events = run(ActionExtractFindings(), make_tracker("/restart"))
    assert events == []


# --- the form's questions --------------------------------------------------------------------

def test_an_answer_that_is_not_understood_is_asked_again_with_examples():
    tracker = validation_tracker("purple monkey dishwasher", CLASSIC | {"duration_days": None}, "duration_days", {})
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert "six weeks" in texts(messages)[0]
    assert slot_events(events)["reask_count"] == 1
    assert slot_events(events)["requested_slot"] == "duration_days"


@pytest.mark.parametrize("typed", ['/inform{"red_flags": []}', "/session_start", "/EXTERNAL_x", "/affirm@0.1"])
def test_a_typed_intent_payload_at_the_danger_sign_question_answers_nothing_and_is_not_counted(typed):
    # the Rasa server reads it as not understood (rasa_server/guards.py)
    tracker = validation_tracker(typed, CLASSIC | {"red_flags": None}, "red_flags", {"reask_count": 2},
                                 intent="nlu_fallback")
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert "didn't quite get that" in texts(messages)[0]
    assert slot_events(events).get("red_flags") is None and "reask_count" not in slot_events(events)
    assert slot_events(events)["requested_slot"] == "red_flags"  # the same question, again
    _, extracted = run(ActionExtractFindings(), make_tracker(typed, intent="nlu_fallback", requested="red_flags"))
    assert extracted == []


def test_why_do_you_ask_lets_the_form_step_aside():
    tracker = validation_tracker("why do you ask?", {}, "pain_location", {}, intent="ask_why")
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert messages == []
    assert set(slot_events(events)) <= {"requested_slot"}


def test_a_red_flag_ends_the_questions_at_once():
    tracker = validation_tracker("I can't control my bladder", {"pain_location": "sit_bone"}, "onset",
                                 {"mentioned": {"red_flags": ["bladder_bowel_change"]}})
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["requested_slot"] is None


def required_after(slots):
    tracker = make_tracker(slots=slots)
    form = ValidateAssessmentForm()
    return asyncio.run(form.required_slots(form.domain_slots(DOMAIN), CollectingDispatcher(), tracker, DOMAIN))


def test_injury_signs_are_asked_only_after_a_sudden_start():
    assert "injury_signs" in required_after({"onset": "sudden"})
    assert "injury_signs" not in required_after({"onset": "gradual"})


def test_questions_whose_answer_cannot_change_the_outcome_are_skipped():
    asked = required_after({"pain_location": "sit_bone", "onset": "gradual"})
    assert {"sport", "morning_stiffness", "worse_next_day"}.isdisjoint(asked)
    assert {"duration_days", "red_flags", "neuro_symptoms", "aggravators", "pain_score", "age"} <= set(asked)


def test_pain_and_age_are_skipped_once_an_assessment_is_needed_anyway():
    slots = {**CLASSIC, "duration_days": 120, "pain_score": None, "age": None}
    asked = required_after(slots)
    assert "pain_score" not in asked and "age" not in asked


def test_age_is_still_asked_after_a_sudden_start_at_the_sit_bone():
    slots = {**CLASSIC, "onset": "sudden", "injury_signs": [], "age": None}
    assert "age" in required_after(slots)  # under 18 it would be urgent


def test_answered_questions_stay_answered():
    assert "sport" in required_after({"sport": "running"})


def test_after_a_gradual_start_the_duration_comes_next():
    tracker = validation_tracker("slowly", {"pain_location": "sit_bone"}, "onset", {"onset": "gradual"})
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["requested_slot"] == "duration_days"


def test_red_flags_are_asked_even_when_one_was_mentioned_earlier():
    filled = {"pain_location": "sit_bone", "onset": "gradual", "mentioned": {"red_flags": ["night_pain"]}}
    tracker = validation_tracker("6 weeks", filled, "duration_days", {"duration_days": 42})
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["requested_slot"] == "red_flags"


def test_the_safety_answer_includes_what_was_mentioned_earlier():
    filled = {**CLASSIC, "red_flags": None, "mentioned": {"red_flags": ["night_pain"]}}
    tracker = validation_tracker("none of the others", filled, "red_flags", {"red_flags": []})
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["red_flags"] == ["night_pain"]


def test_not_sure_is_not_accepted_for_the_safety_question():
    tracker = validation_tracker("not sure", {"pain_location": "sit_bone"}, "red_flags", {"red_flags": "not_sure"})
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["red_flags"] is None
    assert any("safety" in text for text in texts(messages))


def test_not_sure_is_accepted_and_recorded_elsewhere():
    filled = {**CLASSIC, "morning_stiffness": None, "worse_next_day": None, "age": None, "sport": None}
    tracker = validation_tracker("not sure", filled, "morning_stiffness", {"morning_stiffness": "not_sure"})
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["morning_stiffness"] == "not_sure"
    assert slot_events(events)["requested_slot"] == "age"


def test_every_field_has_an_ask_action_with_buttons():
    assert set(ASK_ACTIONS) == set(FIELDS)
    messages, _ = run(ASK_ACTIONS["pain_location"](), make_tracker(requested="pain_location"))
    assert messages[0]["text"] == load_knowledge().fields["pain_location"]["question"]
    assert {"title": "Sit bone (lower buttock, where you sit)", "payload": "sit bone"} in messages[0]["buttons"]


def test_the_safety_question_says_what_was_already_mentioned():
    tracker = make_tracker(slots={"mentioned": {"red_flags": ["night_pain"]}}, requested="red_flags")
    messages, _ = run(ASK_ACTIONS["red_flags"](), tracker)
    assert "constant pain at night" in messages[0]["text"]


# --- the outcome -------------------------------------------------------------------------------

def test_the_outcome_sets_the_assessment_slot_and_explains_it():
    messages, events = run(ActionAssess(), make_tracker(slots=CLASSIC, form=False))
    result = slot_events(events)["assessment"]
    assert result["urgency"] == "routine"
    assert result["likelihood"] == "high"
    for key in ("likelihood", "urgency", "differentials", "reasons", "advice"):
        assert key in result
    joined = "\n".join(texts(messages))
    assert "fit PHT well" in joined
    assert "Break up sitting" in joined  # from their own aggravators
    assert "24 hours" in joined
    assert "Watch for changes" in joined


def test_an_emergency_outcome_gives_no_exercise_plan():
    slots = {"pain_location": "sit_bone", "mentioned": {"red_flags": ["saddle_numbness"]}}
    messages, events = run(ActionAssess(), make_tracker(slots=slots, form=False))
    assert slot_events(events)["assessment"]["urgency"] == "emergency"
    joined = "\n".join(texts(messages))
    assert "emergency" in joined.lower()
    assert "What you can do now" not in joined


def test_unsure_answers_are_listed_in_the_assessment():
    slots = {**CLASSIC, "morning_stiffness": "not_sure"}
    _, events = run(ActionAssess(), make_tracker(slots=slots, form=False))
    result = slot_events(events)["assessment"]
    assert result["unsure"] == ["morning_stiffness"]
    assert result["skipped"] == ["trend", "morning_stiffness"]  # unknown, and could not change the outcome
    assert "morning_stiffness" not in result["findings"]


# --- opening, why, start over, fallback ------------------------------------------------------

def test_the_welcome_has_a_safety_notice_and_asks_consent():
    messages, events = run(ActionWelcome(), make_tracker("hi", intent="greet", form=False))
    assert messages[0]["response"] == "utter_welcome"
    welcome = DOMAIN["responses"]["utter_welcome"][0]["text"]
    assert "not a substitute" in welcome and "emergency number" in welcome
    assert any(message.get("response") == "utter_ask_consent" for message in messages)
    assert events == []


def test_the_welcome_restates_what_was_understood():
    slots = {"pain_location": "sit_bone", "duration_days": 42}
    messages, _ = run(ActionWelcome(), make_tracker(slots=slots, form=False))
    assert any("sit bone" in text and "for about 6 weeks" in text for text in texts(messages))


def test_a_red_flag_in_the_first_message_skips_straight_to_emergency_advice():
    slots = {"mentioned": {"red_flags": ["bladder_bowel_change"]}}
    messages, events = run(ActionWelcome(), make_tracker(slots=slots, form=False))
    assert slot_events(events)["assessment"]["urgency"] == "emergency"
    assert not any(message.get("response") == "utter_ask_consent" for message in messages)


def test_why_do_you_ask_explains_the_current_question():
    messages, _ = run(ActionExplainQuestion(), make_tracker(requested="red_flags"))
    assert messages[0]["text"] == load_knowledge().fields["red_flags"]["why"]


def test_start_again_is_asked_before_anything_is_cleared():
    messages, events = run(ActionAskStartOver(), make_tracker("start again", slots=CLASSIC, intent="start_over"))
    assert [message["response"] for message in messages] == ["utter_ask_start_over"]
    assert AllSlotsReset() not in events and slot_events(events)["start_over_asked"] == {"during_questions": True}


def test_yes_to_start_again_clears_every_answer_and_opens_again():
    _, events = run(ActionStartOver(), make_tracker("yes", slots=CLASSIC, intent="affirm", form=False))
    assert AllSlotsReset() in events and FollowupAction("action_welcome") in events


@pytest.mark.parametrize("text, intent", [("no, carry on", "deny"), ("no", "affirm"), ("go back", "go_back"),
                                          ("my back hurts", "inform"), ("not sure", "affirm")])
def test_anything_but_yes_to_start_again_keeps_the_answers_and_asks_the_same_question(text, intent):
    """The action reads the yes itself: the intent alone never clears the answers."""
    slots = {**CLASSIC, "start_over_asked": {"during_questions": True}}
    messages, events = run(ActionStartOver(), make_tracker(text, slots=slots, intent=intent, form=False))
    assert AllSlotsReset() not in events
    assert FollowupAction("assessment_form") in events
    assert [message["response"] for message in messages] == ["utter_start_over_cancelled"]


def test_no_to_start_again_after_the_outcome_keeps_it_and_asks_nothing():
    slots = {**CLASSIC, "assessment": {"urgency": "routine"}, "start_over_asked": {"during_questions": False}}
    _, events = run(ActionStartOver(), make_tracker("no", slots=slots, intent="deny", form=False))
    assert AllSlotsReset() not in events and FollowupAction("action_listen") in events


def test_after_an_urgent_outcome_any_message_repeats_where_to_go():
    urgent = {"urgency": "urgent", "care": {"headline": "Please see a doctor within 24 hours.", "where": "Call your GP."}}
    messages, events = run(ActionFallback(), make_tracker("ok and then?", slots={"assessment": urgent}, form=False))
    assert "within 24 hours" in texts(messages)[0]
    assert UserUtteranceReverted() in events


def test_the_fallback_offers_a_way_forward():
    messages, _ = run(ActionFallback(), make_tracker("blah", form=False))
    assert messages[0]["response"] == "utter_default"


# --- repair: corrections, vague answers, repeated trouble, going back ---------------------------

def test_a_correction_updates_the_answer_and_the_form_says_so():
    tracker = make_tracker("actually it's been three months", slots={"duration_days": 42}, requested="red_flags")
    _, events = run(ActionExtractFindings(), tracker)
    assert slot_events(events)["duration_days"] == 90
    assert slot_events(events)["corrected"] == {"duration_days": 90}
    filled = {**CLASSIC, "red_flags": None, "corrected": {"duration_days": 90}}
    tracker = validation_tracker("actually it's been three months", filled, "red_flags", {"duration_days": 90})
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert "changed" in texts(messages)[0] and "for about 3 months" in texts(messages)[0]
    assert slot_events(events)["corrected"] is None
    assert not any("didn't quite get" in text for text in texts(messages))


def test_a_passing_mention_does_not_overwrite_an_answer():
    tracker = make_tracker("it hurts for a few weeks after a long run", slots={"duration_days": 120}, requested="aggravators")
    _, events = run(ActionExtractFindings(), tracker)
    assert "duration_days" not in slot_events(events)


def test_a_vague_date_gets_a_follow_up_not_a_guess():
    tracker = validation_tracker("since Easter", {"pain_location": "sit_bone", "onset": "gradual"}, "duration_days", {})
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert "Roughly how long ago" in texts(messages)[0]
    assert slot_events(events)["duration_days"] is None


def test_a_second_unusable_answer_leaves_an_ordinary_question_as_not_known_and_goes_on():
    filled = {"pain_location": "sit_bone", "onset": "gradual", "reask_count": 1}
    messages, events = run(ValidateAssessmentForm(), validation_tracker("blah blah", filled, "duration_days", {}))
    assert [message.get("response") for message in messages] == ["utter_question_skipped"]
    assert slot_events(events)["duration_days"] == "not_sure" and slot_events(events)["reask_count"] == 0
    messages, events = run(ValidateAssessmentForm(), validation_tracker("blah blah", {**filled, "reask_count": 0},
                                                                        "duration_days", {}))
    assert not any(message.get("response") == "utter_question_skipped" for message in messages)
    assert slot_events(events)["reask_count"] == 1 and slot_events(events)["duration_days"] is None


def one_by_one(field="red_flags", answered=()):
    """The possible signs while the screen `field` is asked one sign at a time, `answered` the
    (value, answer) pairs so far."""
    done = dict(answered)
    return [{"field": field, "value": value, "answer": done.get(value), "was_the_answer": False, "one_by_one": True}
            for value in load_knowledge().values(field) if value != "chest_symptoms"]


def test_after_two_unusable_answers_to_a_one_sign_question_a_person_to_talk_to_is_offered():
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 30, "reask_count": 1,
              "possible_signs": one_by_one()}
    messages, events = run(ValidateAssessmentForm(), validation_tracker("blah blah", filled, "danger_check", {}))
    assert any("talk to a person" in text for text in texts(messages))
    assert slot_events(events)["reask_count"] == 2 and not slot_events(events).get("screening_stopped")


def test_an_answer_that_tells_something_else_twice_does_not_get_the_question_a_third_time():
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 30, "red_flags": [],
              "neuro_symptoms": [], "reask_count": 1}
    tracker = validation_tracker("I'm 45", filled, "aggravators", {"age": 45})
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["age"] == 45 and slot_events(events)["aggravators"] == "not_sure"
    assert [message.get("response") for message in messages] == ["utter_question_skipped"]


def test_off_topic_messages_during_the_questions_count_as_not_understood():
    tracker = make_tracker("qwerty banana", slots={"reask_count": 0}, intent="out_of_scope", requested="onset")
    messages, events = run(ActionOffTopic(), tracker)
    assert messages[0]["response"] == "utter_out_of_scope"
    assert slot_events(events) == {"reask_count": 1}
    slots = {"reask_count": 1, "possible_signs": one_by_one()}
    tracker = make_tracker("qwerty banana", slots=slots, intent="out_of_scope", requested="danger_check")
    messages, events = run(ActionOffTopic(), tracker)
    assert any("talk to a person" in text for text in texts(messages))
    assert slot_events(events) == {"reask_count": 2}


def test_an_off_topic_answer_to_a_safety_screen_asks_it_one_sign_at_a_time():
    tracker = make_tracker("qwerty banana", slots={"reask_count": 0}, intent="out_of_scope", requested="red_flags")
    messages, events = run(ActionOffTopic(), tracker)
    assert "one at a time" in texts(messages)[1]
    queued = slot_events(events)["possible_signs"]
    assert [sign["value"] for sign in queued] == [sign["value"] for sign in one_by_one()]


def test_off_topic_before_the_questions_gets_only_the_short_answer():
    messages, events = run(ActionOffTopic(), make_tracker("tell me a joke", intent="out_of_scope", form=False))
    assert [message["response"] for message in messages] == ["utter_out_of_scope"] and events == []


@pytest.mark.parametrize("action, intent", [(ActionOffTopic(), "out_of_scope"), (ActionAnswerQuestion(), "faq")])
@pytest.mark.parametrize("text", ["any advice?", "Help!", "what should I do?"])
def test_a_plain_request_for_help_before_the_questions_gets_the_welcome(action, intent, text):
    messages, events = run(action, make_tracker(text, intent=intent, form=False))
    assert messages == [] and events == [FollowupAction("action_welcome")]


def told_just_now(text, intent, **slots):
    """A first message whose reading set `slots` this turn (the tracker's events after it)."""
    events = [{"event": "user", "text": text}] + [{"event": "slot", "name": name, "value": value}
                                                    for name, value in slots.items()]
    return make_tracker(text, slots=slots, intent=intent, form=False, events=events)


@pytest.mark.parametrize("action, intent, text, slots", [
    (ActionGoodbye(), "goodbye", "a few days later, my leg was still swollen", {"mentioned": {"red_flags": ["calf_swelling"]}}),
    (ActionGoodbye(), "goodbye", "night time is the worst, it's unrelenting",
     {"possible_signs": [{"field": "red_flags", "value": "night_pain", "answer": None}]}),
    (ActionThank(), "thank", "waking up in pain every day", {}),
    (ActionAskStartOver(), "start_over", "the stream is just a dribble now and it takes ages to start",
     {"mentioned": {"red_flags": ["bladder_bowel_change"]}}),
    (ActionStopCheckIns(), "stop", "I'm not getting morning erections any more since this began",
     {"mentioned": {"red_flags": ["sexual_dysfunction"]}}),
    (ActionAskForPerson(), "ask_for_person", "I can't get an erection",
     {"possible_signs": [{"field": "red_flags", "value": "sexual_dysfunction", "answer": None}]}),
    (ActionExplainQuestion(), "ask_why", "Ange was impressed that I was losing so much weight",
     {"mentioned": {"red_flags": ["weight_loss"]}}),
    (ActionOffTopic(), "out_of_scope", "my bowel habits are a bit weird lately",
     {"possible_signs": [{"field": "red_flags", "value": "bladder_bowel_change", "answer": None}]}),
    # r049, told asking for help: nothing read, but it tells of the complaint ("suffered", "bruising")
    (ActionOffTopic(), "out_of_scope", "I don't think I suffered from numbness, but I definitely suffered from "
                                       "bruising at the back of my sit bones area. Any ideas?", {}),
    # a first-person account the reader found nothing in and the classifier knew nothing of
    (ActionFallback(), "nlu_fallback", "Last spring my coach had me doing heavy deadlifts twice a week and by the "
                                       "summer I could not sit through a film at the cinema", {}),
])
def test_a_story_taken_for_a_pleasantry_or_a_command_gets_the_welcome_not_its_reply(action, intent, text, slots):
    messages, events = run(action, told_just_now(text, intent, **slots))
    assert messages == [] and events == [FollowupAction("action_welcome")]


def test_a_goodbye_or_a_thank_you_without_its_words_is_not_understood_rather_than_answered():
    messages, _ = run(ActionGoodbye(), told_just_now("I am so scared that I may have MS", "goodbye"))
    assert [message["response"] for message in messages] == ["utter_default"]


@pytest.mark.parametrize("action, intent, text", [
    (ActionGoodbye(), "goodbye", "Actually I've changed my mind, I'll speak to my GP on Monday instead of doing this now"),
    (ActionAskForPerson(), "ask_for_person",
     "I'm not comfortable typing my symptoms into a chatbot and would prefer a proper appointment with the clinic"),
])
def test_a_long_goodbye_or_request_for_a_person_that_tells_no_pain_is_no_story(action, intent, text):
    assert FollowupAction("action_welcome") not in run(action, told_just_now(text, intent))[1]


def test_a_goodbye_a_thank_you_and_a_request_for_a_person_still_get_their_reply():
    assert run(ActionGoodbye(), told_just_now("bye for now", "goodbye"))[0][0]["response"] == "utter_goodbye"
    assert run(ActionThank(), told_just_now("thanks a lot", "thank"))[0][0]["response"] == "utter_you_are_welcome"
    asked = told_just_now("my sit bone hurts, can I talk to a person?", "ask_for_person", pain_location="sit_bone")
    assert FollowupAction("action_welcome") not in run(ActionAskForPerson(), asked)[1]


def test_go_back_clears_the_previous_answer():
    tracker = make_tracker("go back", slots={"pain_location": "sit_bone", "onset": "gradual"}, intent="go_back",
                           requested="duration_days")
    _, events = run(ActionGoBack(), tracker)
    assert slot_events(events) == {"onset": None, "requested_slot": None}


def test_go_back_at_the_first_question_says_so():
    messages, events = run(ActionGoBack(), make_tracker("go back", intent="go_back", requested="pain_location"))
    assert events == [] and messages[0]["response"] == "utter_nothing_to_go_back_to"


def test_an_answer_the_nlu_took_for_a_command_still_counts():
    tracker = make_tracker("about twenty days", intent="stop", requested="duration_days")
    _, events = run(ActionExtractFindings(), tracker)
    assert slot_events(events) == {"duration_days": 20}


def test_a_question_is_not_read_as_an_answer():
    tracker = make_tracker("can I keep running with this?", intent="faq", requested="aggravators")
    _, events = run(ActionExtractFindings(), tracker)
    assert slot_events(events) == {}


def test_a_danger_sign_inside_a_question_is_always_read():
    tracker = make_tracker("is it bad that I can't control my bladder?", intent="faq", requested="aggravators")
    _, events = run(ActionExtractFindings(), tracker)
    assert slot_events(events)["mentioned"] == {"red_flags": ["bladder_bowel_change"]}


# --- policy v2: possible danger signs get one confirming question ------------------------------

def sign(value, answer=None, field="red_flags"):
    return {"field": field, "value": value, "answer": answer, "was_the_answer": False}


def test_a_possible_danger_sign_is_kept_apart_and_not_counted_yet():
    tracker = make_tracker("it's at my sit bone and it hurts at night", requested="pain_location")
    _, events = run(ActionExtractFindings(), tracker)
    slots = slot_events(events)
    assert slots["possible_signs"] == [sign("night_pain")]
    assert "mentioned" not in slots and "red_flags" not in slots


def test_the_confirming_question_comes_next_and_names_the_sign():
    slots = {"pain_location": "sit_bone", "possible_signs": [sign("leg_weakness", field="neuro_symptoms")]}
    assert required_after(slots)[0] == "danger_check"
    messages, _ = run(AskToConfirmDangerSign(), make_tracker(slots=slots, requested="danger_check"))
    assert "give way" in messages[0]["text"] and "tiptoe" in messages[0]["text"]
    assert [button["title"] for button in messages[0]["buttons"]] == ["Yes", "No", "Not sure"]


def test_a_sign_asked_again_after_an_answer_about_something_else_says_that_unclear_counts_as_yes():
    # "about 6 weeks" to "do you have new trouble walking?": asked once more, and the person
    # is told that an unclear answer then counts as the sign (policy v3, err safe)
    slots = {"pain_location": "sit_bone", "possible_signs": [sign("leg_weakness", field="neuro_symptoms")]}
    _, events = run(ActionExtractFindings(), make_tracker("about 6 weeks", slots=slots, requested="danger_check"))
    again = slot_events(events)["possible_signs"]
    assert again[0]["answer"] is None and again[0]["asked_again"]
    messages, _ = run(AskToConfirmDangerSign(), make_tracker(slots={**slots, "possible_signs": again}, requested="danger_check"))
    assert "count it as a yes" in messages[0]["text"]
    assert "give way" in messages[1]["text"]
    first, _ = run(AskToConfirmDangerSign(), make_tracker(slots=slots, requested="danger_check"))
    assert "count it as a yes" not in first[0]["text"]


@pytest.mark.parametrize("answer, recorded, counts", [
    ("no", "no", False), ("nope, it doesn't give way", "no", False),
    ("yes", "yes", True), ("not sure", "unclear", True), ("hmm maybe sometimes??", "unclear", True),
])
def test_the_answer_to_the_confirming_question_decides_and_unclear_escalates_as_unsure(answer, recorded, counts):
    slots = {"pain_location": "sit_bone", "possible_signs": [sign("leg_weakness", field="neuro_symptoms")]}
    _, events = run(ActionExtractFindings(), make_tracker(answer, slots=slots, requested="danger_check"))
    signs = slot_events(events)["possible_signs"]
    assert signs[0]["answer"] == recorded
    assert needs_care_now({**slots, "possible_signs": signs}) is counts  # leg weakness is urgent


def test_why_do_you_ask_leaves_the_confirming_question_open():
    slots = {"possible_signs": [sign("both_legs")]}
    _, events = run(ActionExtractFindings(), make_tracker("why do you ask?", slots=slots, intent="ask_why",
                                                          requested="danger_check"))
    assert "possible_signs" not in slot_events(events)


def test_a_sign_ruled_out_is_never_asked_about_again():
    slots = {"possible_signs": [sign("night_pain", "no")]}
    _, events = run(ActionExtractFindings(), make_tracker("it still hurts at night", slots=slots, requested="aggravators"))
    assert "possible_signs" not in slot_events(events)
    assert "danger_check" not in required_after(slots)


def test_after_the_confirming_answer_the_slot_is_free_for_the_next_sign():
    slots = {"pain_location": "sit_bone", "possible_signs": [sign("night_pain", "no"), sign("both_legs")]}
    tracker = validation_tracker("no", slots, "danger_check", {"danger_check": "no"})
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["danger_check"] is None
    assert slot_events(events)["requested_slot"] == "danger_check"  # the next one, both legs


def test_a_clear_statement_in_the_same_message_needs_no_confirming_question():
    _, events = run(ActionExtractFindings(), make_tracker("both legs are numb and it's on both sides", form=False))
    slots = slot_events(events)
    assert slots["mentioned"] == {"red_flags": ["both_legs"]}
    assert "possible_signs" not in slots


# --- lists answered in passing, safety questions that get no usable answer ------------------------

def test_a_list_mentioned_in_passing_gets_an_anything_else_question_with_the_mentions_noted():
    slots = {**CLASSIC, "aggravators": None, "load_changes": None, "mentioned": {"aggravators": ["sitting"]}}
    assert "aggravators" in required_after(slots)
    messages, _ = run(ASK_ACTIONS["aggravators"](), make_tracker(slots=slots, requested="aggravators"))
    assert "already mentioned sitting" in messages[0]["text"]
    assert messages[1]["text"].startswith("Anything else that makes it worse, like ")
    assert "sit bone" not in [button["payload"] for button in messages[1]["buttons"]]
    assert "sitting" not in [button["payload"] for button in messages[1]["buttons"]]


def test_the_anything_else_answer_keeps_the_passing_mentions():
    filled = {**CLASSIC, "aggravators": None, "mentioned": {"aggravators": ["sitting"]}}
    tracker = validation_tracker("stretching too", filled, "aggravators", {"aggravators": ["stretching"]})
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["aggravators"] == ["sitting", "stretching"]


@pytest.mark.parametrize("reask_count, stops", [(1, False), (2, True)])
def test_a_one_sign_safety_question_is_not_asked_endlessly(reask_count, stops):
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 40, "reask_count": reask_count,
              "possible_signs": one_by_one(answered=[("saddle_numbness", "no")])}
    tracker = validation_tracker("purple monkey", filled, "danger_check", {})
    messages, events = run(ValidateAssessmentForm(), tracker)
    slots = slot_events(events)
    assert bool(slots.get("screening_stopped")) is stops
    assert any("in person" in text for text in texts(messages)) is stops
    if stops:
        assert slots["requested_slot"] is None  # the form ends and the outcome follows
        assert slots["screening_stopped"]["field"] == "red_flags"
        assert [sign["value"] for sign in slots["possible_signs"]] == ["saddle_numbness"]  # the rest: not asked


def test_the_first_unusable_answer_to_a_safety_screen_asks_it_one_sign_at_a_time():
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 40}
    messages, events = run(ValidateAssessmentForm(), validation_tracker("purple monkey", filled, "red_flags", {}))
    slots = slot_events(events)
    assert "one at a time" in " ".join(texts(messages)) and "didn't quite get" not in " ".join(texts(messages))
    assert slots["red_flags"] is None and not slots.get("screening_stopped") and slots["reask_count"] == 0
    assert slots["requested_slot"] == "danger_check"
    assert [sign["value"] for sign in slots["possible_signs"]][:2] == ["saddle_numbness", "bladder_bowel_change"]


def test_the_assessment_records_why_a_safety_question_was_left_to_a_professional():
    stopped = {"field": "red_flags", "unusable_answers": 3, "why": "no usable answer"}
    slots = {"pain_location": "sit_bone", "onset": "gradual", "screening_stopped": stopped}
    messages, events = run(ActionAssess(), make_tracker(slots=slots, form=False))
    result = slot_events(events)["assessment"]
    assert result["screening_stopped"] == stopped
    assert result["complete"] is False


# --- distress and after the outcome ---------------------------------------------------------------

def test_the_distress_reply_is_kind_gives_the_crisis_contacts_and_offers_to_go_on():
    messages, events = run(ActionDistress(), make_tracker("I want to end it all", intent="distress", form=False))
    reply = messages[0]["text"]
    assert reply.startswith("I'm really sorry")
    assert "116 123" in reply and "988" in reply and "emergency number" in reply
    assert messages[1]["response"] == "utter_distress_offer_to_go_on"
    assert events == []  # the answers so far are kept


def test_crisis_contacts_come_from_the_clinics_settings(monkeypatch):
    from actions import conversation

    monkeypatch.setattr(conversation, "load_settings", lambda: {"crisis_contacts": ["Lifeline Australia: 13 11 14"]})
    messages, _ = run(ActionDistress(), make_tracker("I feel suicidal", intent="distress", form=False))
    assert "13 11 14" in messages[0]["text"] and "116 123" not in messages[0]["text"]


# --- a place read from a story is confirmed when the fit depends on it -------------------------

def test_a_place_read_in_passing_that_fits_pht_less_well_is_kept_to_confirm():
    _, events = run(ActionExtractFindings(), make_tracker("the middle of the back of my thigh has been sore for weeks when I sit", form=False))
    slots = slot_events(events)
    assert "pain_location" not in slots
    assert slots["mentioned"]["pain_location"] == "mid_hamstring"


def test_the_sit_bone_read_in_passing_needs_no_confirmation():
    _, events = run(ActionExtractFindings(), make_tracker("my sit bone has been sore for weeks", form=False))
    assert slot_events(events)["pain_location"] == "sit_bone"


def test_the_place_to_confirm_is_asked_about_by_name_with_its_button_first():
    slots = {"mentioned": {"pain_location": "mid_hamstring"}}
    assert required_after(slots)[0] == "pain_location"
    messages, _ = run(ASK_ACTIONS["pain_location"](), make_tracker(slots=slots, requested="pain_location"))
    assert messages[0]["text"].startswith("You mentioned pain here: middle of the back of the thigh.")
    assert messages[0]["buttons"][0]["title"] == "Middle of the back of the thigh"


@pytest.mark.parametrize("answer, place", [("yes", "mid_hamstring"), ("no, it's right at the top, under my bum cheek",
                                                                       "upper_hamstring")])
def test_the_confirmation_answer_sets_the_place(answer, place):
    slots = {"mentioned": {"pain_location": "mid_hamstring"}}
    _, events = run(ActionExtractFindings(), make_tracker(answer, slots=slots, requested="pain_location"))
    assert slot_events(events)["pain_location"] == place


# --- a start or a length read from a story is confirmed when the urgency depends on it -------

@pytest.mark.parametrize("story, field, held", [
    ("I felt a sudden sharp pain at my sit bone sprinting last week", "onset", "sudden"),
    ("my sit bone has hurt for three years whenever I sit", "duration_days", 1095),
    # a length of time among other times of a story, or told roughly, is confirmed whenever
    # another answer would change the urgency
    ("A year ago I was sweeping a lot. Within the last week my sit bone hurts when I sit", "duration_days", 7),
    ("my sit bone has hurt for a few weeks whenever I sit", "duration_days", 21),
])
def test_a_value_read_from_a_story_that_the_urgency_depends_on_is_kept_to_confirm(story, field, held):
    _, events = run(ActionExtractFindings(), make_tracker(story, form=False))
    slots = slot_events(events)
    assert field not in slots
    assert slots["mentioned"][field] == held


@pytest.mark.parametrize("story, field, taken", [
    ("my sit bone pain crept up slowly over a few weeks", "onset", "gradual"),
    ("my sit bone has hurt for six weeks, and it goes down into my calf", "duration_days", 42),
    ("my sit bone has hurt for six weeks whenever I sit", "duration_days", 42),  # told plainly
])
def test_a_value_that_changes_no_urgency_is_taken_as_told(story, field, taken):
    _, events = run(ActionExtractFindings(), make_tracker(story, form=False))
    assert slot_events(events)[field] == taken


def test_a_value_held_to_confirm_counts_until_then_so_no_danger_sign_waits_for_it():
    _, events = run(ActionExtractFindings(), make_tracker("sprinting, I felt a sudden pop at my sit bone", form=False))
    slots = slot_events(events)
    assert slots["mentioned"]["onset"] == "sudden"
    assert needs_care_now(slots)  # a sudden start with a pop: a suspected avulsion, urgent at once


def test_the_start_to_confirm_is_asked_about_by_name_with_its_button_first():
    slots = {"pain_location": "sit_bone", "mentioned": {"onset": "sudden"}}
    assert "onset" in required_after(slots)
    messages, _ = run(ASK_ACTIONS["onset"](), make_tracker(slots=slots, requested="onset"))
    assert messages[0]["text"].startswith("You mentioned it started suddenly. Is that right")
    assert messages[0]["buttons"][0]["title"] == "Suddenly"


def test_the_length_to_confirm_is_said_in_words_with_its_own_button_first():
    slots = {"pain_location": "sit_bone", "onset": "gradual", "mentioned": {"duration_days": 1095}}
    messages, _ = run(ASK_ACTIONS["duration_days"](), make_tracker(slots=slots, requested="duration_days"))
    assert messages[0]["text"].startswith("You mentioned it has lasted about 3 years. Is that right?")
    assert messages[0]["buttons"][0] == {"title": "About 3 years", "payload": "1095 days"}
    assert [button["title"] for button in messages[0]["buttons"][1:]] == [
        "Less than 2 weeks", "2 to 6 weeks", "6 weeks to 3 months", "More than 3 months"]


@pytest.mark.parametrize("field, held, answer, value", [
    ("onset", "sudden", "yes", "sudden"),
    ("onset", "sudden", "no, it crept up over a few weeks", "gradual"),
    ("duration_days", 1095, "yes, that's right", 1095),
    ("duration_days", 1095, "no, only about 3 weeks", 21),
])
def test_the_confirming_answer_sets_the_value(field, held, answer, value):
    slots = {"pain_location": "sit_bone", "mentioned": {field: held}}
    _, events = run(ActionExtractFindings(), make_tracker(answer, slots=slots, requested=field))
    assert slot_events(events)[field] == value


def test_a_held_value_still_counts_when_its_question_gets_no_usable_answer():
    from pht.state import NOT_SURE, findings_from_slots
    slots = {"pain_location": "upper_hamstring", "onset": NOT_SURE, "mentioned": {"onset": "sudden"}}
    assert findings_from_slots(slots)["onset"] == "sudden"
    assert "injury_signs" in required_after(slots)  # the questions about the injury are still asked


@pytest.mark.parametrize("extracted, counted", [({"mentioned": {"aggravators": ["sitting"]}}, 1), (
    {"possible_signs": [{"field": "red_flags", "value": "night_pain", "answer": None}]}, 1)])
def test_something_said_in_passing_is_no_misunderstanding(extracted, counted):
    """The question is asked again without "sorry", but counted, so that it is not asked a
    third time; a danger sign to confirm comes first, and the question it interrupted, not
    answered, still counts (a story told again as the answer asked it a third time)."""
    tracker = validation_tracker("it hurts when I sit", {"pain_location": "sit_bone"}, "onset", extracted)
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert not any("didn't quite get" in text for text in texts(messages))
    assert slot_events(events).get("reask_count") == counted


def test_the_form_steps_aside_for_distress_even_when_the_message_also_answers():
    tracker = validation_tracker("six weeks, and I want to end it all", {"pain_location": "sit_bone", "onset": "gradual"},
                                 "duration_days", {"duration_days": 42}, intent="distress")
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert messages == [] and set(slot_events(events)) <= {"requested_slot"}


def test_a_danger_sign_the_classifier_alone_called_distress_gets_the_emergency_advice():
    # the Rasa server gives it the classifier's next intent (tests/test_distress.py): an answer
    tracker = validation_tracker("I can't feel it when I wipe", {"pain_location": "sit_bone"}, "onset",
                                 {"mentioned": {"red_flags": ["saddle_numbness"]}}, intent="inform")
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["requested_slot"] is None  # the form ends for the outcome, it does not step aside


def test_distress_with_a_danger_sign_gets_both_the_crisis_contacts_and_the_emergency_advice():
    slots = {"mentioned": {"red_flags": ["bladder_bowel_change"]}}
    messages, events = run(ActionDistress(), make_tracker("I've wet myself and I want to end it all", slots=slots,
                                                         intent="distress", form=False))
    assert "116 123" in texts(messages)[0]
    assert slot_events(events)["assessment"]["urgency"] == "emergency"


# --- staff mode comes from the staff channel only (issue 18) --------------------------------------

def on_channel(tracker, sender: str, channel: str):
    tracker.sender_id = sender
    tracker.events = [{"event": "user", "text": "hi", "input_channel": channel, "metadata": {"staff_user": "alice"}}]
    return tracker


@pytest.mark.parametrize("sender, channel", [("web:abc", "socketio"), ("rest:me", "rest"), ("staff:forged", "rest"),
                                             ("rest:x", "staff")])
def test_the_staff_sentence_on_any_other_channel_points_to_the_reception_page(sender, channel):
    from actions.prescreen import ActionStaffMode

    tracker = on_channel(make_tracker("I'm at reception with a patient", intent="staff_mode", form=False),
                         sender, channel)
    messages, events = run(ActionStaffMode(), tracker)
    assert [message["response"] for message in messages] == ["utter_staff_mode_reception_only", "utter_ask_consent"]
    assert events == []


def test_the_staff_sentence_during_the_questions_elsewhere_changes_nothing_and_the_questions_go_on():
    from actions.prescreen import ActionStaffMode

    tracker = on_channel(make_tracker("I'm at reception with a patient", intent="staff_mode"), "web:abc", "socketio")
    messages, events = run(ActionStaffMode(), tracker)
    assert [message["response"] for message in messages] == ["utter_staff_mode_reception_only"] and events == []


def test_a_conversation_on_the_staff_channel_opens_in_staff_mode():
    tracker = on_channel(make_tracker("/greet", intent="greet", form=False),
                         "staff:0b8a4d52-1f8e-4c55-9d0b-7b7e2f5e3c11", "staff")
    messages, events = run(ActionWelcome(), tracker)
    assert [message["response"] for message in messages] == ["utter_staff_mode", "utter_ask_staff_consent"]
    assert slot_events(events) == {"staff_entered": True}


def test_the_welcome_elsewhere_is_the_persons_own():
    tracker = on_channel(make_tracker("hi", intent="greet", form=False), "web:abc", "socketio")
    messages, events = run(ActionWelcome(), tracker)
    assert [message["response"] for message in messages] == ["utter_welcome", "utter_ask_consent"] and events == []


# --- policy v3: unsure cauda equina signs, danger signs that do not end the questions ------------

def test_a_cauda_equina_sign_answered_not_sure_gets_one_reask_in_the_warning_cards_concrete_words():
    slots = {"pain_location": "sit_bone", "possible_signs": [sign("saddle_numbness")]}
    _, events = run(ActionExtractFindings(), make_tracker("not sure", slots=slots, requested="danger_check"))
    signs = slot_events(events)["possible_signs"]
    assert signs[0]["answer"] is None and signs[0]["reasked"] is True
    reasked = {**slots, "possible_signs": signs}
    assert required_after(reasked)[0] == "danger_check"
    messages, _ = run(AskToConfirmDangerSign(), make_tracker(slots=reasked, requested="danger_check"))
    assert messages[0]["text"] == "When you wipe after the toilet, does it feel normal on both sides?"


def test_not_sure_twice_to_a_saddle_question_is_urgent_today_and_recorded_unsure():
    reasked = {**CLASSIC, "possible_signs": [{**sign("saddle_numbness"), "reasked": True}]}
    _, events = run(ActionExtractFindings(), make_tracker("I'm really not sure", slots=reasked, requested="danger_check"))
    signs = slot_events(events)["possible_signs"]
    assert signs[0]["answer"] == "unsure"
    messages, events = run(ActionAssess(), make_tracker(slots={**reasked, "possible_signs": signs}, form=False))
    result = slot_events(events)["assessment"]
    assert result["urgency"] == "urgent" and result["today"] is True
    assert result["screens"]["red_flags"]["items"]["saddle_numbness"] == "unsure"
    assert "today" in texts(messages)[0]


def test_not_sure_twice_to_a_saddle_question_with_leg_weakness_is_an_emergency():
    slots = {**CLASSIC, "neuro_symptoms": ["leg_weakness"],
             "possible_signs": [{**sign("saddle_numbness"), "reasked": True, "answer": "unsure"}]}
    _, events = run(ActionAssess(), make_tracker(slots=slots, form=False))
    assert slot_events(events)["assessment"]["urgency"] == "emergency"


@pytest.mark.parametrize("answer, recorded", [("yes", "no"), ("no", "yes")])
def test_the_concrete_reask_is_read_the_right_way_round(answer, recorded):
    reasked = {"possible_signs": [{**sign("saddle_numbness"), "reasked": True}]}
    _, events = run(ActionExtractFindings(), make_tracker(answer, slots=reasked, requested="danger_check"))
    assert slot_events(events)["possible_signs"][0]["answer"] == recorded


def test_erection_trouble_with_normal_feeling_does_not_end_the_questions_before_the_cauda_equina_ones():
    slots = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 30,
             "mentioned": {"red_flags": ["sexual_dysfunction"]}}
    assert needs_care_now(slots)
    required = required_after(slots)
    assert "red_flags" in required and "neuro_symptoms" in required and "trend" in required
    assert "aggravators" not in required and "sport" not in required


def test_an_emergency_sign_still_ends_the_questions_at_once():
    assert required_after({"pain_location": "sit_bone", "mentioned": {"red_flags": ["saddle_numbness"]}}) == []


def test_a_swollen_calf_is_followed_by_the_chest_question_and_together_they_are_an_emergency():
    tracker = make_tracker("my calf is swollen and hot", slots={"pain_location": "sit_bone"}, requested="red_flags")
    _, events = run(ActionExtractFindings(), tracker)
    signs = slot_events(events)["possible_signs"]
    assert [(s["field"], s["value"]) for s in signs] == [("red_flags", "chest_symptoms")]
    slots = {"pain_location": "sit_bone", "red_flags": ["calf_swelling"], "possible_signs": signs}
    assert required_after(slots)[0] == "danger_check"
    messages, _ = run(AskToConfirmDangerSign(), make_tracker(slots=slots, requested="danger_check"))
    assert "breathless" in messages[0]["text"] and "chest pain" in messages[0]["text"]
    _, events = run(ActionExtractFindings(), make_tracker("yes", slots=slots, requested="danger_check"))
    answered = {**slots, "possible_signs": slot_events(events)["possible_signs"]}
    _, events = run(ActionAssess(), make_tracker(slots=answered, form=False))
    assert slot_events(events)["assessment"]["urgency_rules"] == ["clot_in_lungs"]


def test_a_cancer_history_is_followed_by_the_new_difficulty_walking_question():
    tracker = make_tracker("I had breast cancer five years ago", slots={"pain_location": "sit_bone"},
                           requested="red_flags")
    _, events = run(ActionExtractFindings(), tracker)
    assert ("injury_signs", "difficulty_walking") in [(s["field"], s["value"]) for s in
                                                      slot_events(events)["possible_signs"]]


def test_a_red_flag_screen_abandoned_after_three_unusable_answers_is_urgent_today_recorded_incomplete():
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 40, "reask_count": 2,
              "possible_signs": one_by_one()}
    messages, events = run(ValidateAssessmentForm(), validation_tracker("purple monkey", filled, "danger_check", {}))
    stopped = slot_events(events)["screening_stopped"]
    assert "today" in " ".join(texts(messages))
    _, events = run(ActionAssess(), make_tracker(slots={**filled, "screening_stopped": stopped}, form=False))
    result = slot_events(events)["assessment"]
    assert result["urgency"] == "urgent" and result["today"] is True
    assert result["screens"]["red_flags"]["state"] == "incomplete"
    assert result["findings"]["incomplete"] == ["red_flags"]


def test_a_confirming_question_in_between_does_not_reset_the_count_of_the_question_it_interrupted():
    """"woke up with it after speed work" to "how did it start?": not understood, a night-pain
    question in between, then the same answer again: left as not known, not asked a third time."""
    signs = [{"field": "red_flags", "value": "night_pain", "answer": "no", "was_the_answer": False}]
    tracker = validation_tracker("no", {"pain_location": "buttock", "reask_count": 1, "possible_signs": signs},
                                 "danger_check", {"danger_check": "no"})
    _, events = run(ValidateAssessmentForm(), tracker)
    assert "reask_count" not in slot_events(events)
    tracker = validation_tracker("woke up with it after speed work", {"pain_location": "buttock", "reask_count": 1},
                                 "onset", {})
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["onset"] == "not_sure"


def _user(text, at):
    return {"event": "user", "text": text, "timestamp": at}


def test_the_finishing_message_sent_again_after_another_was_stored_meanwhile_has_the_same_turn_key():
    from actions.prescreen import turn_key
    start = [{"event": "session_started", "timestamp": 1.0}, _user("my sit bone hurts", 2.0)]
    first_try = make_tracker(events=start + [_user("none of those", 3.0)])
    # the replica died before saving; a question sent at the same time was stored, then the retry
    retried = make_tracker(events=start + [_user("what is pht?", 3.1), {"event": "bot", "timestamp": 3.2},
                                           _user("none of those", 3.5)])
    assert turn_key(first_try) == turn_key(retried)
    later = make_tracker(events=start + [_user("none of those", 3.0), _user("none of those", 9.0)])
    assert turn_key(later) != turn_key(first_try)  # the same words again, later: a turn of its own
    next_patient = make_tracker(events=start + [_user("none of those", 3.0), {"event": "restart", "timestamp": 5.0},
                                                _user("none of those", 6.0)])
    assert turn_key(next_patient) != turn_key(first_try)


@pytest.mark.parametrize("answer, field, said", [
    ("walking", "aggravators", "walking"),
    ("walking and standing", "aggravators", "walking and standing"),
    ("a new saddle set higher, and new pedals with less stack", "load_changes", "new saddle and new pedals"),
])
def test_an_everyday_answer_that_is_none_of_the_options_is_thanked_for_and_left_to_a_clinician(answer, field, said):
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 30, "red_flags": [],
              "neuro_symptoms": []}
    messages, events = run(ValidateAssessmentForm(), validation_tracker(answer, filled, field, {}))
    assert not any("didn't quite get" in text for text in texts(messages))
    assert f"noted: {said}" in texts(messages)[0] and "clinician" in texts(messages)[0]
    assert slot_events(events)[field] == "not_sure" and slot_events(events)["reask_count"] == 0


def test_an_answer_with_an_option_in_it_is_taken_as_before():
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 30, "red_flags": [],
              "neuro_symptoms": []}
    messages, events = run(ValidateAssessmentForm(), validation_tracker("walking and sitting", filled, "aggravators",
                                                                        {"aggravators": ["sitting"]}))
    assert slot_events(events)["aggravators"] == ["sitting"]
    assert not any("noted:" in text for text in texts(messages))


@pytest.mark.parametrize("answer, intent", [("should I keep walking?", "faq"), ("is walking ok?", "inform"),
                                            ("should I keep walking?", "inform")])
def test_a_question_about_an_everyday_activity_is_no_unlisted_answer(answer, intent):
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 30, "red_flags": [],
              "neuro_symptoms": []}
    messages, events = run(ValidateAssessmentForm(), validation_tracker(answer, filled, "aggravators", {}, intent=intent))
    assert not any("noted:" in text for text in texts(messages))
    assert slot_events(events).get("aggravators") != "not_sure"


@pytest.mark.parametrize("answer", ["walking is fine", "not walking", "walking doesn't bother it", "walking helps"])
def test_an_everyday_activity_that_does_not_hurt_is_not_noted_as_the_answer(answer):
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 30, "red_flags": [],
              "neuro_symptoms": []}
    messages, events = run(ValidateAssessmentForm(), validation_tracker(answer, filled, "aggravators", {}))
    assert not any("noted:" in text for text in texts(messages))


def test_the_unlisted_answer_is_worded_for_staff():
    filled = {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 30, "red_flags": [],
              "neuro_symptoms": [], "staff_entered": True}
    messages, _ = run(ValidateAssessmentForm(), validation_tracker("walking", filled, "aggravators", {}))
    assert "noted: walking" in texts(messages)[0] and "ask the patient" in texts(messages)[0]
