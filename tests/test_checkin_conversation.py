"""Follow-up check-ins in the conversation (actions/checkins.py), with the real actions, a
real rasa-sdk Tracker and the records database of this test run: consent and its baseline,
a check-in asked question by question, decided, told and recorded; a danger sign at any
point; the reminder; "stop"; "delete my data"; a key triggered twice."""
import asyncio
import datetime as dt
import itertools
import re
import urllib.parse
import uuid
from zoneinfo import ZoneInfo
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import ActionAssess
from actions.checkins import (
    CHECK_IN_FORM, CHECK_IN_SLOT, CONSENT_FORM, ActionCheckInDecide, ActionCheckInReminder, ActionCheckInStart,
    ActionFollowUpSaved, ActionStopCheckIns, AskCheckInQuestion, AskFollowUpConsent, twilio_sender_id, ValidateCheckInForm, ValidateFollowUpConsentForm,
    next_question,
)
from actions.prescreen import ActionForgetMe, records
from common import CLASSIC
from pht.domain import read_domain
from pht.followups.links import link_expiry, read_token
from pht.records.follow_up_view import follow_up_view
from pht.records.settings import settings as records_settings
from pht.settings import settings
from pht.records import NewPrescreen
from pht.triage import ENGINE_VERSION, Engine, knowledge_version
from pht.triage.checkins import reply

DOMAIN = read_domain()
SENDERS = itertools.count()
IMPROVING = ["2", "better", "60 minutes", "settled", "yes", "no", "none of these", "none", "no"]


def tracker(sender: str, text: str = "", slots: Optional[Dict[str, Any]] = None, intent: str = "inform",
            entities: Optional[List[Dict[str, Any]]] = None, loop: Optional[str] = None) -> Tracker:
    return Tracker(sender, dict(slots or {}), {"text": text, "intent": {"name": intent, "confidence": 0.95},
                                               "entities": entities or []},
                   [], False, None, {"name": loop} if loop else {}, "action_listen")


def run(action, state: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, DOMAIN))
    return said(dispatcher), events


def said(dispatcher: CollectingDispatcher) -> List[str]:
    """What the person reads: each message's text, a domain response's by its name."""
    return [message.get("text") or DOMAIN["responses"][message["response"]][0]["text"] if message.get("response")
            else message.get("text") or "" for message in dispatcher.messages]


def followups(events) -> List[str]:
    return [event["name"] for event in events if event["event"] == "followup"]


def validate(action, state: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.get_validation_events(dispatcher, state, DOMAIN))
    return said(dispatcher), events


def slots_after(slots: Dict[str, Any], events) -> Dict[str, Any]:
    return {**slots, **{event["name"]: event["value"] for event in events if event["event"] == "slot"}}


def consented(channel_prefix: str = "tg:", findings: Optional[Dict[str, Any]] = None, minutes: int = 30) -> str:
    """A soon or routine pre-screen recorded, and consent with the baseline given."""
    sender = f"{channel_prefix}{next(SENDERS)}-{dt.datetime.now().timestamp()}"
    result = Engine().assess(dict(findings or CLASSIC))
    result.update(unsure=[], skipped=[])
    record = records().add(NewPrescreen(channel="telegram", sender_id=sender, assessment=result,
                                        consent={"status": "given"}, engine_version=ENGINE_VERSION,
                                        knowledge_version=knowledge_version()))
    slots = {"prescreen_reference": record.reference, "assessment": result, "requested_slot": "follow_up_consent"}
    texts, events = validate(ValidateFollowUpConsentForm(), tracker(sender, "yes", slots, "affirm", loop=CONSENT_FORM))
    slots = slots_after(slots, events)
    slots["requested_slot"] = "follow_up_baseline"
    texts, events = validate(ValidateFollowUpConsentForm(), tracker(sender, f"about {minutes} minutes", slots,
                                                                    loop=CONSENT_FORM))
    slots = slots_after(slots, events)
    assert slots["follow_up_consent"] is True and slots["follow_up_baseline"] == minutes
    texts, _ = run(ActionFollowUpSaved(), tracker(sender, slots=slots))
    assert texts and texts[0].startswith(reply("consent_given").split(" in ")[0])
    return sender


def key_of(sender: str, number: int = 1) -> str:
    return records().follow_ups.of_sender(sender)[0].check_ins[number - 1].idempotency_key


def start(sender: str, key: str, reminder: bool = False, slots: Optional[Dict[str, Any]] = None):
    """The worker's check-in (or reminder) with `key` reaching the conversation in `slots`."""
    action = ActionCheckInReminder() if reminder else ActionCheckInStart()
    name = "EXTERNAL_check_in_reminder" if reminder else "EXTERNAL_check_in"
    return run(action, tracker(sender, "", slots or {}, name, [{"entity": "check_in_key", "value": key}]))


