"""Identity belongs to the channel (issue 18), end to end against the real servers.

The REST channel takes trusted callers only, each with a token; whatever `sender` a caller
sends, its conversation is `rest:` + sender, so nobody can read, change or delete a
Telegram, Slack, Messenger, WhatsApp/SMS or widget conversation through it; it cannot choose
the input channel, the metadata it may send is the one key the product reads, capped; sender
ids are limited; bodies are capped for the whole server; floods are limited per conversation
and per caller. The other channels' conversations are written straight into the store
through the HTTP API (with its token), as their channels would have stored them, with a
pre-screen record of their own, and then attacked over REST.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any, Dict, List

import pytest

from pht.records import NewPrescreen, Records
from pht.triage import assess
from harness.servers import MODEL, REST_PREFIX, Assistant, Conversation, http
from test_e2e import CLASSIC_ANSWERS
from test_records import OUTCOMES

pytestmark = pytest.mark.e2e

FLOODER_TOKEN = "identity-flooder-token"
MESSAGES_PER_CONVERSATION = 25  # more than a whole pre-screen takes
NEW_CONVERSATIONS_PER_CALLER = 15  # more than this module starts as its main caller
SECRET = "my marathon on the 14th and my sister Ingrid"  # what only the real person said
# conversation ids as each other channel builds them (actions/senders.py)
OTHER_CHANNELS = {"telegram": "tg:4242", "slack": "slack:U0IDENTITY", "facebook": "fb:5555",
                  "twilio": "tw-AbCdEf0123", "socketio": "web:0123456789abcdef0123456789abcdef"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Servers of this module's own: two REST callers, and flood limits small enough to
    reach in a test (a window longer than any test run)."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    assistant = Assistant(tmp_path_factory.mktemp("identity"))
    assistant.env = {"REST_CHANNEL_TOKENS": f"tests:{assistant.rest_token},flooder:{FLOODER_TOKEN}",
                     "RATE_LIMIT_WINDOW_SECONDS": "1000000000",
                     "MAX_MESSAGES_PER_CONVERSATION": str(MESSAGES_PER_CONVERSATION),
                     "MAX_NEW_CONVERSATIONS_PER_CALLER": str(NEW_CONVERSATIONS_PER_CALLER)}
    try:
        assistant.start()
        records = Records(f"sqlite:///{assistant.workdir / 'records.db'}", migrate=True)
        yield {"assistant": assistant, "records": records}
        records.close()
    finally:
        assistant.stop()


def user_messages(tracker: Dict[str, Any]) -> List[str]:
    """What was stored of a person's messages (reading an unknown conversation shows a
    session start, never a message)."""
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def texts(replies: List[Dict[str, Any]]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def stored_elsewhere(site, channel: str) -> Dict[str, Any]:
    """A conversation of another channel, as that channel would have stored it, with its
    pre-screen record; the tracker as stored."""
    assistant, conversation_id = site["assistant"], OTHER_CHANNELS[channel]
    result = {**assess(OUTCOMES["routine"]), "skipped": [], "unsure": []}
    record = site["records"].add(NewPrescreen(channel=channel, sender_id=conversation_id, assessment=result,
                                              consent={}, engine_version="2.0", knowledge_version="2"))
    events = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": f"my sit bone hurts since {SECRET}", "input_channel": channel,
               "parse_data": {"intent": {"name": "inform", "confidence": 1.0}, "entities": []}},
              {"event": "slot", "name": "pain_location", "value": "sit_bone"},
              {"event": "slot", "name": "prescreen_reference", "value": record.reference},
              {"event": "bot", "text": f"Your reference is {record.reference}."},
              {"event": "action", "name": "action_listen"}]
    status, tracker = http("POST", f"{assistant.url}/conversations/{conversation_id}/tracker/events"
                                   f"?token={assistant.token}", events)  # type: ignore[arg-type]
    assert status == 200, tracker
    return {"tracker": assistant.conversation(conversation_id), "record": site["records"].get(record.reference)}


# -- trusted callers ------------------------------------------------------------------------------

def test_rest_without_a_valid_token_in_the_header_is_refused_and_does_nothing(site):
    assistant = site["assistant"]
    webhook = f"{assistant.url}/webhooks/rest/webhook"
    body = {"sender": "no-token", "message": "my sit bone hurts"}
    for headers, query in (({}, ""), ({"Authorization": "Bearer wrong-token-wrong-token"}, ""),
                           ({"Authorization": f"Bearer {assistant.token}"}, ""),  # the HTTP API's token is not one
                           ({"Authorization": assistant.rest_token}, ""),  # not a bearer
                           ({}, f"?token={assistant.rest_token}")):  # never in the URL
        status, answer = http("POST", webhook + query, body, headers=headers)
        assert status == 403 and "Authorization: Bearer" in answer["error"], (headers, query, status, answer)
    assert user_messages(assistant.tracker("no-token")) == []
    assert assistant.post_rest(body)[0] == 200  # the trusted caller's token works


def test_without_any_token_configured_nobody_is_a_caller():
    from channels.rest import caller_of
    from channels.settings import rest_callers

    assert rest_callers({}) == {} and rest_callers({"REST_CHANNEL_TOKENS": "", "REST_CHANNEL_TOKEN": " "}) == {}
    assert caller_of("Bearer ", {}) is None and caller_of("Bearer anything-at-all-here", {}) is None
    with pytest.raises(ValueError):
        rest_callers({"REST_CHANNEL_TOKEN": "short"})  # a guessable token stops the server


# -- conversations of other channels --------------------------------------------------------------

def test_a_sender_written_like_a_telegram_id_lands_in_a_rest_conversation(site):
    assistant = site["assistant"]
    assistant.say("tg:123", "my sit bone hurts")
    assert assistant.conversation("rest:tg:123")["slots"]["pain_location"] == "sit_bone"
    assert user_messages(assistant.conversation("tg:123")) == []  # Telegram's conversation of that id: untouched


@pytest.mark.parametrize("channel", sorted(OTHER_CHANNELS))
def test_another_channels_conversation_cannot_be_read_changed_or_deleted_over_rest(site, channel):
    assistant, conversation_id = site["assistant"], OTHER_CHANNELS[channel]
    before = stored_elsewhere(site, channel)
    said = []
    for text in ("hi", "what did I tell you before?", "what is my reference code?", "please delete my data", "yes"):
        said.append(texts(assistant.say(conversation_id, text)))
    after = assistant.conversation(conversation_id)
    assert after["events"] == before["tracker"]["events"]  # not read into, not written to, not deleted
    assert site["records"].get(before["record"].reference) == before["record"]
    answers = " ".join(said)
    assert SECRET not in answers and before["record"].reference not in answers
    assert assistant.tracker(conversation_id)["sender_id"] == REST_PREFIX + conversation_id


# -- what a caller cannot choose ------------------------------------------------------------------

@dataclass
class ForgingCaller:
    """A trusted caller that also claims another channel and sends metadata of its own."""

    assistant: Assistant

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        status, replies = self.assistant.post_rest({
            "sender": sender, "message": text, "input_channel": "telegram",
            "metadata": {"display": "Yes", "channel": "slack", "staff": True, "padding": "x" * 5000}})
        assert status == 200, replies
        return replies

    def tracker(self, sender: str) -> Dict[str, Any]:
        return self.assistant.tracker(sender)


def test_the_caller_cannot_choose_the_channel_or_store_unknown_metadata(site):
    conversation = Conversation(ForgingCaller(site["assistant"]), "forger", dict(CLASSIC_ANSWERS))  # type: ignore[arg-type]
    conversation.run("hi")
    said = [event for event in site["assistant"].tracker("forger")["events"] if event["event"] == "user"]
    assert {event["input_channel"] for event in said} == {"rest"}
    for event in said:  # Rasa adds its own (the model's id); of the caller's, only `display`
        assert event["metadata"]["display"] == "Yes" and not {"channel", "staff", "padding"} & set(event["metadata"])
    [record] = site["records"].of_sender(REST_PREFIX + "forger")
    assert record.channel == "rest"  # what staff are shown: the conversation's own channel


def test_oversized_metadata_is_refused(site):
    status, answer = site["assistant"].post_rest({"sender": "big-display", "message": "hi",
                                                  "metadata": {"display": "y" * 300}})
    assert status == 400 and "display" in answer["error"]
    status, _ = site["assistant"].post_rest({"sender": "big-metadata", "message": "hi",
                                             "metadata": {"padding": "x" * 2_000_000}})
    assert status == 413
    assert user_messages(site["assistant"].tracker("big-display")) == []
    assert user_messages(site["assistant"].tracker("big-metadata")) == []


def test_a_sender_id_with_odd_characters_or_of_10000_characters_is_refused_calmly(site):
    for sender in ("a b", "../../etc", "tg:1/../2", "x\u0000y", "é", "<script>", "", "s" * 129, "s" * 10_000):
        status, answer = site["assistant"].post_rest({"sender": sender, "message": "hi"})
        assert status == 400 and "'sender' must be 1 to 128 characters" in answer["error"], (sender[:20], answer)
    assert site["assistant"].post_rest({"sender": "s" * 128, "message": "hi"})[0] == 200


# -- sizes ------------------------------------------------------------------------------------------

def post_raw(site, head: Dict[str, str], chunks: List[bytes]) -> str:
    """The status line of a POST to the REST webhook sent byte by byte: the headers, then as
    many of `chunks` as the server takes before it answers."""
    assistant = site["assistant"]
    lines = ["POST /webhooks/rest/webhook HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             f"Authorization: Bearer {assistant.rest_token}", *(f"{name}: {value}" for name, value in head.items())]
    with socket.create_connection(("127.0.0.1", assistant.rasa_port), timeout=60) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except OSError:
            pass  # the server answered and closed the connection: it stopped reading
        answer = sock.recv(4096).decode(errors="replace")
    return answer.split("\r\n", 1)[0]


def test_a_90_mb_body_is_refused_with_413_without_being_read(site):
    opening = b'{"sender": "huge-body", "message": "' + b"x" * 60_000
    assert " 413 " in post_raw(site, {"Content-Length": str(90 * 1024 * 1024)}, [opening])
    # without a length, sent in chunks: refused once more than the limit has come
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    assert " 413 " in post_raw(site, {"Transfer-Encoding": "chunked"}, [chunk] * 40)
    assert user_messages(site["assistant"].tracker("huge-body")) == []


# -- floods -----------------------------------------------------------------------------------------

def test_a_flood_into_one_conversation_is_told_to_slow_down_and_not_stored(site):
    assistant = site["assistant"]
    for _ in range(MESSAGES_PER_CONVERSATION):
        assistant.say("flood-one", "hi")
    replies = texts(assistant.say("flood-one", "hi"))
    assert "wait a minute" in replies and "Your answers so far are saved" in replies
    assert len(user_messages(assistant.tracker("flood-one"))) == MESSAGES_PER_CONVERSATION


def test_a_flood_of_new_conversations_from_one_caller_is_refused_and_its_own_go_on(site):
    assistant = site["assistant"]
    flooder = {"Authorization": f"Bearer {FLOODER_TOKEN}"}
    webhook = f"{assistant.url}/webhooks/rest/webhook"
    for number in range(NEW_CONVERSATIONS_PER_CALLER):
        assert http("POST", webhook, {"sender": f"flood-{number}", "message": "hi"}, headers=flooder)[0] == 200
    status, answer = http("POST", webhook, {"sender": "flood-one-more", "message": "hi"}, headers=flooder)
    assert status == 429 and "Too many new conversations" in answer["error"]
    assert user_messages(assistant.tracker("flood-one-more")) == []
    assert http("POST", webhook, {"sender": "flood-0", "message": "my sit bone hurts"}, headers=flooder)[0] == 200
    assert assistant.post_rest({"sender": "not-the-flooder", "message": "hi"})[0] == 200  # other callers go on
