"""The channels package without servers: splitting, numbered options, credentials from the
environment, signature checks, the widget's history, and the demo page's static server."""
import asyncio
import hashlib
import hmac
import json
import stat
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace
from typing import Any, Dict, List, Sequence

import pytest
import yaml
from cryptography.exceptions import InvalidTag
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from twilio.request_validator import RequestValidator

from channels import credentials, settings
from channels.messenger import signature_matches
from channels.options import NUMBERED_HINT, as_list, chosen_payload, pending_buttons, resolve_reply
from channels.platform import LimitedOutput
from channels.socketio import (WidgetInput, WidgetOutput, WidgetSessions, came_from_widget, conversation_history,
                              message_text)
from channels.telegram import TelegramInput, callback_data
from channels.text import split_text
from channels.twilio import TwilioInput, TwilioOutput
from harness.servers import free_port
from pht.domain import read_domain

ONSET = [{"title": "Gradually", "payload": "gradually"}, {"title": "Suddenly", "payload": "suddenly"},
         {"title": "Not sure", "payload": "not sure"}]
PAIN = [{"title": "0-3 mild", "payload": "3"}, {"title": "4-6 moderate", "payload": "5"}]
PARAGRAPHS = [f"Paragraph {n}." + " Some advice about loading the tendon." * 8 for n in range(1, 8)]
OUTCOME = "\n\n".join(PARAGRAPHS)


# --- splitting long texts -------------------------------------------------------------------------

def test_a_short_text_is_one_message():
    assert split_text("  Hello there.\n\nHow are you?  ", 1600) == ["Hello there.\n\nHow are you?"]


def test_a_long_text_is_cut_between_paragraphs_and_packs_as_many_as_fit():
    parts = split_text(OUTCOME, 1000)
    assert len(parts) > 1 and all(len(part) <= 1000 for part in parts)
    assert "\n\n".join(parts) == OUTCOME  # nothing lost, every cut at a paragraph boundary
    assert all(part.count("Paragraph") >= 2 for part in parts[:-1])  # packed, not one per paragraph


def test_a_paragraph_longer_than_the_limit_is_cut_between_sentences():
    paragraph = "First sentence here. Second sentence here. Third one."
    assert split_text(paragraph, 25) == ["First sentence here.", "Second sentence here.", "Third one."]


def test_a_word_longer_than_the_limit_is_the_only_thing_cut_inside():
    assert split_text("see https://example.org/a/very/long/address", 12)[1:] == [
        "https://exam", "ple.org/a/ve", "ry/long/addr", "ess"]


# --- numbered options -----------------------------------------------------------------------------

def test_options_become_one_numbered_list_under_the_question():
    text = as_list("How did the pain start?", ONSET)
    assert text == f"How did the pain start?\n1. Gradually\n2. Suddenly\n3. Not sure\n{NUMBERED_HINT}"
    assert "(" not in text and ":" not in text.splitlines()[1]  # not Rasa's "1: Gradually (gradually)"


def test_options_whose_answers_are_numbers_are_bulleted_so_a_number_stays_an_answer():
    text = as_list("How bad is the pain, 0 to 10?", PAIN)
    assert "• 0-3 mild" in text and "1." not in text
    assert chosen_payload("2", PAIN) is None
    assert chosen_payload("4-6 Moderate", PAIN) == "5"


@pytest.mark.parametrize("reply", ["2", " 2. ", "#2", "option 2", "Suddenly", "suddenly!"])
def test_a_number_or_the_options_words_choose_it(reply):
    assert chosen_payload(reply, ONSET) == "suddenly"


@pytest.mark.parametrize("reply", ["1, 3", "1 and 3", "#1 & #3", "3, 1, 3"])
def test_several_numbers_choose_several_options(reply):
    assert set(chosen_payload(reply, ONSET).split(", ")) == {"gradually", "not sure"}


@pytest.mark.parametrize("reply", ["4", "0", "1, 4", "it came on suddenly after a sprint", ""])
def test_other_replies_choose_nothing(reply):
    assert chosen_payload(reply, ONSET) is None


def test_several_numbers_never_choose_several_intents():
    consent = [{"title": "Yes, let's start", "payload": "/affirm"}, {"title": "No thanks", "payload": "/deny"}]
    assert chosen_payload("1", consent) == "/affirm"
    assert chosen_payload("1 and 2", consent) is None