def answer_check_in(sender: str, key: str, answers: List[str]) -> List[str]:
    """Start the check-in, answer each question in turn, and have it decided: all that was said."""
    said, events = start(sender, key)
    slots = slots_after({}, events)
    for text in answers:
        if not next_question(slots[CHECK_IN_SLOT]):
            break
        replies, events = validate(ValidateCheckInForm(), tracker(sender, text, {**slots, "requested_slot": "check_in_question"},
                                                                 loop=CHECK_IN_FORM))
        slots = slots_after(slots, events)
        said += replies
        if next_question(slots[CHECK_IN_SLOT]):
            said += run(AskCheckInQuestion(), tracker(sender, slots=slots, loop=CHECK_IN_FORM))[0]
    assert not next_question(slots[CHECK_IN_SLOT]), "the check-in still has questions"
    said += run(ActionCheckInDecide(), tracker(sender, slots=slots))[0]
    return said


def stored(sender: str, number: int = 1):
    follow_up = records().follow_ups.of_sender(sender)[0]
    return follow_up, follow_up.check_ins[number - 1]


def test_consent_with_the_baseline_stores_the_follow_up_with_its_schedule_and_the_prescreens_reference():
    sender = consented(minutes=45)
    follow_up = records().follow_ups.of_sender(sender)[0]
    assert follow_up.baseline["sitting_minutes"] == 45 and follow_up.baseline["pain_score"] == CLASSIC["pain_score"]
    assert follow_up.consent["answer"] == "yes" and follow_up.consent["wording"] == reply("consent")
    assert follow_up.channel == "telegram" and records().get(follow_up.prescreen_reference) is not None
    assert [check_in.label for check_in in follow_up.check_ins] == ["2 weeks", "6 weeks", "12 weeks", "6 months"]


def prescreen_recorded(sender: str) -> Dict[str, Any]:
    result = Engine().assess(dict(CLASSIC))
    result.update(unsure=[], skipped=[])
    record = records().add(NewPrescreen(channel="telegram", sender_id=sender, assessment=result,
                                        consent={"status": "given"}, engine_version=ENGINE_VERSION,
                                        knowledge_version=knowledge_version()))
    return {"prescreen_reference": record.reference, "assessment": result}


def test_no_to_the_consent_is_recorded_with_its_wording_and_nothing_is_scheduled():
    sender = f"tg:declines-{next(SENDERS)}"
    slots = {**prescreen_recorded(sender), "requested_slot": "follow_up_consent"}
    _, events = validate(ValidateFollowUpConsentForm(), tracker(sender, "no thanks", slots, "deny", loop=CONSENT_FORM))
    slots = slots_after(slots, events)
    assert slots["follow_up_consent"] is False
    texts, _ = run(ActionFollowUpSaved(), tracker(sender, slots=slots))
    assert texts == [DOMAIN["responses"]["utter_follow_up_declined"][0]["text"]]
    [declined] = records().follow_ups.of_sender(sender)
    assert declined.state == "declined" and declined.check_ins == []
    assert declined.consent["answer"] == "no" and declined.consent["wording"] == reply("consent")
    assert declined.prescreen_reference == slots["prescreen_reference"]
    assert run(ActionStopCheckIns(), tracker(sender, "no more check-ins", intent="stop_check_ins"))[0] == [
        DOMAIN["responses"]["utter_no_check_ins"][0]["text"]]


def test_the_consent_is_asked_after_a_routine_outcome_on_telegram_and_on_the_website_widget():
    slots = {**CLASSIC, "requested_slot": None}
    _, events = run(ActionAssess(), tracker(f"tg:outcome-{next(SENDERS)}", slots=slots))
    assert followups(events) == [CONSENT_FORM]
    _, events = run(ActionAssess(), tracker(f"web:outcome-{next(SENDERS)}", slots=slots))
    assert followups(events) == [CONSENT_FORM]


