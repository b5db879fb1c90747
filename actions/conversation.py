"""Opening, questions to the assistant, "why do you ask?", starting over, the fallback, and the
distress reply."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pht.language.reader import shared_reader
from pht.language.questions import question_form
from pht.rasa_data import FAQ_RESPONSES
from pht.settings import load_settings
from pht.triage import Engine, load_knowledge

from .assessment import assess_conversation
from .corrections import WITHDRAWAL_SLOT, WITHDRAWN_SLOT, repeat_back
from .forms import FORM_NAME, is_distress, note_misunderstanding
from .telling import (
    WELCOME_INSTEAD, asks_for_the_prescreen, before_the_questions, says_its_words, told_findings, told_own_story,
    told_instead,
)
from .messages import STAFF_SLOT, bullet_list, findings_summary, on_staff_channel, render, staff_entered
from pht.state import (
    ACT_NOW_LEVELS, ASSESSMENT_SLOT, findings_from_slots, needs_care_now,
    needs_emergency_now,
)


def _care_reminder(tracker: Tracker, dispatcher: CollectingDispatcher, domain: DomainDict) -> bool:
    """Repeat the care message if the outcome asked for emergency or urgent care."""
    result = tracker.get_slot(ASSESSMENT_SLOT)
    if result and result.get("urgency") in ACT_NOW_LEVELS:
        _say_care(result["care"], tracker, dispatcher, domain)
        return True
    return False


def _say_care(care: Dict[str, Any], tracker: Tracker, dispatcher: CollectingDispatcher, domain: DomainDict) -> None:
    """Where and how soon to get care, in one message ("Please don't wait: ...")."""
    dispatcher.utter_message(text=render(domain, "utter_care_reminder", tracker.slots, headline=care["headline"], where=care["where"]))


def raised_since_the_outcome(tracker: Tracker) -> bool:
    """Whether what the person told after the outcome ("I forgot to say, I have no bladder
    control") makes it more urgent than the advice they were given: then they get the new
    advice at once, as a corrected outcome, never "my advice from before still stands"."""
    result = tracker.get_slot(ASSESSMENT_SLOT)
    if not result:
        return False
    engine = Engine()
    fired = engine.urgency(findings_from_slots(tracker.slots, engine.knowledge))
    levels = engine.knowledge.urgency_levels
    now, before = fired[0]["level"], result.get("urgency")
    if before not in levels or levels.index(now) < levels.index(before):
        return True
    return now == before == "urgent" and any(rule.get("today") for rule in fired) and not result.get("today")


def _corrected_this_turn(tracker: Tracker) -> bool:
    """Whether the latest message took out (or asked to take out) something repeated back."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") in (WITHDRAWN_SLOT, WITHDRAWAL_SLOT) and event.get("value"):
            return True
    return False


CORRECT_INSTEAD = [FollowupAction("action_correct")]


def corrected_just_now(tracker: Tracker) -> bool:
    """Outside the questions, whether the latest message denied something just repeated back
    (its reading set what to take out), whatever intent the NLU gave it."""
    return not tracker.active_loop_name and bool(tracker.get_slot(WITHDRAWN_SLOT) or tracker.get_slot(WITHDRAWAL_SLOT))


FAQ_SELECTOR = "faq"  # the retrieval intent of config.yml's response selector
OPENINGS = ("utter_welcome", "utter_staff_mode")
RESETS = ("restart", "reset_slots", "session_started")


def welcomed_already(tracker: Tracker) -> bool:
    """Whether the opening (the safety notice) was given since the conversation last started
    (again): after "start again" the person gets the opening and the consent question anew."""
    for event in reversed(tracker.events):
        if event.get("event") in RESETS:
            return False
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") in OPENINGS:
            return True
    return False


