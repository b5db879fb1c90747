"""Slack, with every call checked by Slack's own `SignatureVerifier` (unsigned, or signed more
than five minutes ago: 403), each event handled once, and the pre-screen only ever in a
direct message.

Rasa's connector answered in whatever channel the message came from: a person who mentioned
the bot in a public channel was asked about their health, and answered, in front of the whole
channel. Here the conversation is always a direct message between the bot and the person:
- a direct message to the bot (`message` in an `im`) is handled there;
- a mention of the bot in a channel (`app_mention`) is handled as a message of that person's
  conversation, answered in their direct message (`conversations.open`), and in the channel
  the bot only says so (`utter_slack_answered_in_private`, in a thread under the mention);
- other messages in channels are not the bot's business and are ignored.
The sender id is `slack:<team>:<user>` (`slack:<user>` when Slack sends no team); replies
open (or find) the direct message with the user after the prefix.

Each event is handled once, by its `event_id` (a button press: its `trigger_id`), shared by
every replica (`once.py`): Slack sends an event again when the answer takes over 3 seconds,
and a signed call can be replayed within its five minutes. The webhook answers at once and
the message is handled in the background.

Slack shows at most 5 buttons in a message: more become a numbered list. A section of a
message holds at most 3,000 characters, so texts are split within that.

Credentials (channels/settings.py): slack_token, slack_signing_secret, api_url (optional,
Slack's Web API address, for a local fake).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Dict, Optional, Sequence, Set

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from actions.senders import prefix_of

from .platform import Button, LimitedOutput, MessageHandler, SignedWebhooks, address, prefixed

logger = logging.getLogger(__name__)

SENDER_PREFIX = prefix_of("slack")
ANSWERED_IN_PRIVATE = "utter_slack_answered_in_private"
MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")
BARE_MENTION = "/start"  # a mention with no words: as opening the bot (rasa_server/guards.py)


def sender_id(team: Optional[str], user: str) -> str:
    return prefixed(SENDER_PREFIX, f"{team}:{user}" if team else user)


def user_of(recipient_id: str) -> str:
    """The Slack user a sender id of this channel stands for."""
    return address(SENDER_PREFIX, recipient_id).rsplit(":", 1)[-1]


def client(token: str, api_url: Optional[str]) -> AsyncWebClient:
    return AsyncWebClient(token, base_url=api_url.rstrip("/") + "/") if api_url else AsyncWebClient(token)


class SlackOutput(LimitedOutput):
    """Replies in the direct message between the bot and the person, whatever the sender id's channel."""

    text_limit = 3000
    max_buttons = 5

    @classmethod
    def name(cls) -> str:
        return "slack"

    def __init__(self, web: AsyncWebClient) -> None:
        super().__init__()
        self.web = web
        self._direct: Dict[str, str] = {}

    async def direct_channel(self, recipient_id: str) -> str:
        user = user_of(recipient_id)
        if user not in self._direct:
            opened = await self.web.conversations_open(users=user)
            self._direct[user] = opened["channel"]["id"]
        return self._direct[user]

    async def post(self, recipient_id: str, **message: Any) -> None:
        try:
            await self.web.chat_postMessage(channel=await self.direct_channel(recipient_id), **message)
        except SlackApiError as error:
            logger.error("Slack did not take a message: %s", error.response.get("error"))
            raise

    async def send_part(self, recipient_id: str, text: str) -> None:
        # a plain-text block: Slack would read `text` alone as mrkdwn, so "<!channel>" or "*x*" typed by
        # clinic staff (web/reception/takeover.py) would notify or format; `text` stays as the fallback
        await self.post(recipient_id, text=text, blocks=[{"type": "section", "text": {"type": "plain_text", "text": text}}])

    async def send_part_with_buttons(self, recipient_id: str, text: str, buttons: Sequence[Button]) -> None:
        blocks = [
            {"type": "section", "text": {"type": "plain_text", "text": text}},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": button["title"]}, "value": button["payload"]}
                for button in buttons]},
        ]
        await self.post(recipient_id, text=text, blocks=blocks)


