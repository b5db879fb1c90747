"""Starting a check-in through the Rasa server's HTTP API.

    POST {RASA_URL}/conversations/{sender_id}/trigger_intent?output_channel={channel}&token={RASA_AUTH_TOKEN}
    {"name": "EXTERNAL_check_in", "entities": {"check_in_key": "<key>", "check_in_number": "2",
                                               "check_in_label": "6 weeks"}}

The reminder is the same with `EXTERNAL_check_in_reminder`. Every attempt for one message
carries the same `check_in_key`; the Rasa side acts on each (intent, key) once
(`Records.follow_ups.first_trigger`), so a message sent again after a worker died mid-send
reaches the person once. The token goes in the query, as Rasa's own API takes it (the HTTP
API's token, `--auth-token`); nothing here logs the address with it.
"""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from ..records import DueMessage

# The names the Rasa side (domain, rules, actions) answers to: written once, here.
CHECK_IN_INTENT = "EXTERNAL_check_in"
REMINDER_INTENT = "EXTERNAL_check_in_reminder"
KEY_ENTITY = "check_in_key"  # the check-in's idempotency key (the same for its reminder)
NUMBER_ENTITY = "check_in_number"  # 1, 2, 3 ... of the follow-up's check-ins
LABEL_ENTITY = "check_in_label"  # "2 weeks"
ANSWER_CHARS = 300  # of an error answer, kept in the record


@dataclass(frozen=True)
class SendOutcome:
    """How one attempt went: delivered to the Rasa server, or why not."""

    ok: bool
    error: Optional[str] = None
    status: Optional[int] = None


def intent_of(message: DueMessage) -> str:
    return REMINDER_INTENT if message.reminder else CHECK_IN_INTENT


def trigger_request(message: DueMessage, rasa_url: str, token: str) -> Tuple[str, Dict[str, Any]]:
    """The address and the JSON body that start `message` in its conversation."""
    query = urllib.parse.urlencode({"output_channel": message.channel, "token": token})
    conversation = urllib.parse.quote(message.sender_id, safe=":")
    body = {"name": intent_of(message),
            "entities": {KEY_ENTITY: message.key, NUMBER_ENTITY: str(message.sequence), LABEL_ENTITY: message.label}}
    return f"{rasa_url.rstrip('/')}/conversations/{conversation}/trigger_intent?{query}", body


class RasaSender:
    """Sends check-ins through the Rasa server's `trigger_intent`."""

    def __init__(self, rasa_url: str, token: str, timeout_seconds: float, user_agent: str = "pht-follow-ups") -> None:
        self.rasa_url, self.token, self.timeout_seconds, self.user_agent = rasa_url, token, timeout_seconds, user_agent

    def send(self, message: DueMessage) -> SendOutcome:
        url, body = trigger_request(message, self.rasa_url, self.token)
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
            "Content-Type": "application/json", "User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as reply:
                reply.read()
                return SendOutcome(True, status=reply.status)
        except urllib.error.HTTPError as error:
            answer = error.read().decode(errors="replace")[:ANSWER_CHARS]
            return SendOutcome(False, f"the Rasa server answered {error.code}: {answer}", error.code)
        except (socket.timeout, TimeoutError):
            return SendOutcome(False, f"no answer from the Rasa server within {self.timeout_seconds:g} s")
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                return SendOutcome(False, f"no answer from the Rasa server within {self.timeout_seconds:g} s")
            return SendOutcome(False, f"the Rasa server could not be reached ({reason})")
