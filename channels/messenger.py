"""Facebook Messenger, with Meta's webhook signature checked before anything else.

Rasa's connector checks `X-Hub-Signature` but answers an unsigned call with 200 "not
validated", and takes the hash function from the header. Here a call needs Meta's
`X-Hub-Signature-256` (HMAC-SHA256 of the body with the app secret), or the older SHA-1
`X-Hub-Signature`, else 403.

Rasa's connector also handled only the first event of a call (Meta batches several `entry`,
each with several `messaging` events), sent synchronously from the server's event loop and
never looked at the answer. Here:
- every event of a call is handled, in order, each once (`once.py`): a message by its `mid`,
  a button press (postback) by its sender and timestamp, so Meta's retries and replays of a
  signed call do nothing twice; the call is answered 200 either way;
- the conversation's sender id is `fb:<page-scoped id>`; replies go to the id after the prefix;
- the Send API is called with aiohttp; an answer that is not 200 is logged with Meta's error
  (code and message, never the text sent), and sent once more when Meta says the error is
  transient (`is_transient`, a 5xx, or no answer at all).

Messenger shows at most 3 buttons, each title at most 20 characters, with at most 640
characters of text. A button whose title is longer shows its `short_title` (domain/);
when a button has no title that fits, or there are more than 3, the options become a
numbered list. Texts are split within 2,000 characters.

Credentials (channels/settings.py): verify, secret, page-access-token, api_url (optional,
the Graph API's address, for a local fake).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from typing import Any, Dict, List, Optional, Sequence

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.senders import prefix_of

from .options import as_list
from .platform import Button, LimitedOutput, MessageHandler, SignedWebhooks, address, prefixed

logger = logging.getLogger(__name__)

GRAPH_API = "https://graph.facebook.com/v19.0"
SENDER_PREFIX = prefix_of("facebook")
TITLE_LIMIT = 20  # characters of a button's title
SEND_ATTEMPTS = 2  # a transient failure is sent once more


class SendFailed(Exception):
    """Meta did not take a message."""


class SendApi:
    """Meta's Send API (`POST /me/messages`) over one aiohttp session per event loop."""

    def __init__(self, page_access_token: str, api_url: Optional[str] = None) -> None:
        self.url = f"{(api_url or GRAPH_API).rstrip('/')}/me/messages"
        self.token = page_access_token
        self._session: Optional[aiohttp.ClientSession] = None

    async def _post(self, body: Dict[str, Any]) -> tuple:
        """(status, Meta's error or None, whether trying again may help)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        try:
            async with self._session.post(self.url, params={"access_token": self.token}, json=body) as reply:
                answer = await reply.json(content_type=None)
                status = reply.status
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            return None, type(error).__name__, True
        error = (answer or {}).get("error") if isinstance(answer, dict) else None
        if status == 200 and not error:
            return status, None, False
        error = error or {}
        described = f"{error.get('type', '')} code {error.get('code')}: {error.get('message', '')}".strip()
        return status, described, status >= 500 or bool(error.get("is_transient"))

    async def send(self, recipient: str, body: Dict[str, Any], what: str) -> None:
        """Send `body` to `recipient`; SendFailed (after one more try, when transient) if Meta refuses."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            status, error, transient = await self._post({"recipient": {"id": recipient}, **body})
            if error is None:
                return
            logger.warning("Messenger did not take a %s (HTTP %s, %s)%s", what, status, error,
                           "; sending it once more" if transient and attempt < SEND_ATTEMPTS else "")
            if not transient:
                break
        raise SendFailed(f"Messenger did not take a {what}: HTTP {status}, {error}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def button_title(button: Button) -> Optional[str]:
    """The title Messenger can show: the title, else its `short_title`; None when neither fits."""
    for title in (button.get("title"), button.get("short_title")):
        if isinstance(title, str) and 0 < len(title) <= TITLE_LIMIT:
            return title
    return None


def postback_buttons(buttons: Sequence[Button], max_buttons: int) -> Optional[List[Dict[str, str]]]:
    """Messenger's postback buttons for `buttons`, or None when they must be a numbered list."""
    titles = [button_title(button) for button in buttons]
    if not buttons or len(buttons) > max_buttons or None in titles:
        return None
    return [{"type": "postback", "title": title, "payload": str(button["payload"])}
            for title, button in zip(titles, buttons)]


class MessengerOutput(LimitedOutput):
    text_limit = 2000
    max_buttons = 3
    buttons_text_limit = 640

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self, api: SendApi) -> None:
        super().__init__()
        self.api = api

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self.api.send(address(SENDER_PREFIX, recipient_id),
                            {"messaging_type": "RESPONSE", "message": {"text": text}}, "message")

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: List[Button], **kwargs: Any) -> None:
        if buttons and postback_buttons(buttons, self.max_buttons) is None:  # too many, or a title too long
            await self.send_text_message(recipient_id, as_list(text, buttons))
            return
        await super().send_text_with_buttons(recipient_id, text, buttons, **kwargs)

    async def send_part_with_buttons(self, recipient_id: str, text: str, buttons: Sequence[Button]) -> None:
        template = {"template_type": "button", "text": text,
                    "buttons": postback_buttons(buttons, self.max_buttons)}
        await self.api.send(address(SENDER_PREFIX, recipient_id),
                            {"messaging_type": "RESPONSE",
                             "message": {"attachment": {"type": "template", "payload": template}}}, "question")

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        """Typing indicators and the like: nice to have, so a failure is only logged."""
        try:
            await self.api.send(address(SENDER_PREFIX, recipient_id), {"sender_action": sender_action},
                                sender_action)
        except SendFailed:
            pass