def said(envelope: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """{user, team, text, id, mention: (channel, ts) or None} for an event the bot answers, else None."""
    event = envelope.get("event") or {}
    if not isinstance(event, dict) or event.get("bot_id") or event.get("subtype") or not event.get("user"):
        return None
    if not isinstance(event.get("text"), str) or not envelope.get("event_id"):
        return None
    team = envelope.get("team_id") or event.get("team")
    found = {"user": event["user"], "team": team, "id": f"event:{envelope['event_id']}"}
    if event.get("type") == "message" and event.get("channel_type") == "im":
        return {**found, "text": event["text"].strip(), "mention": None}
    if event.get("type") == "app_mention":
        text = MENTION.sub(" ", event["text"]).strip() or BARE_MENTION
        return {**found, "text": text, "mention": (event.get("channel"), event.get("ts"))}
    return None


def pressed(payload: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The same for a button press (an interactivity payload), else None."""
    actions = payload.get("actions") or []
    user = payload.get("user") or {}
    if payload.get("type") != "block_actions" or not actions or actions[0].get("type") != "button":
        return None
    if not user.get("id") or not isinstance(actions[0].get("value"), str):
        return None
    key = payload.get("trigger_id") or f"{user['id']}:{actions[0].get('action_ts')}"
    team = (payload.get("team") or {}).get("id") or user.get("team_id")
    return {"user": user["id"], "team": team, "text": actions[0]["value"], "id": f"action:{key}", "mention": None}


class SlackInput(SignedWebhooks, InputChannel):
    """Slack's Events API and interactivity webhook at /webhooks/slack/webhook."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials["slack_token"], credentials["slack_signing_secret"], credentials.get("api_url"))

    def __init__(self, slack_token: str, slack_signing_secret: str, api_url: Optional[str] = None) -> None:
        self.verifier = SignatureVerifier(slack_signing_secret)
        self.web = client(slack_token, api_url)
        self._background: Set[asyncio.Task] = set()

    def is_signed(self, request: Request) -> bool:
        try:
            return self.verifier.is_valid_request(request.body, dict(request.headers))
        except (ValueError, TypeError):  # a timestamp that is not a number
            return False

    def get_output_channel(self) -> SlackOutput:
        return SlackOutput(self.web)

    async def say_answered_in_private(self, channel: str, thread: Optional[str]) -> None:
        """In the channel where the bot was mentioned: that the answer is in a direct message."""
        text = await self.response_text(ANSWERED_IN_PRIVATE, self.name())
        if text:
            try:
                await self.web.chat_postMessage(channel=channel, text=text, thread_ts=thread)
            except SlackClientError as error:
                logger.warning("Could not say in a Slack channel that the answer went to a direct message: %s", error)

    async def handle(self, message: Dict[str, Any], handle: MessageHandler, metadata: Dict[str, Any]) -> None:
        try:
            if message["mention"]:
                await self.say_answered_in_private(*message["mention"])
            if message["text"]:
                await handle(UserMessage(message["text"], self.get_output_channel(),
                                         sender_id(message["team"], message["user"]),
                                         input_channel=self.name(), metadata=metadata))
        except Exception:  # noqa: BLE001 (in the background: nobody else would see it)
            logger.exception("Could not handle a Slack message")

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        slack_webhook = self.guard(Blueprint("slack_webhook", __name__))
        handle = self.understanding_options(on_new_message)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if "application/x-www-form-urlencoded" in (request.headers.get("content-type") or ""):
                try:
                    message = pressed(json.loads(request.form.get("payload") or "{}"))
                except ValueError:
                    message = None
                scope = (message or {}).get("team") or "-"
            else:
                envelope = request.json if isinstance(request.json, dict) else {}
                if envelope.get("type") == "url_verification":
                    return response.json({"challenge": envelope.get("challenge")})
                message = said(envelope)
                scope = envelope.get("team_id") or envelope.get("api_app_id") or "-"
            if message is None or not await self.first_time("slack", scope, message["id"]):
                return response.text("")
            task = asyncio.create_task(self.handle(message, handle, {}))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return response.text("")

        return slack_webhook
