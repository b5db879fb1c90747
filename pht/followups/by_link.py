"""A website visitor's check-in, opened by their signed link (pht/followups/links.py): what the
website server's page shows, and starting the check-in in the visitor's conversation.

Starting goes the way the worker's check-ins go: the Rasa server's `trigger_intent` with the
check-in's idempotency key and the widget's output channel (pht/followups/rasa.py), so the
check-in runs the same `check_in_form` as on a messaging app, and the Rasa side acts on each
key once per conversation: a page opened again (a reload, a second tab) starts nothing twice,
and shows the conversation so far. The token decides the follow-up; the follow-up decides the
conversation and the check-in. Nothing the page or the person sends names either.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from ..records import DueMessage, Records
from ..records.follow_ups import FollowUpRecord
from .links import CheckInPage, LinkToken, page_for, read_token
from .timing import clock as real_clock
from .worker import Sender

WEB_CHANNEL = "socketio"  # Rasa's output channel name of the website widget


@dataclass(frozen=True)
class LinkView:
    """What a link shows now: `status` "valid", "expired" or "invalid"; when valid, the page."""

    status: str
    token: Optional[LinkToken] = None
    page: Optional[CheckInPage] = None
    follow_up: Optional[FollowUpRecord] = None


@dataclass(frozen=True)
class Started:
    """A check-in started (or already under way) in `sender_id`'s conversation; `error` when the
    Rasa server could not start it."""

    sender_id: Optional[str]
    error: Optional[str] = None


class LinkCheckIns:
    def __init__(self, records: Records, key: bytes, sender: Sender,
                 clock: Callable[[], dt.datetime] = real_clock) -> None:
        self.records, self.key, self.sender, self.clock = records, key, sender, clock

    def view(self, token: object) -> LinkView:
        checked = read_token(token, self.key, self.clock())
        if checked.status != "valid" or checked.token is None:
            return LinkView(checked.status, checked.token)
        follow_up = self.records.follow_ups.of_prescreen(checked.token.reference)
        if follow_up is not None and follow_up.channel != WEB_CHANNEL:
            follow_up = None  # a link is only ever made for the website's follow-ups
        return LinkView("valid", checked.token, page_for(follow_up, self.clock()), follow_up)

    def start(self, view: LinkView) -> Started:
        """Start the due check-in of a valid link's view in the visitor's conversation."""
        page, follow_up = view.page, view.follow_up
        if page is None or page.kind != "due" or page.check_in is None or follow_up is None:
            raise ValueError("only a due check-in is started")
        check_in = page.check_in
        message = DueMessage(check_in.id, follow_up.id, check_in.idempotency_key, False, follow_up.sender_id,
                             WEB_CHANNEL, check_in.sequence, check_in.label, 1)
        outcome = self.sender.send(message)
        return Started(follow_up.sender_id) if outcome.ok else Started(None, outcome.error or "failed")