def test_the_options_are_the_bots_latest_turns_until_the_person_answers():
    asked = [{"event": "user", "text": "yes"},
             {"event": "bot", "text": "How did it start?", "data": {"buttons": ONSET}},
             {"event": "bot", "text": "Or say it in your own words.", "data": {}}]
    assert pending_buttons(asked) == ONSET
    assert resolve_reply("1", asked) == "gradually"
    answered = asked + [{"event": "user", "text": "gradually"}]
    assert pending_buttons(answered) == []
    assert resolve_reply("1", answered) == "1"


class RecordingOutput(LimitedOutput):
    """A platform with Messenger's limits that records what it would send."""

    text_limit = 2000
    max_buttons = 3
    buttons_text_limit = 640

    def __init__(self) -> None:
        super().__init__()
        self.sent: List[Dict[str, Any]] = []

    async def send_part(self, recipient_id: str, text: str) -> None:
        self.sent.append({"text": text})

    async def send_part_with_buttons(self, recipient_id: str, text: str, buttons: Sequence[Dict[str, Any]]) -> None:
        self.sent.append({"text": text, "buttons": [button["title"] for button in buttons]})


def test_up_to_the_platforms_maximum_buttons_stay_buttons_on_the_last_part():
    output = RecordingOutput()
    asyncio.run(output.send_text_with_buttons("someone", "Intro.\n\n" + "x " * 400 + "\n\nStart?", ONSET))
    assert output.sent[-1]["buttons"] == ["Gradually", "Suddenly", "Not sure"]
    assert all(len(message["text"]) <= 640 for message in output.sent if "buttons" in message)


def test_more_buttons_than_the_platform_allows_become_a_numbered_list():
    output = RecordingOutput()
    asyncio.run(output.send_text_with_buttons("someone", "Which?", ONSET + [{"title": "Other", "payload": "x"}]))
    assert output.sent == [{"text": f"Which?\n1. Gradually\n2. Suddenly\n3. Not sure\n4. Other\n{NUMBERED_HINT}"}]


def test_a_long_text_goes_out_in_parts_within_the_limit():
    output = RecordingOutput()
    asyncio.run(output.send_text_message("someone", OUTCOME))
    assert len(output.sent) > 1 and all(len(message["text"]) <= 2000 for message in output.sent)


def test_twilio_messages_stay_within_1600_characters_or_a_lower_configured_limit():
    client = SimpleNamespace(messages=None)
    assert TwilioOutput(client, "+14155550100").text_limit == 1600
    assert TwilioOutput(client, "+14155550100", max_length=320).text_limit == 320
    assert TwilioOutput(client, "+14155550100", max_length=5000).text_limit == 1600


class SentByTwilio:
    """A Twilio client's `messages`: what was created."""

    def __init__(self) -> None:
        self.created: List[Dict[str, Any]] = []

    def create(self, **fields: Any) -> None:
        self.created.append(fields)


def twilio_unprompted(content_sid=None):
    from channels.pseudonyms import Pseudonyms
    names = Pseudonyms(bytes(range(32)), "tw-")
    client = SimpleNamespace(messages=SentByTwilio())
    output = TwilioOutput(client, None, names=names, senders={True: "whatsapp:+14155238886", False: "+14155550100"},
                          check_in_content_sid=content_sid)
    return output, client.messages.created, names


def test_a_check_in_sent_unprompted_comes_from_the_clinics_whatsapp_or_sms_number_by_the_persons_address():
    output, created, names = twilio_unprompted()
    asyncio.run(output.send_text_message(names.sender_id("whatsapp:+447700900123"), "Hello again."))
    asyncio.run(output.send_text_message(names.sender_id("+447700900124"), "Hello again."))
    assert [(sent["to"], sent["from_"]) for sent in created] == [
        ("whatsapp:+447700900123", "whatsapp:+14155238886"), ("+447700900124", "+14155550100")]


def test_a_whatsapp_check_ins_opening_goes_as_the_approved_template_and_the_rest_as_text():
    output, created, names = twilio_unprompted(content_sid="HX" + "1" * 32)
    person = names.sender_id("whatsapp:+447700900123")
    asyncio.run(output.send_text_message(person, "Hello again. It's been 2 weeks ...", check_in_opening={"label": "2 weeks"}))
    asyncio.run(output.send_text_message(person, "How bad was the pain?"))
    assert created[0]["content_sid"] == "HX" + "1" * 32 and json.loads(created[0]["content_variables"]) == {"1": "2 weeks"}
    assert "body" not in created[0] and created[1]["body"] == "How bad was the pain?"
    asyncio.run(output.send_text_message(names.sender_id("+447700900124"), "Hello again.", check_in_opening={"label": "2 weeks"}))
    assert created[2]["body"] == "Hello again."  # SMS has no window: plain text


