"""Asking for a person from the clinic, and being handed back by staff: the Rasa SDK side.

- `action_ask_for_person`: any care the known findings call for comes first ("Please don't
  wait: ..."); then the request is kept for reception (`Records.handovers`) and the person is
  told: within CLINIC_OPENING_HOURS someone will join, with the expected wait, and the
  assistant goes on meanwhile (the questions too); outside them, when the clinic opens.
- While staff hold the conversation, Rasa pauses it (`ConversationPaused`) and predicts
  nothing; `action_extract_findings` still reads each message and, for a danger sign, gives
  marks the care as due (`care_due`), and the channel runs `action_care_while_taken_over` at
  once, which gives the advice (channels/handover.py).
- `action_handed_back`: after the reception page resumed the conversation and sent
  `EXTERNAL_handed_back`: says so (or, handed back automatically because nobody from the clinic
  wrote for HANDOVER_IDLE_MINUTES, that they had to step away, with the clinic's number), and
  the questions carry on where they were (the rules run the form again), or the conversation ends.
- On a channel that cannot bring a message the person did not ask for (REST), nobody can join:
  the person is given the clinic's number, and no request is kept.
"""
from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pht.opening_hours import clinic_hours, days_ahead
from pht.records.handovers import HANDOVER_CHANNELS, STAFF_NAME_SLOT, STEPPED_AWAY_SLOT
from pht.records.live import Changes
from pht.settings import load_settings, settings
from pht.state import findings_from_slots
from pht.triage import Engine
from pht.triage.engine import ACT_NOW_LEVELS

from .telling import WELCOME_INSTEAD, told_instead
from .forms import CARE_DUE_SLOT, FORM_NAME
from .messages import on_staff_channel, render
from . import prescreen
from .prescreen import record_channel

logger = logging.getLogger(__name__)


def clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@lru_cache(maxsize=1)
def changes() -> Changes:
    """The reception's live updates (Redis pub/sub when REDIS_URL is set), one per process."""
    config = settings()
    return Changes(config.redis_url, config.redis_key_prefix)


def say_care_first(tracker: Tracker, dispatcher: CollectingDispatcher, domain: DomainDict) -> bool:
    """When what is known calls for emergency or urgent care, say where and how soon, first."""
    engine = Engine()
    result = engine.assess(findings_from_slots(tracker.slots, engine.knowledge))
    if result["urgency"] not in ACT_NOW_LEVELS:
        return False
    care = result["care"]
    dispatcher.utter_message(text=render(domain, "utter_care_reminder", tracker.slots,
                                         headline=care["headline"], where=care["where"]))
    return True


def opening_words(domain: DomainDict, opening: dt.datetime, now: dt.datetime) -> str:
    ahead = days_ahead(opening, now)
    if ahead == 0:
        return render(domain, "utter_word_today")
    if ahead == 1:
        return render(domain, "utter_word_tomorrow")
    return render(domain, "utter_word_on_day", day=opening.strftime("%A"))


class ActionAskForPerson(Action):
    def name(self) -> Text:
        return "action_ask_for_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if told_instead(tracker):
            return WELCOME_INSTEAD  # "I can't get an erection": a story, not a request for a person
        if on_staff_channel(tracker.sender_id, tracker.get_latest_input_channel()):
            dispatcher.utter_message(response="utter_handover_staff_channel")
            return []
        say_care_first(tracker, dispatcher, domain)
        config = settings()
        clinic = load_settings()["clinic"]
        if record_channel(tracker) not in HANDOVER_CHANNELS:  # what staff wrote would reach nobody
            dispatcher.utter_message(text=render(domain, "utter_handover_not_on_this_channel", **clinic))
            return []
        hours = clinic_hours(config.clinic_timezone, config.clinic_opening_hours)
        now = clock()
        open_now = hours.is_open(now)
        opening = None if open_now else hours.next_opening(now)
        if not open_now and opening is None:  # CLINIC_OPENING_HOURS=off: nobody joins chats, nothing to keep
            dispatcher.utter_message(text=render(domain, "utter_handover_no_hours", **clinic))
            return []
        try:
            _, new = prescreen.records().handovers.request(tracker.sender_id, record_channel(tracker), out_of_hours=not open_now)
        except Exception as error:  # noqa: BLE001 (a database that is down: the person gets the phone number)
            logger.error("A request for a person could not be kept (%s)", type(error).__name__)
            dispatcher.utter_message(text=render(domain, "utter_handover_unavailable", **clinic))
            return []
        changes().publish()  # the reception's open lists show the request at once
        if opening is None:
            response = "utter_handover_waiting" if new else "utter_handover_already_waiting"
            dispatcher.utter_message(text=render(domain, response, minutes=config.handover_wait_minutes, **clinic))
        else:
            dispatcher.utter_message(text=render(domain, "utter_handover_closed", day=opening_words(domain, opening, now),
                                                 time=opening.strftime("%H:%M"), **clinic))
        return []


class ActionHandedBack(Action):
    def name(self) -> Text:
        return "action_handed_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot(STEPPED_AWAY_SLOT):  # handed back automatically (pht/reception/unattended.py)
            dispatcher.utter_message(text=render(domain, "utter_staff_stepped_away", staff_name=tracker.get_slot(STAFF_NAME_SLOT),
                                                 **load_settings()["clinic"]))
        else:
            dispatcher.utter_message(response="utter_handed_back")  # {staff_name}: Rasa fills in the slot
        if tracker.active_loop_name == FORM_NAME:
            dispatcher.utter_message(response="utter_handed_back_carry_on")  # the rule runs the form next
        else:
            dispatcher.utter_message(response="utter_handed_back_done")
        return [SlotSet(STEPPED_AWAY_SLOT, None)] if tracker.get_slot(STEPPED_AWAY_SLOT) else []


class ActionCareWhileTakenOver(Action):
    """Run by the channel (channels/handover.py) while staff hold the conversation, right after
    a message made the care urgent or an emergency: where and how soon, at once."""

    def name(self) -> Text:
        return "action_care_while_taken_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot(CARE_DUE_SLOT):
            say_care_first(tracker, dispatcher, domain)
        return [SlotSet(CARE_DUE_SLOT, None)]
