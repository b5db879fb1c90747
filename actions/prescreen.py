"""The pre-screen record, staff mode and "delete my data": the Rasa SDK side.

- When an assessment completes or a danger sign ends it, `record_prescreen` stores a record
  through `pht.records` and tells the person its reference code with a short summary to
  bring to the clinic. A database that cannot be reached costs the person nothing but the
  code: the outcome was already given, and they are told calmly.
- Staff mode: the `staff_entered` slot switches the wording to the third person (domain
  responses with a slot condition, the vocabulary's `staff_question`s) and marks the record
  staff-entered. It is set only for conversations of the staff channel (channels/staff.py:
  the reception page, signed in, behind a shared secret), never because of what someone
  typed: on any other channel "I'm at reception with a patient" is answered that staff
  pre-screens start from the reception page, and the conversation stays the person's own.
  The record is marked staff-entered (and its consent "by staff") from the channel itself
  (`on_staff_channel`), not from the slot, so a slot set some other way still makes no
  record "confirmed by staff".
- "Delete my data", once confirmed: `action_forget_me` deletes the person's records, then
  sets the `forget_conversation` slot. The Rasa server's conversation store
  (`rasa_server/tracker_store.py`) sees that slot when Rasa saves the turn, inside the
  conversation's lock, and deletes the conversation's events instead of saving them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pht.records import NewPrescreen, Records
from pht.triage import ENGINE_VERSION, knowledge_version, load_knowledge

from .messages import STAFF_SLOT, bullet_list, findings_summary, on_staff_channel, render
from .senders import channel_of
from pht.state import ACT_NOW_LEVELS, ASSESSMENT_SLOT, STOPPED_SLOT

logger = logging.getLogger(__name__)

REFERENCE_SLOT = "prescreen_reference"
FORGET_SLOT = "forget_conversation"  # rasa_server/tracker_store.py reads the same name
CONSENT_QUESTIONS = ("utter_ask_consent", "utter_ask_staff_consent")
CONSENT_ANSWERS = ("affirm", "inform")  # "answering straight away counts as consent" (data/rules)
FIT_SUMMARY = {"high": "utter_summary_fit_high", "moderate": "utter_summary_fit_moderate",
               "low": "utter_summary_fit_low"}


@lru_cache(maxsize=1)
def records() -> Records:
    """The records database, opened (and its schema brought up to date) once per process."""
    return Records()


def consent_given(tracker: Tracker) -> Dict[str, Any]:
    """What the person agreed to, from the conversation: the consent question the assistant
    asked (its wording names the record and "delete my data"), the answer's intent and time,
    and who answered (on the staff channel, also the signed-in staff member). A danger sign in
    the very first message ends the pre-screen before the question is asked: then the record
    says so."""
    by = "staff_for_patient" if staff_conversation(tracker) else "patient"
    question: Optional[Mapping[str, Any]] = None
    for event in tracker.events:
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") in CONSENT_QUESTIONS:
            question = event
        elif event.get("event") == "user" and question is not None:
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in CONSENT_ANSWERS:
                given = {"status": "given", "question": question["metadata"]["utter_action"],
                         "wording": question.get("text"), "answer": intent,
                         "at": _iso(event.get("timestamp")), "by": by}
                staff_user = (event.get("metadata") or {}).get("staff_user")
                if by == "staff_for_patient" and isinstance(staff_user, str):
                    given["staff_user"] = staff_user  # who confirmed it, as the staff channel vouches
                return given
            question = None
    return {"status": "not_asked", "reason": "danger_sign_before_consent_question", "by": by}


def staff_conversation(tracker: Tracker) -> bool:
    """Whether staff fill this pre-screen in: the conversation is the staff channel's. The
    `staff_entered` slot only words the messages; what is recorded follows the channel."""
    return on_staff_channel(tracker.sender_id, tracker.get_latest_input_channel())


def _iso(timestamp: Optional[float]) -> Optional[str]:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat() if timestamp else None


def ended_by(tracker: Tracker, result: Mapping[str, Any]) -> str:
    if tracker.get_slot(STOPPED_SLOT):
        return "screening_stopped"
    return "danger_sign" if result["urgency"] in ACT_NOW_LEVELS else "completed"


# the events that begin a new pre-screen in a conversation ("start again", the next patient at the desk)
PRESCREEN_STARTS = ("restart", "session_started", "reset_slots")


def turn_key(tracker: Tracker) -> Optional[str]:
    """The message that finished the pre-screen, named so that it is the same when sent again:
    where this pre-screen began (the last restart or session start), the message's text and
    how many times the same text came before it in this pre-screen. A turn a fault kept from
    being saved (rasa_server/guards.py) is sent again by the person's client, maybe after
    another message of theirs was stored meanwhile, and still gets the same record; a later
    message, or the next patient at the desk after a restart, gets a record of its own."""
    events = tracker.events
    latest_user = max((index for index, event in enumerate(events) if event.get("event") == "user"), default=None)
    if latest_user is None:
        return None
    began = max((index for index, event in enumerate(events[:latest_user])
                 if event.get("event") in PRESCREEN_STARTS), default=0)
    text = events[latest_user].get("text") or ""
    before = sum(1 for event in events[began:latest_user] if event.get("event") == "user" and event.get("text") == text)
    named = f"{began}:{events[began].get('timestamp')}:{before}:{text}"
    return hashlib.sha256(named.encode("utf-8")).hexdigest()[:40]


def record_channel(tracker: Tracker) -> str:
    """The channel shown to staff: the one whose prefix the conversation id carries (each
    channel builds its own ids: actions/senders.py), never anything a caller sent. An id
    without a prefix falls back to the message's input channel, which each channel sets to
    its own name."""
    return channel_of(tracker.sender_id) or tracker.get_latest_input_channel() or "unknown"


def new_prescreen(tracker: Tracker, result: Dict[str, Any]) -> NewPrescreen:
    return NewPrescreen(
        channel=record_channel(tracker), sender_id=tracker.sender_id, assessment=result,
        consent=consent_given(tracker), engine_version=ENGINE_VERSION, knowledge_version=knowledge_version(),
        staff_entered=staff_conversation(tracker), ended_by=ended_by(tracker, result), turn_key=turn_key(tracker))


def record_prescreen(tracker: Tracker, result: Dict[str, Any], dispatcher: CollectingDispatcher,
                     domain: DomainDict) -> List[EventType]:
    """Store the pre-screen and give its reference code with a summary to bring along."""
    try:
        record = records().add(new_prescreen(tracker, result))
    except Exception as error:  # noqa: BLE001 (a full disk or a database that is down must not lose the outcome)
        logger.error("The pre-screen record could not be stored (%s)", type(error).__name__)
        dispatcher.utter_message(response="utter_prescreen_not_saved")
        return []
    knowledge = load_knowledge()
    lines = [result["care"]["headline"]]
    if result.get("replaces"):
        lines.append(render(domain, "utter_summary_replaces", tracker.slots, reference=result["replaces"]))
    if result["urgency"] not in ACT_NOW_LEVELS:
        lines.append(render(domain, FIT_SUMMARY[result["likelihood"]], tracker.slots))
        noted = findings_summary(result["findings"], knowledge, domain)
        if noted:
            lines.append(render(domain, "utter_summary_noted", tracker.slots, items="; ".join(noted)))
    saved = "utter_prescreen_saved_act_now" if result["urgency"] in ACT_NOW_LEVELS else "utter_prescreen_saved"
    dispatcher.utter_message(text=render(domain, saved, tracker.slots,
                                         reference=record.reference, summary=bullet_list(lines)))
    return [SlotSet(REFERENCE_SLOT, record.reference)]


class ActionStaffMode(Action):
    """Reception fills the pre-screen in with or for a patient: third-person wording from now
    on, and the record is marked staff-entered. Before the questions it asks whether the
    patient agrees; during them it only acknowledges, and the questions go on.

    Only on the staff channel (the reception page, signed in). Anywhere else the sentence
    changes nothing: the person is told calmly that staff pre-screens start from the reception
    page and, before the questions, asked the usual (patient's own) consent question, so that
    the rules that follow this action ("yes" starts the questions) record the person's own
    consent."""

    def name(self) -> Text:
        return "action_staff_mode"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not on_staff_channel(tracker.sender_id, tracker.get_latest_input_channel()):
            dispatcher.utter_message(response="utter_staff_mode_reception_only")
            if not tracker.active_loop_name and not tracker.get_slot(ASSESSMENT_SLOT):
                dispatcher.utter_message(response="utter_ask_consent")
            return []
        if tracker.active_loop_name:
            dispatcher.utter_message(response="utter_staff_mode_noted")
        elif tracker.get_slot(ASSESSMENT_SLOT):
            # its own step, so that "yes" next is no consent to questions already answered
            return [SlotSet(STAFF_SLOT, True), FollowupAction("utter_staff_mode_after_outcome")]
        else:
            dispatcher.utter_message(response="utter_staff_mode")
            dispatcher.utter_message(response="utter_ask_staff_consent")
        return [SlotSet(STAFF_SLOT, True)]


class ActionForgetMe(Action):
    """After "delete my data" is confirmed: delete the person's records now, and have the
    Rasa server's conversation store delete the conversation when it saves this turn."""

    def name(self) -> Text:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            deleted = records().delete_sender(tracker.sender_id)
        except Exception as error:  # noqa: BLE001
            logger.error("Records of a conversation could not be deleted (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_forget_failed")
            return []
        logger.info("Deleted on request: %d pre-screen record(s) and the conversation", len(deleted))
        dispatcher.utter_message(response="utter_forgotten" if deleted else "utter_forgotten_conversation")
        return [SlotSet(FORGET_SLOT, True)]


class ActionForgetCancelled(Action):
    """"No, keep it": nothing is deleted; questions that were under way go on."""

    def name(self) -> Text:
        return "action_forget_cancelled"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_forget_cancelled")
        if _questions_under_way(tracker):
            return [FollowupAction("assessment_form")]
        return []


def _questions_under_way(tracker: Tracker) -> bool:
    """Whether the questions had started and no outcome was given yet."""
    if tracker.get_slot(ASSESSMENT_SLOT):
        return False
    return any(event.get("event") == "active_loop" and event.get("name") == "assessment_form"
               for event in tracker.events)
