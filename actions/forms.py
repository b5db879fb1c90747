"""The assessment form: reading answers, asking questions, re-asking, stopping for danger signs.

- `action_extract_findings` runs after every user message (a custom slot mapping of every
  findings slot) and fills whatever the message states, asked or not.
- `validate_assessment_form` decides which questions remain, re-asks an answer it could not
  understand, and ends the form at once when the answers so far need emergency care. Any
  other danger sign is recorded, and only the questions that could still make it an
  emergency are asked before the outcome (policy v3): the safety screens, the confirming and
  follow-up questions, and a field such as `trend` when it could.
- `action_ask_<field>` asks one question with answer buttons; `action_ask_danger_check` asks
  the one confirming question for a danger sign a message only possibly mentioned, the
  follow-up question a finding calls for (chest symptoms after a swollen calf), and the one
  concrete re-ask of a cauda equina sign answered unclearly.
- A list mentioned only in passing ("worse when I sit") is asked again as "anything else?"
  while more values could change the outcome.
- A safety screen (`screen: true`) answered "not sure", "all of them" or with words that cannot
  be used is asked again one sign at a time (`one_by_one_signs`): each sign's own `alone`
  question, answered yes, no or not sure, through the same confirming question; when every
  sign is answered the screen's answer is the signs present, and each other sign is recorded
  absent or unsure (policy v3). A one-sign question that gets no usable answer after the
  configured number of tries is not asked again: a professional must ask it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pht.language.distress import DISTRESS_INTENT
from pht.language.numbers import is_vague_time
from pht.language.questions import question_form
from pht.language.reader import NOT_SURE, shared_reader
from pht.settings import load_settings
from pht.triage import Engine, Knowledge, load_knowledge
from pht.triage.engine import join_words
from pht.turn import CORRECTED_SLOT, DIGRESSION_INTENTS, SURE, Message, going_back, read_message_into

from .corrections import (
    REPEATED_SLOT, WITHDRAW_CHECK, WITHDRAWAL_SLOT, WITHDRAWN_SLOT, acknowledge, denial_updates, lowers_act_now,
    pending_withdrawal,
    repeat_back, withdrawal_answer, without_withdrawals,
)
from .messages import (
    answer_buttons, findings_summary, join_items, plain_words, question_text, render, spoken_days, value_labels,
    yes_no_buttons,
)
from pht.state import (
    CONFIRM_SLOT, MENTIONED_SLOT, POSSIBLE_SLOT, STOPPED_SLOT, findings_from_slots, held_to_confirm, needs_care_now,
    needs_emergency_now, pending_sign, ruled_out_answers,
)

FORM_NAME = "assessment_form"
CARE_DUE_SLOT = "care_due"  # domain/handover.yml; channels/handover.py reads the same name
REASK_SLOT = "reask_count"
FALLBACK_INTENT = "nlu_fallback"


def questions_to_ask(slots: Mapping[str, Any]) -> List[str]:
    """The fields the form needs, in question order: those already answered, and those whose
    answer could still change the outcome. The rest are skipped and stay unknown."""
    knowledge = load_knowledge()
    state = {name: slots.get(name) for name in [*knowledge.question_order, MENTIONED_SLOT]}
    return list(_questions_for(json.dumps(state, sort_keys=True)))


@lru_cache(maxsize=4096)
def _questions_for(state: str) -> Tuple[str, ...]:
    """`questions_to_ask` for one state of the answers (JSON), worked out once: the form asks
    for it several times per message, and every conversation passes through the same states."""
    slots = json.loads(state)
    engine = Engine()
    knowledge = engine.knowledge
    findings = findings_from_slots(slots, knowledge)
    in_passing = slots.get(MENTIONED_SLOT) or {}
    required = []
    for field in knowledge.question_order:
        spec = knowledge.fields[field]
        # by the findings, so that a value held to confirm counts: a sudden start read from a story
        # and never confirmed in usable words still brings the questions about the injury
        if not all(findings.get(key) == value for key, value in spec.get("ask_if", {}).items()):
            continue
        if slots.get(field) is not None or spec.get("screen"):
            required.append(field)
        elif in_passing.get(field):
            if spec["kind"] != "list" or engine.more_values_could_change_outcome(findings, field):
                required.append(field)  # "anything else ...?", the passing mentions noted
        elif engine.could_change_outcome(findings, field):
            required.append(field)
    return tuple(required)


def questions_while_urgent(slots: Mapping[str, Any], questions: List[str]) -> List[str]:
    """With a danger sign that is not an emergency on its own, the questions that could still
    make it one: the safety screens, and any other field one of whose answers would."""
    engine = Engine()
    knowledge = engine.knowledge
    findings = findings_from_slots(slots, knowledge)
    return [field for field in questions if knowledge.fields[field].get("screen") or (
        slots.get(field) is None and any(engine.urgency({**findings, field: answer})[0]["level"] == "emergency"
                                         for answer in engine.possible_answers(field)))]


def required_questions(slots: Mapping[str, Any]) -> List[str]:
    """The form's questions now, in order: a denied danger sign to confirm first (even in an
    emergency: it may be the misreading), then a possible sign to confirm, then the fields."""
    first = [WITHDRAW_CHECK] if pending_withdrawal(slots) else []
    if first and needs_emergency_now(without_withdrawals(slots)):
        return []  # "no, not below the knee, but both legs have gone numb": the emergency at once
    if needs_emergency_now(slots) or slots.get(STOPPED_SLOT):
        return first  # an emergency, or a safety question left to a professional
    questions = questions_to_ask(slots)
    if needs_care_now(slots):
        questions = questions_while_urgent(slots, questions)
    return first + ([CONFIRM_SLOT, *questions] if pending_sign(slots) else questions)


def one_by_one_signs(field: str, slots: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The possible signs with every sign of the safety screen `field` not known yet added, to
    be asked one at a time (`alone`). A sign asked only as a follow-up (chest symptoms after a
    swollen calf) is left to its follow-up."""
    knowledge = load_knowledge()
    signs = list(slots.get(POSSIBLE_SLOT) or [])
    known = {sign["value"] for sign in signs if sign["field"] == field}
    known |= set((slots.get(MENTIONED_SLOT) or {}).get(field) or [])
    followed_up = {item["ask"].get(field) for item in knowledge.vocabulary.get("follow_ups", [])}
    return signs + [{"field": field, "value": value, "answer": None, "was_the_answer": False, "one_by_one": True}
                    for value in knowledge.values(field) if value not in known | followed_up]


