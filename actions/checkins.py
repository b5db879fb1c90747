"""Follow-up check-ins, the Rasa SDK side (policy v3, "Follow-up check-ins"; issue 22).

- Consent: a soon or routine pre-screen on a channel that can reach the person later
  (FOLLOW_UP_CHANNELS) ends with `follow_up_consent_form`: "May I check in with you ...?",
  then, on "yes", the baseline sitting time; `action_follow_up_saved` stores the follow-up
  through pht.records. The website widget cannot message anyone later: there the consent says
  so, and a "yes" gets a signed link back to the page that continues the check-ins, and its
  expiry (pht/followups/links.py; web/server.py serves the page). A "no" is recorded too.
- A check-in: the follow-up worker triggers `EXTERNAL_check_in` with the check-in's key;
  `action_check_in_start` acts on a key once (`first_trigger`), loads the follow-up and the
  pre-screen from the records (not from the conversation), and starts `check_in_form`,
  which asks knowledge/checkins.yml's questions in order. A danger sign told at any point
  ends the questions at once; `action_check_in_decide` then decides (pht/triage/checkins.py),
  says the reply and records it. `EXTERNAL_check_in_reminder` asks again once.
- "Stop" / "no more check-ins": `action_stop_check_ins`.

The medicine and the words are in knowledge/checkins.yml and domain/checkins.yml.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List, Mapping, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pht.language.checkin_answers import SCREENS, read_checkin_answer
from pht.language.reader import NOT_SURE, shared_reader
from channels.pseudonyms import Pseudonyms, sender_id_key
from pht.followups.links import check_in_url, link_expiry, make_token
from pht.followups.phone import e164, ending, twilio_address
from pht.records.follow_ups import FollowUpRecord, NewFollowUp
from pht.records.settings import settings as records_settings
from pht.settings import settings
from pht.state import findings_fields
from pht.triage import Engine, load_knowledge
from pht.triage.checkin_knowledge import load_checkins
from pht.triage.findings import Findings, validate_findings
from pht.triage.checkins import (
    CheckinAnswers, decide, findings_now, messages, reply, schedule, warning_card_applies,
)

from .telling import WELCOME_INSTEAD, told_instead
from .messages import Button, answer_buttons, render
from .prescreen import REFERENCE_SLOT, records, staff_conversation
from .senders import channel_of, prefix_of

logger = logging.getLogger(__name__)

CONSENT_FORM = "follow_up_consent_form"
CONSENT_SLOT = "follow_up_consent"
BASELINE_SLOT = "follow_up_baseline"
CONSENT_REASK_SLOT = "follow_up_reask"
ROUTE_SLOT = "follow_up_route"  # staff mode: "sms" or "whatsapp"
ROUTE_WORDS = {"sms": "utter_follow_up_route_sms", "whatsapp": "utter_follow_up_route_whatsapp"}
MOBILE_SLOT = "follow_up_mobile"  # staff mode: {"sender_id": Twilio's id for the number, "ending": "123"}
CHECK_IN_FORM = "check_in_form"
QUESTION_SLOT = "check_in_question"
CHECK_IN_SLOT = "check_in"  # {"key", "checkin", "label", "answers", "reask", "done"}
ACT_NOW = ("emergency", "urgent")
OFFERED_AFTER = ("soon", "routine")
WEB_CHANNEL = "socketio"
# messages a form steps aside for (no answer read: Rasa rejects the form, and a rule in
# data/rules/checkins.yml answers): the worker's intents, stopping, distress, deleting data
STEP_ASIDE = ("EXTERNAL_check_in", "EXTERNAL_check_in_reminder", "stop", "stop_check_ins", "distress",
              "delete_my_data")
ACTED_ON_SLOT = "check_in_keys"  # the worker's keys this conversation has acted on
REMINDER_KEY = ":reminder"
ENDED_CHECK_INS = {"answered", "cancelled"}
TRIES = 2  # unusable answers to one question before it is left unanswered (a screen: incomplete)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def follow_up_channels() -> List[str]:
    return settings().follow_up_channels.replace(",", " ").split()


def _yes_no(text: str, intent: Optional[str]) -> Optional[bool]:
    answer = shared_reader().yes_or_no(text)
    if answer is None and intent in ("affirm", "deny"):
        answer = intent == "affirm"
    return answer


def _yes_no_buttons() -> List[Button]:
    knowledge = load_knowledge()
    answers, labels = knowledge.vocabulary["answers"], knowledge.vocabulary["answer_labels"]
    return [{"title": labels[answer], "payload": str(answers[answer][0])} for answer in ("affirm", "deny")]


# -- consent, at the end of a pre-screen --------------------------------------------------------

def offer_follow_ups(tracker: Tracker, result: Mapping[str, Any], reference: Optional[str],
                     dispatcher: CollectingDispatcher, domain: DomainDict) -> Optional[List[EventType]]:
    """After a soon or routine outcome that was recorded: on a channel that can reach the
    person later, the consent form (its events); on the website widget, say that we cannot,
    with the reference code (None: the usual closing follows). Never for staff pre-screens,
    nor twice in one conversation."""
    if not reference or result.get("urgency") not in OFFERED_AFTER or tracker.get_slot(CONSENT_SLOT) is not None:
        return None
    if staff_conversation(tracker):  # at the desk: by SMS or WhatsApp, when the clinic has a number for it
        return [FollowupAction(CONSENT_FORM)] if staff_routes() else None
    channel = channel_of(tracker.sender_id)
    if channel in follow_up_channels() or channel == WEB_CHANNEL:  # the website: check-ins by a link
        return [FollowupAction(CONSENT_FORM)]
    return None


def on_website(tracker: Tracker) -> bool:
    """The website widget's conversation: nobody can be messaged there later."""
    return channel_of(tracker.sender_id) == WEB_CHANNEL


