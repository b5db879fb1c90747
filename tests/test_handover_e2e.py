"""Reception takes over, end to end on Telegram's local fake API: the real Rasa server and
action server, the reception page (uvicorn in a thread) on the same records database. A person
asks for someone in the middle of the pre-screen; a signed-in staff member sees them waiting,
opens the conversation, takes it over (a second staff member cannot), exchanges two messages
with them on Telegram, hands back, and the pre-screen carries on to its outcome. A danger
sign while waiting, and while taken over, gets the emergency advice at once. Nobody looking after
it (pht/reception/unattended.py, as the follow-up worker runs it, its clock ahead): a silent staff
member's conversation is handed back automatically and the questions carry on; a person nobody
took is told so. On WhatsApp and SMS (Twilio's fake) the staff member's words arrive as plain text
after their name, no markup."""
from __future__ import annotations

import re
import time
from urllib.parse import quote
from typing import Any, Dict, List

import pytest

from channels import credentials
from harness.fake_platforms import FakePlatforms
from harness.platforms import SECRETS, WEBHOOKS
from harness.servers import MODEL, Assistant
import datetime as dt

from pht.domain import read_domain
from pht.opening_hours import OpeningHours
from pht.reception.conversations import RasaConversations
from pht.reception.unattended import NOBODY_FREE_AFTER_WAITS, Unattended
from pht.reception.users import Users
from pht.records import Records, settings
from test_channels_e2e import PlatformUser, post, sent_text
from test_e2e import CLASSIC_ANSWERS
from test_reception_web import PASSWORD, Client, serve_reception
from web.reception.app import create_app

pytestmark = pytest.mark.e2e
RESPONSES = read_domain()["responses"]
ALWAYS_OPEN = "Mon-Sun 00:00-24:00"


