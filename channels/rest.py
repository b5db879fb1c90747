"""The REST channel, for trusted callers only: Rasa's `RestInput` with a token per caller.

Name it in the credentials as `channels.rest.TrustedRestInput` (instead of Rasa's `rest:`);
the route stays `POST /webhooks/rest/webhook {"sender": "...", "message": "..."}`.

Rasa's REST channel answers anyone, in whichever conversation the body names, on whichever
channel it claims, with whatever metadata it carries (issue 18): a Telegram chat id or a
Slack user id is not a secret, so anyone could read, change or delete that person's
pre-screen, and create records in bulk. Here:

- Callers: a message needs `Authorization: Bearer <token>` (the header only: a token in the
  URL ends up in access logs) with a token of `REST_CHANNEL_TOKENS` (comma-separated
  `caller:token` pairs) or `REST_CHANNEL_TOKEN` (channels/settings.py), compared in constant
  time. Anything else gets 403 and does nothing; with no token set, every message does (the
  channel is off). `make run` makes a token for local use (scripts/run.sh). Rasa's own
  `--auth-token`/JWT guards the HTTP API, not channel routes.
- Conversations: the id handed to Rasa is `rest:` + the body's `sender`, so a REST caller
  can only ever reach REST conversations (`rest:tg:123` is not Telegram's `tg:123`:
  actions/senders.py). The input channel is always `rest`, whatever the body says.
- Bodies: a JSON object with a `sender` of 1 to 128 letters, digits and `_ . : @ + = -`,
  a text `message`, and optionally a `metadata` object of which only the keys the product
  reads are kept (`display`, the title of the button a person chose, up to
  `MAX_DISPLAY_CHARS`); anything else gets 400 with what is wrong. Rasa answered 500 to
  some bodies (an empty one, a list), and took a missing sender as the conversation
  "default", shared by everyone who left it out. The body's size is capped for the whole
  server (`max_request_bytes`, rasa_server/guards.py): a larger one gets 413 unread.
- Floods: a caller may start `max_new_conversations_per_caller` conversations per window
  (rasa_server/rate_limit.py); one more gets 429 with Retry-After. Each conversation's own
  message limit applies on every channel (rasa_server/guards.py).
"""
from __future__ import annotations

import hmac
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.senders import REST_PREFIX
from rasa_server.rate_limit import limits

from . import settings

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128  # with the prefix, well within the conversation store's 255
SENDER = re.compile(r"^[A-Za-z0-9_.:@+=-]{1,%d}$" % MAX_SENDER_CHARS)
# metadata keys the product reads, and the longest value of each: the widget's history shows
# `display` (channels/socketio.py) instead of a button's payload
MAX_DISPLAY_CHARS = 200
METADATA_LIMITS = {"display": MAX_DISPLAY_CHARS}


def rest_body_problem(body: Any) -> Optional[str]:
    """What is wrong with a REST webhook body, or None when it is one the channel takes."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not SENDER.match(sender):
        return (f"'sender' must be 1 to {MAX_SENDER_CHARS} characters: letters, digits and _ . : @ + = - "
                "(it names the conversation)")
    if not isinstance(message, str):
        return "'message' must be a text"
    if metadata is not None and not isinstance(metadata, dict):
        return "'metadata' must be an object"
    for key, limit in METADATA_LIMITS.items():
        value = (metadata or {}).get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            return f"'metadata.{key}' must be a text of at most {limit} characters"
    return None


def kept_metadata(metadata: Any) -> Optional[Dict[str, str]]:
    """The metadata the product reads (checked by `rest_body_problem`); the rest is dropped."""
    if not isinstance(metadata, dict):
        return None
    kept = {key: metadata[key] for key in METADATA_LIMITS if metadata.get(key) is not None}
    return kept or None


def caller_of(authorization: str, callers: Mapping[str, str]) -> Optional[str]:
    """The caller whose token the `Authorization: Bearer` header carries, or None. Every
    token is compared, in constant time, so the answer's timing does not tell which matched."""
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return None
    found = None
    for name, token in callers.items():
        if hmac.compare_digest(given.strip().encode(), token.encode()):
            found = name
    return found


class TrustedRestInput(RestInput):
    """Rasa's REST channel for trusted callers: a token each, and `rest:` conversations only."""

    def __init__(self, callers: Mapping[str, str]) -> None:
        self.callers = dict(callers)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "TrustedRestInput":
        return cls(settings.rest_callers())  # secrets from the environment, not the credentials file

    async def _extract_sender(self, request: Request) -> str:
        return REST_PREFIX + request.json["sender"]

    def _extract_input_channel(self, request: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[str, Any]]:
        return kept_metadata(request.json.get("metadata"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        if not self.callers:
            logger.info("The REST channel is off: no REST_CHANNEL_TOKENS or REST_CHANNEL_TOKEN is set.")

        @webhook.middleware("request")
        async def admit(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST":
                return None
            caller = caller_of(request.headers.get("Authorization", ""), self.callers)
            if caller is None:
                logger.warning("Refused a REST message from %s without a valid token", request.ip)
                return response.json({"error": "The REST channel is for trusted callers: send the token you were "
                                               "given as 'Authorization: Bearer <token>'."}, status=403)
            try:
                body = request.json
            except Exception:  # noqa: BLE001 (Sanic raises its own error for a body that is not JSON)
                body = None
            problem = rest_body_problem(body)
            if problem:
                return response.json({"error": problem}, status=400)
            if not limits().conversation_allowed(caller, REST_PREFIX + body["sender"]):
                logger.warning("REST caller %r started more than %d conversations in %g seconds; refused one more",
                               caller, limits().new_conversations_per_caller, limits().window_seconds)
                return response.json({"error": "Too many new conversations from this caller; try again later."},
                                     status=429, headers={"Retry-After": str(int(limits().window_seconds))})
            return None

        return webhook
