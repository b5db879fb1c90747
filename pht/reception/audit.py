"""The reception's audit log (logger `reception.audit`): who signed in, opened, exported,
deleted, took over or handed back what, never clinical content. The reception page
(web/reception/app.py) and the follow-up worker's care of unattended conversations
(pht/reception/unattended.py) both write it here, in one format.

One JSON object on one line: json.dumps escapes a new line or a quote in any value, so a login
name or a reference typed into a form cannot start a line of its own.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Optional

audit_log = logging.getLogger("reception.audit")


def write(event: str, client: str, user: Optional[str] = None, reference: Optional[str] = None,
          time: Optional[dt.datetime] = None, **details: Any) -> None:
    """One audit line; `client` is who asked (an address, or the process that acted)."""
    entry = {"time": (time or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"), "event": event,
             "user": user, "reference": reference, "client": client, **details}
    audit_log.info(json.dumps(entry, ensure_ascii=True))