def test_a_website_visitor_is_asked_for_check_ins_by_a_link_and_given_the_signed_link_and_its_expiry():
    sender = f"web:{next(SENDERS):032x}"
    texts, _ = run(AskFollowUpConsent(), tracker(sender))
    assert texts == [reply("consent_web")] and "link" in reply("consent_web")
    slots = {**prescreen_recorded(sender), "follow_up_consent": True, "follow_up_baseline": 30}
    texts, _ = run(ActionFollowUpSaved(), tracker(sender, slots=slots))
    [follow_up] = records().follow_ups.of_sender(sender)
    assert follow_up.channel == "socketio" and follow_up.consent["wording"] == reply("consent_web")
    assert follow_up.consent["route"] == "link"
    [said_text] = texts
    link = re.search(r"(https?://\S+/check-in\?t=\S+)", said_text).group(1)
    config = records_settings()
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]
    checked = read_token(token, config.follow_up_link_key(), dt.datetime.now(dt.timezone.utc))
    assert checked.status == "valid" and checked.token.reference == follow_up.prescreen_reference
    assert checked.token.expires == link_expiry(follow_up.check_ins[-1].due_at, config.link_days)
    assert link.startswith(config.web_url + "/check-in?t=")
    expires = f"{checked.token.expires.astimezone(ZoneInfo(settings().clinic_timezone)):%A %d %B %Y}"
    assert f"It works until {expires}." in said_text and follow_up.prescreen_reference in said_text


def test_improving_at_the_first_check_in_moves_to_the_next_stage():
    sender = consented()
    said = answer_check_in(sender, key_of(sender), IMPROVING)
    assert said[0] == reply("opening", checkin_label="2 weeks")
    assert any("move on to stage 2" in text for text in said)
    follow_up, check_in = stored(sender)
    assert check_in.state == "answered" and check_in.decision["outcome"] == "next_stage"
    assert follow_up.stage == 2 and follow_up.state == "active"
    assert check_in.answers["sitting_minutes"] == 60 and check_in.answers["pain_score"] == 2


def test_worse_books_an_assessment_and_stays_at_the_stage_and_the_clinic_is_told():
    sender = consented()
    said = answer_check_in(sender, key_of(sender), ["5", "worse", "20", "a bit worse", "yes", "no", "none", "none", "no"])
    follow_up, check_in = stored(sender)
    assert check_in.decision["outcome"] == "getting_worse" and check_in.decision["clinic_told"]
    assert follow_up.stage == 1 and follow_up.state == "active"
    assert any("You can book at" in text for text in said)


def test_not_clearly_better_at_six_weeks_books_an_assessment():
    sender = consented()
    answer_check_in(sender, key_of(sender, 1), ["4", "same", "30", "settled", "yes", "no", "none", "none", "no"])
    answer_check_in(sender, key_of(sender, 2), ["4", "same", "30", "settled", "yes", "no", "none", "none", "no"])
    _, check_in = stored(sender, 2)
    assert check_in.decision["outcome"] == "not_better_book" and check_in.decision["urgency"] == "soon"


def test_a_danger_sign_at_the_first_question_ends_the_check_in_with_emergency_advice_and_the_clinic_told():
    sender = consented()
    said = answer_check_in(sender, key_of(sender), ["6, and I've wet myself and my bum has gone numb"])
    follow_up, check_in = stored(sender)
    assert check_in.decision["urgency"] == "emergency" and check_in.decision["clinic_told"]
    assert follow_up.state == "escalated"
    assert said[1] == reply("care_emergency")  # the emergency advice first, after the opening
    assert "pain_score" in check_in.answers and "trend" not in check_in.answers  # not one question more


def test_a_key_triggered_again_sends_nothing():
    sender = consented()
    key = key_of(sender)
    first, events = start(sender, key)
    again, events = start(sender, key, slots=slots_after({}, events))
    assert first and again == [] and events == []


def test_a_key_whose_messages_never_went_out_acts_again():
    sender = consented()
    key = key_of(sender)
    start(sender, key)  # the platform refused them: Rasa did not save the conversation
    again, _ = start(sender, key)
    assert again[0] == reply("opening", checkin_label="2 weeks")


def test_the_reminder_is_sent_once_while_the_check_in_is_unanswered_and_asks_from_the_first_question():
    sender = consented()
    key = key_of(sender)
    start(sender, key)
    said, events = start(sender, key, reminder=True)
    assert said == [reply("reminder")]
    assert followups(events) == [CHECK_IN_FORM]
    assert start(sender, key, reminder=True, slots=slots_after({}, events)) == ([], [])


def test_stop_stops_the_follow_up_and_says_so():
    sender = consented()
    texts, _ = run(ActionStopCheckIns(), tracker(sender, "no more check-ins", intent="stop_check_ins"))
    assert texts == [DOMAIN["responses"]["utter_check_ins_stopped"][0]["text"]]
    assert records().follow_ups.of_sender(sender)[0].state == "stopped"
    texts, _ = run(ActionStopCheckIns(), tracker(sender, "no more check-ins", intent="stop_check_ins"))
    assert texts == [DOMAIN["responses"]["utter_no_check_ins"][0]["text"]]


