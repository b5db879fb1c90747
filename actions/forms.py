"""The assessment form: reading answers, asking questions, re-asking, stopping for danger signs.

- `action_extract_findings` runs after every user message (a custom slot mapping of every
  findings slot) and fills whatever the message states, asked or not.
- `validate_assessment_form` decides which questions remain, re-asks an answer it could not
  understand, and ends the form at once when the answers so far need emergency or urgent care.
- `action_ask_<field>` asks one question with answer buttons.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from .language.numbers import is_vague_time
from .language.reader import NOT_SURE, is_correction, read_message, shared_reader
from .messages import answer_buttons, findings_summary, join_items, render, value_labels
from .settings import load_settings
from .slots import MENTIONED_SLOT, findings_from_slots, needs_care_now
from .triage import Engine, load_knowledge

FORM_NAME = "assessment_form"
REASK_SLOT = "reask_count"
CORRECTED_SLOT = "corrected"  # answers the last message changed, to acknowledge
# Intents that leave the form for a rule (explain, restart, stop ...) when nothing was read.
DIGRESSION_INTENTS = {"ask_why", "faq", "go_back", "start_over", "stop", "goodbye", "out_of_scope", "thank", "greet"}
# Messages that ask rather than answer ("can I keep running?"): only danger signs are read
# from them, unless the NLU is unsure. Commands ("stop", "go back") are short: if one still
# answers the question asked ("about twenty days"), it was an answer the NLU got wrong.
QUESTION_INTENTS = {"faq", "ask_why", "out_of_scope"}
COMMAND_INTENTS = {"start_over", "stop", "goodbye", "go_back"}
SURE = 0.8


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
    required = []
    for field in knowledge.question_order:
        ask_if = knowledge.fields[field].get("ask_if", {})
        if not all(slots.get(key) == value for key, value in ask_if.items()):
            continue
        if slots.get(field) is not None or knowledge.fields[field].get("screen") or engine.could_change_outcome(findings, field):
            required.append(field)
    return tuple(required)


def note_misunderstanding(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> EventType:
    """Count an answer that could not be used; from the configured count on, offer the
    clinic's contact instead of asking the same question forever."""
    count = int(tracker.get_slot(REASK_SLOT) or 0) + 1
    settings = load_settings()
    if count >= settings["offer_human_after_misunderstandings"]:
        dispatcher.utter_message(text=render(domain, "utter_offer_human", **settings["clinic"]))
    return SlotSet(REASK_SLOT, count)


def _requested_slot(tracker: Tracker) -> Optional[str]:
    return tracker.get_slot("requested_slot") if tracker.active_loop_name == FORM_NAME else None


class ActionExtractFindings(Action):
    """Reads the latest message into findings slots."""

    def name(self) -> Text:
        return "action_extract_findings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if text.startswith("/"):
            return []  # an intent payload such as /restart carries no findings
        knowledge = load_knowledge()
        asked = _requested_slot(tracker)
        found = read_message(text, asked)
        intent = tracker.latest_message.get("intent", {})
        sure = intent.get("confidence", 1.0) >= SURE
        only_danger_signs = sure and (intent.get("name") in QUESTION_INTENTS or (
            intent.get("name") in COMMAND_INTENTS and asked not in found))
        correcting = is_correction(text)
        events: List[EventType] = []
        corrected: Dict[str, Any] = {}
        mentioned = dict(tracker.get_slot(MENTIONED_SLOT) or {})
        for field, value in found.items():
            spec = knowledge.fields[field]
            current = tracker.get_slot(field)
            if value == NOT_SURE and field != asked:
                continue
            if only_danger_signs and not spec.get("screen"):
                continue  # "can I keep running?" is no report of running; danger signs always count
            if field != asked and current is not None and spec["kind"] != "list":
                if not correcting:
                    continue  # a passing mention does not overwrite an answer; "actually, ..." does
                corrected[field] = value
            if spec.get("screen") and field != asked and current is None:
                mentioned[field] = list(dict.fromkeys(mentioned.get(field, []) + value))
                continue
            if spec["kind"] == "list" and isinstance(current, list) and value:
                value = list(dict.fromkeys(current + value))
            if value != current:
                events.append(SlotSet(field, value))
        if mentioned != (tracker.get_slot(MENTIONED_SLOT) or {}):
            events.append(SlotSet(MENTIONED_SLOT, mentioned))
        changed = {field: value for field, value in corrected.items() if value != tracker.get_slot(field)}
        if changed:
            # Rasa drops messages sent from slot-mapping actions: the form acknowledges it
            events.append(SlotSet(CORRECTED_SLOT, changed))
        return events


