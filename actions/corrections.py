"""Correcting what the assistant repeated back, in plain words (issue 19).

Every message that repeats answers back (already mentioned, noted, changed, the outcome's
summary) keeps them in the `repeated_back` slot until the next message, which reads it once.
When that message denies some of them (pht/language/corrections.py):
- a value whose removal could lower an emergency or urgent outcome (a danger sign) is kept, and one confirming
  question in plain words asks about it ("Just to be sure: should I take out ...? Say yes only if you do not have it."): only "yes"
  takes it out, anything else keeps it;
- any other value is taken out at once;
and the form says what it took out, then asks its current question again. After the outcome,
`action_correct` does the same and reopens the questions; the corrected outcome is a new
record that names the one it replaces.

Slot-mapping actions cannot send messages (Rasa drops them): the reading sets slots, and the
form or `action_correct` acknowledges.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pht.language.corrections import denied_items, explicit_yes
from pht.language.reader import shared_reader
from pht.triage import Engine, Knowledge, load_knowledge

from .messages import findings_summary, plain_words, render, staff_entered, yes_no_buttons
from .telling import WELCOME_INSTEAD, told_instead
from pht.state import ASSESSMENT_SLOT, MENTIONED_SLOT, POSSIBLE_SLOT, findings_from_slots

REPEATED_SLOT = "repeated_back"  # the answers the last message repeated back, field -> value(s)
WITHDRAWN_SLOT = "withdrawn"  # what this message took out or kept, to acknowledge: {"removed": ..., "kept": ...}
WITHDRAWAL_SLOT = "withdrawal"  # danger signs denied, each to confirm with one question: [{"field", "value"}]
WITHDRAW_CHECK = "withdraw_check"  # the form's slot for that confirming question
# Policy v3's danger signs: "any value that can make the outcome urgent or an emergency: the
# red flags, leg_weakness, the avulsion signs".
DANGER_SIGN_FIELDS = {"red_flags", "injury_signs"}
DANGER_SIGN_VALUES = {"leg_weakness"}

Items = Dict[str, Any]
# What comes next is the person's turn, also when another action handed over to this one
# (a correction the NLU took for a description): no policy guesses after it.
LISTEN = [FollowupAction("action_listen")]


def repeated(findings: Mapping[str, Any], knowledge: Optional[Knowledge] = None) -> Optional[Items]:
    """The findings fields of `findings` (no bookkeeping keys), as `repeated_back` holds them."""
    fields = (knowledge or load_knowledge()).fields
    items = {field: value for field, value in findings.items() if field in fields and value not in (None, [])}
    return items or None


def repeat_back(findings: Mapping[str, Any]) -> List[EventType]:
    """The event that remembers what a message repeats back, until the next message."""
    return [SlotSet(REPEATED_SLOT, repeated(findings))]


def pending_withdrawal(slots: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The first denied danger sign still to confirm."""
    return next(iter(slots.get(WITHDRAWAL_SLOT) or []), None)


def without_withdrawals(slots: Mapping[str, Any]) -> Dict[str, Any]:
    """The slots as they would be if every denied danger sign still to confirm were taken out."""
    knowledge = load_knowledge()
    after = dict(slots)
    for sign in slots.get(WITHDRAWAL_SLOT) or []:
        kind = knowledge.fields[sign["field"]]["kind"]
        after.update(removal(after, {sign["field"]: [sign["value"]] if kind == "list" else sign["value"]}))
    return after


def lowers_act_now(field: str, value: Any, slots: Mapping[str, Any], engine: Optional[Engine] = None) -> bool:
    """Whether taking `value` out of `field` could lower an emergency or urgent outcome: a
    danger sign (policy v3: the red flags, `leg_weakness` and the avulsion signs), or what
    makes the advice act-now today. Pain below the knee or coughing that hurts can go at once."""
    engine = engine or Engine()
    if field in DANGER_SIGN_FIELDS or value in DANGER_SIGN_VALUES:
        return True
    kind = engine.knowledge.fields[field]["kind"]
    levels = engine.knowledge.rules["urgency"]["levels"]
    with_it = {**slots, field: list(dict.fromkeys(list(slots.get(field) or []) + [value])) if kind == "list" else value}
    before = engine.urgency(findings_from_slots(with_it, engine.knowledge))[0]["level"]
    after = engine.urgency(findings_from_slots({**with_it, **removal(with_it, {field: [value] if kind == "list" else value})},
                                               engine.knowledge))[0]["level"]
    return before in levels[:2] and levels.index(after) > levels.index(before)



