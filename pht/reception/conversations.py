"""A conversation as reception sees it, and taking it over: through the Rasa server's HTTP API
with its token (RASA_URL, RASA_AUTH_TOKEN), the one way into conversations.

- `transcript(tracker)`: who said what since the session started (the person, the assistant,
  staff), for the staff member who opens the conversation.
- Taking over appends, in one call, Rasa's `pause` event (ConversationPaused: the assistant
  predicts nothing more), the staff member's first name (`staff_name`) and the message
  `utter_staff_joined`; each reply appends the message `utter_staff_message`, its metadata
  naming the staff member (the widget labels it with them); handing back appends `resume`
  (ConversationResumed) and triggers `EXTERNAL_handed_back`, whose rules carry the questions on
  where they were (`automatically`: the staff member had gone silent, and the person is told so).
- A message is a `bot` event appended with `execute_side_effects`, which sends it: the text is
  the domain response's (pht/domain.py), filled here. (Rasa 3.6 deprecates running an action
  from outside, `POST .../execute`; appending an event is its supported way.) Messages go out
  on the person's own channel: Rasa's `output_channel=latest`, the channel of their latest
  message; only the channels in `HANDOVER_CHANNELS` can send one the person did not ask for.

The database claim (who holds the conversation) is `Records.handovers`; this module only
talks to the Rasa server, so any reception replica reaches any Rasa replica.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from ..domain import domain, render
from ..records.handovers import STAFF_NAME_SLOT, STAFF_TEXT, STEPPED_AWAY_SLOT
from ..records.settings import Settings

TIMEOUT_SECONDS = 30
MAX_STAFF_MESSAGE_CHARS = 1000
HANDED_BACK_INTENT = "EXTERNAL_handed_back"  # domain/handover.yml, data/rules/handover.yml
STAFF_JOINED = "utter_staff_joined"  # domain/handover.yml, filled here (`said`)
STAFF_MESSAGE = "utter_staff_message"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RasaUnreachable(RuntimeError):
    """The Rasa server did not do what was asked; the message says why."""


@dataclass(frozen=True)
class Line:
    """One line of the transcript: `who` is person, assistant or staff."""

    who: str
    text: str
    at: float
    staff_user: Optional[str] = None


def first_name(username: str) -> str:
    """The name the person sees: the account name's first part, capitalised ("alice.smith": Alice)."""
    first = re.split(r"[._\-\s@]+", username.strip())[0] or username
    return first[:1].upper() + first[1:]


def plain_text(text: str) -> str:
    """A staff message as plain text: no control characters, at most MAX_STAFF_MESSAGE_CHARS.
    Every channel shows it as text (the widget never as HTML)."""
    return _CONTROL.sub("", text).strip()[:MAX_STAFF_MESSAGE_CHARS]


def transcript(tracker: Mapping[str, Any]) -> List[Line]:
    """The conversation since its latest session start, as staff read it."""
    events = list(tracker.get("events") or [])
    start = max((index for index, event in enumerate(events) if event.get("event") == "session_started"), default=-1)
    lines: List[Line] = []
    for event in events[start + 1:]:
        kind, text = event.get("event"), event.get("text") or ""
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            shown = (event.get("metadata") or {}).get("display") or text
            if intent.startswith("EXTERNAL_") or shown.startswith("/"):
                continue  # sent by the system (a check-in, handing back), or the widget's opening
            lines.append(Line("person", shown, float(event.get("timestamp") or 0)))
        elif kind == "bot" and text:
            action = (event.get("metadata") or {}).get("utter_action")
            who = "staff" if action == STAFF_MESSAGE else "assistant"
            lines.append(Line(who, text, float(event.get("timestamp") or 0)))
    return lines


class RasaConversations:
    """The Rasa server's HTTP API, for one reception process."""

    def __init__(self, config: Settings) -> None:
        self.url = config.rasa_url.rstrip("/")
        self.token = config.rasa_token()

    def _call(self, method: str, sender_id: str, route: str, body: Any = None, **query: str) -> Any:
        if not self.token:
            raise RasaUnreachable("no Rasa API token: set RASA_AUTH_TOKEN (make run keeps it in var/rasa_auth_token)")
        conversation = urllib.parse.quote(sender_id, safe=":")
        address = f"{self.url}/conversations/{conversation}/{route}?{urllib.parse.urlencode({**query, 'token': self.token})}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(address, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:
                return json.loads(reply.read().decode() or "null")
        except urllib.error.HTTPError as error:
            raise RasaUnreachable(f"the Rasa server refused ({error.code})") from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise RasaUnreachable(f"the Rasa server at {self.url} cannot be reached ({error})") from error

    def tracker(self, sender_id: str) -> Dict[str, Any]:
        return self._call("GET", sender_id, "tracker") or {}

    def _append(self, sender_id: str, events: List[Dict[str, Any]]) -> None:
        """Append `events`; a `bot` event among them goes to the person (on their latest channel)."""
        self._call("POST", sender_id, "tracker/events", events, output_channel="latest", execute_side_effects="true")

    def take_over(self, sender_id: str, staff_user: str) -> None:
        name = first_name(staff_user)
        self._append(sender_id, [{"event": "pause"}, {"event": "slot", "name": STAFF_NAME_SLOT, "value": name},
                                 said(STAFF_JOINED, staff_name=name)])

    def send(self, sender_id: str, staff_user: str, text: str) -> None:
        name = first_name(staff_user)
        self._append(sender_id, [said(STAFF_MESSAGE, {STAFF_NAME_SLOT: name, STAFF_TEXT: text},
                                      staff_name=name, staff_message=text)])

    def say(self, sender_id: str, response: str, **values: Any) -> None:
        """The domain response `response`, filled with `values`, to the person: from the clinic,
        not an answer to anything they said (pht/reception/unattended.py)."""
        self._append(sender_id, [said(response, **values)])

    def hand_back(self, sender_id: str, automatically: bool = False) -> None:
        """Resume the assistant; `automatically`: the staff member went silent, and the person is
        told they had to step away."""
        # listening again, as after any turn: the rules and the form read the next message (the
        # handing back) as they read a person's; the staff messages before it were sent by the API
        self._append(sender_id, [{"event": "resume"},
                                 {"event": "slot", "name": STEPPED_AWAY_SLOT, "value": True if automatically else None},
                                 {"event": "action", "name": "action_listen"}])
        self._call("POST", sender_id, "trigger_intent", {"name": HANDED_BACK_INTENT}, output_channel="latest")


def said(response: str, metadata: Optional[Dict[str, Any]] = None, **values: Any) -> Dict[str, Any]:
    """A `bot` event with the domain response `response` filled with `values`, as Rasa logs an
    utterance (its name in the metadata: the transcript tells staff messages by it)."""
    return {"event": "bot", "text": render(domain(), response, **values),
            "metadata": {"utter_action": response, **(metadata or {})}}