def consent_wording(tracker: Tracker) -> str:
    """The consent question as this person is asked it (on the website it says how: a link; at
    the desk, staff read it to the patient)."""
    if staff_conversation(tracker):
        return reply("consent_staff")
    return reply("consent_web" if on_website(tracker) else "consent")


def staff_routes() -> List[str]:
    """How a patient at the desk can get check-ins: SMS and WhatsApp, each when the clinic has a
    Twilio number for it (TWILIO_SMS_FROM, TWILIO_WHATSAPP_FROM) and Twilio may be messaged."""
    if "twilio" not in follow_up_channels():
        return []
    config = settings()
    return [route for route, number in (("sms", config.twilio_sms_from), ("whatsapp", config.twilio_whatsapp_from))
            if number]


def twilio_sender_id(address: str) -> str:
    """The conversation Twilio's channel keeps for `address` (the number encrypted, as it does for a
    person who writes in: channels/pseudonyms.py), so a check-in and the patient's answers meet."""
    return Pseudonyms(sender_id_key(), prefix_of("twilio")).sender_id(address)


def staff_user(tracker: Tracker) -> Optional[str]:
    """The signed-in staff member who sent the latest message, as the staff channel vouches."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            name = (event.get("metadata") or {}).get("staff_user")
            return name if isinstance(name, str) else None
    return None


def _local_day(moment: dt.datetime) -> str:
    return f"{moment.astimezone(ZoneInfo(settings().clinic_timezone)):%A %d %B %Y}"  # the clinic's time zone


def web_link(reference: str, last_due: dt.datetime) -> Dict[str, str]:
    """A website visitor's signed link back to their check-ins, and until when it works."""
    config = records_settings()
    expires = link_expiry(last_due, config.link_days)
    token = make_token(reference, expires, config.follow_up_link_key())
    return {"link": check_in_url(config.web_url, token), "expires": _local_day(expires)}


def _clinic() -> Dict[str, str]:
    config = settings()
    return {"clinic_name": config.clinic_name, "booking_link": config.clinic_booking_url}


