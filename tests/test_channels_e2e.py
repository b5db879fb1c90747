"""Each messaging platform end to end, with no internet: a signed, platform-shaped webhook
goes into the running Rasa server, and what it sends back is caught by a local fake of the
platform's API (fake_platforms.py). A whole pre-screen per platform: the texts, the numbered
options (answered by number), and long texts split within the platform's limit. Transcripts
go to results/channels/. On Twilio the sender id is the number encrypted (channels/pseudonyms.py)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from twilio.request_validator import RequestValidator

from channels import credentials, twilio
from channels.options import NUMBERED_HINT
from channels.pseudonyms import Pseudonyms, sender_id_key
from fake_platforms import Call, FakePlatforms
from servers import MODEL, ROOT, Assistant
from test_e2e import CLASSIC_ANSWERS

pytestmark = pytest.mark.e2e

SECRETS = {
    "TELEGRAM_BOT_TOKEN": "123456:test-token", "TELEGRAM_SECRET_TOKEN": "telegram-secret",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "twilio-auth-token",
    # below Twilio's 1,600 (the default) so the outcome's longer messages have to be split here
    "TWILIO_MAX_LENGTH": "480",
    "FACEBOOK_VERIFY_TOKEN": "fb-verify", "FACEBOOK_APP_SECRET": "fb-app-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-token",
    "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "slack-signing-secret",
    "SENDER_ID_KEY": base64.urlsafe_b64encode(bytes(range(64))).decode(),  # phone numbers -> sender ids
}
TRANSCRIPTS = ROOT / "results" / "channels"  # a transcript per platform, for reading (git-ignored)
LIMITS = {"telegram": 4096, "twilio": 480, "facebook": 2000, "slack": 3000}
TWILIO_NUMBERS = {True: "whatsapp:+14155238886", False: "+14155550100"}  # ours, on WhatsApp and by SMS
NUMBERED_LINE = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


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
           "TWILIO_WEBHOOK_URL": f"{assistant.url}/webhooks/twilio/webhook"}
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

def telegram_update(env: Dict[str, str], sender: str, text: str, signed: bool = True,
                    button: Optional[str] = None) -> Tuple[bytes, Dict[str, str]]:
    chat = {"id": int(sender), "type": "private"}
    if button is not None:
        update = {"update_id": 1, "callback_query": {"id": "cb1", "data": button, "message": {"chat": chat}}}
    else:
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": chat, "text": text}}
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-Telegram-Bot-Api-Secret-Token"] = env["TELEGRAM_SECRET_TOKEN"]
    return json.dumps(update).encode(), headers


def twilio_message(env: Dict[str, str], sender: str, text: str, signed: bool = True) -> Tuple[bytes, Dict[str, str]]:
    fields = {"From": sender, "To": TWILIO_NUMBERS[sender.startswith("whatsapp:")], "Body": text, "MessageSid": "SM1"}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signed:
        headers["X-Twilio-Signature"] = RequestValidator(env["TWILIO_AUTH_TOKEN"]).compute_signature(
            env["TWILIO_WEBHOOK_URL"], fields)
    return urllib.parse.urlencode(fields).encode(), headers


def messenger_event(env: Dict[str, str], sender: str, text: str, signed: bool = True) -> Tuple[bytes, Dict[str, str]]:
    event = {"sender": {"id": sender}, "recipient": {"id": "page"}, "timestamp": 0,
             "message": {"mid": "m1", "text": text}}
    body = json.dumps({"object": "page", "entry": [{"id": "page", "time": 0, "messaging": [event]}]}).encode()
    headers = {"Content-Type": "application/json"}
    if signed:
        digest = hmac.new(env["FACEBOOK_APP_SECRET"].encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = f"sha256={digest}"
    return body, headers


def slack_event(env: Dict[str, str], sender: str, text: str, signed: bool = True) -> Tuple[bytes, Dict[str, str]]:
    event = {"type": "message", "channel": "D" + sender, "user": sender, "text": text, "ts": "1.1",
             "channel_type": "im"}
    body = json.dumps({"type": "event_callback", "event": event, "authorizations": [{"user_id": "UBOT"}]}).encode()
    headers = {"Content-Type": "application/json"}
    if signed:
        timestamp = str(int(time.time()))
        digest = hmac.new(env["SLACK_SIGNING_SECRET"].encode(), f"v0:{timestamp}:".encode() + body,
                          hashlib.sha256).hexdigest()
        headers.update({"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"})
    return body, headers


WEBHOOKS: Dict[str, Callable[..., Tuple[bytes, Dict[str, str]]]] = {
    "telegram": telegram_update, "twilio": twilio_message, "facebook": messenger_event, "slack": slack_event}
SENDERS = {"telegram": "4242", "twilio": "whatsapp:+447700900123", "facebook": "psid-4242", "slack": "U4242"}


def conversation_id(platform: str, sender: str) -> str:
    if platform != "twilio":
        return sender
    return Pseudonyms(sender_id_key(SECRETS), twilio.SENDER_PREFIX).sender_id(sender)


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
        mark = self.fakes.mark()
        bot_turns = len(self.bot_events())
        body, headers = WEBHOOKS[self.platform](self.env, self.sender, text, **extra)
        status = post(f"{self.assistant.url}/webhooks/{self.platform}/webhook", body, headers)
        assert status in (200, 204), status
        # Slack answers the webhook first and replies in the background: wait for the replies
        # that the tracker says were made, so every platform is read the same way
        self.fakes.wait_for(lambda: len(self.bot_events()) > bot_turns and self._all_sent(mark, bot_turns))
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