def test_a_telegram_button_too_long_for_callback_data_sends_its_number():
    assert callback_data({"title": "A", "payload": "short"}, 1) == "short"
    assert callback_data({"title": "A", "payload": "x" * 65}, 3) == "3"


# --- credentials from the environment ---------------------------------------------------------------

BASE = yaml.safe_load(credentials.BASE.read_text())
TELEGRAM = {"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_URL": "https://bot.example/webhooks/telegram/webhook"}


def test_with_no_platform_variables_only_rest_the_widget_the_staff_channel_and_the_privacy_routes_are_on():
    values, notes = credentials.credentials({}, BASE)
    assert set(values) == {"channels.rest.TrustedRestInput", credentials.WIDGET, "channels.staff.StaffInput",
                           "rasa_server.privacy.PrivacyInput"}
    assert values[credentials.WIDGET]["cors_allowed_origins"] == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert all(note.endswith(")") and ": off (set " in note for note in notes)


def test_a_platform_with_all_its_variables_is_on_and_one_missing_a_variable_stays_off():
    env = {**TELEGRAM, "TWILIO_ACCOUNT_SID": "AC1"}
    values, notes = credentials.credentials(env, BASE)
    assert values["channels.telegram.TelegramInput"] == {"access_token": "123:abc",
                                                         "webhook_url": TELEGRAM["TELEGRAM_WEBHOOK_URL"]}
    assert "channels.twilio.TwilioInput" not in values
    assert "Telegram: on" in notes
    assert any("TWILIO_AUTH_TOKEN" in note and "TWILIO_ACCOUNT_SID" not in note for note in notes)


def test_allowed_origins_come_from_the_environment():
    values, _ = credentials.credentials({"CHAT_ALLOWED_ORIGINS": "https://clinic.example, https://www.clinic.example"},
                                        BASE)
    assert values[credentials.WIDGET]["cors_allowed_origins"] == ["https://clinic.example", "https://www.clinic.example"]
    assert settings.web({"WEB_PORT": "9000"}).allowed_origins == ("http://localhost:9000", "http://127.0.0.1:9000")


def test_the_credentials_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "var" / "credentials.yml"
    credentials.write(path, TELEGRAM)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert yaml.safe_load(path.read_text())["channels.telegram.TelegramInput"]["access_token"] == "123:abc"


def test_the_telegram_secret_is_stable_secret_and_overridable():
    derived = settings.telegram_secret_token("123:abc")
    assert derived == settings.telegram_secret_token("123:abc") != settings.telegram_secret_token("123:abd")
    assert "123:abc" not in derived
    assert settings.telegram_secret_token("123:abc", "chosen") == "chosen"


# --- signatures ---------------------------------------------------------------------------------------

def request(headers: Dict[str, str], body: bytes = b"", form: Dict[str, List[str]] = None) -> Any:
    return SimpleNamespace(headers=headers, body=body, form=form or {})


def test_telegram_updates_need_the_secret_token():
    channel = TelegramInput("123:abc", "https://bot.example/webhooks/telegram/webhook", "s3cret")
    assert channel.is_signed(request({"X-Telegram-Bot-Api-Secret-Token": "s3cret"}))
    assert not channel.is_signed(request({"X-Telegram-Bot-Api-Secret-Token": "guess"}))
    assert not channel.is_signed(request({}))


def twilio_request(fields: Dict[str, str], signature: str = None) -> Any:
    """A request as Sanic gives it: the raw body, and `form` without the blank fields (Sanic drops them)."""
    body = urllib.parse.urlencode(fields).encode()
    form = {name: values for name, values in urllib.parse.parse_qs(body.decode()).items()}
    return request({"X-Twilio-Signature": signature} if signature else {}, body=body, form=form)


def test_twilio_calls_need_twilios_signature_of_the_url_and_fields():
    url = "https://bot.example/webhooks/twilio/webhook"
    channel = TwilioInput("AC1", "auth-token", url)
    fields = {"From": "whatsapp:+447700900123", "To": "whatsapp:+14155238886", "Body": "hi"}
    signature = RequestValidator("auth-token").compute_signature(url, fields)
    assert channel.is_signed(twilio_request(fields, signature))
    assert not channel.is_signed(twilio_request({**fields, "Body": "something else"}, signature))
    assert not channel.is_signed(twilio_request(fields))


