"""Facebook Messenger, with Meta's webhook signature checked before anything else.

Rasa's connector checks `X-Hub-Signature` but answers an unsigned call with 200 "not
validated", and takes the hash function from the header. Here a call needs Meta's
`X-Hub-Signature-256` (HMAC-SHA256 of the body with the app secret), or the older SHA-1
`X-Hub-Signature`, else 403. Messenger shows at most 3 buttons (with at most 640
characters of text): more become a numbered list; texts are split within 2,000 characters.

Credentials (channels/settings.py): verify, secret, page-access-token, api_url (optional,
the Graph API's address, for a local fake).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any, Dict, Optional, Sequence

from fbmessenger.elements import Text as FBText
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from .platform import Button, LimitedOutput, MessageHandler, SignedWebhooks

logger = logging.getLogger(__name__)


class MessengerOutput(LimitedOutput, MessengerBot):
    text_limit = 2000
    max_buttons = 3
    buttons_text_limit = 640

    async def send_part(self, recipient_id: str, text: str) -> None:
        self.send(recipient_id, FBText(text=text))

    async def send_part_with_buttons(self, recipient_id: str, text: str, buttons: Sequence[Button]) -> None:
        postbacks = [{"type": "postback", "title": button["title"], "payload": button["payload"]} for button in buttons]
        template = {"template_type": "button", "text": text, "buttons": postbacks}
        self.messenger_client.send({"attachment": {"type": "template", "payload": template}}, recipient_id, "RESPONSE")


class PageMessenger(Messenger):
    """Rasa's parsing of Messenger events, answering through `MessengerOutput`."""

    def __init__(self, page_access_token: str, on_new_message: MessageHandler, api_url: Optional[str]) -> None:
        super().__init__(page_access_token, on_new_message)
        if api_url:
            self.client.graph_url = api_url.rstrip("/")

    async def _handle_user_message(self, text: str, sender_id: str, metadata: Optional[Dict[str, Any]]) -> None:
        output = MessengerOutput(self.client)
        await output.send_action(sender_id, sender_action="mark_seen")
        await output.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(UserMessage(text, output, sender_id, input_channel=self.name(),
                                                  metadata=metadata))
        except Exception:  # noqa: BLE001 (as Rasa's: Messenger sends an event again after an error answer)
            logger.exception("Could not handle a Messenger message")
        finally:
            await output.send_action(sender_id, sender_action="typing_off")


def signature_matches(secret: str, body: bytes, headers: Any) -> bool:
    """Meta's signature of the body: the SHA-256 one when sent, else the older SHA-1 one."""
    for header, prefix, algorithm in (("X-Hub-Signature-256", "sha256", hashlib.sha256),
                                      ("X-Hub-Signature", "sha1", hashlib.sha1)):
        sent = headers.get(header)
        if sent:
            expected = f"{prefix}={hmac.new(secret.encode(), body, algorithm).hexdigest()}"
            return hmac.compare_digest(sent.encode(), expected.encode())
    return False


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
        self.page_access_token = page_access_token
        self.api_url = api_url

    def is_signed(self, request: Request) -> bool:
        return signature_matches(self.secret, request.body, request.headers)

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        fb_webhook = self.guard(Blueprint("fb_webhook", __name__))
        handle = self.understanding_options(on_new_message)

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
            messenger = PageMessenger(self.page_access_token, handle, self.api_url)
            await messenger.handle(request.json or {"entry": []}, self.get_metadata(request))
            return response.text("success")

        return fb_webhook