class ActionWelcome(Action):
    """Greets with the safety notice and asks consent, unless a danger sign was already told.

    On the staff channel (the reception page's "Pre-screen a patient", channels/staff.py) the
    conversation is staff-entered from its first message, and again after "start again": the
    staff opening and the patient's-consent question instead of the person's own."""

    def name(self) -> Text:
        return "action_welcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        staff = on_staff_channel(tracker.sender_id, tracker.get_latest_input_channel())
        staff_mode: List[EventType] = [SlotSet(STAFF_SLOT, True)] if staff and not staff_entered(tracker.slots) else []
        if corrected_just_now(tracker) and tracker.latest_action_name != "action_correct":
            return staff_mode + CORRECT_INSTEAD  # "no, it only goes to the back of the thigh", taken for a description
        if raised_since_the_outcome(tracker):
            return staff_mode + assess_conversation(tracker, dispatcher, domain)
        if _care_reminder(tracker, dispatcher, domain):
            return staff_mode
        if tracker.get_slot(ASSESSMENT_SLOT):
            dispatcher.utter_message(response="utter_welcome_back")
            return staff_mode
        if needs_emergency_now(tracker.slots):
            # any other danger sign: the questions first
            return staff_mode + assess_conversation(tracker, dispatcher, domain)
        corrected = _corrected_this_turn(tracker)
        if welcomed_already(tracker) and not told_findings(tracker) and not corrected:
            dispatcher.utter_message(response="utter_shall_we_go_on")  # after an answer: "shall we go on?"
            return staff_mode
        if not corrected:  # a correction of what was noted gets the corrected note and the consent question
            dispatcher.utter_message(response="utter_staff_mode" if staff else "utter_welcome")
        knowledge = load_knowledge()
        findings = findings_from_slots(tracker.slots, knowledge)
        noted = findings_summary(findings, knowledge, domain)
        if noted:
            dispatcher.utter_message(text=render(domain, "utter_noted", items="; ".join(noted)))
        dispatcher.utter_message(response="utter_ask_staff_consent" if staff else "utter_ask_consent")
        return staff_mode + (repeat_back(findings) if noted else [])


class ActionAnswerQuestion(Action):
    """A message the classifier took for a question about PHT.

    A story is never answered as an FAQ: a message that asks nothing (the form of its sentences,
    pht/language/questions.py) and told the person's own pain gets the welcome, or, during
    the questions, is read as their answer (the form goes on before this action runs). A real
    question gets its answer from the knowledge base; before the questions, "shall we go on?"
    follows, and "yes" starts them (the rules after `action_welcome`)."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if told_own_story(tracker) and not question_form().asks(text):
            return WELCOME_INSTEAD
        if raised_since_the_outcome(tracker):
            return assess_conversation(tracker, dispatcher, domain)  # the new advice first, not an FAQ snippet
        if before_the_questions(tracker) and needs_emergency_now(tracker.slots):
            return WELCOME_INSTEAD  # "I can't tell when my bladder is full, is that ok?": the emergency advice, no snippet
        if asks_for_the_prescreen(tracker):
            return WELCOME_INSTEAD
        selected = (tracker.latest_message.get("response_selector") or {}).get(FAQ_SELECTOR) or {}
        response = (selected.get("response") or {}).get("utter_action")
        if response in domain.get("responses", {}) and response.startswith(f"{FAQ_RESPONSES}/"):
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_default")
        if tracker.active_loop_name or tracker.get_slot(ASSESSMENT_SLOT):
            return []  # the questions go on (rules), or the outcome was given already
        return WELCOME_INSTEAD  # the opening, or "shall we go on?" if it was given already


class ActionExplainQuestion(Action):
    """Answers "why do you ask?" for the question just asked."""

    def name(self) -> Text:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if told_instead(tracker):
            return WELCOME_INSTEAD
        field = tracker.get_slot("requested_slot")
        knowledge = load_knowledge()
        if field in knowledge.fields:
            dispatcher.utter_message(text=knowledge.fields[field]["why"])
        else:
            dispatcher.utter_message(response="utter_why_general")
        return []


class ActionGoodbye(Action):
    """Goodbye outside the questions, unless the message told of the pain instead (`told_instead`);
    without a goodbye's words, "Sorry, I didn't understand"."""

    response = "utter_goodbye"

    def name(self) -> Text:
        return "action_goodbye"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if told_instead(tracker):
            return WELCOME_INSTEAD
        dispatcher.utter_message(response=self.response if says_its_words(tracker) else "utter_default")
        return []


class ActionThank(ActionGoodbye):
    """"You're welcome" outside the questions, on the same terms as a goodbye."""

    response = "utter_you_are_welcome"

    def name(self) -> Text:
        return "action_thank"


START_OVER_SLOT = "start_over_asked"  # {"during_questions": bool}: "Start again?" was asked


class ActionAskStartOver(Action):
    """Asks before clearing anything: "Start again from the beginning? Your answers so far will
    be cleared." A word that only sounds like it ("go back", "my back") must never lose the
    answers, so the person says yes first."""

    def name(self) -> Text:
        return "action_ask_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if told_instead(tracker):
            return WELCOME_INSTEAD
        during = tracker.active_loop_name == FORM_NAME or _form_was_active(tracker)
        dispatcher.utter_message(response="utter_ask_start_over")
        return [SlotSet(START_OVER_SLOT, {"during_questions": during})]


