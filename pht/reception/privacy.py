"""Deleting a person's data and purging old data, for the staff CLI and the reception page.

The conversation goes first, through the running Rasa server, which deletes it under the
conversation's lock (rasa_server/privacy.py says why another process must not delete the
rows itself); then the records. If the Rasa server cannot be reached, nothing is deleted and
the error says so, so the deletion can simply be asked for again.
"""
from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from ..records import Record, Records
from ..records.settings import Settings

TIMEOUT_SECONDS = 30


class ConversationsUnreachable(RuntimeError):
    """The Rasa server did not delete the conversation; the message says why and what to do."""


@dataclass(frozen=True)
class Forgotten:
    sender_id: str
    references: List[str]
    events_deleted: int


def ask_rasa(config: Settings, route: str, body: Dict[str, Any]) -> Dict[str, Any]:
    token = config.rasa_token()
    if not token:
        raise ConversationsUnreachable(
            "no Rasa API token: set RASA_AUTH_TOKEN to the Rasa server's token "
            "(make run keeps it in var/rasa_auth_token)")
    request = urllib.request.Request(
        f"{config.rasa_url}/webhooks/privacy/{route}", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:
            return json.loads(reply.read().decode())
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:300]
        raise ConversationsUnreachable(
            f"the Rasa server at {config.rasa_url} refused ({error.code}): {detail}") from error
    except (urllib.error.URLError, OSError) as error:
        raise ConversationsUnreachable(
            f"the Rasa server at {config.rasa_url} cannot be reached ({error}); conversations are deleted only "
            "through it, under each conversation's lock. Start it (make run) or set RASA_URL, then try again."
        ) from error


def same_person(records: Records, record: Record) -> List[Record]:
    """The pre-screens of the person a record is about: every pre-screen of its conversation,
    except when staff entered it, because one reception conversation can hold several
    patients one after another ("start again"): then only that one."""
    if record.staff_entered:
        return [record]
    return [other for other in records.of_sender(record.sender_id) if not other.staff_entered]


def forget_person(records: Records, config: Settings, record: Record) -> Forgotten:
    """Delete the conversation (through Rasa, under its lock), then the person's pre-screens."""
    answer = ask_rasa(config, "forget", {"sender_id": record.sender_id})
    references = records.delete([other.reference for other in same_person(records, record)])
    if not record.staff_entered:  # the person's conversation: what staff wrote in it goes too
        records.handovers.delete_of_sender(record.sender_id)
    return Forgotten(sender_id=record.sender_id, references=references,
                     events_deleted=int(answer.get("events_deleted", 0)))


def retention_cutoff(config: Settings, now: Optional[dt.datetime] = None) -> dt.datetime:
    return (now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(days=config.retention_days)


def purge(records: Records, config: Settings, now: Optional[dt.datetime] = None) -> Dict[str, Any]:
    """Delete the records and the conversations older than the retention period. The records
    go even when the Rasa server cannot be reached: then `conversations_error` says why the
    conversations did not."""
    cutoff = retention_cutoff(config, now)
    references = records.purge(cutoff)
    result: Dict[str, Any] = {"before": cutoff.isoformat(), "records_deleted": len(references)}
    try:
        answer = ask_rasa(config, "purge", {"before": cutoff.timestamp()})
        result["conversations_deleted"] = int(answer.get("conversations_deleted", 0))
    except ConversationsUnreachable as error:
        result["conversations_error"] = str(error)
    return result