class ValidateAssessmentForm(FormValidationAction):
    """Chooses the next question, re-asks unclear answers and stops early for danger signs."""

    def name(self) -> Text:
        return f"validate_{FORM_NAME}"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if needs_care_now(tracker.slots):
            return []  # an emergency or urgent finding ends the questions at once
        return questions_to_ask(tracker.slots)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        knowledge = load_knowledge()
        asked = tracker.get_slot("requested_slot")
        updates: Dict[str, Any] = {}
        corrected = tracker.get_slot(CORRECTED_SLOT)
        if corrected:
            summary = "; ".join(findings_summary(corrected, knowledge, domain))
            dispatcher.utter_message(text=render(domain, "utter_corrected", items=summary))
            updates[CORRECTED_SLOT] = None
        for field, value in tracker.slots_to_validate().items():
            if field not in knowledge.fields:
                continue
            if field == asked:
                value = self._merge_mentioned(field, value, tracker)
                if value == NOT_SURE and knowledge.fields[field].get("screen"):
                    dispatcher.utter_message(text=render(domain, "utter_screen_not_sure"))
                    value = None
            updates[field] = value
        events: List[EventType] = [SlotSet(field, value) for field, value in updates.items()]
        if needs_care_now({**tracker.slots, **updates}):
            # a danger sign, perhaps only mentioned in passing: the form must end now, not step aside
            return events + [SlotSet(MENTIONED_SLOT, tracker.get_slot(MENTIONED_SLOT))]
        if not asked:
            return events
        if updates.get(asked) is not None:
            return events + [SlotSet(REASK_SLOT, 0)]
        intent = tracker.latest_message.get("intent", {}).get("name")
        if updates:
            return events  # they told us something else (or corrected an answer): just ask again
        if intent in DIGRESSION_INTENTS:
            return []  # nothing read: the form steps aside so a rule can answer, then asks again
        return events + self._reask(asked, dispatcher, tracker, domain)

    @staticmethod
    def _merge_mentioned(field: str, value: Any, tracker: Tracker) -> Any:
        earlier = (tracker.get_slot(MENTIONED_SLOT) or {}).get(field)
        if earlier and isinstance(value, list):
            return list(dict.fromkeys(earlier + value))
        return value

    @staticmethod
    def _reask(field: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Say what kind of answer would help; after repeated trouble, offer a person to talk to."""
        knowledge = load_knowledge()
        text = tracker.latest_message.get("text") or ""
        if field == "duration_days" and is_vague_time(text):
            dispatcher.utter_message(text=render(domain, "utter_duration_vague"))
        else:
            dispatcher.utter_message(text=render(domain, "utter_not_understood", examples=knowledge.fields[field]["examples"]))
        return [SlotSet(field, None), note_misunderstanding(dispatcher, tracker, domain)]


class AskForField(Action):
    """Asks for one findings field, with answer buttons; subclassed once per field below."""

    field = ""

    def name(self) -> Text:
        return f"action_ask_{self.field}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        knowledge = load_knowledge()
        spec = knowledge.fields[self.field]
        earlier = (tracker.get_slot(MENTIONED_SLOT) or {}).get(self.field)
        if earlier:
            labels = join_items(value_labels(self.field, earlier, knowledge), domain)
            dispatcher.utter_message(text=render(domain, "utter_already_mentioned", items=labels))
        dispatcher.utter_message(text=spec["question"], buttons=answer_buttons(self.field, knowledge))
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
        order = load_knowledge().question_order
        current = tracker.get_slot("requested_slot")
        earlier = order[: order.index(current)] if current in order else order
        answered = [field for field in earlier if tracker.get_slot(field) is not None]
        if not answered:
            dispatcher.utter_message(response="utter_nothing_to_go_back_to")
            return []
        dispatcher.utter_message(response="utter_going_back")
        return [SlotSet(answered[-1], None), SlotSet("requested_slot", None)]