def removal(slots: Mapping[str, Any], items: Mapping[str, Any]) -> Dict[str, Any]:
    """The slot values with `items` taken out: from the answers, from what was mentioned in
    passing, and from confirmed possible signs (answered "no" now). A list left empty, or a
    single value taken out, is asked again: an empty list would mean "none of these"."""
    knowledge = load_knowledge()
    updates: Dict[str, Any] = {}
    mentioned = dict(slots.get(MENTIONED_SLOT) or {})
    signs = [dict(sign) for sign in slots.get(POSSIBLE_SLOT) or []]
    for field, denied in items.items():
        values = denied if isinstance(denied, list) else [denied]
        current = slots.get(field)
        if knowledge.fields[field]["kind"] == "list":
            if isinstance(current, list) and set(values) & set(current):
                kept = [value for value in current if value not in values]
                updates[field] = kept or None
        elif current in values:
            updates[field] = None
        earlier = mentioned.get(field)
        if isinstance(earlier, list):
            earlier = [value for value in earlier if value not in values]
        elif earlier in values:
            earlier = None
        if earlier:
            mentioned[field] = earlier
        else:
            mentioned.pop(field, None)
        for sign in signs:
            if sign["field"] == field and sign["value"] in values and sign["answer"] is not None:
                sign["answer"] = "no"
    if mentioned != (slots.get(MENTIONED_SLOT) or {}):
        updates[MENTIONED_SLOT] = mentioned
    if signs != (slots.get(POSSIBLE_SLOT) or []):
        updates[POSSIBLE_SLOT] = signs
    return updates


def _not_restated(denied: Optional[Items], text: str) -> Optional[Items]:
    """What a message denies, less what it states again in other words: "it's not a fever,
    it's a temperature of 39" corrects the word, not the sign."""
    if not denied:
        return denied
    stated = shared_reader().read(text, infer=False)
    kept: Items = {}
    for field, value in denied.items():
        again = stated.get(field)
        again = set(again) if isinstance(again, list) else {again}
        left = [item for item in value if item not in again] if isinstance(value, list) else (None if value in again else value)
        if left not in (None, []):
            kept[field] = left
    return kept or None


def denial_updates(slots: Mapping[str, Any], text: str) -> Optional[Dict[str, Any]]:
    """The slot values after `text` denies items just repeated back, or None when it denies
    none. Danger signs wait for their confirming question; the rest go at once."""
    denied = _not_restated(denied_items(text, slots.get(REPEATED_SLOT)), text)
    if not denied:
        return None
    if len(denied) > 1 and not set(shared_reader().named_values(text)) & set(denied):
        # "you got that wrong" to a whole summary: which answer, rather than all of them
        return {WITHDRAWN_SLOT: {"removed": {}, "kept": {}, "which": slots.get(REPEATED_SLOT)}, REPEATED_SLOT: None}
    engine = Engine()
    at_once: Items = {}
    to_confirm = list(slots.get(WITHDRAWAL_SLOT) or [])
    for field, denied_value in denied.items():
        for value in (denied_value if isinstance(denied_value, list) else [denied_value]):
            if lowers_act_now(field, value, slots, engine):
                if {"field": field, "value": value} not in to_confirm:
                    to_confirm.append({"field": field, "value": value})
            elif isinstance(denied_value, list):
                at_once.setdefault(field, []).append(value)
            else:
                at_once[field] = value
    updates = removal(slots, at_once)
    updates[WITHDRAWN_SLOT] = {"removed": at_once, "kept": {}} if at_once else None
    updates[WITHDRAWAL_SLOT] = to_confirm or None
    updates[REPEATED_SLOT] = None
    return updates


def withdrawal_answer(slots: Mapping[str, Any], text: str) -> Dict[str, Any]:
    """The slot values after the answer to "should I take out ...?": only yes takes it out."""
    sign = pending_withdrawal(slots)
    if sign is None:
        return {}
    rest = list(slots.get(WITHDRAWAL_SLOT) or [])[1:]
    item = {sign["field"]: [sign["value"]] if load_knowledge().fields[sign["field"]]["kind"] == "list" else sign["value"]}
    if explicit_yes(text):
        updates = removal(slots, item)
        updates[WITHDRAWN_SLOT] = {"removed": item, "kept": {}}
    else:
        updates = {WITHDRAWN_SLOT: {"removed": {}, "kept": item}}
    updates[WITHDRAWAL_SLOT] = rest or None
    updates[WITHDRAW_CHECK] = "yes" if WITHDRAWN_SLOT in updates and updates[WITHDRAWN_SLOT]["removed"] else "no"
    return updates