def test_delete_my_data_deletes_the_follow_ups():
    sender = consented()
    run(ActionForgetMe(), tracker(sender, "yes", intent="affirm"))
    assert records().follow_ups.of_sender(sender) == []


@pytest.mark.parametrize("text, minutes", [("half an hour", 30), ("about an hour", 60), ("20", 20),
                                           ("an hour and a half", 90), ("2 hours", 120)])
def test_the_baseline_sitting_time_is_read_in_the_persons_words(text, minutes):
    from pht.language.checkin_answers import sitting_minutes
    assert sitting_minutes(text) == minutes


def test_a_danger_sign_at_the_safety_question_is_urgent_or_emergency_at_once_and_stops_the_check_ins():
    sender = consented()
    said = answer_check_in(sender, key_of(sender), ["3", "better", "40", "settled", "yes", "no",
                                                    "I've lost control of my bladder"])
    follow_up, check_in = stored(sender)
    assert check_in.decision["urgency"] in ("emergency", "urgent") and check_in.decision["clinic_told"]
    assert follow_up.state == "escalated" and "neuro_symptoms" not in check_in.answers
    assert any(text.startswith("I'll stop the check-ins now") for text in said)


@pytest.mark.parametrize("intent", ["distress", "delete_my_data", "stop", "stop_check_ins", "EXTERNAL_check_in"])
def test_the_check_in_steps_aside_for_distress_deleting_stopping_and_the_workers_messages(intent):
    sender = consented()
    _, events = start(sender, key_of(sender))
    slots = {**slots_after({}, events), "requested_slot": "check_in_question"}
    replies, events = validate(ValidateCheckInForm(), tracker(sender, "I want to end it all", slots, intent,
                                                             loop=CHECK_IN_FORM))
    assert (replies, events) == ([], [])  # no answer read: the form is rejected and the rule answers


def test_the_safety_question_comes_after_the_warning_card_where_the_prescreen_had_it():
    with_card = consented(findings={**CLASSIC, "neuro_symptoms": ["tingling"]})
    said = answer_check_in(with_card, key_of(with_card), IMPROVING)
    card = reply("warning_card")
    assert said.count(card) >= 1 and said[said.index(card) + 1].startswith("Safety check.")
    without = consented()
    assert reply("warning_card") not in answer_check_in(without, key_of(without), IMPROVING)


def test_a_plain_stop_any_time_stops_the_check_ins_and_from_someone_without_them_is_a_goodbye():
    sender = consented()
    texts, _ = run(ActionStopCheckIns(), tracker(sender, "stop", intent="stop"))
    assert texts == [DOMAIN["responses"]["utter_check_ins_stopped"][0]["text"]]
    assert records().follow_ups.of_sender(sender)[0].state == "stopped"
    texts, _ = run(ActionStopCheckIns(), tracker(f"tg:nobody-{next(SENDERS)}", "stop", intent="stop"))
    assert texts == [DOMAIN["responses"]["utter_goodbye"][0]["text"]]


# -- staff mode: the reception page's "Pre-screen a patient" ------------------------------------------

def staff_tracker(sender: str, text: str = "", slots: Optional[Dict[str, Any]] = None, intent: str = "inform",
                  user: str = "alice") -> Tracker:
    """A message on the staff channel, from signed-in `user` (as channels/staff.py passes it on)."""
    event = {"event": "user", "text": text, "input_channel": "staff", "metadata": {"staff_user": user},
             "parse_data": {"intent": {"name": intent}}}
    return Tracker(sender, dict(slots or {}), {"text": text, "intent": {"name": intent, "confidence": 0.95},
                                               "entities": []},
                   [event], False, None, {"name": CONSENT_FORM}, "action_listen")


@pytest.fixture
def twilio_numbers(monkeypatch):
    monkeypatch.setenv("TWILIO_SMS_FROM", "+14155550100")
    monkeypatch.setenv("TWILIO_WHATSAPP_FROM", "whatsapp:+14155238886")


def staff_answers(sender: str, answers: List[str], slots: Dict[str, Any]) -> Dict[str, Any]:
    """Answer the consent form as staff, one message at a time, as its required slots ask."""
    for text in answers:
        asked = asyncio.run(ValidateFollowUpConsentForm().required_slots([], CollectingDispatcher(),
                                                                        staff_tracker(sender, "", slots), DOMAIN))
        slots = {**slots, "requested_slot": asked[0]}
        intent = {"yes": "affirm", "no": "deny"}.get(text, "inform")
        _, events = validate(ValidateFollowUpConsentForm(), staff_tracker(sender, text, slots, intent))
        slots = slots_after(slots, events)
    return slots


