"""`make soak`, cross-channel and replay attacks (issue 18): nobody reaches another person's
conversation, and each platform message is handled once.

One supervised assistant with every channel on (the messaging platforms talk to local fakes of
their APIs, harness/fake_platforms.py, and are signed as the platforms sign). A victim holds a
conversation on each channel: Telegram, WhatsApp and SMS (Twilio), Messenger, Slack, the widget
(socket.io) and the reception page's staff channel. Then:

- cross-channel attempts: every victim's conversation id, and the platform id it was built from,
  tried through every other way in: the REST channel (as a trusted caller, "delete my data",
  "yes", and a question), each other platform's signed webhook, a widget socket naming the
  victim's id, and the staff channel without its secret. An attempt succeeds when the victim's
  stored conversation changed, or when a reply to the attacker repeats anything the victim said;
- replays: each platform's signed call for a new message sent three times, as a platform retry
  or an attacker's replay would: handled twice is a failure, never handled is a message lost;
  and a Messenger call carrying two events, both of which must be handled.
"""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import socketio
from harness.fake_platforms import FakePlatforms
from harness.servers import http
from harness.platforms import (SECRETS, WEBHOOKS, conversation_id, messenger_body, messenger_text,
                               stored_events)

from channels import credentials

from .servers import SupervisedAssistant

STAFF_SECRET = "soak-staff-channel-secret-0123456789"
ORIGIN = "http://localhost:8080"
VICTIM_SAYS = ["hi", "yes", "my sit bone hurts when I sit at work", "it came on gradually"]
ATTACKS = ["delete my data", "yes", "what did I tell you about my pain?"]
ID_BASE = 7310  # platform ids of the victims; attackers reuse them
WAIT = 120.0


@dataclass
class Victim:
    channel: str
    conversation: str  # the full conversation id, as stored
    raw: str  # the id the channel built it from (a chat id, a phone number, a session id)
    events: int = 0
    texts: List[str] = field(default_factory=list)


@dataclass
class Result:
    cross_channel_tried: int = 0
    cross_channel_succeeded: int = 0
    replays_tried: int = 0
    replays_handled_twice: int = 0
    lost: int = 0
    server_errors: int = 0
    notes: List[str] = field(default_factory=list)


def _post(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as reply:
            return reply.status, reply.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def _user_texts(assistant: SupervisedAssistant, conversation: str) -> List[str]:
    return [event["text"] for event in stored_events(assistant, conversation) if event["event"] == "user"]


async def _wait_until(check, seconds: float = WAIT) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if check():
            return True
        await asyncio.sleep(0.3)
    return check()


class Widget:
    """A page's socket: the session the server confirmed, and the texts it was sent."""

    def __init__(self, url: str) -> None:
        self.url, self.client = url, socketio.AsyncClient(reconnection=False)
        self.session_id: Optional[str] = None
        self.said: List[str] = []

    async def open(self) -> "Widget":
        self.client.on("session_confirm", lambda session_id: setattr(self, "session_id", session_id))
        self.client.on("bot_uttered", lambda message: self.said.append(str(message.get("text", ""))))
        await self.client.connect(self.url, headers={"Origin": ORIGIN}, transports=["polling"])
        await self.client.emit("session_request", {"session_id": None})
        await _wait_until(lambda: self.session_id is not None)
        return self

    async def say(self, text: str, session_id: Optional[str] = None, wait: float = 30) -> None:
        before = len(self.said)
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id or self.session_id})
        await _wait_until(lambda: len(self.said) > before, wait)

    async def close(self) -> None:
        await self.client.disconnect()


def as_platform_id(platform: str, target: str) -> str:
    """`target` as the platform would send an id: Telegram's chat ids are numbers."""
    if platform == "telegram" and not target.lstrip("-").isdigit():
        return str(zlib.crc32(target.encode()))
    return target


def _platform_env(assistant: SupervisedAssistant, fakes: FakePlatforms) -> Dict[str, str]:
    return {**SECRETS, "STAFF_CHANNEL_SECRET": STAFF_SECRET,
            **{f"{name}_API_URL": fakes.url for name in ("TELEGRAM", "TWILIO", "FACEBOOK", "SLACK")},
            "TELEGRAM_WEBHOOK_URL": f"{assistant.url}/webhooks/telegram/webhook",
            "TWILIO_WEBHOOK_URL": f"{assistant.url}/webhooks/twilio/webhook",
            "CHAT_ALLOWED_ORIGINS": ORIGIN}