def acknowledge(dispatcher: CollectingDispatcher, slots: Mapping[str, Any], domain: DomainDict) -> List[EventType]:
    """Say what the last message took out, or kept. To "you got that wrong" about a whole
    summary, ask which answer, and keep the summary as what was repeated back, so the answer
    ("I didn't say driving") can name it."""
    withdrawn = slots.get(WITHDRAWN_SLOT)
    if not withdrawn:
        return []
    if withdrawn.get("which"):
        dispatcher.utter_message(response="utter_which_answer_wrong")
        return [SlotSet(WITHDRAWN_SLOT, None), SlotSet(REPEATED_SLOT, withdrawn["which"])]  # the answer can name one
    knowledge = load_knowledge()
    if withdrawn.get("removed"):
        removed = "; ".join(findings_summary(withdrawn["removed"], knowledge, domain))
        dispatcher.utter_message(text=render(domain, "utter_taken_out", slots, items=removed))
    if withdrawn.get("kept"):
        kept = "; ".join(findings_summary(withdrawn["kept"], knowledge, domain))
        dispatcher.utter_message(text=render(domain, "utter_kept", slots, items=kept))
    return [SlotSet(WITHDRAWN_SLOT, None)]


class AskToConfirmWithdrawal(Action):
    """Asks, in plain words, before a denied danger sign is taken out."""

    def name(self) -> Text:
        return f"action_ask_{WITHDRAW_CHECK}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        sign = pending_withdrawal(tracker.slots)
        if sign:
            knowledge = load_knowledge()
            section = knowledge.vocabulary["corrections"]
            spec = knowledge.fields[sign["field"]]
            if spec.get("screen"):
                words = plain_words(knowledge, sign["field"], sign["value"])
                question = section["staff_confirm"] if staff_entered(tracker.slots) else section["confirm"]
                text = question.format(sign=words)
            else:
                value = [sign["value"]] if spec["kind"] == "list" else sign["value"]
                item = findings_summary({sign["field"]: value}, knowledge, domain)[0]
                text = section["confirm_other"].format(item=item)
            dispatcher.utter_message(text=text, buttons=yes_no_buttons(knowledge))
        return []


class ActionCorrect(Action):
    """"You got that wrong" outside the questions. After the outcome: say what was taken out and
    reopen the questions (a denied danger sign is confirmed first, then whatever the removal
    left to ask), or, with nothing left to ask, give the corrected outcome now. Before the
    questions: the welcome again, with what is noted now."""

    def name(self) -> Text:
        return "action_correct"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slots = dict(tracker.slots)
        withdrawn = slots.get(WITHDRAWN_SLOT) or {}
        if withdrawn.get("which") or not (withdrawn or slots.get(WITHDRAWAL_SLOT)):
            if withdrawn:
                return acknowledge(dispatcher, slots, domain) + LISTEN
            if told_instead(tracker):
                return WELCOME_INSTEAD  # "something's not right with my waterworks" first: a story, nothing to correct
            dispatcher.utter_message(response="utter_which_answer_wrong")
            outcome = slots.get(ASSESSMENT_SLOT)
            return (repeat_back(outcome.get("findings", {})) if outcome else []) + LISTEN
        events = acknowledge(dispatcher, slots, domain)
        slots[WITHDRAWN_SLOT] = None
        if not slots.get(ASSESSMENT_SLOT):
            return events + [FollowupAction("action_welcome")]
        from .forms import required_questions  # the form's own choice of questions

        events.append(SlotSet(ASSESSMENT_SLOT, None))
        slots[ASSESSMENT_SLOT] = None
        if any(slots.get(field) is None for field in required_questions(slots)):
            return events + [FollowupAction("assessment_form")]
        from .assessment import assess_conversation

        corrected = Tracker(tracker.sender_id, slots, tracker.latest_message, tracker.events, False, None,
                            {}, tracker.latest_action_name)
        return events + assess_conversation(corrected, dispatcher, domain) + LISTEN