class ValidateFollowUpConsentForm(FormValidationAction):
    """"May I check in with you?" then, on yes, the baseline sitting time."""

    def name(self) -> Text:
        return f"validate_{CONSENT_FORM}"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if tracker.get_slot(CONSENT_SLOT) is None:
            return [CONSENT_SLOT]
        if not tracker.get_slot(CONSENT_SLOT):
            return []
        if staff_conversation(tracker):  # at the desk: how, and the number, before the baseline
            if tracker.get_slot(ROUTE_SLOT) is None:
                return [ROUTE_SLOT]
            if tracker.get_slot(MOBILE_SLOT) is None:
                return [MOBILE_SLOT]
            if not tracker.get_slot(MOBILE_SLOT):
                return []  # no number: no check-ins
        if tracker.get_slot(BASELINE_SLOT) is None:
            return [BASELINE_SLOT]
        return []

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        asked = tracker.get_slot("requested_slot")
        text = tracker.latest_message.get("text") or ""
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent in STEP_ASIDE:
            return []
        count = int(tracker.get_slot(CONSENT_REASK_SLOT) or 0) + 1
        if asked == CONSENT_SLOT:
            answer = _yes_no(text, intent)
            if answer is not None:
                routes = staff_routes() if staff_conversation(tracker) else []
                only = [SlotSet(ROUTE_SLOT, routes[0])] if answer and len(routes) == 1 else []  # nothing to choose
                return [SlotSet(CONSENT_SLOT, answer), SlotSet(CONSENT_REASK_SLOT, 0), *only]
            if count >= TRIES:
                return [SlotSet(CONSENT_SLOT, False), SlotSet(CONSENT_REASK_SLOT, 0)]  # no clear yes: no check-ins
            dispatcher.utter_message(response="utter_follow_up_yes_or_no")
            return [SlotSet(CONSENT_SLOT, None), SlotSet(CONSENT_REASK_SLOT, count)]
        if asked == ROUTE_SLOT:
            route = next((route for route in staff_routes() if route in text.lower()
                          or (route == "sms" and "text" in text.lower())), None)
            if route is not None:
                return [SlotSet(ROUTE_SLOT, route)]
            dispatcher.utter_message(response="utter_ask_follow_up_route")
            return [SlotSet(ROUTE_SLOT, None)]
        if asked == MOBILE_SLOT:
            number = e164(text)
            if number is not None:  # kept as Twilio's conversation id, the number encrypted in it
                address = twilio_address(number, tracker.get_slot(ROUTE_SLOT) or "sms")
                return [SlotSet(MOBILE_SLOT, {"sender_id": twilio_sender_id(address), "ending": ending(number)})]
            if _yes_no(text, intent) is False:
                return [SlotSet(MOBILE_SLOT, {})]  # no number after all: no check-ins
            dispatcher.utter_message(response="utter_follow_up_mobile_invalid")
            return [SlotSet(MOBILE_SLOT, None)]
        if asked == BASELINE_SLOT:
            minutes = read_checkin_answer("sitting_minutes", text).value
            if isinstance(minutes, int):
                return [SlotSet(BASELINE_SLOT, minutes), SlotSet(CONSENT_REASK_SLOT, 0)]
            if count >= TRIES:
                return [SlotSet(BASELINE_SLOT, NOT_SURE), SlotSet(CONSENT_REASK_SLOT, 0)]  # not known
            examples = load_knowledge().fields["sitting_minutes"]["examples"]
            dispatcher.utter_message(text=render(domain, "utter_check_in_not_understood", examples=examples))
            return [SlotSet(BASELINE_SLOT, None), SlotSet(CONSENT_REASK_SLOT, count)]
        return []


class AskFollowUpConsent(Action):
    def name(self) -> Text:
        return f"action_ask_{CONSENT_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if staff_conversation(tracker):  # staff read the question to the patient, and give their answer
            dispatcher.utter_message(text=render(domain, "utter_follow_up_staff_consent", tracker.slots,
                                                 wording=consent_wording(tracker)), buttons=_yes_no_buttons())
            return []
        dispatcher.utter_message(text=consent_wording(tracker), buttons=_yes_no_buttons())
        return []


