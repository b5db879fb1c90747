"""WhatsApp and SMS through Twilio, with the webhook authenticated by Twilio's signature.

Rasa's connector checks no `X-Twilio-Signature`: anyone who knows the URL can talk as any
phone number. Here every call must carry Twilio's signature of the webhook URL and the form
fields (`twilio.request_validator.RequestValidator`), or gets 403. The signature is over the
public URL Twilio called, so that URL is configured (TWILIO_WEBHOOK_URL) rather than
guessed behind a proxy. The fields are read from the raw body with blank values kept: Twilio
sends and signs empty fields (an SMS's `ToCity=`, `FromZip=`; WhatsApp's `ProfileName=`),
which Sanic's `request.form` drops, so a signature checked over `request.form` fails for
real traffic. Each message is handled once, by its `MessageSid` (`once.py`): Twilio's
signature carries no time, so a recorded call can be replayed; a replay is answered as the
first call was and does nothing.

Replies come from the number the person wrote to (the incoming `To`: "whatsapp:+1..." for
WhatsApp), so one connector serves both. Twilio has no buttons: options
are a numbered list; texts are split within 1,600 characters, Twilio's maximum, or within
`max_length` (TWILIO_MAX_LENGTH) when set lower: Twilio advises at most 320 characters for
SMS that arrive reliably as one message on every phone.

The person's number is not the sender id: `channels/pseudonyms.py` encrypts it into one
that carries no personal data, and replies decrypt it again.

Follow-up check-ins are sent unprompted (the worker's `trigger_intent` uses
`get_output_channel`): no incoming `To` then, so they come from the configured WhatsApp
sender (`whatsapp_from`) or SMS number (`sms_from`), chosen by the person's own address; on
neither configured, the check-in is not sent (an error, which the worker retries and then
records as could not be delivered). WhatsApp allows free text only within 24 hours of the
person's last message: a check-in's opening (the message marked `check_in_opening`) goes as
the approved template `check_in_content_sid` when set, its variable 1 the check-in's label.

Credentials (channels/settings.py): account_sid, auth_token, webhook_url, max_length
(optional), api_url (optional, for a local fake of Twilio's REST API), whatsapp_from,
sms_from, check_in_content_sid (optional: for check-ins).
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qsl

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from actions.senders import prefix_of

from .platform import LimitedOutput, MessageHandler, SignedWebhooks
from .pseudonyms import Pseudonyms, sender_id_key

logger = logging.getLogger(__name__)


TWILIO_LIMIT = 1600  # characters in one message body
SENDER_PREFIX = prefix_of("twilio")


def pseudonyms() -> Pseudonyms:
    return Pseudonyms(sender_id_key(), SENDER_PREFIX)


class SignedFields(dict):
    """Form fields as Twilio's validator reads them: `getlist` gives every value of a name."""

    def getlist(self, name: str) -> List[str]:
        return self[name]


def signed_fields(body: bytes) -> SignedFields:
    """The form fields Twilio signed, from the raw body, blank values kept."""
    fields = SignedFields()
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    return fields


class TwilioOutput(LimitedOutput):
    max_buttons = 0

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self, client: Client, from_number: Optional[str], max_length: int = TWILIO_LIMIT,
                 names: Optional[Pseudonyms] = None, senders: Optional[Dict[bool, Optional[str]]] = None,
                 check_in_content_sid: Optional[str] = None) -> None:
        super().__init__()
        self.client = client
        self.from_number = from_number  # the number the person wrote to; None: unprompted (`senders`)
        self.senders = senders or {}  # WhatsApp? -> the sender unprompted messages come from
        self.check_in_content_sid = check_in_content_sid
        self.text_limit = min(max_length, TWILIO_LIMIT)
        self.names = names or pseudonyms()

    def _from(self, number: str) -> str:
        sender = self.from_number or self.senders.get(number.startswith("whatsapp:"))
        if not sender:
            raise RuntimeError("no Twilio number to send from unprompted (TWILIO_WHATSAPP_FROM or TWILIO_SMS_FROM)")
        return sender

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self._create(recipient_id, body=text)

    async def _create(self, recipient_id: str, **content: str) -> None:
        number = self.names.address(recipient_id)  # the sender id is the number, encrypted
        # the Twilio client is synchronous: keep it off the server's event loop
        try:
            await asyncio.to_thread(self.client.messages.create, to=number, from_=self._from(number), **content)
        except TwilioRestException as error:
            logger.error("Twilio did not accept a message to %s: %s", recipient_id, error.msg)
            if self.from_number is None:
                # unprompted (a check-in started by the follow-up worker through Rasa's API): the
                # failure must reach the worker, which retries and records it, as on the other platforms
                raise

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        opening = kwargs.get("check_in_opening")
        if (opening and self.check_in_content_sid and self.from_number is None
                and self.names.address(recipient_id).startswith("whatsapp:")):
            # outside WhatsApp's 24-hour window only an approved template may open the conversation
            await self._create(recipient_id, content_sid=self.check_in_content_sid,
                               content_variables=json.dumps({"1": str(opening.get("label", ""))}))
            return
        await super().send_text_message(recipient_id, text, **kwargs)


class TwilioInput(SignedWebhooks, InputChannel):
    """Twilio's messaging webhook at /webhooks/twilio/webhook (WhatsApp and SMS)."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials["account_sid"], credentials["auth_token"], credentials["webhook_url"],
                   credentials.get("api_url"), int(credentials.get("max_length") or TWILIO_LIMIT),
                   credentials.get("whatsapp_from"), credentials.get("sms_from"),
                   credentials.get("check_in_content_sid"))

    def __init__(self, account_sid: str, auth_token: str, webhook_url: str, api_url: Optional[str] = None,
                 max_length: int = TWILIO_LIMIT, whatsapp_from: Optional[str] = None, sms_from: Optional[str] = None,
                 check_in_content_sid: Optional[str] = None) -> None:
        self.senders = {True: whatsapp_from, False: sms_from}
        self.check_in_content_sid = check_in_content_sid
        self.validator = RequestValidator(auth_token)
        self.webhook_url = webhook_url
        self.max_length = max_length
        self.client = Client(account_sid, auth_token)
        self.names = pseudonyms()
        self.account_sid = account_sid
        if api_url:
            self.client.api.base_url = api_url.rstrip("/")

    def get_output_channel(self) -> TwilioOutput:
        """For messages nobody just sent in (follow-up check-ins through `trigger_intent`)."""
        return TwilioOutput(self.client, from_number=None, max_length=self.max_length, names=self.names,
                            senders=self.senders, check_in_content_sid=self.check_in_content_sid)

    def is_signed(self, request: Request) -> bool:
        return self.validator.validate(self.webhook_url, signed_fields(request.body),
                                       request.headers.get("X-Twilio-Signature", ""))

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        twilio_webhook = self.guard(Blueprint("twilio_webhook", __name__))
        handle = self.understanding_options(on_new_message)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            fields = signed_fields(request.body)
            sender, text, ours, sid = (fields.get(name, [None])[0] for name in ("From", "Body", "To", "MessageSid"))
            if not sid or not await self.first_time("twilio", self.account_sid, sid):
                return response.text("", status=204)
            if sender and text and ours:
                text = text.replace("¡", "@")  # some carriers corrupt @ in SMS
                output = TwilioOutput(self.client, from_number=ours, max_length=self.max_length, names=self.names)
                await handle(UserMessage(text, output, self.names.sender_id(sender), input_channel=self.name(),
                                         metadata=self.get_metadata(request)))
            return response.text("", status=204)

        return twilio_webhook