# The fields Twilio posts for an incoming SMS and WhatsApp message (twilio.com/docs/messaging/guides/webhook-request),
# with the values Twilio leaves blank when it has none
TWILIO_SMS = {"ToCountry": "US", "ToState": "CA", "SmsMessageSid": "SM" + "a" * 32, "NumMedia": "0", "ToCity": "",
              "FromZip": "", "SmsSid": "SM" + "a" * 32, "FromState": "", "SmsStatus": "received", "FromCity": "",
              "Body": "hi", "FromCountry": "GB", "To": "+14155550100", "MessagingServiceSid": "", "ToZip": "",
              "NumSegments": "1", "MessageSid": "SM" + "a" * 32, "AccountSid": "AC" + "1" * 32,
              "From": "+447700900123", "ApiVersion": "2010-04-01"}
TWILIO_WHATSAPP = {**TWILIO_SMS, "To": "whatsapp:+14155238886", "From": "whatsapp:+447700900123", "ProfileName": "",
                   "WaId": "447700900123", "MessageType": "text", "ReferralNumMedia": "0", "ToState": "",
                   "ToCountry": ""}


@pytest.mark.parametrize("fields", [TWILIO_SMS, TWILIO_WHATSAPP], ids=["sms", "whatsapp"])
def test_twilios_signature_covers_the_blank_fields_it_sends(fields):
    url = "https://bot.example/webhooks/twilio/webhook"
    signature = RequestValidator("auth-token").compute_signature(url, fields)
    assert TwilioInput("AC1", "auth-token", url).is_signed(twilio_request(fields, signature))
    blank_dropped = {name: value for name, value in fields.items() if value}
    assert not TwilioInput("AC1", "auth-token", url).is_signed(twilio_request(blank_dropped, signature))


def test_messenger_calls_need_metas_signature_of_the_body():
    body = b'{"object": "page"}'
    sha256 = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    sha1 = "sha1=" + hmac.new(b"app-secret", body, hashlib.sha1).hexdigest()
    assert signature_matches("app-secret", body, {"X-Hub-Signature-256": sha256})
    assert signature_matches("app-secret", body, {"X-Hub-Signature": sha1})
    assert not signature_matches("app-secret", body + b" ", {"X-Hub-Signature-256": sha256})
    assert not signature_matches("app-secret", body, {"X-Hub-Signature": "md5=" + hashlib.md5(body).hexdigest()})
    assert not signature_matches("app-secret", body, {})


# --- the widget's history ---------------------------------------------------------------------------------

def test_the_history_is_what_the_page_showed_since_the_session_started():
    events = [
        SessionStarted(), UserUttered("/greet", input_channel="socketio"), BotUttered("old session"),
        SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("/greet", input_channel="socketio"),
        BotUttered("Hi.\n\nShall we start?", data={"buttons": [{"title": "Yes, let's start", "payload": "/affirm"}]}),
        UserUttered("/affirm", input_channel="socketio", metadata={"display": "Yes, let's start"}),
        BotUttered("Where does it hurt?", data={"buttons": ONSET}),
    ]
    history = conversation_history(events)
    assert [(message["sender"], message["text"]) for message in history] == [
        ("bot", "Hi."), ("bot", "Shall we start?"), ("user", "Yes, let's start"), ("bot", "Where does it hurt?")]
    assert "quick_replies" not in history[1]  # answered already
    assert [reply["title"] for reply in history[-1]["quick_replies"]] == ["Gradually", "Suddenly", "Not sure"]


STAFF_WROTE = {"utter_action": "utter_staff_message", "staff_name": "Alice", "staff_text": "See you at 3.\n\nBring shorts."}