class AskFollowUpBaseline(Action):
    def name(self) -> Text:
        return f"action_ask_{BASELINE_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        knowledge = load_knowledge()
        question = (knowledge.fields["sitting_minutes"]["staff_question"] if staff_conversation(tracker)
                    else reply("consent_baseline"))
        dispatcher.utter_message(text=question, buttons=answer_buttons("sitting_minutes", knowledge))
        return []


class ActionFollowUpSaved(Action):
    """The consent form is done: on yes, store the follow-up and say when the first check-in
    is; on no, thank them and store nothing."""

    def name(self) -> Text:
        return "action_follow_up_saved"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        consented_at = now()
        yes = bool(tracker.get_slot(CONSENT_SLOT))
        due = schedule(consented_at)
        minutes = tracker.get_slot(BASELINE_SLOT)
        result = tracker.get_slot("assessment") or {}
        sender_id, channel = tracker.sender_id, channel_of(tracker.sender_id) or tracker.get_latest_input_channel()
        how: Dict[str, Any] = {"by": "patient", **({"route": "link"} if on_website(tracker) else {})}
        at_desk = staff_conversation(tracker)
        if at_desk:  # given to a staff member at the desk; the check-ins go to the patient's number
            mobile = tracker.get_slot(MOBILE_SLOT) or {}
            route = tracker.get_slot(ROUTE_SLOT)
            how = {"by": "staff_for_patient", "staff_user": staff_user(tracker),
                   **({"route": render(domain, ROUTE_WORDS[route])} if yes and route in ROUTE_WORDS else {})}
            if yes and not mobile.get("sender_id"):
                dispatcher.utter_message(response="utter_follow_up_staff_no_number")
                return []
            sender_id, channel = (mobile["sender_id"], "twilio") if yes else (sender_id, channel)
        new = NewFollowUp(
            prescreen_reference=tracker.get_slot(REFERENCE_SLOT), sender_id=sender_id, channel=channel or "unknown",
            consent={"answer": "yes" if yes else "no", "wording": consent_wording(tracker),
                     "at": consented_at.isoformat(), **how},
            baseline={"sitting_minutes": minutes if isinstance(minutes, int) else None,
                      "pain_score": (result.get("findings") or {}).get("pain_score")} if yes else {},
            consented_at=consented_at, stage=1 if yes else 0)
        if not yes:
            try:  # the "no" is kept with its wording, as a "yes" is
                records().follow_ups.decline(new)
            except Exception as error:  # noqa: BLE001 (the answer is respected either way)
                logger.error("A declined follow-up could not be recorded (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_follow_up_declined")
            return []
        try:
            records().follow_ups.create(new, [(item.label, item.due_at) for item in due])
        except Exception as error:  # noqa: BLE001 (the outcome was given; only the check-ins are lost)
            logger.error("A follow-up could not be stored (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_follow_up_not_saved")
            return []
        day = due[0].due_at.astimezone(ZoneInfo(settings().clinic_timezone))  # the day in the clinic's time zone
        first = f"{due[0].label} ({day:%A %d %B})"
        if at_desk:
            dispatcher.utter_message(text=render(domain, "utter_follow_up_staff_saved", tracker.slots, first_checkin=first,
                                                 route=new.consent.get("route", ""), reference=new.prescreen_reference,
                                                 ending=(tracker.get_slot(MOBILE_SLOT) or {}).get("ending", "")))
            return []
        if on_website(tracker):  # nobody can message them: the link to come back by, and until when
            dispatcher.utter_message(text=render(domain, "utter_follow_up_web_link", tracker.slots, first_checkin=first,
                                                 reference=new.prescreen_reference, clinic_name=settings().clinic_name,
                                                 **web_link(new.prescreen_reference, due[-1].due_at)))
            return []
        dispatcher.utter_message(text=reply("consent_given", first_checkin=first))
        return []


