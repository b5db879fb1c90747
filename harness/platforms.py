"""Each messaging platform's webhook, signed as the platform signs it, for the channel tests
(tests/test_channels_e2e.py) and `make soak`'s identity phase: the test secrets, one function
per platform that makes an incoming message, the conversation id each channel gives a person,
and a conversation's stored events."""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from typing import Any, Callable, Dict, List, Optional, Tuple

from slack_sdk.signature import SignatureVerifier
from twilio.request_validator import RequestValidator

from channels import twilio
from channels.pseudonyms import Pseudonyms, sender_id_key

from .servers import Assistant, http

TWILIO_NUMBERS = {True: "whatsapp:+14155238886", False: "+14155550100"}  # ours, on WhatsApp and by SMS
SECRETS = {
    "TELEGRAM_BOT_TOKEN": "123456:test-token", "TELEGRAM_SECRET_TOKEN": "telegram-secret",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "twilio-auth-token",
    # below Twilio's 1,600 (the default) so the outcome's longer messages have to be split here
    "TWILIO_MAX_LENGTH": "480",
    # follow-up check-ins, sent unprompted, come from these (channels/twilio.py)
    "TWILIO_WHATSAPP_FROM": TWILIO_NUMBERS[True], "TWILIO_SMS_FROM": TWILIO_NUMBERS[False],
    "FACEBOOK_VERIFY_TOKEN": "fb-verify", "FACEBOOK_APP_SECRET": "fb-app-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-token",
    "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "slack-signing-secret",
    "SENDER_ID_KEY": base64.urlsafe_b64encode(bytes(range(64))).decode(),  # phone numbers -> sender ids
}


MESSAGE_NUMBERS = itertools.count(1000)  # each call a new platform message, unless a test sends one again


def telegram_update(env: Dict[str, str], sender: str, text: str, signed: bool = True,
                    button: Optional[str] = None, number: Optional[int] = None) -> Tuple[bytes, Dict[str, str]]:
    number = next(MESSAGE_NUMBERS) if number is None else number
    chat = {"id": int(sender), "type": "private"}
    if button is not None:
        query = {"id": f"cb{number}", "data": button, "message": {"chat": chat}}
        update = {"update_id": number, "callback_query": query}
    else:
        update = {"update_id": number, "message": {"message_id": number, "date": 0, "chat": chat, "text": text}}
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-Telegram-Bot-Api-Secret-Token"] = env["TELEGRAM_SECRET_TOKEN"]
    return json.dumps(update).encode(), headers


def twilio_fields(sender: str, text: str, number: int) -> Dict[str, str]:
    """The fields Twilio posts for an incoming message, as it sends them: an SMS's location
    fields are blank when the carrier does not give them, WhatsApp's ProfileName when the
    person has none."""
    sid = f"SM{number:032x}"
    ours = TWILIO_NUMBERS[sender.startswith("whatsapp:")]
    fields = {"ToCountry": "US", "ToState": "CA", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "",
              "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received", "FromCity": "",
              "Body": text, "FromCountry": "GB", "To": ours, "MessagingServiceSid": "", "ToZip": "",
              "NumSegments": "1", "ReferralNumMedia": "0", "MessageSid": sid, "AccountSid": "AC" + "1" * 32,
              "From": sender, "ApiVersion": "2010-04-01"}
    if sender.startswith("whatsapp:"):
        fields.update({"ProfileName": "", "WaId": sender.split("+")[-1], "MessageType": "text",
                       "ToCountry": "", "ToState": "", "FromCountry": ""})
    return fields


def twilio_message(env: Dict[str, str], sender: str, text: str, signed: bool = True,
                   number: Optional[int] = None) -> Tuple[bytes, Dict[str, str]]:
    fields = twilio_fields(sender, text, next(MESSAGE_NUMBERS) if number is None else number)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signed:
        headers["X-Twilio-Signature"] = RequestValidator(env["TWILIO_AUTH_TOKEN"]).compute_signature(
            env["TWILIO_WEBHOOK_URL"], fields)
    return urllib.parse.urlencode(fields).encode(), headers


def messenger_body(env: Dict[str, str], body: bytes, signed: bool = True) -> Tuple[bytes, Dict[str, str]]:
    headers = {"Content-Type": "application/json"}
    if signed:
        digest = hmac.new(env["FACEBOOK_APP_SECRET"].encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = f"sha256={digest}"
    return body, headers


def messenger_text(sender: str, text: str, number: int) -> Dict[str, Any]:
    return {"sender": {"id": sender}, "recipient": {"id": "page"}, "timestamp": number,
            "message": {"mid": f"m_{number}", "text": text}}


def messenger_event(env: Dict[str, str], sender: str, text: str, signed: bool = True,
                    number: Optional[int] = None) -> Tuple[bytes, Dict[str, str]]:
    event = messenger_text(sender, text, next(MESSAGE_NUMBERS) if number is None else number)
    body = json.dumps({"object": "page", "entry": [{"id": "page", "time": 0, "messaging": [event]}]}).encode()
    return messenger_body(env, body, signed)


def slack_body(env: Dict[str, str], body: bytes, signed: bool = True,
               content_type: str = "application/json") -> Tuple[bytes, Dict[str, str]]:
    headers = {"Content-Type": content_type}
    if signed:  # with Slack's own library
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(env["SLACK_SIGNING_SECRET"]).generate_signature(timestamp=timestamp, body=body)
        headers.update({"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature})
    return body, headers


def slack_event(env: Dict[str, str], sender: str, text: str, signed: bool = True, number: Optional[int] = None,
                channel: Optional[str] = None, team: str = "T1") -> Tuple[bytes, Dict[str, str]]:
    """A direct message to the bot, or with `channel` a mention of it in that channel."""
    number = next(MESSAGE_NUMBERS) if number is None else number
    if channel is None:
        event = {"type": "message", "channel": "D" + sender, "user": sender, "text": text, "ts": f"{number}.1",
                 "channel_type": "im", "team": team}
    else:
        event = {"type": "app_mention", "channel": channel, "user": sender, "text": f"<@UBOT> {text}",
                 "ts": f"{number}.1", "team": team}
    body = json.dumps({"type": "event_callback", "team_id": team, "api_app_id": "A1", "event": event,
                       "event_id": f"Ev{number}", "event_time": number,
                       "authorizations": [{"user_id": "UBOT"}]}).encode()
    return slack_body(env, body, signed)


WEBHOOKS: Dict[str, Callable[..., Tuple[bytes, Dict[str, str]]]] = {
    "telegram": telegram_update, "twilio": twilio_message, "facebook": messenger_event, "slack": slack_event}
SENDERS = {"telegram": "4242", "twilio": "whatsapp:+447700900123", "facebook": "psid-4242", "slack": "U4242"}
PREFIXES = {"telegram": "tg:", "facebook": "fb:", "slack": "slack:T1:"}


def conversation_id(platform: str, sender: str) -> str:
    """The sender id the channel gives a platform's person: its own prefix, or on Twilio the
    number encrypted."""
    if platform != "twilio":
        return PREFIXES[platform] + sender
    return Pseudonyms(sender_id_key(SECRETS), twilio.SENDER_PREFIX).sender_id(sender)


def stored_events(assistant: Assistant, conversation: str) -> List[Dict[str, Any]]:
    """A conversation's events, by its full id (a platform's prefix and all)."""
    status, tracker = http("GET", f"{assistant.url}/conversations/{conversation}/tracker?token={assistant.token}")
    assert status == 200, tracker
    return tracker["events"]
