"""Follow-up check-ins end to end, on each platform's local fake API, with a fake clock: the
real Rasa server and action server, a whole pre-screen ending with the consent and the
sitting baseline, then the follow-up worker (pht.followups.Worker, its clock set weeks
ahead) starts the check-in through the Rasa server's trigger_intent, the platform's fake
receives it, the person answers, and the record says what was decided."""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import pytest

from harness.servers import Assistant, free_port
from pht.followups.rasa import RasaSender
from pht.followups.settings import follow_up_settings
from pht.followups.worker import Worker
from pht.records import Records
from pht.records.settings import settings as records_settings
from pht.triage.checkins import reply
from test_channels_e2e import PlatformUser, complete_prescreen, native_buttons, numbered_options, platforms, sent_text
from test_e2e import CLASSIC_ANSWERS
from test_widget_identity import Page, conversation

pytestmark = pytest.mark.e2e
__all__ = ["platforms"]  # the servers and the platforms' fakes, shared with test_channels_e2e's fixture
PEOPLE = itertools.count(1)
SENDERS = {"telegram": lambda n: f"77{n:04d}", "twilio": lambda n: f"whatsapp:+4477009{n:05d}",
           "facebook": lambda n: f"psid-77{n:04d}", "slack": lambda n: f"U77{n:04d}"}
IMPROVING = ["2", "better", "an hour", "settled", "yes", "no", "none of these", "none of these", "none of these"]


def records_of(assistant: Assistant) -> Records:
    return Records(records_settings({"PHT_VAR_DIR": str(assistant.workdir)}).database_url)


def worker_at(assistant: Assistant, moment: dt.datetime) -> Worker:
    """The follow-up worker as `make follow-ups-due AT=...` runs it: its clock at `moment`."""
    config = follow_up_settings({"PHT_VAR_DIR": str(assistant.workdir), "RASA_URL": assistant.url,
                                 "RASA_AUTH_TOKEN": assistant.token, "FOLLOW_UP_QUIET_HOURS": "off",
                                 "FOLLOW_UP_CHANNELS": assistant.env["FOLLOW_UP_CHANNELS"]})
    sender = RasaSender(assistant.url, assistant.token, 120)
    return Worker(records_of(assistant), sender, config, clock=lambda: moment)


def person(platform: str, platforms) -> PlatformUser:
    assistant, fakes, env = platforms
    user = PlatformUser(platform, assistant, fakes, env)
    user.sender = SENDERS[platform](next(PEOPLE))
    return user


