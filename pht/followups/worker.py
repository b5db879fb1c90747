"""The follow-up worker: claims the check-ins (and reminders) that are due and starts each
through the Rasa server, once.

Each round: reminded check-ins whose time is up become "no reply"; check-ins due on a channel
that cannot be messaged (the website widget) begin to wait for the person's link, and become
"no reply" as late as a reminded one would; then, outside the quiet
hours, the worker claims one due message at a time (committed as being sent, with its key,
before the call), sends it, and records how it went: sent (the reminder is due a day later),
failed (tried again after a back-off that doubles), or, after the last attempt, could not be
delivered. A message claimed by a worker that died is sent again with the same key once the
lease runs out (pht/records/follow_ups.py). Several workers can run on PostgreSQL; one on SQLite.

Each round also looks after the conversations handed to clinic staff that nobody looks after
(pht/reception/unattended.py): handed back when their holder went silent, and a person nobody
took told so; before the quiet hours, which are the check-ins' only.

The time comes from the worker's clock (`timing.clock`, or a fake one in tests and in
`make follow-ups-due AT=...`), read at each step.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Protocol

import sqlalchemy as sa

from ..records import DueMessage, Records
from ..reception.unattended import Unattended
from .rasa import SendOutcome
from .settings import FollowUpSettings
from .timing import backoff, clock as real_clock

logger = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, message: DueMessage) -> SendOutcome: ...


@dataclass
class Round:
    """What one round did."""

    sent: int = 0
    failed: int = 0
    undeliverable: int = 0
    no_reply: int = 0
    waiting: int = 0  # due on the website widget: nothing sent, waiting for the person's link
    taken_over: int = 0  # sent, but another worker had taken the message over meanwhile
    handed_back: int = 0  # conversations taken over whose staff member went silent, handed back automatically
    told_nobody_free: int = 0  # people waiting for a person whom nobody took, told so
    quiet_until: Optional[dt.datetime] = None  # the round fell in the quiet hours: nothing went
    errors: Dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, object]:
        return {"sent": self.sent, "failed": self.failed, "undeliverable": self.undeliverable,
                "no_reply": self.no_reply, "waiting": self.waiting, "taken_over": self.taken_over,
                "handed_back": self.handed_back, "told_nobody_free": self.told_nobody_free,
                "quiet_until": self.quiet_until.isoformat() if self.quiet_until else None}


class Worker:
    def __init__(self, records: Records, sender: Sender, config: FollowUpSettings,
                 clock: Callable[[], dt.datetime] = real_clock, unattended: Optional[Unattended] = None) -> None:
        self.follow_ups = records.follow_ups
        self.unattended = unattended
        self.sender, self.config, self.clock = sender, config, clock
        self.stopping = threading.Event()

    def run_once(self) -> Round:
        """One round: everything due by now (the clock), each message once."""
        done = Round(no_reply=self.follow_ups.mark_unanswered(self.clock()))
        if self.unattended is not None:
            looked_after = self.unattended.run_once(self.clock())
            done.handed_back, done.told_nobody_free = looked_after.handed_back, looked_after.told_nobody_free
        now = self.clock()
        # nothing is sent for these, so the quiet hours do not hold them back
        done.waiting = self.follow_ups.mark_waiting(now, self.config.channels, 2 * self.config.reminder_after)
        if self.config.quiet_hours.contains(now):
            done.quiet_until = self.config.quiet_hours.ends_after(now)
            return done
        while not self.stopping.is_set():
            claimed = self.follow_ups.claim_due(self.clock(), self.config.lease, self.config.channels, limit=1)
            if not claimed:
                break
            self._beat()  # alive: a round of many slow sends is no hang
            self._send(claimed[0], done)
        return done

    def _send(self, message: DueMessage, done: Round) -> None:
        config = self.config
        if message.attempt > config.max_attempts:  # the last attempts were all interrupted
            self.follow_ups.mark_undeliverable(message, self.clock(), "every attempt was interrupted")
            done.undeliverable += 1
            return
        outcome = self.sender.send(message)
        now = self.clock()
        if outcome.ok:
            held = self.follow_ups.mark_sent(message, now, now + config.reminder_after)
            done.sent += 1
            done.taken_over += not held
            logger.info("Sent %s %d of follow-up %d (attempt %d)", message.kind, message.sequence,
                        message.follow_up_id, message.attempt)
            return
        error = outcome.error or "failed"
        if message.attempt >= config.max_attempts:
            self.follow_ups.mark_undeliverable(message, now, error)
            done.undeliverable += 1
            logger.warning("Could not deliver %s %d of follow-up %d after %d attempts: %s", message.kind,
                           message.sequence, message.follow_up_id, message.attempt, error)
        else:
            wait = backoff(message.attempt, config.retry_first, config.retry_most)
            self.follow_ups.mark_failed(message, now, error, now + wait)
            done.failed += 1
            logger.warning("Attempt %d at %s %d of follow-up %d failed (%s); again in %s", message.attempt,
                           message.kind, message.sequence, message.follow_up_id, error, wait)
        key = str(outcome.status or "unreachable")
        done.errors[key] = done.errors.get(key, 0) + 1

    def run_forever(self) -> None:
        """Rounds every FOLLOW_UP_POLL_SECONDS until `stop()`; a database that cannot be reached
        costs a round, not the worker."""
        logger.info("The follow-up worker is running (channels: %s)", " ".join(self.config.channels))
        while not self.stopping.is_set():
            try:
                done = self.run_once()
                if (done.sent or done.failed or done.undeliverable or done.no_reply or done.waiting or done.handed_back
                        or done.told_nobody_free):
                    logger.info("Round: %s", done.as_dict())
            except sa.exc.SQLAlchemyError as error:
                logger.warning("The records database could not be used this round (%s)", type(error).__name__)
            self._beat()
            self.stopping.wait(self.config.poll_seconds)

    def stop(self) -> None:
        """Finish the message being sent, then stop."""
        self.stopping.set()

    def _beat(self) -> None:
        try:
            self.config.heartbeat_file.parent.mkdir(parents=True, exist_ok=True)
            self.config.heartbeat_file.write_text(self.clock().isoformat() + "\n")
        except OSError as error:
            logger.warning("The heartbeat file could not be written (%s)", error)