def test_a_staff_members_message_reaches_the_widget_as_theirs_in_one_piece_live_and_in_the_history():
    sent: List[Any] = []

    class Sio:
        async def emit(self, event: str, data: Any, room: str) -> None:
            sent.append((event, data, room))

    output = WidgetOutput(Sio(), "bot_uttered")
    asyncio.run(output.send_response("web:abc", {"text": "Alice: See you at 3.\n\nBring shorts.", **STAFF_WROTE}))
    asyncio.run(output.send_response("web:abc", {"text": "Hi.\n\nShall we start?", "utter_action": "utter_greet"}))
    assert sent == [("bot_uttered", {"text": "Alice: See you at 3.\n\nBring shorts.",
                                     "staff": {"name": "Alice", "text": "See you at 3.\n\nBring shorts."}}, "web:abc"),
                    ("bot_uttered", {"text": "Hi."}, "web:abc"), ("bot_uttered", {"text": "Shall we start?"}, "web:abc")]
    history = conversation_history([UserUttered("when?", input_channel="socketio"),
                                    BotUttered("Alice: See you at 3.\n\nBring shorts.", metadata=STAFF_WROTE)])
    assert history[-1] == {"sender": "bot", "text": "Alice: See you at 3.\n\nBring shorts.",
                           "staff": {"name": "Alice", "text": "See you at 3.\n\nBring shorts."}}


async def _ignore(_message: Any) -> None:
    return None


class _Socket:
    """What the widget channel needs of an engine.io socket: a place for its session."""

    closed = False

    def __init__(self) -> None:
        self.session: Dict[str, Any] = {}

    async def send(self, packet: Any) -> None:
        pass


def _connected(sio: Any, eio_sid: str) -> Any:
    sio.eio.sockets[eio_sid] = _Socket()
    return sio.manager.connect(eio_sid, "/")


def test_a_page_asking_for_its_session_joins_the_sessions_room():
    """RasaHQ/rasa#13027: Rasa 3.6 never awaits `enter_room`, so the page was never in the room."""
    channel = WidgetInput.from_credentials({"session_persistence": True, "cors_allowed_origins": ["http://a.example"]})
    channel.blueprint(_ignore)
    sio = channel.sio
    session_request = sio.handlers["/"]["session_request"]
    returning = channel.sessions.issue()

    async def ask() -> Any:
        await _connected(sio, "engineio-sid")
        sid = sio.manager.sid_from_eio_sid("engineio-sid", "/")
        await session_request(sid, {"session_id": returning})
        return sid, sio.manager.rooms["/"].get(channel.sessions.sender_id(returning))

    sid, room = asyncio.run(ask())
    assert sid in room


def test_the_widgets_session_ids_are_the_servers_own():
    sessions = WidgetSessions(b"k" * 64)
    issued = sessions.issue()
    token = issued.split(".")[0]
    assert sessions.sender_id(issued) == "web:" + token
    assert sessions.issue() != issued
    assert sessions.sender_id(token) is None  # the random part alone, as Rasa's channel issued them
    assert sessions.sender_id(token + "." + "0" * 32) is None  # a forged signature
    assert sessions.sender_id(issued.upper()) is None
    assert sessions.sender_id("a" * 500_000) is None
    assert sessions.sender_id(None) is None and sessions.sender_id(["x"]) is None
    assert WidgetSessions(b"another key" * 6).sender_id(issued) is None  # another server's


def test_a_socket_speaks_only_into_the_session_it_was_confirmed_for():
    said: List[UserMessage] = []

    async def remember(message: UserMessage) -> None:
        said.append(message)

    channel = WidgetInput.from_credentials({"session_persistence": True})
    channel.blueprint(remember)
    sio = channel.sio
    session_request, user_uttered = sio.handlers["/"]["session_request"], sio.handlers["/"]["user_uttered"]
    someone_else = channel.sessions.issue()

    async def talk() -> None:
        await _connected(sio, "eio-mine")
        sid = sio.manager.sid_from_eio_sid("eio-mine", "/")
        await user_uttered(sid, {"message": "before any session"})
        await session_request(sid, {"session_id": "invented"})
        mine = (await sio.get_session(sid))["session_id"]
        await user_uttered(sid, {"message": "my pain", "session_id": someone_else})
        await user_uttered(sid, {"message": "my pain", "session_id": mine, "metadata": {"display": "x" * 10_000, "a": 1}})
        await user_uttered(sid, {"message": "/get_started"})

    asyncio.run(talk())
    assert [message.text for message in said] == ["my pain", "/greet"]
    assert {message.sender_id for message in said} != {channel.sessions.sender_id(someone_else)}
    assert said[0].sender_id.startswith("web:") and said[0].metadata == {"display": "x" * 500}


