"""Each messaging platform end to end, with no internet: a signed, platform-shaped webhook
goes into the running Rasa server, and what it sends back is caught by a local fake of the
platform's API (fake_platforms.py). A whole pre-screen per platform: the texts, the numbered
options (answered by number), and long texts split within the platform's limit. Transcripts
go to results/channels/. On Twilio the sender id is the number encrypted (channels/pseudonyms.py)."""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional

import pytest

from channels import credentials, twilio
from channels.options import NUMBERED_HINT
from harness.fake_platforms import Call, FakePlatforms
from harness.platforms import (SECRETS, TWILIO_NUMBERS, MESSAGE_NUMBERS, messenger_body, messenger_text, slack_event, WEBHOOKS, SENDERS, conversation_id, stored_events)
from harness.servers import MODEL, ROOT, Assistant
from test_e2e import CLASSIC_ANSWERS
from pht.domain import read_domain

pytestmark = pytest.mark.e2e

TRANSCRIPTS = ROOT / "results" / "channels"  # a transcript per platform, for reading (git-ignored)
LIMITS = {"telegram": 4096, "twilio": 480, "facebook": 2000, "slack": 3000}
NUMBERED_LINE = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)
DOMAIN_RESPONSES = read_domain()["responses"]


@pytest.fixture(scope="module")
def platforms(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    fakes = FakePlatforms()
    workdir = tmp_path_factory.mktemp("messaging")
    assistant = Assistant(workdir)
    env = {**SECRETS, "TELEGRAM_API_URL": fakes.url, "TWILIO_API_URL": fakes.url, "FACEBOOK_API_URL": fakes.url,
           "SLACK_API_URL": fakes.url,
           "TELEGRAM_WEBHOOK_URL": f"{assistant.url}/webhooks/telegram/webhook",
           "TWILIO_WEBHOOK_URL": f"{assistant.url}/webhooks/twilio/webhook",
           # a clinic that turned Messenger's check-ins on (not the default: Meta's 24-hour window)
           "FOLLOW_UP_CHANNELS": "telegram twilio facebook slack",
           # a pre-screen and two check-ins weeks apart are sent here within a minute (32 messages
           # of one conversation); in life the flood window has long passed between them
           "MAX_MESSAGES_PER_CONVERSATION": "100"}
    assistant.credentials = workdir / "credentials.yml"
    notes = credentials.write(assistant.credentials, env)
    assert all(note.endswith(": on") for note in notes), notes
    assistant.env = env
    assistant.start()
    yield assistant, fakes, env
    assistant.stop()
    fakes.stop()


def post(url: str, body: bytes, headers: Dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


# --- each platform's webhook, signed as the platform signs it -------------------------------------------



def sent_text(call: Call) -> Optional[str]:
    """The text of a message the connector sent (None for typing indicators and the like)."""
    body = call.body
    if call.platform == "telegram":
        return body.get("text") if call.path.endswith("/sendMessage") else None
    if call.platform == "twilio":
        return body.get("Body")
    if call.platform == "facebook":
        message = body.get("message")
        if not message:
            return None
        return message.get("text") or message["attachment"]["payload"]["text"]
    return body.get("text")


def native_buttons(call: Call) -> List[str]:
    if call.platform == "telegram":
        return [row[0]["text"] for row in (call.body.get("reply_markup") or {}).get("inline_keyboard", [])]
    if call.platform == "facebook" and "attachment" in (call.body.get("message") or {}):
        return [button["title"] for button in call.body["message"]["attachment"]["payload"]["buttons"]]
    if call.platform == "slack" and call.body.get("blocks"):
        blocks = call.body["blocks"] if isinstance(call.body["blocks"], list) else json.loads(call.body["blocks"])
        actions = [block for block in blocks if block["type"] == "actions"]
        return [element["text"]["text"] for block in actions for element in block["elements"]]
    return []


class PlatformUser:
    """A person on one platform: says things through the webhook, reads the fake's messages."""

    def __init__(self, platform: str, assistant: Assistant, fakes: FakePlatforms, env: Dict[str, str]) -> None:
        self.platform, self.assistant, self.fakes, self.env = platform, assistant, fakes, env
        self.sender = SENDERS[platform]
        self.received: List[Call] = []
        self.transcript: List[str] = []

    def say(self, text: str, **extra: Any) -> List[Call]:
        if self.platform == "facebook":
            self.fakes.messenger_wrote(self.sender)  # Messenger's 24-hour window opens (harness/fake_platforms.py)
        mark = self.fakes.mark()
        events = self.tracker()["events"]
        bot_turns = sum(event["event"] == "bot" for event in events)
        body, headers = WEBHOOKS[self.platform](self.env, self.sender, text, **extra)
        status = post(f"{self.assistant.url}/webhooks/{self.platform}/webhook", body, headers)
        assert status in (200, 204), status
        # Slack answers the webhook first and replies in the background: wait for the replies
        # that the tracker says were made, so every platform is read the same way; after "delete
        # my data" the conversation is gone, and its last reply is all there is to wait for
        self.fakes.wait_for(lambda: (len(self.bot_events()) > bot_turns and self._all_sent(mark, bot_turns))
                            or (len(self.tracker()["events"]) < len(events)
                                and any(sent_text(call) for call in self.fakes.since(mark, self.platform))))
        calls = [call for call in self.fakes.since(mark, self.platform) if sent_text(call) is not None]
        self.received += calls
        self.transcript.append(f"> {text or '[pressed ' + extra.get('button', '') + ']'}")
        for call in calls:
            buttons = native_buttons(call)
            self.transcript.append(sent_text(call) + (f"\n[buttons: {' | '.join(buttons)}]" if buttons else ""))
        return calls

    def _all_sent(self, mark: int, bot_turns: int) -> bool:
        texts = "\n\n".join(sent_text(call) or "" for call in self.fakes.since(mark, self.platform))
        return all(event["text"].split("\n\n")[-1][:40] in texts for event in self.bot_events()[bot_turns:])

    @property
    def conversation_id(self) -> str:
        """The sender id Rasa knows the person by: on Twilio not the number, which is personal data."""
        return conversation_id(self.platform, self.sender)

    def tracker(self) -> Dict[str, Any]:
        return self.assistant.conversation(self.conversation_id)

    def bot_events(self) -> List[Dict[str, Any]]:
        return [event for event in self.tracker()["events"] if event["event"] == "bot"]


def numbered_options(text: str) -> Dict[str, str]:
    """Title -> number, from a numbered list in a message."""
    return {title: number for number, title in NUMBERED_LINE.findall(text)}


def complete_prescreen(user: PlatformUser) -> Dict[str, Any]:
    """Consent by the platform's own means, the pain location by its option number, then free text."""
    welcome = user.say("hi")
    assert any("hamstring pain pre-screen" in (sent_text(call) or "") for call in welcome)
    consent = welcome[-1]
    if user.platform == "twilio":  # no buttons on Twilio: a numbered list, answered by number
        assert numbered_options(sent_text(consent)) == {"Yes, let's start": "1", "No thanks": "2"}
        assert sent_text(consent).endswith(NUMBERED_HINT)
        asked = user.say("1")
    elif user.platform == "telegram":  # two options: Telegram's own buttons, pressed
        assert native_buttons(consent) == ["Yes, let's start", "No thanks"]
        keyboard = consent.body["reply_markup"]["inline_keyboard"]
        asked = user.say("", button=keyboard[0][0]["callback_data"])
    else:  # two options fit Messenger's 3 and Slack's 5 buttons
        assert native_buttons(consent) == ["Yes, let's start", "No thanks"]
        asked = user.say("yes, let's start")  # the option's words
    assert user.tracker()["slots"]["requested_slot"] == "pain_location"

    question = sent_text(asked[-1])
    if user.platform == "telegram":
        titles = native_buttons(asked[-1])
        assert len(titles) > 5 and not numbered_options(question)
        user.say("", button=asked[-1].body["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    else:  # more options than Messenger's 3 or Slack's 5 buttons: a numbered list everywhere else
        options = numbered_options(question)
        assert len(options) > 5 and not native_buttons(asked[-1])
        assert not re.search(r"\d+: .*\(", question)  # never Rasa's "1: Title (/payload)"
        sit_bone = next(number for title, number in options.items() if "sit bone" in title.lower())
        user.say(sit_bone)
    tracker = user.tracker()
    assert tracker["slots"]["pain_location"] == "sit_bone"
    for _ in range(20):
        if tracker["slots"].get("assessment"):
            return tracker
        user.say(CLASSIC_ANSWERS[tracker["slots"]["requested_slot"]])
        tracker = user.tracker()
    raise AssertionError(f"{user.platform}: no outcome after 20 answers")


def assert_split_within_limit(user: PlatformUser) -> int:
    """Every message fits; each longer bot text went out whole, in parts cut at line breaks.

    Returns how many bot texts had to be split.
    """
    limit = LIMITS[user.platform]
    texts = [sent_text(call) for call in user.received]
    assert all(len(text) <= limit for text in texts), [len(text) for text in texts]
    long_texts = [event["text"].strip() for event in user.bot_events()
                  if len(event["text"].strip()) > limit and not (event.get("data") or {}).get("buttons")]
    for original in long_texts:
        assert len(split_in(texts, original)) > 1
    return len(long_texts)


def split_in(texts: List[str], original: str) -> List[str]:
    """The run of consecutive messages that make up all of `original`, cut only at line breaks."""
    for start, first in enumerate(texts):
        if not original.startswith(first):
            continue
        parts, position = [first], len(first)
        for following in texts[start + 1:]:
            found = original.find(following, position)
            gap = original[position:found] if found >= 0 else "x"
            if position == len(original) or "\n" not in gap or gap.strip():
                break
            parts.append(following)
            position = found + len(following)
        if position == len(original):
            return parts
    raise AssertionError(f"not sent whole, in parts cut at line breaks: {original[:80]}...")


@pytest.mark.parametrize("platform", ["twilio", "telegram", "facebook", "slack"])
def test_a_whole_prescreen_on_the_platform(platforms, platform):
    assistant, fakes, env = platforms
    user = PlatformUser(platform, assistant, fakes, env)
    tracker = complete_prescreen(user)
    assert tracker["slots"]["assessment"]["urgency"] == "routine"
    said = "\n\n".join(sent_text(call) for call in user.received)
    assert "fit PHT well" in said
    assert_split_within_limit(user)
    if platform == "twilio":
        assert all(call.body["From"] == TWILIO_NUMBERS[True] for call in user.received)
        assert all(call.body["To"] == user.sender for call in user.received)  # replies reach the number ...
        assert "447700900123" not in json.dumps(tracker)  # ... which Rasa never keeps: the sender id is encrypted
        assert tracker["sender_id"].startswith(twilio.SENDER_PREFIX)
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    (TRANSCRIPTS / f"{platform}.txt").write_text("\n\n".join(user.transcript) + "\n")


def test_twilio_by_sms_splits_long_texts_within_its_limit(platforms):
    assistant, fakes, env = platforms
    user = PlatformUser("twilio", assistant, fakes, env)
    user.sender = "+447700900999"  # by SMS this time (the other test is on WhatsApp)
    complete_prescreen(user)
    assert assert_split_within_limit(user) >= 2  # the outcome's longer parts
    assert all(call.body["From"] == TWILIO_NUMBERS[False] and call.body["To"] == user.sender for call in user.received)


def test_telegram_was_told_the_webhook_and_its_secret_at_start(platforms):
    _, fakes, env = platforms
    registered = [call.body for call in fakes.since(0, "telegram") if call.path.endswith("/setWebhook")]
    assert registered and registered[0]["url"] == env["TELEGRAM_WEBHOOK_URL"]
    assert registered[0]["secret_token"] == env["TELEGRAM_SECRET_TOKEN"]


@pytest.mark.parametrize("platform", ["telegram", "twilio", "facebook", "slack"])
def test_an_unsigned_webhook_is_refused_and_changes_nothing(platforms, platform):
    assistant, fakes, env = platforms
    sender = {"telegram": "777", "twilio": "+447700900777", "facebook": "psid-777", "slack": "U777"}[platform]
    mark = fakes.mark()
    for signed_wrongly in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess", "X-Twilio-Signature": "Zm9v",
                               "X-Hub-Signature-256": "sha256=00", "X-Slack-Signature": "v0=00",
                               "X-Slack-Request-Timestamp": str(int(time.time()))}):
        body, headers = WEBHOOKS[platform](env, sender, "hi", signed=False)
        status = post(f"{assistant.url}/webhooks/{platform}/webhook", body, {**headers, **signed_wrongly})
        assert status in (401, 403)
    assert [event for event in assistant.conversation(conversation_id(platform, sender))["events"]
            if event["event"] in ("user", "bot")] == []
    assert fakes.since(mark, platform) == []


@pytest.mark.parametrize("platform", ["telegram", "twilio", "facebook", "slack"])
def test_a_typed_intent_payload_sets_nothing_on_any_platform(platforms, platform):
    """The guard sits in the Rasa server (rasa_server/guards.py), below every channel."""
    assistant, fakes, env = platforms
    user = PlatformUser(platform, assistant, fakes, env)
    user.sender = {"telegram": "888", "twilio": "+447700900888", "facebook": "psid-888", "slack": "U888"}[platform]
    user.say("hi")
    user.say("yes")
    user.say("right at my sit bone")
    before = user.tracker()["slots"]
    assert before["requested_slot"] == "onset"
    calls = user.say('/inform{"onset": "gradual", "red_flags": []}')
    assert any("didn't quite get that" in (sent_text(call) or "") for call in calls)
    after = user.tracker()["slots"]
    assert after["onset"] is None and after["red_flags"] is None and after["requested_slot"] == "onset"


# --- each platform message once -------------------------------------------------------------------------------

def user_texts(assistant: Assistant, conversation: str) -> List[str]:
    return [event["text"] for event in stored_events(assistant, conversation) if event["event"] == "user"]


def replies_to(fakes: FakePlatforms, mark: int, platform: str) -> List[str]:
    return [text for text in (sent_text(call) for call in fakes.since(mark, platform)) if text]


@pytest.mark.parametrize("platform", ["telegram", "twilio", "facebook", "slack"])
def test_a_signed_call_sent_again_is_acknowledged_and_handled_once(platforms, platform):
    """A platform's retry, or anyone replaying a recorded signed call: 200, and nothing more."""
    assistant, fakes, env = platforms
    sender = {"telegram": "313", "twilio": "+447700900313", "facebook": "psid-313", "slack": "U313"}[platform]
    user = PlatformUser(platform, assistant, fakes, env)
    user.sender = sender
    mark = fakes.mark()
    body, headers = WEBHOOKS[platform](env, sender, "hi")
    url = f"{assistant.url}/webhooks/{platform}/webhook"
    assert post(url, body, headers) in (200, 204)
    fakes.wait_for(lambda: bool(user.bot_events()))
    for _ in range(2):
        assert post(url, body, headers) in (200, 204)
    user.say("yes")  # the next message is the next one stored: the copies were not
    welcomes = [text for text in replies_to(fakes, mark, platform) if "hamstring pain pre-screen" in text]
    assert len(welcomes) == 1
    assert user_texts(assistant, user.conversation_id) == ["hi", "yes"]
    assert user.tracker()["slots"]["requested_slot"] == "pain_location"


def test_every_event_of_a_messenger_call_is_handled(platforms):
    """Meta batches events: several `messaging` in an entry, several entries in a call."""
    assistant, fakes, env = platforms
    first, second = next(MESSAGE_NUMBERS), next(MESSAGE_NUMBERS)
    body = json.dumps({"object": "page", "entry": [
        {"id": "page", "time": 0, "messaging": [messenger_text("psid-batch-1", "hi", first),
                                                messenger_text("psid-batch-2", "hello", second)]},
        {"id": "page", "time": 0, "messaging": [messenger_text("psid-batch-3", "hi there", next(MESSAGE_NUMBERS))]},
    ]}).encode()
    assert post(f"{assistant.url}/webhooks/facebook/webhook", *messenger_body(env, body)) == 200
    assert user_texts(assistant, "fb:psid-batch-1") == ["hi"]
    assert user_texts(assistant, "fb:psid-batch-2") == ["hello"]
    assert user_texts(assistant, "fb:psid-batch-3") == ["hi there"]
    assert post(f"{assistant.url}/webhooks/facebook/webhook", *messenger_body(env, body)) == 200  # Meta's retry
    assert user_texts(assistant, "fb:psid-batch-1") == ["hi"] and user_texts(assistant, "fb:psid-batch-2") == ["hello"]


# --- identity belongs to the channel -------------------------------------------------------------------------

def test_the_same_id_on_two_platforms_is_two_conversations(platforms):
    """A Slack user, a Messenger person and a Telegram chat with the same id, and a Messenger id
    equal to a Twilio person's sender id, each reach only their own conversation."""
    assistant, fakes, env = platforms
    telegram = PlatformUser("telegram", assistant, fakes, env)
    telegram.sender = "5150"
    telegram.say("hi")
    telegram.say("yes")
    assert telegram.tracker()["slots"]["requested_slot"] == "pain_location"
    for platform in ("slack", "facebook"):
        other = PlatformUser(platform, assistant, fakes, env)
        other.sender = "5150"
        other.say("hi")
        assert other.conversation_id != telegram.conversation_id
        assert user_texts(assistant, other.conversation_id) == ["hi"]
    whatsapp = PlatformUser("twilio", assistant, fakes, env)
    whatsapp.sender = "whatsapp:+447700905150"
    whatsapp.say("hi")
    impostor = PlatformUser("facebook", assistant, fakes, env)
    impostor.sender = whatsapp.conversation_id  # a Messenger id spelled like a Twilio sender id
    impostor.say("delete my data")
    assert user_texts(assistant, whatsapp.conversation_id) == ["hi"]
    assert user_texts(assistant, telegram.conversation_id) == ["hi", "yes"]
    assert telegram.tracker()["slots"]["requested_slot"] == "pain_location"
    assert user_texts(assistant, "5150") == []  # no conversation without a channel's prefix


# --- each platform's failures ------------------------------------------------------------------------------

def test_a_telegram_button_press_counts_when_its_acknowledgement_fails(platforms):
    assistant, fakes, env = platforms
    user = PlatformUser("telegram", assistant, fakes, env)
    user.sender = "6160"
    welcome = user.say("hi")
    keyboard = welcome[-1].body["reply_markup"]["inline_keyboard"]
    failure = fakes.fail("answerCallbackQuery", 400, {"ok": False, "error_code": 400,
                                                     "description": "Bad Request: query is too old"})
    asked = user.say("", button=keyboard[0][0]["callback_data"])  # asserts 200
    assert failure.failed and failure.times == 0
    assert user.tracker()["slots"]["requested_slot"] == "pain_location"
    assert len(native_buttons(asked[-1])) > 5  # the next question, with its options


def test_a_messenger_message_meta_fails_to_take_is_sent_once_more(platforms):
    assistant, fakes, env = platforms
    user = PlatformUser("facebook", assistant, fakes, env)
    user.sender = "psid-7170"
    failure = fakes.fail("messages", 500, {"error": {"message": "An unexpected error has occurred.",
                                                     "type": "OAuthException", "code": 2, "is_transient": True}},
                         matching=lambda call: "message" in call.body)  # a message, not a typing indicator
    welcome = user.say("hi")
    assert failure.failed and failure.times == 0
    assert [sent_text(call) for call in welcome].count(sent_text(failure.failed[0])) == 2  # taken the second time
    assert any("hamstring pain pre-screen" in (sent_text(call) or "") for call in welcome)


def test_a_slack_mention_in_a_channel_is_answered_in_a_direct_message(platforms):
    assistant, fakes, env = platforms
    mark = fakes.mark()
    body, headers = slack_event(env, "U8180", "hi, my hamstring hurts", channel="CPUBLIC")
    assert post(f"{assistant.url}/webhooks/slack/webhook", body, headers) == 200
    conversation = conversation_id("slack", "U8180")
    fakes.wait_for(lambda: any(event["event"] == "bot" for event in stored_events(assistant, conversation)))
    fakes.wait_for(lambda: any(call.body.get("channel") == "DU8180" for call in fakes.since(mark, "slack")))
    posted = [call for call in fakes.since(mark, "slack") if call.path.endswith("chat.postMessage")]
    in_channel = [call.body["text"] for call in posted if call.body.get("channel") == "CPUBLIC"]
    assert in_channel == [DOMAIN_RESPONSES["utter_slack_answered_in_private"][0]["text"]]
    assert any(call.body.get("users") == "U8180" for call in fakes.since(mark, "slack")
               if call.path.endswith("conversations.open"))
    direct = [sent_text(call) for call in posted if call.body.get("channel") == "DU8180"]
    assert any("hamstring pain pre-screen" in text for text in direct)
    assert all(call.body.get("channel") in ("CPUBLIC", "DU8180") for call in posted)
    assert user_texts(assistant, conversation) == ["hi, my hamstring hurts"]


def test_a_telegram_group_gets_no_pre_screen_only_a_pointer_to_a_private_chat(platforms):
    assistant, fakes, env = platforms
    mark = fakes.mark()
    update = {"update_id": next(MESSAGE_NUMBERS), "message": {
        "message_id": 1, "date": 0, "chat": {"id": -100777, "type": "supergroup"},
        "from": {"id": 8181}, "text": "@pht_bot my hamstring hurts when I sit"}}
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": env["TELEGRAM_SECRET_TOKEN"]}
    assert post(f"{assistant.url}/webhooks/telegram/webhook", json.dumps(update).encode(), headers) == 200
    fakes.wait_for(lambda: any(call.path.endswith("sendMessage") for call in fakes.since(mark, "telegram")))
    sent = [call for call in fakes.since(mark, "telegram") if call.path.endswith("sendMessage")]
    assert [sent_text(call) for call in sent] == [DOMAIN_RESPONSES["utter_telegram_private_only"][0]["text"]]
    assert str(sent[0].body.get("chat_id")) == "-100777"
    assert user_texts(assistant, conversation_id("telegram", "-100777")) == []


@pytest.mark.services
def test_two_replicas_on_redis_handle_a_platform_message_once(tmp_path, redis_prefix):
    """Behind a load balancer a retry can reach another replica: the claims are in Redis."""
    from services import REDIS_URL

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    fakes = FakePlatforms()
    first = Assistant(tmp_path / "first")
    env = {**SECRETS, "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": redis_prefix,
           **{f"{name}_API_URL": fakes.url for name in ("TELEGRAM", "TWILIO", "FACEBOOK", "SLACK")},
           "TELEGRAM_WEBHOOK_URL": "https://bot.example/webhooks/telegram/webhook",
           "TWILIO_WEBHOOK_URL": "https://bot.example/webhooks/twilio/webhook"}
    first.env = env
    first.credentials = tmp_path / "credentials.yml"
    credentials.write(first.credentials, env)
    second = None
    try:
        first.start()  # (its ports are known once it runs: it starts again on others if one was taken)
        second = Assistant(tmp_path / "second", env=env, credentials=first.credentials, action_port=first.action_port,
                           tracker_store={"dialect": "sqlite", "db": str(first.db_path)})
        second.write_endpoints()  # only a Rasa server: the first's action server and conversation store
        second.processes.append(second._spawn_rasa())
        second._wait_until_ready()
        for platform in ("telegram", "twilio", "facebook", "slack"):
            user = PlatformUser(platform, first, fakes, env)
            user.sender = {"telegram": "9190", "twilio": "+447700909190", "facebook": "psid-9190",
                           "slack": "U9190"}[platform]
            body, headers = WEBHOOKS[platform](env, user.sender, "hi")
            for replica in (first, second, first):
                assert post(f"{replica.url}/webhooks/{platform}/webhook", body, headers) in (200, 204)
            fakes.wait_for(lambda: bool(user.bot_events()))
            user.say("yes")
            assert user_texts(first, user.conversation_id) == ["hi", "yes"], platform
    finally:
        if second is not None:
            second.stop()
        first.stop()
        fakes.stop()