def ask_one_by_one(field: str, response: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                   domain: DomainDict) -> List[EventType]:
    """Go through the safety screen `field` one sign at a time, after `response` says so."""
    dispatcher.utter_message(text=render(domain, response, tracker.slots))
    return [SlotSet(field, None), SlotSet(POSSIBLE_SLOT, one_by_one_signs(field, tracker.slots)), SlotSet(REASK_SLOT, 0)]


def mentioned_just_now(tracker: Tracker) -> Dict[str, Any]:
    """The findings the latest message mentioned in passing (the `mentioned` slot, set by the
    extraction before the form ran), those it added or changed; the form's validation does not
    get that slot to validate, so it is read from the events."""
    current: Dict[str, Any] = {}
    before: Dict[str, Any] = {}
    set_since = False
    for event in tracker.events:
        if event.get("event") == "user":
            before, set_since = current, False
        elif event.get("event") == "slot" and event.get("name") == MENTIONED_SLOT:
            current, set_since = dict(event.get("value") or {}), True
    return {field: value for field, value in current.items() if before.get(field) != value} if set_since else {}


def one_by_one_field(slots: Mapping[str, Any]) -> Optional[str]:
    """The safety screen whose signs are being asked one at a time just now, if any."""
    sign = pending_sign(slots)
    return sign["field"] if sign and sign.get("one_by_one") else None


