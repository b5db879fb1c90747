"""The channels package without servers: splitting, numbered options, credentials from the
environment, signature checks, the widget's history, and the demo page's static server."""
import asyncio
import hashlib
import hmac
import json
import stat
import threading
import urllib.error
import urllib.request
from types import SimpleNamespace
from typing import Any, Dict, List, Sequence

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from twilio.request_validator import RequestValidator

from channels import credentials, settings
from channels.messenger import signature_matches
from channels.options import NUMBERED_HINT, as_list, chosen_payload, pending_buttons, resolve_reply
from channels.platform import LimitedOutput
from channels.socketio import WidgetInput, WidgetSessions, came_from_widget, conversation_history, message_text
from channels.telegram import TelegramInput, callback_data
from channels.text import split_text
from channels.twilio import TwilioInput, TwilioOutput
from servers import free_port

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


def test_a_telegram_button_too_long_for_callback_data_sends_its_number():
    assert callback_data({"title": "A", "payload": "short"}, 1) == "short"
    assert callback_data({"title": "A", "payload": "x" * 65}, 3) == "3"


# --- credentials from the environment ---------------------------------------------------------------

BASE = yaml.safe_load(credentials.BASE.read_text())
TELEGRAM = {"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_URL": "https://bot.example/webhooks/telegram/webhook"}


def test_with_no_platform_variables_only_rest_the_widget_and_the_privacy_routes_are_on():
    values, notes = credentials.credentials({}, BASE)
    assert set(values) == {"rest", credentials.WIDGET, "rasa_server.privacy.PrivacyInput"}
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


def test_twilio_calls_need_twilios_signature_of_the_url_and_fields():
    url = "https://bot.example/webhooks/twilio/webhook"
    channel = TwilioInput("AC1", "auth-token", url)
    fields = {"From": "whatsapp:+447700900123", "To": "whatsapp:+14155238886", "Body": "hi"}
    signature = RequestValidator("auth-token").compute_signature(url, fields)
    form = {name: [value] for name, value in fields.items()}
    assert channel.is_signed(request({"X-Twilio-Signature": signature}, form=form))
    tampered = {**form, "Body": ["something else"]}
    assert not channel.is_signed(request({"X-Twilio-Signature": signature}, form=tampered))
    assert not channel.is_signed(request({}, form=form))


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
    assert json.loads(get(page_server + "/widget/config.json")[2]) == {"server": "http://rasa.example:5005",
                                                                       "path": "/socket.io"}


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
    with pytest.raises(Exception):
        other.address(sender)
