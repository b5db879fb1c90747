"""Answer buttons on platforms that have none, or too few: a numbered list, and replies to it.

Rasa's fallback for such platforms sends each button as its own message, "1: Title (/payload)".
Here the options go at the end of the question, in one message, one per line:

    How did the pain start?
    1. Gradually
    2. Suddenly
    (the hint: utter_options_hint_numbered, domain/channels.yml)

A reply of "2", "2." or "#2", or one that is an option's title ("suddenly"), is taken as that
option's payload; "1, 3" or "1 and 3" picks several (for "choose all that apply" questions).
The options are read from the conversation itself (the buttons of the bot's last turn, in the
tracker), so this survives a restart and works with several server processes.

Where an option's answer is itself a number (pain 0-10, weeks), a bare number is the answer,
not an option number: those options are listed with bullets instead, and their titles still work.
The hint under the options is the domain's (`utter_options_hint_*` in domain/channels.yml).
"""
from __future__ import annotations

import re
import string
from typing import Any, Dict, Iterable, List, Optional, Sequence

from pht.domain import response_text

Button = Dict[str, Any]

_OPTION_NUMBERS = re.compile(r"^\s*(?:options?\s*)?#?\d{1,2}[.)]?(?:\s*(?:,|and|&)?\s*#?\d{1,2}[.)]?)*\s*$",
                             re.IGNORECASE)
_NUMERIC_ANSWER = re.compile(r"^\s*\d")
# the last line under the options, from the domain (domain/channels.yml)
NUMBERED_HINT = response_text("utter_options_hint_numbered")
BULLETED_HINT = response_text("utter_options_hint_bulleted")


def answers_are_numbers(buttons: Sequence[Button]) -> bool:
    """True when an option's payload is a number, so a bare number reply is an answer."""
    return any(_NUMERIC_ANSWER.match(str(button.get("payload", ""))) for button in buttons)


def as_list(text: str, buttons: Sequence[Button]) -> str:
    """The question followed by its options in one message: numbered, or bulleted for numbers."""
    if not buttons:
        return text
    if answers_are_numbers(buttons):
        lines = [f"• {button['title']}" for button in buttons] + [BULLETED_HINT]
    else:
        lines = [f"{number}. {button['title']}" for number, button in enumerate(buttons, 1)] + [NUMBERED_HINT]
    return "\n".join([text.rstrip(), *lines]) if text.strip() else "\n".join(lines)


def _normalised(text: str) -> str:
    return " ".join(text.lower().translate(str.maketrans("", "", string.punctuation)).split())


def chosen_payload(reply: str, buttons: Sequence[Button]) -> Optional[str]:
    """The payload of the option that `reply` picks, or None when it picks none."""
    if not buttons:
        return None
    if _OPTION_NUMBERS.match(reply) and not answers_are_numbers(buttons):
        numbers = [int(number) for number in re.findall(r"\d+", reply)]
        if not all(1 <= number <= len(buttons) for number in numbers):
            return None
        payloads = [str(buttons[number - 1]["payload"]) for number in dict.fromkeys(numbers)]
        if len(payloads) > 1 and any(payload.startswith("/") for payload in payloads):
            return None  # several intents at once ("yes and no") mean nothing
        return ", ".join(payloads)
    wanted = _normalised(reply)
    for button in buttons:
        if wanted and wanted == _normalised(str(button.get("title", ""))):
            return str(button["payload"])
    return None


def pending_buttons(events: Iterable[Dict[str, Any]]) -> List[Button]:
    """The buttons of the bot's latest turn, if the person has not answered since."""
    buttons: List[Button] = []
    for event in events:
        if event.get("event") == "user":
            buttons = []
        elif event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or buttons
    return buttons


def resolve_reply(reply: str, events: Iterable[Dict[str, Any]]) -> str:
    """What the person meant: an option's payload for "2" or an option's title, else the reply."""
    return chosen_payload(reply, pending_buttons(events)) or reply
