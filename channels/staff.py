"""The staff pre-screen channel: the reception page's "Pre-screen a patient", and nothing else.

    POST /webhooks/staff/webhook   Authorization: Bearer <STAFF_CHANNEL_SECRET>
         {"conversation": "<uuid>", "message": "...", "staff_user": "alice"}
      -> the assistant's replies, as Rasa's REST channel gives them

Only the reception page's server calls it, with the shared secret (STAFF_CHANNEL_SECRET, or
the one kept in var/staff_channel_secret: pht/records/settings.py); the browser never
does, and without the secret the route answers 403 and changes nothing. The channel builds
the sender id itself, `staff:<uuid>`, from a UUID the page made; a client cannot name any
other conversation. The signed-in staff member's name rides in the message's metadata, and
the conversation is staff-entered because its messages come through this channel
(actions/messages.py `on_staff_channel`): third-person questions, the patient's consent
asked of staff, and a record marked as entered by staff.
"""
from __future__ import annotations

import hmac
import re
import uuid
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from pht.records.settings import settings
from actions.senders import prefix_of

# The action server decides staff wording from the same two names (actions/messages.py; the
# prefix of both comes from actions/senders.py, and tests/test_reception_staff.py pins them)
STAFF_CHANNEL = "staff"
STAFF_SENDER_PREFIX = prefix_of(STAFF_CHANNEL)
STAFF_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")  # a reception account's name (pht/reception/users.py)


def authorised(request: Request, secret: str) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


def staff_sender_id(conversation: Any) -> Optional[str]:
    """`staff:<uuid>` for a UUID the page made; None for anything else."""
    if not isinstance(conversation, str):
        return None
    try:
        return f"{STAFF_SENDER_PREFIX}{uuid.UUID(conversation)}"
    except ValueError:
        return None


class StaffInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return STAFF_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "StaffInput":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        routes = Blueprint("staff_webhook", __name__)

        @routes.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @routes.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not authorised(request, settings().staff_channel_secret()):
                return response.json({"error": "the reception page's secret is needed"}, status=403)
            body = request.json if isinstance(request.json, dict) else {}
            sender_id = staff_sender_id(body.get("conversation"))
            text, staff_user = body.get("message"), body.get("staff_user")
            if sender_id is None or not isinstance(text, str) or not text.strip():
                return response.json({"error": "a conversation (a UUID) and a message are needed"}, status=400)
            if not isinstance(staff_user, str) or not STAFF_NAME.match(staff_user):
                return response.json({"error": "the signed-in staff member's name is needed"}, status=400)
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(text, collector, sender_id, input_channel=self.name(),
                                             metadata={"staff_user": staff_user}))
            return response.json(collector.messages)

        return routes