# -- a check-in ---------------------------------------------------------------------------------

def _entity(tracker: Tracker, name: str) -> Optional[str]:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name:
            return str(entity.get("value"))
    return None


def _questions() -> List[str]:
    return [item["field"] for item in load_checkins().data["questions"]]


def first_time_here(tracker: Tracker, key: str) -> bool:
    """Whether this conversation has not acted on the worker's `key` yet. Rasa saves the
    conversation only after its messages went out: when the platform refused them (the worker
    got an error and sends the key again) the key is not here and the check-in goes again;
    when they went, a key sent again (a worker died mid-send) reaches nobody twice."""
    return key not in (tracker.get_slot(ACTED_ON_SLOT) or [])


def acted_on(tracker: Tracker, key: str) -> EventType:
    return SlotSet(ACTED_ON_SLOT, [*(tracker.get_slot(ACTED_ON_SLOT) or []), key])


def _check_in(follow_up: FollowUpRecord, key: str) -> Any:
    return next(item for item in follow_up.check_ins if item.idempotency_key == key)


def _schedule_id(follow_up: FollowUpRecord, key: str) -> str:
    return load_checkins().schedule[_check_in(follow_up, key).sequence - 1]["id"]


def _start(key: str, follow_up: FollowUpRecord) -> Dict[str, Any]:
    check_in = _check_in(follow_up, key)
    card = warning_card_applies(_findings_checked(follow_up))  # asked with the card where the pre-screen had it
    return {"key": key, "checkin": _schedule_id(follow_up, key), "label": check_in.label, "answers": {},
            "reask": 0, "done": False, "card": card}