def consent_with_baseline(user: PlatformUser, minutes: str = "about 30 minutes") -> List[str]:
    """The pre-screen, then "yes" to the check-ins (a button on Telegram, its number on
    Twilio) and the sitting time: what the assistant said last."""
    complete_prescreen(user)
    asked = user.received[-1]
    assert sent_text(asked).startswith(reply("consent"))
    if user.platform == "telegram":
        assert native_buttons(asked) == ["Yes", "No"]
        user.say("", button=asked.body["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    elif user.platform == "twilio":
        user.say(numbered_options(sent_text(asked))["Yes"])
    else:
        assert native_buttons(asked) == ["Yes", "No"]
        user.say("yes")
    assert sent_text(user.received[-1]).startswith(reply("consent_baseline"))
    return [sent_text(call) for call in user.say(minutes)]


def run_due(user: PlatformUser, moment: dt.datetime) -> List[str]:
    """The worker's round at `moment`; what reached the person."""
    mark = user.fakes.mark()
    done = worker_at(user.assistant, moment).run_once()
    assert done.as_dict()["sent"] >= 1, done.as_dict()
    user.fakes.wait_for(lambda: any(sent_text(call) for call in user.fakes.since(mark, user.platform)
                                    if "?" in (sent_text(call) or "")))
    return [sent_text(call) for call in user.fakes.since(mark, user.platform) if sent_text(call)]


def answer_all(user: PlatformUser, answers: List[str]) -> List[str]:
    said: List[str] = []
    for text in answers:
        said += [sent_text(call) for call in user.say(text)]
        if not user.tracker()["active_loop"]:
            break
    return said


@pytest.mark.parametrize("platform", ["telegram", "twilio", "facebook", "slack"])
def test_consent_then_a_check_in_weeks_later_improving_moves_to_the_next_stage(platforms, platform):
    user = person(platform, platforms)
    confirmed = consent_with_baseline(user)
    assert "2 weeks" in confirmed[-1]
    records = records_of(user.assistant)
    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    assert follow_up.baseline["sitting_minutes"] == 30 and follow_up.channel == platform

    opening = run_due(user, follow_up.check_ins[0].due_at + dt.timedelta(hours=1))
    assert opening[0] == reply("opening", checkin_label="2 weeks")
    said = answer_all(user, IMPROVING)
    assert any("move on to stage 2" in text for text in said), said

    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    assert follow_up.check_ins[0].state == "answered" and follow_up.stage == 2
    assert follow_up.check_ins[0].decision["outcome"] == "next_stage"
    if platform == "twilio":  # proactive: from the WhatsApp number the person wrote to
        assert all(call.body["From"] == "whatsapp:+14155238886" for call in user.fakes.since(0, "twilio")
                   if call.body.get("To") == user.sender)


def test_the_worker_sending_the_same_check_in_again_reaches_the_person_once(platforms):
    user = person("telegram", platforms)
    consent_with_baseline(user)
    records = records_of(user.assistant)
    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    due = follow_up.check_ins[0].due_at + dt.timedelta(hours=1)
    run_due(user, due)
    mark = user.fakes.mark()
    message = records.follow_ups.claim_due(due + dt.timedelta(hours=3), dt.timedelta(minutes=5), ["telegram"])
    assert message == []  # sent: nothing to claim again
    status = RasaSender(user.assistant.url, user.assistant.token, 60).send(
        type("Again", (), {"reminder": False, "channel": "telegram", "sender_id": user.conversation_id,
                           "key": follow_up.check_ins[0].idempotency_key, "sequence": 1, "label": "2 weeks"})())
    assert status.ok
    assert [sent_text(call) for call in user.fakes.since(mark, "telegram") if sent_text(call)] == []


# how each platform's API fails: its send method, and its error body
PLATFORM_ERRORS = {"telegram": ("sendMessage", {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
                   "twilio": ("Messages.json", {"code": 20500, "message": "Internal Server Error", "status": 500})}


@pytest.mark.parametrize("platform", sorted(PLATFORM_ERRORS))
def test_a_platform_that_fails_gets_the_check_in_again_and_the_person_gets_it_once(platforms, platform):
    user = person(platform, platforms)
    consent_with_baseline(user)
    records = records_of(user.assistant)
    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    due = follow_up.check_ins[0].due_at + dt.timedelta(hours=1)
    method, error = PLATFORM_ERRORS[platform]
    refused = user.fakes.fail(method, 500, error)
    mark = user.fakes.mark()
    assert worker_at(user.assistant, due).run_once().as_dict()["failed"] == 1
    failed = records.follow_ups.of_sender(user.conversation_id)[0].check_ins[0]
    assert failed.deliveries and failed.deliveries[-1]["outcome"] != "sent", failed.deliveries

    opening = run_due(user, due + dt.timedelta(hours=2))  # the back-off has passed: the platform is back
    assert opening.count(reply("opening", checkin_label="2 weeks")) == 1, opening
    delivered = [sent_text(call) for call in user.fakes.since(mark, platform)
                 if sent_text(call) and not any(call is failed for failed in refused.failed)]  # what it took
    assert delivered.count(reply("opening", checkin_label="2 weeks")) == 1, delivered
    assert answer_all(user, IMPROVING)
    assert records.follow_ups.of_sender(user.conversation_id)[0].check_ins[0].state == "answered"


def test_no_answer_gets_one_reminder_with_the_question_then_shows_as_no_reply(platforms):
    user = person("telegram", platforms)
    consent_with_baseline(user)
    records = records_of(user.assistant)
    due = records.follow_ups.of_sender(user.conversation_id)[0].check_ins[0].due_at
    run_due(user, due + dt.timedelta(hours=1))
    reminded = run_due(user, due + dt.timedelta(days=1, hours=2))
    assert reminded[0] == reply("reminder") and reminded[1].endswith("?")
    done = worker_at(user.assistant, due + dt.timedelta(days=2, hours=3)).run_once()
    assert done.as_dict()["no_reply"] >= 1  # this one (and any other left unanswered by then)
    assert records.follow_ups.of_sender(user.conversation_id)[0].check_ins[0].state == "no_reply"


@pytest.mark.parametrize("words", ["no more check-ins please", "stop"])
def test_stop_or_no_more_check_ins_any_time_stops_them_and_none_is_sent(platforms, words):
    user = person("telegram", platforms)
    consent_with_baseline(user)
    said = [sent_text(call) for call in user.say(words)]
    assert said and said[0].startswith("I've stopped the check-ins")
    records = records_of(user.assistant)
    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    assert follow_up.state == "stopped"
    done = worker_at(user.assistant, follow_up.check_ins[0].due_at + dt.timedelta(hours=1)).run_once()
    assert done.as_dict()["sent"] == 0


def start_check_in(platforms) -> PlatformUser:
    user = person("telegram", platforms)
    consent_with_baseline(user)
    due = records_of(user.assistant).follow_ups.of_sender(user.conversation_id)[0].check_ins[0].due_at
    run_due(user, due + dt.timedelta(hours=1))
    user.say("3")
    return user


def test_distress_during_a_check_in_gets_the_distress_reply(platforms):
    user = start_check_in(platforms)
    said = "\n".join(sent_text(call) for call in user.say("honestly some days I think about killing myself"))
    assert "Samaritans" in said


def test_delete_my_data_during_a_check_in_deletes_the_follow_up(platforms):
    user = start_check_in(platforms)
    user.say("delete my data")
    assert user.say("yes"), "the person is told their data is deleted"
    assert records_of(user.assistant).follow_ups.of_sender(user.conversation_id) == []


def test_worse_at_a_check_in_books_an_assessment_and_stays_at_the_stage(platforms):
    user = person("telegram", platforms)
    consent_with_baseline(user)
    records = records_of(user.assistant)
    run_due(user, records.follow_ups.of_sender(user.conversation_id)[0].check_ins[0].due_at + dt.timedelta(hours=1))
    said = answer_all(user, ["6", "worse", "15 minutes", "a bit worse", "yes", "no", "none of these", "none of these",
                             "none of these"])
    assert any("You can book at" in text for text in said), said
    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    assert follow_up.check_ins[0].decision["outcome"] == "getting_worse" and follow_up.check_ins[0].decision["clinic_told"]
    assert follow_up.stage == 1 and follow_up.state == "active"


def test_not_clearly_better_at_6_weeks_books_an_assessment_and_the_clinic_is_told(platforms):
    user = person("slack", platforms)
    consent_with_baseline(user)
    records = records_of(user.assistant)
    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    start = str(records.get(follow_up.prescreen_reference).findings["pain_score"])
    the_same = [start, "about the same", "about 30 minutes", "settled", "yes", "no", "none of these", "none of these",
                "none of these"]
    for number in (0, 1):  # 2 weeks, then 6 weeks: no better than at the start
        run_due(user, follow_up.check_ins[number].due_at + dt.timedelta(hours=1))
        said = answer_all(user, the_same)
    assert any("You can book at" in text for text in said), said
    decided = records.follow_ups.of_sender(user.conversation_id)[0].check_ins[1].decision
    assert decided["outcome"] == "not_better_book" and decided["clinic_told"]
    assert records.follow_ups.of_sender(user.conversation_id)[0].check_ins[0].decision["outcome"] != "not_better_book"


def test_a_danger_sign_at_a_check_in_gets_emergency_advice_first_and_the_clinic_is_told(platforms):
    user = person("twilio", platforms)
    consent_with_baseline(user)
    records = records_of(user.assistant)
    run_due(user, records.follow_ups.of_sender(user.conversation_id)[0].check_ins[0].due_at + dt.timedelta(hours=1))
    said = answer_all(user, ["about 6, and since yesterday I can't feel my bum and I've wet myself"])
    assert said[0].startswith(reply("care_emergency")[:60]), said
    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    assert follow_up.check_ins[0].decision["urgency"] == "emergency" and follow_up.check_ins[0].decision["clinic_told"]
    assert follow_up.state == "escalated" and follow_up.check_ins[1].state == "cancelled"


# --- the website widget: nobody can be messaged there; check-ins by a signed link ----------------

WIDGET_ORIGIN = "http://localhost:8080"  # one of the widget's default origins (CHAT_ALLOWED_ORIGINS unset)


@dataclass
class Visitor(Page):
    """A browser tab's socket on the widget channel, from the demo page's origin."""

    assistant: Any = None

    async def open(self, session_id: Any = None) -> "Visitor":
        self.client.on("session_confirm", lambda confirmed: setattr(self, "session_id", confirmed))
        self.client.on("session_history", self._history)
        self.client.on("bot_uttered", self._said)
        await self.client.connect(self.url, headers={"Origin": WIDGET_ORIGIN}, transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id})
        await self.until(lambda: self.history is not None)
        return self

    def _history(self, messages: List[Dict[str, Any]]) -> None:
        self.history = messages
        self.arrived.set()

    def _said(self, message: Dict[str, Any]) -> None:
        self.said.append(message)
        self.arrived.set()

    async def say(self, text: str) -> List[str]:
        """Send `text`; what the assistant said in answer, once the turn is saved."""
        before = len(self.said)
        sender = conversation(self.session_id)
        users = sum(event["event"] == "user" for event in self.assistant.conversation(sender)["events"])
        await self.send(text)
        for _ in range(600):
            events = self.assistant.conversation(sender)["events"]
            if sum(event["event"] == "user" for event in events) > users and events[-1].get("name") == "action_listen":
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.3)  # the socket's last messages
        return [message.get("text", "") for message in self.said[before:]]


async def settled(assistant: Assistant, sender: str) -> Dict[str, Any]:
    """The conversation's slots once the turn is saved (the messages go out before it is)."""
    for _ in range(120):
        slots = assistant.conversation(sender)["slots"]
        if slots.get("assessment") or slots.get("requested_slot"):
            return slots
        await asyncio.sleep(0.5)
    events = [(e["event"], e.get("text") or e.get("name")) for e in assistant.conversation(sender)["events"]]
    raise AssertionError(f"the turn was not saved: {events}")


def page_server(assistant: Assistant):
    """The website server as `make run` serves it, on the assistant's records and keys."""
    from web.server import serve

    env = {**assistant.env, "PHT_VAR_DIR": str(assistant.workdir), "RASA_URL": assistant.url,
           "RASA_AUTH_TOKEN": assistant.token}  # the assistant's keys (SENDER_ID_KEY: the widget's sessions)
    server = serve(env, free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def start_by_link(url: str, token: str) -> Tuple[int, Dict[str, Any]]:
    request = urllib.request.Request(f"{url}/check-in/start", data=json.dumps({"token": token}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=180) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def earlier(records: Records, follow_up_id: int, days: int) -> None:
    """The fake clock for the website server (which reads the real one): the consent and the
    check-ins moved `days` into the past, as if that long had gone by."""
    from pht.records.models import CheckIn, FollowUp

    with records._sessions() as session, session.begin():
        row = session.get(FollowUp, follow_up_id)
        row.consented_at -= dt.timedelta(days=days)
        for check_in in session.query(CheckIn).filter(CheckIn.follow_up_id == follow_up_id):
            check_in.due_at -= dt.timedelta(days=days)
            if check_in.next_attempt_at is not None:
                check_in.next_attempt_at -= dt.timedelta(days=days)


def test_a_website_visitor_gets_a_signed_link_and_answers_their_check_in_in_the_widget(platforms):
    assistant = platforms[0]
    server, url = page_server(assistant)

    async def prescreen_and_consent() -> Tuple[str, str]:
        visitor = await Visitor(assistant.url, assistant=assistant).open()
        sender = conversation(visitor.session_id)
        await visitor.say("/greet")
        await visitor.say("yes")
        for _ in range(20):
            slots = await settled(assistant, sender)
            if slots.get("assessment"):
                break
            await visitor.say(CLASSIC_ANSWERS[slots["requested_slot"]])
        assert visitor.said[-1]["text"] == reply("consent_web")  # the consent, saying how: a link
        await visitor.say("yes")
        assert visitor.said[-1]["text"].startswith(reply("consent_baseline"))
        said = "\n".join(await visitor.say("about 30 minutes"))
        # a person cannot forge the worker's intent: typed, it is not understood, and starts nothing
        forged = await visitor.say('/EXTERNAL_check_in{"check_in_key": "x"}')
        assert reply("opening", checkin_label="2 weeks") not in forged
        await visitor.close()
        return sender, said

    sender, closing = asyncio.run(prescreen_and_consent())
    link = re.search(r"(http://\S+/check-in\?t=\S+)", closing).group(1)
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]
    records = records_of(assistant)
    [follow_up] = records.follow_ups.of_sender(sender)
    assert follow_up.channel == "socketio" and follow_up.consent["route"] == "link"
    assert follow_up.baseline["sitting_minutes"] == 30 and follow_up.prescreen_reference in closing
    assert "It works until" in closing and link.startswith("http://localhost:8080/check-in?t=")  # WEB_PUBLIC_URL's default

    # before it is due, the page says when; the worker sends nothing for the website, ever
    status, page = get_page(f"{url}/check-in?t={token}")
    assert status == 200 and "Your next check-in is due on" in page and "data-pht-chat" not in page
    done = worker_at(assistant, follow_up.check_ins[0].due_at + dt.timedelta(hours=1)).run_once()
    assert done.waiting >= 1 and records.follow_ups.of_sender(sender)[0].check_ins[0].state == "waiting"

    earlier(records, follow_up.id, 15)  # two weeks and a day later
    status, page = get_page(f"{url}/check-in?t={token}")
    assert status == 200 and f'data-check-in="{token}"' in page
    status, answer = start_by_link(url, token)
    assert status == 200, answer

    async def check_in(session_id: str) -> Tuple[List[Dict[str, Any]], List[str], List[Dict[str, Any]]]:
        visitor = await Visitor(assistant.url, assistant=assistant).open(session_id)
        assert conversation(visitor.session_id) == sender  # the visitor's own conversation
        shown = list(visitor.history or [])
        said: List[str] = []
        for text in IMPROVING:
            said += await visitor.say(text)
            if not assistant.conversation(sender)["active_loop"]:
                break
        await visitor.close()
        again = await Visitor(assistant.url, assistant=assistant).open(session_id)  # the page reloaded: the conversation, once
        await again.close()
        return shown, said, list(again.history or [])

    shown, said, reloaded = asyncio.run(check_in(answer["session_id"]))
    # the page shows the conversation (here the session is still the pre-screen's: in real life two
    # weeks later it is a new one), the check-in's opening and its first question with its buttons
    texts = [message.get("text") for message in shown]
    assert texts.count(reply("opening", checkin_label="2 weeks")) == 1 and "quick_replies" in shown[-1]
    assert texts.index(reply("opening", checkin_label="2 weeks")) == len(texts) - 2
    assert not any("EXTERNAL" in (text or "") for text in texts)  # the trigger is nobody's message
    assert any("move on to stage 2" in text for text in said), said
    stored = records.follow_ups.of_sender(sender)[0]
    assert stored.check_ins[0].state == "answered" and stored.stage == 2
    assert stored.check_ins[0].decision["outcome"] == "next_stage"
    assert [m.get("text") for m in reloaded].count(reply("opening", checkin_label="2 weeks")) == 1
    # answered: the link now says when the next one is, and starts nothing
    assert start_by_link(url, token)[0] == 409
    status, page = get_page(f"{url}/check-in?t={token}")
    assert "Your next check-in is due on" in page
    status, page = get_page(f"{url}/check-in?t={token[:-2]}")
    assert status == 404 and "does not work" in page
    server.shutdown()


def get_page(url: str) -> Tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# --- staff mode: the patient's consent at the desk, check-ins to their mobile by SMS ------------------

def staff_say(assistant: Assistant, conversation_uuid: str, message: str, staff_user: str = "alice") -> List[Dict]:
    """One message on the staff channel, as the reception page's server relays it."""
    secret = records_settings({"PHT_VAR_DIR": str(assistant.workdir)}).staff_channel_secret()
    request = urllib.request.Request(
        f"{assistant.url}/webhooks/staff/webhook", method="POST",
        data=json.dumps({"conversation": conversation_uuid, "message": message, "staff_user": staff_user}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret}"})
    with urllib.request.urlopen(request, timeout=180) as reply:
        return json.loads(reply.read())


def test_at_the_desk_the_patients_consent_sends_check_ins_to_their_mobile_by_sms_and_they_answer_there(platforms):
    assistant, fakes, env = platforms
    desk = str(uuid.uuid4())
    staff_say(assistant, desk, "/greet")
    staff_say(assistant, desk, "yes")
    for _ in range(20):
        slots = assistant.conversation(f"staff:{desk}")["slots"]
        if slots.get("assessment"):
            break
        said = staff_say(assistant, desk, CLASSIC_ANSWERS[slots["requested_slot"]])
    assert reply("consent_staff") in said[-1]["text"] and "read this to the patient" in said[-1]["text"]
    assert "by text message (SMS) or by WhatsApp" in staff_say(assistant, desk, "yes")[-1]["text"]
    assert "mobile number" in staff_say(assistant, desk, "SMS")[-1]["text"]
    assert "country code" in staff_say(assistant, desk, "07700 900777")[-1]["text"]  # no country code: asked again
    staff_say(assistant, desk, "+44 7700 900777")
    closing = staff_say(assistant, desk, "about 30 minutes", staff_user="alice")[-1]["text"]
    assert "Check-ins are set up" in closing and "ending 777" in closing

    records = records_of(assistant)
    reference = assistant.conversation(f"staff:{desk}")["slots"]["prescreen_reference"]
    follow_up = records.follow_ups.of_prescreen(reference)
    assert follow_up.channel == "twilio" and follow_up.consent["by"] == "staff_for_patient"
    assert follow_up.consent["staff_user"] == "alice" and follow_up.consent["wording"] == reply("consent_staff")
    assert "7700" not in json.dumps(assistant.conversation(f"staff:{desk}")["slots"])  # only encrypted, in the id

    patient = PlatformUser("twilio", assistant, fakes, env)
    patient.sender = "+447700900777"  # SMS: the address is the number itself
    assert patient.conversation_id == follow_up.sender_id
    mark = fakes.mark()
    worker_at(assistant, follow_up.check_ins[0].due_at + dt.timedelta(hours=1)).run_once()
    fakes.wait_for(lambda: any("?" in (sent_text(call) or "") for call in fakes.since(mark, "twilio")))
    sent = [call for call in fakes.since(mark, "twilio") if call.body.get("To") == "+447700900777"]
    assert sent and all(call.body["From"] == env["TWILIO_SMS_FROM"] for call in sent)  # the clinic's SMS number
    assert sent_text(sent[0]) == reply("opening", checkin_label="2 weeks")
    said = answer_all(patient, IMPROVING)
    assert any("move on to stage 2" in text for text in said), said
    assert records.follow_ups.of_prescreen(reference).check_ins[0].decision["outcome"] == "next_stage"



# --- Messenger: Meta refuses a message more than 24 hours after the person last wrote ---------------------

def test_a_messenger_check_in_weeks_later_is_refused_as_meta_refuses_it_and_recorded_as_not_delivered(platforms):
    """Meta's route beyond the window for this (recurring notifications) was retired on 10 February
    2026, and its successor (utility message templates) is not built: the fake refuses what Meta
    refuses, and the record says so, never that the check-in went."""
    user = person("facebook", platforms)
    consent_with_baseline(user)
    records = records_of(user.assistant)
    follow_up = records.follow_ups.of_sender(user.conversation_id)[0]
    due = follow_up.check_ins[0].due_at + dt.timedelta(hours=1)
    refused_before = len(user.fakes.outside_the_window)
    user.fakes.time = due.timestamp()  # the platform's clock with the worker's: two weeks on
    try:
        config = follow_up_settings({"PHT_VAR_DIR": str(user.assistant.workdir), "RASA_URL": user.assistant.url,
                                     "RASA_AUTH_TOKEN": user.assistant.token, "FOLLOW_UP_QUIET_HOURS": "off",
                                     "FOLLOW_UP_MAX_ATTEMPTS": "2", "FOLLOW_UP_RETRY_FIRST_SECONDS": "60",
                                     "FOLLOW_UP_CHANNELS": user.assistant.env["FOLLOW_UP_CHANNELS"]})
        sender = RasaSender(user.assistant.url, user.assistant.token, 120)
        first = Worker(records, sender, config, clock=lambda: due).run_once()
        assert first.failed == 1 and len(user.fakes.outside_the_window) > refused_before
        last = Worker(records, sender, config, clock=lambda: due + dt.timedelta(minutes=5)).run_once()
        assert last.undeliverable == 1
    finally:
        user.fakes.time = None
    check_in = records.follow_ups.of_sender(user.conversation_id)[0].check_ins[0]
    assert check_in.state == "undeliverable" and [item["outcome"] for item in check_in.deliveries] == [
        "failed", "undeliverable"]
    assert [item.id for item in records.follow_ups.list(show="undeliverable")].count(follow_up.id) == 1
    # the person writes again: the window is open, and the next check-in reaches them
    mark = user.fakes.mark()
    user.say("hello")
    assert not [call for call in user.fakes.since(mark, "facebook") if call in user.fakes.outside_the_window]