class Attack:
    def __init__(self, assistant: SupervisedAssistant, env: Dict[str, str], result: Result) -> None:
        self.assistant, self.env, self.result = assistant, env, result
        self.numbers = iter(range(900_000, 10_000_000))

    def platform_say(self, platform: str, sender: str, text: str, number: Optional[int] = None) -> Tuple[bytes, dict]:
        body, headers = WEBHOOKS[platform](self.env, sender, text, number=next(self.numbers) if number is None else number)
        return body, headers

    def send_platform(self, platform: str, body: bytes, headers: Dict[str, str]) -> int:
        status, _ = _post(f"{self.assistant.url}/webhooks/{platform}/webhook", body, headers)
        if status >= 500:
            self.result.server_errors += 1
        return status

    def staff_say(self, conversation: str, text: str, secret: str) -> Tuple[int, str]:
        body = json.dumps({"conversation": conversation, "message": text, "staff_user": "soak"}).encode()
        return _post(f"{self.assistant.url}/webhooks/staff/webhook", body,
                     {"Content-Type": "application/json", "Authorization": f"Bearer {secret}"})

    def rest_say(self, sender: str, text: str) -> str:
        status, replies = self.assistant.post_rest({"sender": sender, "message": text})
        if status >= 500:
            self.result.server_errors += 1
        return json.dumps(replies)

    # -- the victims ---------------------------------------------------------------------------

    async def victims(self) -> Tuple[List[Victim], Widget]:
        found: List[Victim] = []
        senders = {"telegram": str(ID_BASE), "twilio": f"+4477009{ID_BASE:05d}", "facebook": f"psid-{ID_BASE}",
                   "slack": f"U{ID_BASE}"}
        for platform, sender in senders.items():
            conversation = conversation_id(platform, sender)
            for text in VICTIM_SAYS:
                self.send_platform(platform, *self.platform_say(platform, sender, text))
                await _wait_until(lambda: text in _user_texts(self.assistant, conversation))
            found.append(Victim(platform, conversation, sender))
        whatsapp = f"whatsapp:+4477009{ID_BASE + 1:05d}"
        self.send_platform("twilio", *self.platform_say("twilio", whatsapp, VICTIM_SAYS[0]))
        found.append(Victim("whatsapp", conversation_id("twilio", whatsapp), whatsapp))
        widget = await Widget(self.assistant.url).open()
        for text in VICTIM_SAYS:
            await widget.say(text)
        found.append(Victim("widget", "web:" + str(widget.session_id).split(".")[0], str(widget.session_id)))
        staff = str(uuid.uuid4())
        for text in ("hi", "yes"):
            self.staff_say(staff, text, STAFF_SECRET)
        found.append(Victim("staff", f"staff:{staff}", staff))
        for victim in found:
            victim.texts = _user_texts(self.assistant, victim.conversation)
            victim.events = len(stored_events(self.assistant, victim.conversation))
            if not victim.texts:
                self.result.notes.append(f"the {victim.channel} victim's conversation was not stored")
        return found, widget

    def untouched(self, victim: Victim, replies: str, how: str) -> None:
        """One attempt: it failed when the victim's conversation is as it was, and no reply repeats them."""
        self.result.cross_channel_tried += 1
        changed = len(stored_events(self.assistant, victim.conversation)) != victim.events
        leaked = any(text in replies for text in victim.texts if len(text) > 8)
        if changed or leaked:
            self.result.cross_channel_succeeded += 1
            self.result.notes.append(f"{how} reached the {victim.channel} conversation "
                                     f"({'changed it' if changed else 'its words came back'})")

    async def cross_channel(self, victims: List[Victim]) -> None:
        attacker_page = await Widget(self.assistant.url).open()
        for victim in victims:
            for target in {victim.conversation, victim.raw}:
                for text in ATTACKS:
                    self.untouched(victim, self.rest_say(target, text), f"REST as {target!r}")
                for platform in ("telegram", "twilio", "facebook", "slack"):
                    if platform == victim.channel or (platform == "twilio" and victim.channel == "whatsapp"):
                        continue
                    raw = as_platform_id(platform, target)
                    for text in ATTACKS[:2]:
                        self.send_platform(platform, *self.platform_say(platform, raw, text))
                        await asyncio.sleep(0.5)
                        self.untouched(victim, "", f"{platform} as {raw!r}")
                before = len(attacker_page.said)
                await attacker_page.say(ATTACKS[2], session_id=target, wait=5)  # refused: no answer comes
                self.untouched(victim, "\n".join(attacker_page.said[before:]), f"a widget socket naming {target!r}")
                status, answer = self.staff_say(target, ATTACKS[0], "not-the-secret")
                self.untouched(victim, answer if status == 200 else "", "the staff channel without its secret")
        await attacker_page.close()

    async def replays(self) -> None:
        for platform in ("telegram", "twilio", "facebook", "slack"):
            sender = {"telegram": str(ID_BASE + 50), "twilio": f"+4477009{ID_BASE + 50:05d}",
                      "facebook": f"psid-{ID_BASE + 50}", "slack": f"U{ID_BASE + 50}"}[platform]
            conversation = conversation_id(platform, sender)
            for copy in range(4):
                text = f"replayed message {copy}"
                body, headers = self.platform_say(platform, sender, text)
                for _ in range(3):  # the platform's retry, or an attacker's replay of a recorded call
                    self.send_platform(platform, body, headers)
                self.result.replays_tried += 2
                await _wait_until(lambda: text in _user_texts(self.assistant, conversation), 60)
                await asyncio.sleep(1.0)  # a second handling would be stored by now
                handled = _user_texts(self.assistant, conversation).count(text)
                if handled == 0:
                    self.result.lost += 1
                    self.result.notes.append(f"{platform}: a signed message was never handled")
                elif handled > 1:
                    self.result.replays_handled_twice += 1
                    self.result.notes.append(f"{platform}: one message handled {handled} times")
        # a Messenger call with two events: both handled, once each
        sender = f"psid-{ID_BASE + 60}"
        numbers = (next(self.numbers), next(self.numbers))
        events = [messenger_text(sender, f"batched {number}", number) for number in numbers]
        payload = json.dumps({"object": "page", "entry": [{"id": "page", "time": 0, "messaging": events}]}).encode()
        for _ in range(2):
            self.send_platform("facebook", *messenger_body(self.env, payload))
        self.result.replays_tried += 1
        conversation = conversation_id("facebook", sender)
        await _wait_until(lambda: len(_user_texts(self.assistant, conversation)) >= 2, 90)
        await asyncio.sleep(1.0)
        texts = _user_texts(self.assistant, conversation)
        for number in numbers:
            count = texts.count(f"batched {number}")
            if count == 0:
                self.result.lost += 1
                self.result.notes.append("facebook: an event of a two-event call was lost")
            elif count > 1:
                self.result.replays_handled_twice += 1
                self.result.notes.append("facebook: an event of a two-event call was handled twice")


def identity_phase(workdir: Path) -> Result:
    """Start an assistant with every channel on, attack it, stop it."""
    result = Result()
    fakes = FakePlatforms()
    assistant = SupervisedAssistant(workdir / "every-channel")
    env = _platform_env(assistant, fakes)
    assistant.env = env
    # in the assistant's own folder: the credentials writer makes its folder its owner's only, and
    # the soak's work folder must stay readable by the PostgreSQL server of the next phase
    assistant.credentials = workdir / "every-channel" / "credentials.yml"
    notes = credentials.write(assistant.credentials, env)
    if not all(note.endswith(": on") for note in notes):
        result.notes.append(f"not every platform was on: {notes}")
    try:
        assistant.start()
        attack = Attack(assistant, env, result)

        async def run() -> None:
            victims, widget = await attack.victims()
            await attack.cross_channel(victims)
            await attack.replays()
            await widget.close()

        asyncio.run(run())
        status, _ = http("GET", f"{assistant.url}/")
        if status != 200:
            result.server_errors += 1
    finally:
        assistant.stop()
        fakes.stop()
    return result