def test_at_the_desk_the_patients_consent_and_mobile_number_set_up_check_ins_by_sms(twilio_numbers):
    sender = f"staff:{uuid.uuid4()}"
    _, events = run(ActionAssess(), staff_tracker(sender, slots={**CLASSIC, "requested_slot": None, "staff_entered": True}))
    assert followups(events) == [CONSENT_FORM]  # offered at the desk too, now
    texts, _ = run(AskFollowUpConsent(), staff_tracker(sender))
    assert texts == [DOMAIN["responses"]["utter_follow_up_staff_consent"][0]["text"].format(wording=reply("consent_staff"))]
    slots = staff_answers(sender, ["yes", "a text please"], prescreen_recorded(sender))
    assert slots["follow_up_route"] == "sms"
    said, events = validate(ValidateFollowUpConsentForm(), staff_tracker(sender, "07700 900123",
                                                                         {**slots, "requested_slot": "follow_up_mobile"}))
    assert said == [DOMAIN["responses"]["utter_follow_up_mobile_invalid"][0]["text"]]  # no country code: not taken
    slots = staff_answers(sender, ["+44 (0)7700-900 123".replace("(0)", ""), "about 20 minutes"], slots)
    assert slots["follow_up_mobile"]["ending"] == "123" and "7700" not in str(slots)  # the number is not kept
    texts, _ = run(ActionFollowUpSaved(), staff_tracker(sender, slots=slots, user="alice"))
    follow_up = records().follow_ups.of_prescreen(slots["prescreen_reference"])
    assert follow_up.channel == "twilio" and follow_up.sender_id == twilio_sender_id("+447700900123")
    assert follow_up.consent["by"] == "staff_for_patient" and follow_up.consent["staff_user"] == "alice"
    assert follow_up.consent["wording"] == reply("consent_staff") and follow_up.consent["route"] == "text message (SMS)"
    assert follow_up.baseline["sitting_minutes"] == 20
    assert "ending 123" in texts[0] and slots["prescreen_reference"] in texts[0]
    view = follow_up_view(follow_up)
    assert view.consent_by == ("consent given to staff member alice at the desk, the wording read to the patient; "
                               "check-ins by text message (SMS)")


def test_at_the_desk_whatsapp_goes_to_the_whatsapp_address_and_no_number_sets_up_nothing(twilio_numbers):
    sender = f"staff:{uuid.uuid4()}"
    slots = staff_answers(sender, ["yes", "WhatsApp", "0044 7700 900456", "half an hour"], prescreen_recorded(sender))
    run(ActionFollowUpSaved(), staff_tracker(sender, slots=slots))
    follow_up = records().follow_ups.of_prescreen(slots["prescreen_reference"])
    assert follow_up.sender_id == twilio_sender_id("whatsapp:+447700900456") and follow_up.channel == "twilio"

    other = f"staff:{uuid.uuid4()}"
    slots = staff_answers(other, ["yes", "sms", "no"], prescreen_recorded(other))
    texts, _ = run(ActionFollowUpSaved(), staff_tracker(other, slots=slots))
    assert texts == [DOMAIN["responses"]["utter_follow_up_staff_no_number"][0]["text"]]
    assert records().follow_ups.of_prescreen(slots["prescreen_reference"]) is None


def test_at_the_desk_a_no_is_recorded_as_given_to_staff_and_without_a_twilio_number_nothing_is_offered(monkeypatch):
    monkeypatch.setenv("TWILIO_SMS_FROM", "+14155550100")
    sender = f"staff:{uuid.uuid4()}"
    slots = staff_answers(sender, ["no"], prescreen_recorded(sender))
    run(ActionFollowUpSaved(), staff_tracker(sender, slots=slots, user="bob"))
    declined = records().follow_ups.of_prescreen(slots["prescreen_reference"])
    assert declined.state == "declined" and declined.consent["by"] == "staff_for_patient"
    assert declined.consent["staff_user"] == "bob" and declined.consent["wording"] == reply("consent_staff")
    assert follow_up_view(declined).consent_by == "answered to staff member bob at the desk, the wording read to the patient"
    monkeypatch.delenv("TWILIO_SMS_FROM")
    monkeypatch.delenv("TWILIO_WHATSAPP_FROM", raising=False)
    _, events = run(ActionAssess(), staff_tracker(f"staff:{uuid.uuid4()}",
                                                  slots={**CLASSIC, "requested_slot": None, "staff_entered": True}))
    assert followups(events) == []