def _form_was_active(tracker: Tracker) -> bool:
    """Whether the questions were going on when the latest user message came in (a rule may
    have stepped out of them since)."""
    events = list(tracker.events)
    last_user = max((index for index, event in enumerate(events) if event.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "active_loop":
            return event.get("name") == FORM_NAME
    return False


class ActionStartOver(Action):
    """The answer to "Start again from the beginning?", read here and not from the intent
    alone: a clear yes clears every answer and opens again; a no ("no, carry on") or anything
    else keeps them and goes on with the question that was asked."""

    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        asked = tracker.get_slot(START_OVER_SLOT) or {}
        if shared_reader().yes_or_no(tracker.latest_message.get("text") or "") is True:
            dispatcher.utter_message(response="utter_start_over")
            return [AllSlotsReset(), FollowupAction("action_welcome")]
        dispatcher.utter_message(response="utter_start_over_cancelled")
        kept: List[EventType] = [SlotSet(START_OVER_SLOT, None)]
        if asked.get("during_questions"):
            return kept + [FollowupAction(FORM_NAME)]  # the question that was asked, again
        if not tracker.get_slot(ASSESSMENT_SLOT):
            return kept + [FollowupAction("action_welcome")]  # "shall we go on?"
        return kept + [FollowupAction("action_listen")]  # after the outcome: nothing more to ask


class ActionConsentDeclined(Action):
    """No consent: the reply with the cauda equina warning card (written once, advice.yml)."""

    response = "utter_consent_declined"

    def name(self) -> Text:
        return "action_consent_declined"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        card = load_knowledge().advice["warning_card"]["text"]
        dispatcher.utter_message(text=render(domain, self.response, tracker.slots, warning_card=card))
        return []


class ActionStopped(ActionConsentDeclined):
    """"Stop" during the questions: stopped, with the warning card, and with the care what is
    known already demands ("see a doctor in person today" after a cauda equina sign answered
    unsure): stopping the questions never drops that advice."""

    response = "utter_stopped"

    def name(self) -> Text:
        return "action_stopped"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        if not tracker.get_slot(ASSESSMENT_SLOT) and needs_care_now(tracker.slots):
            engine = Engine()
            _say_care(engine.assess(findings_from_slots(tracker.slots, engine.knowledge))["care"], tracker, dispatcher, domain)
        return events


class ActionFallback(Action):
    """When nothing else fits: repeat urgent care advice, or say how to go on."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if corrected_just_now(tracker):
            return CORRECT_INSTEAD  # before the reverting below, which would undo the correction
        if told_own_story(tracker):
            return WELCOME_INSTEAD
        if raised_since_the_outcome(tracker):
            return assess_conversation(tracker, dispatcher, domain)  # before the reverting, which would undo it
        if not _care_reminder(tracker, dispatcher, domain):
            if tracker.get_slot(ASSESSMENT_SLOT):
                dispatcher.utter_message(response="utter_after_outcome_help")
            else:
                dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]


class ActionOffTopic(Action):
    """An off-topic message: say what the assistant is for; during the questions, count it
    as not understood, so that after repeated trouble a person to talk to is offered rather
    than the same question forever (gibberish is usually classified as off-topic too)."""

    def name(self) -> Text:
        return "action_off_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if corrected_just_now(tracker):
            return CORRECT_INSTEAD
        if told_own_story(tracker):
            return WELCOME_INSTEAD
        if raised_since_the_outcome(tracker):
            return assess_conversation(tracker, dispatcher, domain)
        if asks_for_the_prescreen(tracker):
            return WELCOME_INSTEAD
        dispatcher.utter_message(response="utter_out_of_scope")
        if not tracker.get_slot("requested_slot"):
            return []
        return note_misunderstanding(dispatcher, tracker, domain)


class ActionDistress(Action):
    """Wording about suicide or self-harm (policy v2, outside triage): an empathetic reply
    with the clinic's crisis contacts, then the offer to go on. The rules stop the questions
    first; the answers so far are kept, so going on resumes where the person was."""

    def name(self) -> Text:
        return "action_distress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not is_distress(tracker):
            return WELCOME_INSTEAD  # only the rules for the intent `distress` run it; anything else: the welcome
        contacts = bullet_list(load_settings()["crisis_contacts"])
        dispatcher.utter_message(text=render(domain, "utter_distress", contacts=contacts))
        if needs_care_now(tracker.slots) and not tracker.get_slot(ASSESSMENT_SLOT):
            return assess_conversation(tracker, dispatcher, domain)  # a danger sign said too still gets its advice
        dispatcher.utter_message(response="utter_distress_offer_to_go_on")
        return []
