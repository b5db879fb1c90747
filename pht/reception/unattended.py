"""Conversations nobody looks after: the follow-up worker runs `Unattended.run_once` each round
(pht/followups/worker.py), so it runs wherever the worker runs, whatever the number of replicas.

- A staff member took a conversation over and then wrote nothing for HANDOVER_IDLE_MINUTES (left
  the desk, closed the tab): it is handed back automatically. The person is told the staff member
  had to step away, with the clinic's number, and the assistant carries on where it was
  (`utter_staff_stepped_away`, actions/handover.py); the record says it was handed back
  automatically, by nobody, and the audit log says so too.
- A person asked for someone within the opening hours, and nobody has taken the request after
  `NOBODY_FREE_AFTER_WAITS` times HANDOVER_WAIT_MINUTES (the wait they were told to expect): while
  the clinic is still open they are told, once, that nobody is free just now, with the clinic's
  number (`utter_handover_nobody_free`); the request stays on reception's list. Requests made
  out of hours wait for the opening, as they were told, and are left alone.

Each is claimed in the records database first with one conditional statement
(`Records.handovers.hand_back_silent`, `claim_nobody_free`), so of several workers one acts; when
the Rasa server then does not do it, the claim is undone and the next round tries again.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Protocol

from ..opening_hours import OpeningHours, clinic_hours
from ..records import Records
from ..records import settings as records_settings
from ..records.handovers import HANDOVER_CHANNELS, HandoverRecord
from ..records.live import Changes
from ..settings import settings_from
from . import audit
from .conversations import RasaConversations, RasaUnreachable

logger = logging.getLogger(__name__)

NOBODY_FREE_AFTER_WAITS = 3  # x HANDOVER_WAIT_MINUTES: the wait a person was told to expect, three times over
NOBODY_FREE = "utter_handover_nobody_free"  # domain/handover.yml


class Rasa(Protocol):
    def hand_back(self, sender_id: str, automatically: bool = False) -> None: ...

    def say(self, sender_id: str, response: str, **values: Any) -> None: ...


@dataclass
class Round:
    handed_back: int = 0
    told_nobody_free: int = 0
    errors: Dict[str, int] = field(default_factory=dict)


@dataclass
class Unattended:
    records: Records
    rasa: Rasa
    idle: dt.timedelta  # HANDOVER_IDLE_MINUTES
    wait: dt.timedelta  # HANDOVER_WAIT_MINUTES
    hours: OpeningHours
    clinic: Dict[str, str]  # the clinic's name, phone and booking address, for the messages
    changes: Optional[Changes] = None  # the reception's open pages look again

    @classmethod
    def from_settings(cls, records: Records, env: Optional[Mapping[str, str]] = None) -> "Unattended":
        """For the follow-up worker: the process's settings, or those of `env`."""
        config = settings_from(env)
        return cls(records, RasaConversations(records_settings(env)), dt.timedelta(minutes=config.handover_idle_minutes),
                   dt.timedelta(minutes=config.handover_wait_minutes),
                   clinic_hours(config.clinic_timezone, config.clinic_opening_hours), config.clinic,
                   Changes(config.redis_url, config.redis_key_prefix))

    def run_once(self, now: dt.datetime) -> Round:
        done = Round()
        handovers = self.records.handovers
        since = now - self.idle
        for handover in handovers.silent(since):
            if not handovers.hand_back_silent(handover, since, now):
                continue  # its holder wrote meanwhile, or another worker has it
            try:
                self.rasa.hand_back(handover.sender_id, automatically=True)
            except RasaUnreachable as error:
                handovers.undo_hand_back_silent(handover)
                self._failed(done, "hand back", handover, error)
                continue
            done.handed_back += 1
            _audit("handover_handed_back_automatically", handover, now, idle_minutes=int(self.idle.total_seconds() // 60))
        if self.hours.is_open(now):
            for handover in handovers.long_waiting(now - NOBODY_FREE_AFTER_WAITS * self.wait):
                if handover.channel not in HANDOVER_CHANNELS or not handovers.claim_nobody_free(handover, now):
                    continue
                try:
                    self.rasa.say(handover.sender_id, NOBODY_FREE, **self.clinic)
                except RasaUnreachable as error:
                    handovers.claim_nobody_free(handover, None)
                    self._failed(done, "tell", handover, error)
                    continue
                done.told_nobody_free += 1
                _audit("handover_nobody_free_told", handover, now)
        if (done.handed_back or done.told_nobody_free) and self.changes is not None:
            self.changes.publish()
        return done

    @staticmethod
    def _failed(done: Round, what: str, handover: HandoverRecord, error: Exception) -> None:
        done.errors[what] = done.errors.get(what, 0) + 1
        logger.warning("Could not %s handover %d (%s); again next round", what, handover.id, error)


def _audit(event: str, handover: HandoverRecord, now: dt.datetime, **details: Any) -> None:
    """A line of the reception's audit log; the user is nobody: the follow-up worker acted."""
    audit.write(event, "follow-up worker", time=now, conversation=handover.sender_id, taken_by=handover.taken_by,
                **details)