def note_misunderstanding(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
    """Count an answer that could not be used. Any other question is left as not known after
    its configured count, and the next one asked. A safety screen is asked again one sign at a
    time; a one-sign question is offered the clinic's contact, then not asked again after its
    own limit: a professional must ask it in person, and the assessment records why."""
    count = int(tracker.get_slot(REASK_SLOT) or 0) + 1
    settings = load_settings()
    asked = _requested_slot(tracker)
    if asked and load_knowledge().fields.get(asked, {}).get("screen"):
        if pending_sign(tracker.slots):
            # it told a possible sign ("my leg feels weak"): its confirming question comes first,
            # uncounted (an event, so that the form goes on to ask it rather than step aside)
            return [SlotSet(REASK_SLOT, tracker.get_slot(REASK_SLOT))]
        return ask_one_by_one(asked, "utter_screen_one_by_one_unclear", dispatcher, tracker, domain)
    screen = one_by_one_field(tracker.slots) if asked == CONFIRM_SLOT else None
    if screen and count >= settings["stop_screening_after_unusable_answers"]:
        dispatcher.utter_message(text=render(domain, "utter_screening_in_person", tracker.slots, **settings["clinic"]))
        reason = {"field": screen, "unusable_answers": count,
                  "why": render(domain, "utter_screening_stopped_reason", count=count)}
        unasked = [sign for sign in tracker.get_slot(POSSIBLE_SLOT) or []
                   if not (sign.get("one_by_one") and sign["field"] == screen and sign["answer"] is None)]
        return [SlotSet(REASK_SLOT, count), SlotSet(STOPPED_SLOT, reason), SlotSet(POSSIBLE_SLOT, unasked)]
    if skips_now(tracker):
        dispatcher.utter_message(response="utter_question_skipped")
        return [SlotSet(asked, NOT_SURE), SlotSet(REASK_SLOT, 0)]  # not known: the next question
    if count >= settings["offer_human_after_misunderstandings"]:
        dispatcher.utter_message(text=render(domain, "utter_offer_human", tracker.slots, **settings["clinic"]))
    return [SlotSet(REASK_SLOT, count)]


def skips_now(tracker: Tracker) -> bool:
    """Whether one more unusable answer leaves the question asked (not a safety question) as
    not known."""
    asked = _requested_slot(tracker)
    spec = load_knowledge().fields.get(asked or "")
    count = int(tracker.get_slot(REASK_SLOT) or 0) + 1
    return bool(spec) and not spec.get("screen") and count >= load_settings()["skip_question_after_unusable_answers"]


def answers_which_was_wrong(tracker: Tracker) -> bool:
    """Whether the latest message answers "Which answer is wrong?": what it tells ("it started
    suddenly, with a pop") corrects the answers, as "actually, ..." does."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action") == "utter_which_answer_wrong"
    return False


PLEASANTRIES = {"goodbye", "thank"}


def tells_something(text: str, asked: Optional[str]) -> bool:
    """Whether a message tells a finding or a possible danger sign (a bare "no" to a list
    tells nothing here: "thanks, that's all" is no answer to a safety screen)."""
    reading = shared_reader().reading(text, asked)
    return any(value not in ([], None) for value in reading.findings.values()) or bool(reading.possible)


def answer_taken_for_digression(tracker: Tracker) -> bool:
    """Whether a message the classifier took for a command or a question, during the
    questions, is an answer it could not read instead. A command needs its words (the
    vocabulary's `commands`): "just the back" is no "go back", "moving about" no "delete my
    data"; a question or off-topic remark must ask something: "a gravel century", "my lower
    left calf" or "it hurts all the time, but lying still I can get comfortable" ask nothing;
    a goodbye or a thank-you that also tells something ends an answer ("..., that's all").
    It is asked again like any unusable answer (a safety screen one sign at a time), not met
    with "nothing to go back to", "I can only help with ..." or an FAQ snippet."""
    latest = tracker.latest_message
    intent = latest.get("intent", {}).get("name")
    text = latest.get("text") or ""
    form = question_form()
    if intent in PLEASANTRIES and tells_something(text, tracker.get_slot("requested_slot")):
        return True  # "I slipped and fell on the concrete floor, that's all": nothing more, no goodbye
    if intent in form.commands:
        return not form.commands_to(text, intent)
    return intent in {"out_of_scope", "faq"} and not form.asks(text)


def is_distress(tracker: Tracker) -> bool:
    """Whether the latest message is about suicide or self-harm: its intent, which the Rasa
    server sets from the vocabulary's phrases and only from them (rasa_server/distress.py)."""
    return tracker.latest_message.get("intent", {}).get("name") == DISTRESS_INTENT


def is_typed_payload(tracker: Tracker) -> bool:
    """Whether the latest message was written like an intent payload the assistant never sends
    (`/inform{"red_flags": []}`): the Rasa server reads it as not understood, without entities
    (rasa_server/guards.py). It answers nothing and counts as no answer."""
    latest = tracker.latest_message
    return ((latest.get("text") or "").strip().startswith("/")
            and latest.get("intent", {}).get("name") == FALLBACK_INTENT)


def is_external(tracker: Tracker) -> bool:
    """Whether the latest message was sent by another part of the system through the Rasa
    server's trigger_intent (`EXTERNAL_...`), never typed by a person."""
    return str(tracker.latest_message.get("intent", {}).get("name") or "").startswith("EXTERNAL_")


def care_due_now(tracker: Tracker, events: List[EventType]) -> bool:
    """Whether this message makes the care urgent or an emergency when it was not before. While
    staff hold the conversation (Rasa paused it and predicts nothing) that advice must still
    come at once: danger signs are never delayed by a handover (channels/handover.py)."""
    after = {**tracker.slots, **{event["name"]: event["value"] for event in events if event.get("event") == "slot"}}
    return needs_care_now(after) and not needs_care_now(tracker.slots)


def _requested_slot(tracker: Tracker) -> Optional[str]:
    return tracker.get_slot("requested_slot") if tracker.active_loop_name == FORM_NAME else None


class ActionExtractFindings(Action):
    """Reads the latest message into findings slots."""

    def name(self) -> Text:
        return "action_extract_findings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        read_once = [SlotSet(REPEATED_SLOT, None)] if tracker.get_slot(REPEATED_SLOT) else []  # this message's only
        if text.startswith("/") or is_external(tracker):
            return read_once  # an intent payload such as /restart, or the reception's handing back, carries no findings
        events = self._findings(tracker, text, read_once)
        if tracker.is_paused() and care_due_now(tracker, events):
            events.append(SlotSet(CARE_DUE_SLOT, True))  # the channel has the advice given at once
        return events

    def _findings(self, tracker: Tracker, text: str, read_once: List[EventType]) -> List[EventType]:
        asked = _requested_slot(tracker)
        if asked == WITHDRAW_CHECK and pending_withdrawal(tracker.slots):
            return read_once + [SlotSet(name, value) for name, value in withdrawal_answer(tracker.slots, text).items()]
        denial = denial_updates(tracker.slots, text)
        if denial is None:
            return read_once + self._read(tracker, text, asked, denying=False)
        # "no, I didn't say that": the denial first, then only danger signs from the rest
        corrected = Tracker(tracker.sender_id, {**tracker.slots, **denial}, tracker.latest_message, tracker.events,
                            tracker.is_paused(), tracker.followup_action, tracker.active_loop, tracker.latest_action_name)
        return [SlotSet(name, value) for name, value in denial.items()] + self._read(corrected, text, asked, denying=True)

    @staticmethod
    def _read(tracker: Tracker, text: str, asked: Optional[str], denying: bool) -> List[EventType]:
        """The findings the message states, as slot events (pht/turn.py decides); while it
        denies something it repeated back, only danger signs."""
        intent = tracker.latest_message.get("intent", {})
        message = Message(text, intent.get("name"), intent.get("confidence", 1.0), answers_which_was_wrong(tracker))
        return [SlotSet(name, value) for name, value in read_message_into(tracker.slots, message, asked, denying)]


class ValidateAssessmentForm(FormValidationAction):
    """Chooses the next question, re-asks unclear answers and stops early for danger signs."""

    def name(self) -> Text:
        return f"validate_{FORM_NAME}"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return required_questions(tracker.slots)

    async def extract_withdraw_check(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        return {}  # filled by action_extract_findings, like every slot of this form

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if is_distress(tracker):
            return []  # the form steps aside at once, whatever the message also said: a rule replies
        knowledge = load_knowledge()
        asked = tracker.get_slot("requested_slot")
        if is_typed_payload(tracker) and asked:
            return self._ask_again(asked, dispatcher, domain)  # not counted: no limit to reach by typing
        updates: Dict[str, Any] = {}
        repeats: List[EventType] = []
        corrected = tracker.get_slot(CORRECTED_SLOT)
        if corrected:
            summary = "; ".join(findings_summary(corrected, knowledge, domain))
            dispatcher.utter_message(text=render(domain, "utter_corrected", items=summary))
            updates[CORRECTED_SLOT] = None
            repeats = repeat_back(corrected)  # "no, I didn't say that" may deny the change too
        denied = bool({WITHDRAWN_SLOT, WITHDRAWAL_SLOT} & set(tracker.slots_to_validate()))
        if asked == WITHDRAW_CHECK and tracker.get_slot(WITHDRAW_CHECK) is not None:
            updates[WITHDRAW_CHECK] = None  # answered: free for the next sign, if any
        if asked == CONFIRM_SLOT and tracker.get_slot(CONFIRM_SLOT) is not None:
            updates[CONFIRM_SLOT] = None  # answered: free for the next sign to confirm, if any
        not_sure_screen = None
        for field, value in tracker.slots_to_validate().items():
            if field not in knowledge.fields:
                continue
            if field == asked:
                value = self._merge_mentioned(field, value, tracker)
                if value == NOT_SURE and knowledge.fields[field].get("screen"):
                    not_sure_screen, value = field, None  # asked again one sign at a time
            updates[field] = value
        events: List[EventType] = [SlotSet(field, value) for field, value in updates.items()] + repeats
        if needs_emergency_now({**tracker.slots, **updates}):
            # an emergency, perhaps only mentioned in passing: the form must end now, not step
            # aside, and its advice is the first thing said (no "I've taken that out" before it)
            return events + [SlotSet(WITHDRAWN_SLOT, None), SlotSet(MENTIONED_SLOT, tracker.get_slot(MENTIONED_SLOT))]
        events += acknowledge(dispatcher, tracker.slots, domain)
        if not_sure_screen:
            said_not_sure = shared_reader().says_not_sure(tracker.latest_message.get("text") or "")
            response = "utter_screen_one_by_one_not_sure" if said_not_sure else "utter_screen_one_by_one_unclear"
            return events + ask_one_by_one(not_sure_screen, response, dispatcher, tracker, domain)
        if not asked or denied or WITHDRAW_CHECK in updates:
            return events  # a correction, or its confirming question: the question again, not counted
        if updates.get(asked) is not None or tracker.get_slot(STOPPED_SLOT):
            return events + [SlotSet(REASK_SLOT, 0)]
        if CONFIRM_SLOT in updates:
            if any(sign.get("one_by_one") for sign in tracker.get_slot(POSSIBLE_SLOT) or []):
                return events + [SlotSet(REASK_SLOT, 0)]  # one sign asked alone answered: the count starts again
            return events  # a confirming question answered: the count of the question it interrupted stays
        intent = tracker.latest_message.get("intent", {}).get("name")
        sure_digression = (intent in DIGRESSION_INTENTS
                           and tracker.latest_message.get("intent", {}).get("confidence", 1.0) >= SURE)
        sign = pending_sign(tracker.slots) if asked == CONFIRM_SLOT else None
        if (sign and not updates and MENTIONED_SLOT not in tracker.slots_to_validate()
                and question_form().asks(tracker.latest_message.get("text") or "")):
            # "what's the back passage?": what the question asks, in plain words, and the same
            # question again; no unusable answer to count
            plain = plain_words(knowledge, sign["field"], sign["value"])
            dispatcher.utter_message(text=render(domain, "utter_sign_explained", tracker.slots, sign=plain))
            return events + [SlotSet(REASK_SLOT, tracker.get_slot(REASK_SLOT))]
        if (asked == CONFIRM_SLOT and one_by_one_field(tracker.slots) and not updates and not sure_digression
                and MENTIONED_SLOT not in tracker.slots_to_validate()):
            return events + self._reask(asked, dispatcher, tracker, domain)  # one sign asked alone: no usable answer
        if updates or {MENTIONED_SLOT, POSSIBLE_SLOT} & set(tracker.slots_to_validate()):
            # they told us something else (or corrected an answer): ask again, counted, so that a
            # question whose answers never name what it asks is not asked a third time
            # a danger sign to confirm comes first, the question after it; that question was not
            # answered, which counts too (the confirming answer keeps the count), so that the
            # same unusable answer does not bring it a third time
            sign_first = pending_sign({**tracker.slots, **updates})
            if sign_first and knowledge.fields.get(asked, {}).get("screen"):
                return events
            if not sign_first and skips_now(tracker):
                return events + note_misunderstanding(dispatcher, tracker, domain)
            return events + [SlotSet(REASK_SLOT, int(tracker.get_slot(REASK_SLOT) or 0) + 1)]
        if intent in DIGRESSION_INTENTS and not answer_taken_for_digression(tracker):
            return []  # nothing read: the form steps aside so a rule can answer, then asks again
        text = tracker.latest_message.get("text") or ""
        # "walking" to "what makes it worse?": answered, but none of the options; "is walking
        # OK?" asks, and is no answer
        said = [] if question_form().asks(text) else shared_reader().unlisted_named(asked, text)
        if said:
            dispatcher.utter_message(text=render(domain, "utter_unlisted_answer", tracker.slots, said=join_words(said)))
            return events + [SlotSet(asked, NOT_SURE), SlotSet(REASK_SLOT, 0)]
        aside = mentioned_just_now(tracker)
        if aside and asked != CONFIRM_SLOT and not knowledge.fields.get(asked, {}).get("screen"):
            # "about 3 months" to "how did it start?": noted for later, and the same question again
            # without "sorry", counted so that it is not asked a third time
            items = "; ".join(findings_summary(findings_from_slots(aside, knowledge), knowledge, domain))
            dispatcher.utter_message(text=render(domain, "utter_noted_aside", tracker.slots, items=items))
            return events + note_misunderstanding(dispatcher, tracker, domain)
        return events + self._reask(asked, dispatcher, tracker, domain)

    @staticmethod
    def _ask_again(field: str, dispatcher: CollectingDispatcher, domain: DomainDict) -> List[EventType]:
        """Say how to answer and ask the same question again, changing nothing."""
        spec = load_knowledge().fields.get(field, {})
        if spec.get("examples"):
            dispatcher.utter_message(text=render(domain, "utter_not_understood", examples=spec["examples"]))
        else:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet(field, None)]

    @staticmethod
    def _merge_mentioned(field: str, value: Any, tracker: Tracker) -> Any:
        """The answer to a list question with what was mentioned in passing before, less what
        the answer itself denies ("radiating down my leg", then "not past the knee"), unless
        taking that out could lower an urgent or emergency outcome (a danger sign is kept
        until one confirming question: actions/corrections.py)."""
        earlier = (tracker.get_slot(MENTIONED_SLOT) or {}).get(field)
        if earlier and isinstance(value, list):
            denied = shared_reader().named_values(tracker.latest_message.get("text") or "", negated_only=True).get(field, set())
            kept = [item for item in earlier if item not in denied or lowers_act_now(field, item, tracker.slots)]
            return list(dict.fromkeys(kept + value))
        return value

    @staticmethod
    def _reask(field: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Say what kind of answer would help; after repeated trouble, offer a person to talk to."""
        knowledge = load_knowledge()
        text = tracker.latest_message.get("text") or ""
        if skips_now(tracker):
            return note_misunderstanding(dispatcher, tracker, domain)  # left as not known, no re-ask
        if knowledge.fields.get(field, {}).get("screen"):
            return note_misunderstanding(dispatcher, tracker, domain)  # asked again one sign at a time
        if field == CONFIRM_SLOT:
            dispatcher.utter_message(text=render(domain, "utter_not_understood_yes_no", tracker.slots))
            return note_misunderstanding(dispatcher, tracker, domain)
        if field == "duration_days" and is_vague_time(text):
            dispatcher.utter_message(text=render(domain, "utter_duration_vague"))
        else:
            dispatcher.utter_message(text=render(domain, "utter_not_understood", tracker.slots, examples=knowledge.fields[field]["examples"]))
        return [SlotSet(field, None), *note_misunderstanding(dispatcher, tracker, domain)]


def _without_buttons_of(values: List[str], buttons: List[Dict[str, Any]], spec: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The answer buttons but those of `values` (a button's payload is its value's first synonym)."""
    payloads = {str(spec["values"][value]["synonyms"][0]) for value in values}
    return [button for button in buttons if button["payload"] not in payloads]


class AskForField(Action):
    """Asks for one findings field, with answer buttons; subclassed once per field below."""

    field = ""

    def name(self) -> Text:
        return f"action_ask_{self.field}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        knowledge = load_knowledge()
        spec = knowledge.fields[self.field]
        earlier = (tracker.get_slot(MENTIONED_SLOT) or {}).get(self.field)
        if held_to_confirm(earlier) and spec.get("confirm_question"):
            return self._confirm(earlier, dispatcher, knowledge, tracker, domain)
        repeats: List[EventType] = []
        question = question_text(spec, "question", tracker.slots)
        buttons = answer_buttons(self.field, knowledge)
        ruled_out = ruled_out_answers(tracker.slots, self.field) if spec.get("screen") else []
        if earlier:
            labels = join_items(value_labels(self.field, earlier, knowledge), domain)
            dispatcher.utter_message(text=render(domain, "utter_already_mentioned", tracker.slots, items=labels))
            repeats = repeat_back({self.field: earlier})
        elif ruled_out:
            # the signs read from the answer were not confirmed: the rest of the list, once more
            dispatcher.utter_message(text=render(domain, "utter_screen_apart_from", tracker.slots))
            buttons = _without_buttons_of(ruled_out, buttons, spec)
        if earlier and spec.get("more_question"):
            findings = findings_from_slots(tracker.slots, knowledge)
            more = Engine(knowledge).more_values_could_change_outcome(findings, self.field)
            examples = join_words(value_labels(self.field, more[:4], knowledge), render(domain, "utter_word_or"))
            question = question_text(spec, "more_question", tracker.slots).format(examples=examples)
            buttons = _without_buttons_of(earlier, buttons, spec)
        dispatcher.utter_message(text=question, buttons=buttons)
        return repeats

    def _confirm(self, value: Any, dispatcher: CollectingDispatcher, knowledge: Knowledge,
                 tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """A value read in passing, to confirm: its button first, then the others."""
        spec = knowledge.fields[self.field]
        buttons = answer_buttons(self.field, knowledge)
        if spec["kind"] == "number":  # how long: "about 3 years", then the usual ranges
            label = spoken_days(value, domain)
            buttons.insert(0, {"title": label[:1].upper() + label[1:], "payload": f"{value} {spec['unit']}"})
        else:
            label = value_labels(self.field, [value], knowledge)[0]
            first = str(spec["values"][value]["synonyms"][0])
            buttons.sort(key=lambda button: button["payload"] != first)
        asking = question_text(spec, "confirm_question", tracker.slots)
        dispatcher.utter_message(text=asking.format(value=label), buttons=buttons)
        return []


class AskToConfirmDangerSign(Action):
    """Asks the one confirming question for the first danger sign only possibly mentioned."""

    def name(self) -> Text:
        return f"action_ask_{CONFIRM_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        sign = pending_sign(tracker.slots)
        if sign:
            knowledge = load_knowledge()
            entry = knowledge.fields[sign["field"]]["values"][sign["value"]]
            if sign.get("reasked"):
                text = question_text(entry["concrete"], "question", tracker.slots)
            elif sign.get("one_by_one"):
                text = question_text(entry, "alone", tracker.slots)
            elif sign.get("told"):  # read from a story and recorded: repeated back once
                told = question_text(knowledge.vocabulary["corrections"], "told", tracker.slots)
                question = question_text(entry, "confirm" if entry.get("confirm") else "alone", tracker.slots)
                text = f"{told.format(sign=plain_words(knowledge, sign['field'], sign['value']))} {question}"
            elif sign.get("follow_up"):
                item = next(item for item in knowledge.vocabulary["follow_ups"]
                            if item["ask"] == {sign["field"]: sign["value"]})
                text = question_text(item, "question", tracker.slots)
            else:
                text = question_text(entry, "confirm", tracker.slots)
            if sign.get("asked_again") and not sign.get("reasked"):  # the answer before told something else
                dispatcher.utter_message(text=render(domain, "utter_sign_asked_again", tracker.slots))
            dispatcher.utter_message(text=text, buttons=yes_no_buttons(knowledge))
        return []


ASK_ACTIONS = {
    field: type(f"AskFor_{field}", (AskForField,), {"field": field, "__module__": __name__})
    for field in load_knowledge().question_order
}

shared_reader()  # build the language pipeline when the action server starts, not on the first message


class ActionGoBack(Action):
    """Clears the answer to the previous question so the form asks it again."""

    def name(self) -> Text:
        return "action_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        changes = going_back(tracker.slots, tracker.get_slot("requested_slot"))
        if changes is None:
            dispatcher.utter_message(response="utter_nothing_to_go_back_to")
            return []
        dispatcher.utter_message(response="utter_going_back")
        return [SlotSet(slot, value) for slot, value in changes]
