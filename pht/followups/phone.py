"""A patient's mobile number for check-ins by SMS or WhatsApp, as staff type it at the desk.

Only a number with its country code is taken (E.164: "+", a country code that does not start
with 0, at most 15 digits; spaces, dashes, dots and brackets are ignored, and a leading "00"
is read as "+"): a number without one could reach a stranger abroad. Twilio writes the person's
address as the number for SMS and `whatsapp:` + the number for WhatsApp; a person writing back
comes in under the same address, so the check-ins and their answers meet in one conversation.
"""
from __future__ import annotations

import re
from typing import Optional

ROUTES = ("sms", "whatsapp")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_IGNORED = re.compile(r"[\s().\-]")


def e164(text: object) -> Optional[str]:
    """The number in E.164 form ("+447700900123"), or None when it is not one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    compact = _IGNORED.sub("", text.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    return compact if _E164.match(compact) else None


def twilio_address(number: str, route: str) -> str:
    """The address Twilio gives a person on `route` ("sms" or "whatsapp")."""
    if route not in ROUTES:
        raise ValueError(f"a route is one of {ROUTES}, not {route!r}")
    return f"whatsapp:{number}" if route == "whatsapp" else number


def ending(number: str, digits: int = 3) -> str:
    """The last digits, to read back to staff without repeating the whole number."""
    return number[-digits:]