def signature_matches(secret: str, body: bytes, headers: Any) -> bool:
    """Meta's signature of the body: the SHA-256 one when sent, else the older SHA-1 one."""
    for header, prefix, algorithm in (("X-Hub-Signature-256", "sha256", hashlib.sha256),
                                      ("X-Hub-Signature", "sha1", hashlib.sha1)):
        sent = headers.get(header)
        if sent:
            expected = f"{prefix}={hmac.new(secret.encode(), body, algorithm).hexdigest()}"
            return hmac.compare_digest(sent.encode(), expected.encode())
    return False


def said(event: Dict[str, Any]) -> Optional[str]:
    """What the person said in one messaging event: a quick reply's or a button's payload, a
    text; None for anything else (echoes of the page's own messages, reads, attachments)."""
    message = event.get("message") or {}
    if message.get("is_echo"):
        return None
    if (message.get("quick_reply") or {}).get("payload"):
        return str(message["quick_reply"]["payload"])
    if isinstance(message.get("text"), str):
        return message["text"]
    postback = event.get("postback") or {}
    if postback.get("payload"):
        return str(postback["payload"])
    return None


def event_id(event: Dict[str, Any]) -> Optional[str]:
    """The event's own id: a message's `mid`; a postback's sender and timestamp (a postback's
    `mid` is not always sent)."""
    message = event.get("message") or {}
    if message.get("mid"):
        return f"mid:{message['mid']}"
    postback = event.get("postback") or {}
    if postback.get("mid"):
        return f"mid:{postback['mid']}"
    sender, timestamp = (event.get("sender") or {}).get("id"), event.get("timestamp")
    return f"postback:{sender}:{timestamp}" if postback and sender and timestamp is not None else None


class MessengerInput(SignedWebhooks, InputChannel):
    """Messenger's webhook at /webhooks/facebook/webhook."""

    @classmethod
    def name(cls) -> str:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials["verify"], credentials["secret"], credentials["page-access-token"],
                   credentials.get("api_url"))

    def __init__(self, verify: str, secret: str, page_access_token: str, api_url: Optional[str] = None) -> None:
        self.verify = verify
        self.secret = secret
        self.api = SendApi(page_access_token, api_url)

    def is_signed(self, request: Request) -> bool:
        return signature_matches(self.secret, request.body, request.headers)

    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(self.api)

    async def handle_event(self, page: str, event: Dict[str, Any], handle: MessageHandler,
                           metadata: Optional[Dict[str, Any]]) -> None:
        """One messaging event: said once, by a person, in words or with a button."""
        text, sender, key = said(event), (event.get("sender") or {}).get("id"), event_id(event)
        if text is None or not sender or key is None or not await self.first_time("facebook", page, key):
            return
        output = self.get_output_channel()
        sender_id = prefixed(SENDER_PREFIX, str(sender))
        await output.send_action(sender_id, "mark_seen")
        await output.send_action(sender_id, "typing_on")
        try:
            await handle(UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata))
        except Exception:  # noqa: BLE001 (Meta sends the whole call again after an error answer)
            logger.exception("Could not handle a Messenger message")
        finally:
            await output.send_action(sender_id, "typing_off")

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        fb_webhook = self.guard(Blueprint("fb_webhook", __name__))
        handle = self.understanding_options(on_new_message)

        @fb_webhook.listener("before_server_stop")
        async def close(_server: Any, _loop: Any) -> None:
            await self.api.close()

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if hmac.compare_digest(request.args.get("hub.verify_token", "").encode(), self.verify.encode()):
                return response.text(request.args.get("hub.challenge", ""))
            return response.text("The verify token does not match.", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            payload = request.json if isinstance(request.json, dict) else {}
            metadata = self.get_metadata(request)
            for entry in payload.get("entry") or []:
                for event in (entry.get("messaging") or []) if isinstance(entry, dict) else []:
                    if isinstance(event, dict):
                        await self.handle_event(str(entry.get("id") or "page"), event, handle, metadata)
            return response.text("success")

        return fb_webhook
