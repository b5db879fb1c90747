"""Check-ins for a website visitor: a signed, expiring link back to the page that continues them.

The website widget cannot message anyone later. A visitor who agrees to check-ins is given a
link instead (`check_in_url`): the website server's `/check-in` page with a token that names
their pre-screen's follow-up and when the link stops working, signed with HMAC-SHA256 under
FOLLOW_UP_LINK_KEY (pht/settings.py; made once in var/ when unset). The token, not anything
the page or the person sends, decides whose check-in runs: it cannot be made for another
follow-up, nor kept working past its expiry, without the key.

`read_token` checks a token; `page_for` says what the page shows for a follow-up at a moment:
the check-in that is due (the page opens the widget on it), when the next one is, or that they
have ended. No Rasa, no database here: the follow-up is given.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import urllib.parse
from dataclasses import dataclass
from typing import Optional

from ..records.follow_ups import CheckInRecord, FollowUpRecord

PURPOSE = b"pht-check-in-link:"  # the key signs these links only
PAGE_PATH = "/check-in"
SIGNATURE_CHARS = 32  # base64url of the first 24 bytes of the HMAC: 192 bits
MAX_TOKEN_CHARS = 120
_TOKEN = re.compile(r"^(PHT-[0-9A-Z]{5})\.(\d{9,11})\.([A-Za-z0-9_-]{32})$")
# a check-in the person can still answer by the link: not answered, cancelled, or undeliverable
# (a website check-in is never sent, so never undeliverable); "no reply" can still be answered late
CAN_ANSWER = ("scheduled", "waiting", "no_reply")


@dataclass(frozen=True)
class LinkToken:
    """What a valid token says: whose follow-up (its pre-screen's reference) and until when."""

    reference: str
    expires: dt.datetime


@dataclass(frozen=True)
class TokenCheck:
    """`status`: "valid", "expired" (signed, too late) or "invalid" (not ours, or altered)."""

    status: str
    token: Optional[LinkToken] = None


@dataclass(frozen=True)
class CheckInPage:
    """What the page shows: `kind` "due" (with the check-in to run), "not_yet" (with when the
    next one is due), or "ended" (no check-in is left to answer: answered, stopped, ended)."""

    kind: str
    check_in: Optional[CheckInRecord] = None
    next_due: Optional[dt.datetime] = None


def _signature(key: bytes, payload: str) -> str:
    digest = hmac.new(key, PURPOSE + payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]


def make_token(reference: str, expires: dt.datetime, key: bytes) -> str:
    payload = f"{reference}.{int(expires.timestamp())}"
    return f"{payload}.{_signature(key, payload)}"


def read_token(token: object, key: bytes, now: dt.datetime) -> TokenCheck:
    """Whether `token` is one of ours and still works at `now`."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        return TokenCheck("invalid")
    matched = _TOKEN.match(token.strip())
    if not matched:
        return TokenCheck("invalid")
    reference, seconds, signature = matched.groups()
    if not hmac.compare_digest(signature, _signature(key, f"{reference}.{seconds}")):
        return TokenCheck("invalid")
    expires = dt.datetime.fromtimestamp(int(seconds), dt.timezone.utc)
    return TokenCheck("expired" if now >= expires else "valid", LinkToken(reference, expires))


def link_expiry(follow_up_last_due: dt.datetime, days_after: int) -> dt.datetime:
    """The link works until `days_after` days after the last check-in is due, at the minute."""
    return (follow_up_last_due + dt.timedelta(days=days_after)).replace(second=0, microsecond=0)


def check_in_url(web_url: str, token: str) -> str:
    return f"{web_url.rstrip('/')}{PAGE_PATH}?{urllib.parse.urlencode({'t': token})}"


def page_for(follow_up: Optional[FollowUpRecord], now: dt.datetime) -> CheckInPage:
    """The latest check-in due by `now` that can still be answered (an earlier one left
    unanswered gives way to it), else when the next is due, else "ended"."""
    if follow_up is None or follow_up.state != "active":
        return CheckInPage("ended")
    due = [item for item in follow_up.check_ins if item.due_at <= now]
    if due and due[-1].state in CAN_ANSWER:
        return CheckInPage("due", check_in=due[-1])
    upcoming = [item for item in follow_up.check_ins if item.due_at > now and item.state in CAN_ANSWER]
    if upcoming:
        return CheckInPage("not_yet", next_due=upcoming[0].due_at)
    return CheckInPage("ended")