def test_a_message_that_is_no_text_is_nothing_to_answer_and_an_opening_is_the_widgets():
    assert message_text(None) is None and message_text("") is None and message_text("  ") is None
    assert message_text(42) is None and message_text({"text": "hi"}) is None
    assert message_text("/get_started") == message_text("/greet") == "/greet"
    assert message_text("it hurts") == "it hurts"


def test_only_the_configured_origins_may_open_the_widgets_socket():
    configured = WidgetInput.from_credentials({"cors_allowed_origins": ["https://clinic.example"]})
    configured.blueprint(_ignore)
    assert configured.sio.eio.cors_allowed_origins == ["https://clinic.example"]
    unconfigured = WidgetInput.from_credentials({})
    unconfigured.blueprint(_ignore)
    assert unconfigured.sio.eio.cors_allowed_origins is None  # engineio: the server's own origin only


def test_only_a_conversation_held_entirely_in_the_widget_is_sent_to_a_page():
    assert came_from_widget([UserUttered("hi", input_channel="socketio")])
    assert not came_from_widget([UserUttered("hi", input_channel="telegram")])
    assert not came_from_widget([])


# --- the demo page's static server ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def page_server():
    from web.server import SOCKET_IO_CLIENT, serve

    if not SOCKET_IO_CLIENT.exists():
        pytest.fail("web/node_modules is missing: run `make web`")
    server = serve({"CHAT_SERVER_URL": "http://rasa.example:5005"}, free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def test_the_page_server_serves_the_page_the_widget_and_socket_io_client(page_server):
    status, headers, body = get(page_server + "/")
    assert status == 200 and b"data-pht-chat" in body
    assert "connect-src 'self' http://rasa.example:5005 ws://rasa.example:5005" in headers["Content-Security-Policy"]
    assert get(page_server + "/vendor/socket.io.js")[0] == 200
    from pht.triage import load_knowledge

    config = json.loads(get(page_server + "/widget/config.json")[2])
    assert config == {
        "server": "http://rasa.example:5005", "path": "/socket.io",
        "notice": load_knowledge().advice["warning_card"]["text"],  # the warning card, written once
        "strings": config["strings"]}
    responses = read_domain()["responses"]  # the widget's words, each from the domain's utter_widget_<name>
    assert config["strings"] and all(text == responses[f"utter_widget_{name}"][0]["text"]
                                     for name, text in config["strings"].items())


def test_the_page_server_serves_rasa_webchat_with_inline_styles_allowed_on_its_page_alone(page_server):
    status, headers, body = get(page_server + "/demo/webchat.html")
    assert status == 200 and b"/vendor/rasa-webchat.js" in body
    webchat_policy = headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in webchat_policy and "script-src" not in webchat_policy
    assert "unsafe-inline" not in get(page_server + "/")[1]["Content-Security-Policy"]
    assert get(page_server + "/vendor/rasa-webchat.js")[0] == 200
    assert get(page_server + "/demo/webchat.js")[0] == 200


@pytest.mark.parametrize("path", ["/../credentials.yml", "/web/server.py", "/node_modules/axe-core/axe.js", "/x"])
def test_the_page_server_serves_nothing_else(page_server, path):
    assert get(page_server + path)[0] == 404


# --- sender ids without personal data ---------------------------------------------------------------

def test_a_phone_number_becomes_a_sender_id_that_says_nothing_without_the_key(tmp_path):
    from channels.pseudonyms import Pseudonyms, sender_id_key

    key = sender_id_key({"PHT_VAR_DIR": str(tmp_path)})  # made once, kept owner-only
    assert sender_id_key({"PHT_VAR_DIR": str(tmp_path)}) == key
    assert oct((tmp_path / "sender_id_key").stat().st_mode & 0o777) == "0o600"
    names = Pseudonyms(key, "tw-")
    sender = names.sender_id("whatsapp:+447700900123")
    assert sender == names.sender_id("whatsapp:+447700900123")  # the same person, the same conversation
    assert sender.startswith("tw-") and "7700900123" not in sender and len(sender) <= 255
    assert names.address(sender) == "whatsapp:+447700900123"
    other = Pseudonyms(sender_id_key({"SENDER_ID_KEY": "A" * 86}), "tw-")
    assert other.sender_id("whatsapp:+447700900123") != sender
    with pytest.raises(InvalidTag):  # sealed with another key: it does not open
        other.address(sender)


# --- identity belongs to the channel ------------------------------------------------------------------

class RecordingBotApi:
    def __init__(self) -> None:
        self.calls: List[Dict[str, Any]] = []

    async def call(self, method: str, **params: Any) -> Dict[str, Any]:
        self.calls.append({"method": method, **params})
        return {"ok": True}


def test_telegram_replies_go_to_the_chat_in_its_own_sender_ids_only():
    from channels.telegram import TelegramOutput

    api = RecordingBotApi()
    asyncio.run(TelegramOutput(api).send_text_message("tg:-1004242", "Hello"))
    assert api.calls == [{"method": "sendMessage", "chat_id": "-1004242", "text": "Hello"}]
    for not_ours in ("4242", "fb:4242", "slack:T1:4242", "tg:"):
        with pytest.raises(ValueError):
            asyncio.run(TelegramOutput(api).send_text_message(not_ours, "Hello"))


def test_a_slack_sender_id_names_the_team_and_the_user_and_replies_go_to_that_user():
    from channels.slack import sender_id, user_of

    assert sender_id("T1", "U4242") == "slack:T1:U4242" and sender_id(None, "U4242") == "slack:U4242"
    assert user_of("slack:T1:U4242") == user_of("slack:U4242") == "U4242"
    with pytest.raises(ValueError):
        user_of("tg:4242")


def test_messenger_sends_only_to_its_own_sender_ids():
    from channels.messenger import MessengerOutput

    sent = []

    class Api:
        async def send(self, recipient: str, body: Dict[str, Any], what: str) -> None:
            sent.append(recipient)

    asyncio.run(MessengerOutput(Api()).send_text_message("fb:4242", "Hello"))
    assert sent == ["4242"]
    with pytest.raises(ValueError):
        asyncio.run(MessengerOutput(Api()).send_text_message("tg:4242", "Hello"))


# --- Slack: Slack's own signature check, and where the bot answers ------------------------------------

def test_slack_calls_need_slacks_signature_made_in_the_last_five_minutes():
    from slack_sdk.signature import SignatureVerifier

    from channels.slack import SlackInput

    channel = SlackInput("xoxb-test", "signing-secret")
    body = b'{"type": "event_callback"}'
    now = str(int(time.time()))
    signed = SignatureVerifier("signing-secret").generate_signature(timestamp=now, body=body)
    assert channel.is_signed(request({"X-Slack-Request-Timestamp": now, "X-Slack-Signature": signed}, body))
    old = str(int(time.time()) - 600)
    replayed = SignatureVerifier("signing-secret").generate_signature(timestamp=old, body=body)
    assert not channel.is_signed(request({"X-Slack-Request-Timestamp": old, "X-Slack-Signature": replayed}, body))
    assert not channel.is_signed(request({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": signed}, body))
    assert not channel.is_signed(request({}, body))


def slack_envelope(event: Dict[str, Any]) -> Dict[str, Any]:
    return {"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": event}


def test_slack_answers_direct_messages_and_mentions_and_nothing_else_in_channels():
    from channels.slack import said

    direct = said(slack_envelope({"type": "message", "channel_type": "im", "user": "U1", "text": "hi"}))
    assert direct == {"user": "U1", "team": "T1", "id": "event:Ev1", "text": "hi", "mention": None}
    mention = said(slack_envelope({"type": "app_mention", "channel": "C1", "ts": "1.1", "user": "U1",
                                   "text": "<@UBOT> my hamstring hurts"}))
    assert mention["text"] == "my hamstring hurts" and mention["mention"] == ("C1", "1.1")
    assert said(slack_envelope({"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1",
                                "text": "lunch?"})) is None
    assert said(slack_envelope({"type": "message", "channel_type": "im", "bot_id": "B1", "user": "UBOT",
                                "text": "my own reply"})) is None


# --- Messenger: every event of a call, button titles Meta shows ----------------------------------------

def test_every_event_of_a_messenger_call_has_its_own_id():
    from channels.messenger import event_id, said

    text = {"sender": {"id": "1"}, "timestamp": 5, "message": {"mid": "m_1", "text": "hi"}}
    button = {"sender": {"id": "1"}, "timestamp": 6, "postback": {"title": "Yes", "payload": "/affirm"}}
    echo = {"sender": {"id": "page"}, "timestamp": 7, "message": {"mid": "m_2", "text": "Hello", "is_echo": True}}
    assert [said(event) for event in (text, button, echo)] == ["hi", "/affirm", None]
    assert event_id(text) == "mid:m_1" and event_id(button) == "postback:1:6"


def every_button_list() -> List[List[Dict[str, Any]]]:
    """Every set of buttons the assistant can send: the domain's responses, and the questions'
    answers from the knowledge YAML (actions/messages.py)."""
    from actions.messages import answer_buttons, yes_no_buttons
    from pht.triage import load_knowledge

    domain = read_domain()
    knowledge = load_knowledge()
    lists = [variation["buttons"] for variations in domain["responses"].values() for variation in variations
             if variation.get("buttons")]
    lists += [answer_buttons(field, knowledge) for field in knowledge.fields]
    return [buttons for buttons in lists + [yes_no_buttons(knowledge)] if buttons]


def test_every_button_the_assistant_sends_on_messenger_fits_metas_20_characters():
    from channels.messenger import TITLE_LIMIT, MessengerOutput, postback_buttons

    lists = every_button_list()
    assert any(len(button["title"]) > TITLE_LIMIT for buttons in lists for button in buttons)  # the test has work
    for buttons in lists:
        native = postback_buttons(buttons, MessengerOutput.max_buttons)
        if len(buttons) <= MessengerOutput.max_buttons:  # shown as buttons, with a short title where needed
            assert native is not None, [button["title"] for button in buttons]
            assert all(0 < len(button["title"]) <= TITLE_LIMIT for button in native)
        else:
            assert native is None  # a numbered list, where titles have no limit


def test_a_button_whose_title_is_too_long_for_messenger_makes_a_numbered_list_rather_than_an_error():
    from channels.messenger import MessengerOutput

    sent = []

    class Api:
        async def send(self, recipient: str, body: Dict[str, Any], what: str) -> None:
            sent.append(body["message"])

    buttons = [{"title": "Carry on with the questions", "payload": "/affirm"},
               {"title": "Stop here", "payload": "/stop"}]
    asyncio.run(MessengerOutput(Api()).send_text_with_buttons("fb:1", "Go on?", buttons))
    assert sent == [{"text": f"Go on?\n1. Carry on with the questions\n2. Stop here\n{NUMBERED_HINT}"}]
    sent.clear()
    buttons[0]["short_title"] = "Carry on"
    asyncio.run(MessengerOutput(Api()).send_text_with_buttons("fb:1", "Go on?", buttons))
    assert [button["title"] for button in sent[0]["attachment"]["payload"]["buttons"]] == ["Carry on", "Stop here"]


# --- each platform message once ------------------------------------------------------------------------

def test_a_platform_message_is_claimed_once_by_every_process_on_the_database(tmp_path):
    from channels.once import claims

    env = {"PHT_VAR_DIR": str(tmp_path)}
    replica, other_replica = claims(env), claims(env)  # two processes' stores on one file
    assert replica.first("telegram:123:1")
    assert not replica.first("telegram:123:1") and not other_replica.first("telegram:123:1")
    assert other_replica.first("telegram:123:2") and replica.first("telegram:999:1")
    assert (tmp_path / "platform_messages.db").exists()


def test_a_claim_expires_after_its_days(tmp_path):
    from channels.once import TableClaims

    store = TableClaims(f"sqlite:///{tmp_path / 'claims.db'}", lifetime_seconds=0)
    assert store.first("slack:T1:event:Ev1")
    time.sleep(0.01)
    assert store.first("slack:T1:event:Ev1")


@pytest.mark.services
def test_a_platform_message_is_claimed_once_on_redis(redis_prefix):
    from services import REDIS_URL

    from channels.once import RedisClaims, claims

    env = {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": redis_prefix}
    replica, other_replica = claims(env), claims(env)
    assert isinstance(replica, RedisClaims)
    assert replica.first("twilio:AC1:SM1") and not other_replica.first("twilio:AC1:SM1")
    assert 0 < replica.red.ttl(f"{redis_prefix}:seen:twilio:AC1:SM1") <= 7 * 24 * 3600


@pytest.mark.services
def test_a_platform_message_is_claimed_once_in_the_database_replicas_share(database):
    from channels.once import TableClaims, claims

    env = {"DATABASE_URL": database.url.replace("postgresql://", "postgres://", 1)}  # as hosting services write it
    replica, other_replica = claims(env), claims(env)  # the table is created by whichever comes first
    assert isinstance(replica, TableClaims)
    assert replica.first("facebook:page:mid:m_1") and not other_replica.first("facebook:page:mid:m_1")
    assert other_replica.first("facebook:page:mid:m_2")