def words(response: str, **values: Any) -> str:
    """The first sentence of a domain response, filled: enough to recognise it."""
    return RESPONSES[response][0]["text"].format(**values).split(". ")[0]


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """Both servers with Telegram on its fake, the clinic open, and the reception page."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    fakes = FakePlatforms()
    workdir = tmp_path_factory.mktemp("handover")
    assistant = Assistant(workdir)
    env = {**SECRETS, "TELEGRAM_API_URL": fakes.url, "TELEGRAM_WEBHOOK_URL": f"{assistant.url}/webhooks/telegram/webhook",
           "TWILIO_API_URL": fakes.url, "TWILIO_WEBHOOK_URL": f"{assistant.url}/webhooks/twilio/webhook",
           "CLINIC_OPENING_HOURS": ALWAYS_OPEN, "HANDOVER_WAIT_MINUTES": "7", "CLINIC_NAME": "Hamstring Clinic",
           "CLINIC_PHONE": "020 7946 0000"}
    assistant.credentials = workdir / "credentials.yml"
    credentials.write(assistant.credentials, {key: value for key, value in env.items()
                                              if "TELEGRAM" in key or "TWILIO" in key})
    assistant.env = env
    assistant.start()
    config = settings({"PHT_VAR_DIR": str(workdir), "RASA_URL": assistant.url, "RASA_AUTH_TOKEN": assistant.token})
    users = Users(config)
    users.add("alice.smith", PASSWORD)
    users.add("bob", PASSWORD)
    records = Records(config=config)
    port, server, thread = serve_reception(create_app(config, records))
    yield {"assistant": assistant, "fakes": fakes, "env": env, "url": f"http://127.0.0.1:{port}", "records": records,
           "config": config}
    server.should_exit = True
    thread.join(timeout=10)
    assistant.stop()
    fakes.stop()


def person(clinic, sender: str, platform: str = "telegram") -> PlatformUser:
    user = PlatformUser(platform, clinic["assistant"], clinic["fakes"], clinic["env"])
    user.sender = sender
    return user


def say_while_paused(user: PlatformUser, text: str) -> None:
    """A message while staff hold the conversation: Rasa logs it and the assistant says nothing."""
    seen = len(user.tracker()["events"])
    body, headers = WEBHOOKS["telegram"](user.env, user.sender, text)
    assert post(f"{user.assistant.url}/webhooks/telegram/webhook", body, headers) in (200, 204)
    for _ in range(100):
        if any(event["event"] == "user" and event.get("text") == text for event in user.tracker()["events"][seen:]):
            return
        time.sleep(0.1)
    raise AssertionError("the message was not logged")


def telegram_texts(clinic, mark: int) -> List[str]:
    return [sent_text(call) for call in clinic["fakes"].since(mark, "telegram") if sent_text(call)]


def wait_for_texts(clinic, mark: int, count: int) -> List[str]:
    clinic["fakes"].wait_for(lambda: len(telegram_texts(clinic, mark)) >= count, timeout=60)
    return telegram_texts(clinic, mark)


def staff(clinic, name: str) -> Client:
    client = Client(clinic["url"])
    status, _, _ = client.login(name)
    assert status == 303
    return client


def act(client: Client, conversation: str, action: str, **form: str) -> Dict[str, Any]:
    path = f"/conversations/{conversation}"
    token = client.csrf(path)
    status, headers, _ = client.request(f"{path}/{action}", {"csrf_token": token, **form})
    assert status == 303
    return headers


def started_prescreen(user: PlatformUser) -> None:
    user.say("hi")
    user.say("yes")
    assert user.tracker()["slots"]["requested_slot"] == "pain_location"


def test_staff_take_over_on_telegram_exchange_two_messages_and_hand_back(clinic):
    user = person(clinic, "880001")
    started_prescreen(user)
    user.say(CLASSIC_ANSWERS["pain_location"])
    asked_before = user.tracker()["slots"]["requested_slot"]
    replies = [sent_text(call) for call in user.say("can I talk to a real person please")]
    assert any(words("utter_handover_waiting", name="Hamstring Clinic", minutes=7) in text for text in replies)
    assert "7 minutes" in " ".join(replies)
    assert user.tracker()["slots"]["requested_slot"] == asked_before  # the questions go on meanwhile

    alice, bob = staff(clinic, "alice.smith"), staff(clinic, "bob")
    conversation = user.conversation_id
    _, _, listing = alice.request("/")
    assert "Waiting for a person" in listing and f"/conversations/{quote(conversation)}" in listing
    status, _, page = alice.request(f"/conversations/{conversation}")
    assert status == 200 and "can I talk to a real person please" in page and "Take over" in page

    mark = clinic["fakes"].mark()
    act(alice, conversation, "take")
    assert any("Alice from the clinic has joined this chat" in text for text in wait_for_texts(clinic, mark, 1))
    assert user.tracker()["paused"] is True
    refused = act(bob, conversation, "take")
    assert "message=taken" in refused["location"]
    mark = clinic["fakes"].mark()
    assert "message=taken" in act(bob, conversation, "reply", message="Bob here")["location"]
    assert "message=taken" in act(bob, conversation, "hand-back")["location"]
    time.sleep(1)
    assert telegram_texts(clinic, mark) == [] and user.tracker()["paused"] is True  # nothing of Bob's reached them
    assert clinic["records"].handovers.open_of(conversation).taken_by == "alice.smith"

    say_while_paused(user, "when could I come in to see someone?")
    mark = clinic["fakes"].mark()
    act(alice, conversation, "reply", message="Hello! <b>Tomorrow</b> at 10:00 works, shall I book it?")
    [first] = wait_for_texts(clinic, mark, 1)
    assert first == "Alice: Hello! <b>Tomorrow</b> at 10:00 works, shall I book it?"  # as typed: plain text
    [call] = clinic["fakes"].since(mark, "telegram")
    assert "parse_mode" not in call.body  # Telegram reads it as plain text: no markup
    say_while_paused(user, "yes please, thank you")
    mark = clinic["fakes"].mark()
    act(alice, conversation, "reply", message="Booked. I'll hand you back to finish the questions.")
    assert wait_for_texts(clinic, mark, 1) == ["Alice: Booked. I'll hand you back to finish the questions."]
    _, _, page = alice.request(f"/conversations/{conversation}")
    assert "yes please, thank you" in page and "Booked." in page

    mark = clinic["fakes"].mark()
    act(alice, conversation, "hand-back")
    back = wait_for_texts(clinic, mark, 3)
    assert back[0] == "Alice has handed you back to the assistant.", (back, [
        (event["event"], event.get("name"), event.get("text"), (event.get("parse_data") or {}).get("intent"))
        for event in user.tracker()["events"][-25:]])
    assert back[1] == RESPONSES["utter_handed_back_carry_on"][0]["text"]
    tracker = user.tracker()
    assert tracker["paused"] is False and tracker["slots"]["requested_slot"] == asked_before

    for _ in range(20):  # the pre-screen carries on to its outcome
        if tracker["slots"].get("assessment"):
            break
        user.say(CLASSIC_ANSWERS[tracker["slots"]["requested_slot"]])
        tracker = user.tracker()
    assert tracker["slots"]["assessment"]["urgency"] == "routine"

    [handover] = clinic["records"].handovers.of_sender(conversation)
    assert handover.state == "handed_back" and handover.taken_by == "alice.smith"
    assert [message.text for message in handover.messages] == [
        "Hello! <b>Tomorrow</b> at 10:00 works, shall I book it?", "Booked. I'll hand you back to finish the questions."]
    reference = tracker["slots"]["prescreen_reference"]
    _, _, exported = alice.request(f"/prescreens/{reference}/export/json")
    assert '"taken_by": "alice.smith"' in exported and "Booked." in exported

    user.say("delete my data")  # the handover and what Alice wrote go with the rest
    user.say("yes")
    assert clinic["records"].handovers.of_sender(conversation) == []
    assert clinic["records"].of_sender(conversation) == []


def test_a_danger_sign_while_waiting_gets_the_emergency_advice_at_once(clinic):
    user = person(clinic, "880002")
    started_prescreen(user)
    user.say("can someone call me")
    replies = [sent_text(call) for call in user.say("I've lost control of my bladder and my bum is numb")]
    assert re.search(r"emergency|999|A&E", replies[0], re.IGNORECASE), replies
    assert user.tracker()["slots"]["assessment"]["urgency"] == "emergency"


def test_a_danger_sign_while_taken_over_gets_the_emergency_advice_at_once(clinic):
    user = person(clinic, "880003")
    started_prescreen(user)
    alice = staff(clinic, "alice.smith")
    conversation = user.conversation_id
    act(alice, conversation, "take")  # staff may step in without being asked
    mark = clinic["fakes"].mark()
    say_while_paused(user, "I've lost control of my bladder and my bum is numb")
    [advice] = wait_for_texts(clinic, mark, 1)
    assert advice.startswith(RESPONSES["utter_care_reminder"][0]["text"].split("{")[0])
    assert user.tracker()["paused"] is True  # staff still hold it
    _, _, page = alice.request(f"/conversations/{conversation}")
    assert "lost control of my bladder" in page and "badge--emergency" in page

    bob = staff(clinic, "bob")  # Alice has to go: Bob takes it over from her, and she holds it no more
    _, _, page = bob.request(f"/conversations/{conversation}")
    assert "Take over from alice.smith" in page
    mark = clinic["fakes"].mark()
    act(bob, conversation, "take", **{"from": "alice.smith"})
    assert wait_for_texts(clinic, mark, 1) == ["Bob from the clinic has joined this chat. You're talking to a person now."]
    assert "message=taken" in act(alice, conversation, "reply", message="Still me")["location"]
    act(bob, conversation, "hand-back")
    assert clinic["records"].handovers.of_sender(conversation)[-1].taken_by == "bob"


def test_nothing_of_a_conversation_reaches_a_browser_that_is_not_signed_in(clinic):
    user = person(clinic, "880004")
    started_prescreen(user)
    stranger = Client(clinic["url"])
    conversation = user.conversation_id
    for path in (f"/conversations/{conversation}", "/conversations/live", "/conversations/events",
                 f"/conversations/{conversation}/events", f"/conversations/{conversation}?part=transcript"):
        status, headers, body = stranger.request(path)
        assert status == 303 and headers["location"].startswith("/login"), path
        assert "sit bone" not in body
    status, headers, _ = stranger.request(f"/conversations/{conversation}/take", {"csrf_token": "x"})
    assert status == 303 and headers["location"].startswith("/login")
    alice = staff(clinic, "alice.smith")
    status, headers, _ = alice.request(f"/conversations/{conversation}/take", {"csrf_token": "not the token"})
    assert "message=expired" in headers["location"]
    assert user.tracker()["paused"] is False


def watch(clinic) -> Unattended:
    """The follow-up worker's look at the handovers, with the clinic's settings."""
    return Unattended(clinic["records"], RasaConversations(clinic["config"]), idle=dt.timedelta(minutes=20),
                      wait=dt.timedelta(minutes=7), hours=OpeningHours.parse(ALWAYS_OPEN, "Europe/London"),
                      clinic={"name": "Hamstring Clinic", "phone": "020 7946 0000", "booking_url": "x"})


def test_a_staff_member_who_goes_silent_is_stepped_away_from_and_the_questions_carry_on(clinic):
    user = person(clinic, "880005")
    started_prescreen(user)
    user.say(CLASSIC_ANSWERS["pain_location"])
    asked_before = user.tracker()["slots"]["requested_slot"]
    act(staff(clinic, "alice.smith"), user.conversation_id, "take")
    assert user.tracker()["paused"] is True
    now = dt.datetime.now(dt.timezone.utc)
    assert watch(clinic).run_once(now + dt.timedelta(minutes=19)).handed_back == 0
    mark = clinic["fakes"].mark()
    assert watch(clinic).run_once(now + dt.timedelta(minutes=21)).handed_back == 1
    back = wait_for_texts(clinic, mark, 2)
    assert back[0] == ("Alice from the clinic had to step away, so the assistant is back with you. If you'd still like "
                       "to talk to someone, please call Hamstring Clinic on 020 7946 0000."), back
    assert back[1] == RESPONSES["utter_handed_back_carry_on"][0]["text"]
    tracker = user.tracker()
    assert tracker["paused"] is False and tracker["slots"]["requested_slot"] == asked_before
    assert tracker["slots"]["staff_stepped_away"] is None  # the next handing back is a person's again
    [handover] = clinic["records"].handovers.of_sender(user.conversation_id)
    assert handover.handed_back_automatically and handover.handed_back_by is None
    replies = [sent_text(call) for call in user.say(CLASSIC_ANSWERS[asked_before])]
    assert replies and user.tracker()["slots"]["requested_slot"] != asked_before  # the questions go on


def test_a_person_nobody_takes_is_told_once_that_nobody_is_free_with_the_phone_number(clinic):
    user = person(clinic, "880006")
    started_prescreen(user)
    user.say("can someone call me")
    mark = clinic["fakes"].mark()
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=NOBODY_FREE_AFTER_WAITS * 7 + 1)
    assert watch(clinic).run_once(later).told_nobody_free == 1
    [told] = wait_for_texts(clinic, mark, 1)
    assert told.startswith("Sorry, nobody from Hamstring Clinic is free to join this chat just now.")
    assert "020 7946 0000" in told
    assert clinic["records"].handovers.open_of(user.conversation_id).state == "waiting"  # still on the list
    assert user.tracker()["slots"]["requested_slot"] == "pain_location"  # the questions are where they were


@pytest.mark.parametrize("number", ["whatsapp:+447700900123", "+447700900124"])
def test_on_whatsapp_and_sms_the_staff_message_is_plain_text_after_the_name(clinic, number):
    user = person(clinic, number, platform="twilio")
    started_prescreen(user)
    alice = staff(clinic, "alice.smith")
    mark = clinic["fakes"].mark()
    act(alice, user.conversation_id, "take")
    act(alice, user.conversation_id, "reply", message="Hello! Tomorrow at 10:00 works, shall I book it?")
    clinic["fakes"].wait_for(lambda: len(clinic["fakes"].since(mark, "twilio")) >= 2, timeout=60)
    bodies = [call.body["Body"] for call in clinic["fakes"].since(mark, "twilio")]
    assert bodies == ["Alice from the clinic has joined this chat. You're talking to a person now.",
                      "Alice: Hello! Tomorrow at 10:00 works, shall I book it?"]  # no **bold** or *bold*: plain
    assert all(call.body["To"] == number for call in clinic["fakes"].since(mark, "twilio"))
    act(alice, user.conversation_id, "hand-back")