def next_question(state: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The first check-in question not yet answered (nor given up on), None when done."""
    if not state or state.get("done"):
        return None
    answers = state["answers"]
    return next((field for field in _questions() if field not in answers
                 and field not in answers.get("incomplete", [])), None)


def _prescreen_findings(follow_up: FollowUpRecord) -> Dict[str, Any]:
    """The pre-screen's stored findings with the consent's sitting time (the start)."""
    record = records().get(follow_up.prescreen_reference)
    findings = dict(record.findings) if record else {}
    minutes = follow_up.baseline.get("sitting_minutes")
    if isinstance(minutes, int):
        findings["sitting_minutes"] = minutes
    if findings.get("pain_score") is None and isinstance(follow_up.baseline.get("pain_score"), int):
        findings["pain_score"] = follow_up.baseline["pain_score"]
    return findings


def ask_check_in_question(field: str, dispatcher: CollectingDispatcher, card: bool = False) -> None:
    """One check-in question with its answer buttons; the first safety question after the
    cauda equina warning card when the person's check-ins carry it."""
    checkins = load_checkins()
    if card and field == SCREENS[0]:
        dispatcher.utter_message(text=reply("warning_card"))
    knowledge = load_knowledge()
    if field in knowledge.fields:
        buttons = answer_buttons(field, knowledge)
    elif checkins.field(field)["kind"] == "choice":
        buttons = [{"title": entry["label"], "payload": str(entry["synonyms"][0])}
                   for entry in checkins.field(field)["values"].values()]
    else:
        buttons = _yes_no_buttons()
    dispatcher.utter_message(text=checkins.question(field), buttons=buttons)


class ActionCheckInStart(Action):
    """EXTERNAL_check_in from the follow-up worker: once per key, the opening and the questions."""

    def name(self) -> Text:
        return "action_check_in_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        key = _entity(tracker, "check_in_key")
        if not key or not first_time_here(tracker, key):
            return []  # sent again after a worker died mid-send, its messages delivered: nothing twice
        records().follow_ups.first_trigger(key, False, now())  # when it was first acted on
        follow_up = records().follow_ups.of_check_in(key)
        if follow_up is None or follow_up.state != "active" or _check_in(follow_up, key).state in ENDED_CHECK_INS:
            return []
        state = _start(key, follow_up)
        # marked as a check-in's opening: WhatsApp sends it as the approved template (channels/twilio.py)
        dispatcher.utter_message(text=reply("opening", checkin_label=state["label"]),
                                 check_in_opening={"label": state["label"]})
        return [acted_on(tracker, key), SlotSet(CHECK_IN_SLOT, state), SlotSet(QUESTION_SLOT, None),
                FollowupAction(CHECK_IN_FORM)]


class ActionCheckInReminder(Action):
    """EXTERNAL_check_in_reminder: if the check-in is still unanswered, the reminder and the
    question again (from the first, when the conversation has moved on since)."""

    def name(self) -> Text:
        return "action_check_in_reminder"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        key = _entity(tracker, "check_in_key")
        if not key or not first_time_here(tracker, key + REMINDER_KEY):
            return []
        records().follow_ups.first_trigger(key, True, now())
        follow_up = records().follow_ups.of_check_in(key)
        if follow_up is None or follow_up.state != "active" or _check_in(follow_up, key).state in ENDED_CHECK_INS:
            return []
        dispatcher.utter_message(text=reply("reminder"))
        state = tracker.get_slot(CHECK_IN_SLOT)
        if tracker.active_loop_name == CHECK_IN_FORM and state and state.get("key") == key:
            question = next_question(state)
            if question:
                ask_check_in_question(question, dispatcher, bool(state.get("card")))
            return [acted_on(tracker, key + REMINDER_KEY)]
        return [acted_on(tracker, key + REMINDER_KEY), SlotSet(CHECK_IN_SLOT, _start(key, follow_up)),
                SlotSet(QUESTION_SLOT, None), FollowupAction(CHECK_IN_FORM)]


class AskCheckInQuestion(Action):
    def name(self) -> Text:
        return f"action_ask_{QUESTION_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = tracker.get_slot(CHECK_IN_SLOT)
        question = next_question(state)
        if question:
            ask_check_in_question(question, dispatcher, bool(state.get("card")))
        return []


def act_now(follow_up: Optional[FollowUpRecord], answers: Mapping[str, Any]) -> bool:
    """Whether the answers so far, with the pre-screen, already need emergency or urgent care."""
    if follow_up is None:
        return False
    findings = findings_now(_findings_checked(follow_up), CheckinAnswers.from_json(answers))
    return Engine().urgency(findings)[0]["level"] in ACT_NOW


def _findings_checked(follow_up: FollowUpRecord) -> Findings:
    return validate_findings(_prescreen_findings(follow_up), load_knowledge())


class ValidateCheckInForm(FormValidationAction):
    """Reads each answer into the check-in's answers; a danger sign ends the questions at once."""

    def name(self) -> Text:
        return f"validate_{CHECK_IN_FORM}"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        return [QUESTION_SLOT] if next_question(tracker.get_slot(CHECK_IN_SLOT)) else []

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        state = dict(tracker.get_slot(CHECK_IN_SLOT) or {})
        asked = next_question(state)
        if not asked or tracker.get_slot("requested_slot") != QUESTION_SLOT:
            return []  # the form starting: nothing answered yet
        if tracker.latest_message.get("intent", {}).get("name") in STEP_ASIDE:
            return []
        text = tracker.latest_message.get("text") or ""
        reading = read_checkin_answer(asked, text)
        answers = dict(state["answers"])
        for screen, values in reading.signs.items():  # told in passing, or the answer itself
            if values:
                answers[screen] = list(dict.fromkeys((answers.get(screen) or []) + values))
        for screen, values in reading.possible.items():  # "might be numb": unsure, as in a pre-screen
            unsure = dict(answers.get("unsure") or {})
            unsure[screen] = list(dict.fromkeys(unsure.get(screen, []) + values))
            answers["unsure"] = unsure
        value = reading.value
        if value is not None and value != NOT_SURE:
            if asked in SCREENS:
                value = list(dict.fromkeys((answers.get(asked) or []) + list(value)))
            answers[asked] = value
            state["reask"] = 0
        elif asked in SCREENS and (value == NOT_SURE or state["reask"] + 1 >= TRIES):
            answers["incomplete"] = [*answers.get("incomplete", []), asked]  # decided as in a pre-screen
            state["reask"] = 0
        elif value == NOT_SURE or state["reask"] + 1 >= TRIES:
            answers["incomplete"] = [*answers.get("incomplete", []), asked]  # left unanswered
            state["reask"] = 0
        else:
            state["reask"] += 1
            examples = (load_knowledge().fields.get(asked) or load_checkins().field(asked))["examples"]
            dispatcher.utter_message(text=render(domain, "utter_check_in_not_understood", examples=examples))
        state["answers"] = answers
        if act_now(records().follow_ups.of_check_in(state["key"]), _as_answers(state)):
            state["done"] = True  # a danger sign: decided now, emergency or urgent advice first
        return [SlotSet(CHECK_IN_SLOT, state), SlotSet(QUESTION_SLOT, None)]


def _as_answers(state: Mapping[str, Any]) -> Dict[str, Any]:
    """The check-in's answers in CheckinAnswers' JSON shape: a question given up on that is
    no screen is simply not answered."""
    answers = dict(state["answers"])
    incomplete = [field for field in answers.pop("incomplete", []) if field in SCREENS]
    return {"checkin": state["checkin"], **answers, **({"incomplete": incomplete} if incomplete else {})}


class ActionCheckInDecide(Action):
    """The questions are done (or a danger sign ended them): decide, tell, record."""

    def name(self) -> Text:
        return "action_check_in_decide"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = tracker.get_slot(CHECK_IN_SLOT)
        reset: List[EventType] = [SlotSet(CHECK_IN_SLOT, None), SlotSet(QUESTION_SLOT, None),
                                  *[SlotSet(name, None) for name in findings_fields() if tracker.get_slot(name) is not None]]
        if not state:
            return reset
        follow_up = records().follow_ups.of_check_in(state["key"])
        if follow_up is None:
            return reset
        check_in = next(item for item in follow_up.check_ins if item.idempotency_key == state["key"])
        history = [CheckinAnswers.from_json(item.answers) for item in follow_up.check_ins
                   if item.state == "answered" and item.answers and item.sequence < check_in.sequence]
        answers = CheckinAnswers.from_json(_as_answers(state))
        moment = now()
        days = (max(moment, check_in.due_at) - follow_up.consented_at).days
        decision = decide(_prescreen_findings(follow_up), history, answers, days, follow_up.stage or 1)
        for paragraph in messages(decision, **_clinic()):
            dispatcher.utter_message(text=paragraph)
        state_after = "escalated" if decision.stop else "ended" if decision.end else None
        records().follow_ups.record_answers(state["key"], answers.to_json(), decision.to_json(), moment,
                                            stage=decision.stage, follow_up_state=state_after)
        return reset


class ActionStopCheckIns(Action):
    """"Stop" / "no more check-ins": no check-in goes any more. A plain "stop" from someone
    with no check-ins is a goodbye, as it always was."""

    def name(self) -> Text:
        return "action_stop_check_ins"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if told_instead(tracker):  # "I'm not getting morning erections any more": a story, not a stop
            return WELCOME_INSTEAD
        stopped = records().follow_ups.stop(tracker.sender_id, now())
        if stopped:
            dispatcher.utter_message(response="utter_check_ins_stopped")
        elif tracker.latest_message.get("intent", {}).get("name") == "stop":
            dispatcher.utter_message(response="utter_goodbye")  # a plain "stop" with no check-ins: goodbye
        else:
            dispatcher.utter_message(response="utter_no_check_ins")
        return [SlotSet(CHECK_IN_SLOT, None), SlotSet(QUESTION_SLOT, None)]
