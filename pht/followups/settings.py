"""What the follow-up worker needs of the settings (pht/settings.py reads and documents every
variable): where the Rasa server is and its API token, the channels it may message, the
quiet hours, and how it retries."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple

from ..records import settings as records_settings
from ..settings import settings_from
from .timing import QuietHours

HEARTBEAT_FILE = "follow-ups.heartbeat"  # touched after every round: the container's health check


@dataclass(frozen=True)
class FollowUpSettings:
    database_url: str
    rasa_url: str
    rasa_token: Optional[str]
    channels: Tuple[str, ...]
    quiet_hours: QuietHours
    poll_seconds: float
    send_timeout_seconds: float
    lease: dt.timedelta
    max_attempts: int
    retry_first: dt.timedelta
    retry_most: dt.timedelta
    reminder_after: dt.timedelta  # from the check-in to its reminder, and from the reminder to "no reply"
    heartbeat_file: Path


def follow_up_settings(env: Optional[Mapping[str, str]] = None) -> FollowUpSettings:
    """The worker's settings, from the process's environment or `env`; a value that cannot
    work stops the process with a message naming its variable."""
    config = settings_from(env)
    records = records_settings(env)
    try:
        quiet_hours = QuietHours.parse(config.follow_up_quiet_hours, config.clinic_timezone)
    except ValueError as error:
        raise SystemExit(f"FOLLOW_UP_QUIET_HOURS or CLINIC_TIMEZONE: {error} (pht/settings.py)") from None
    if config.follow_up_lease_seconds <= config.follow_up_send_timeout_seconds:
        raise SystemExit("FOLLOW_UP_LEASE_SECONDS must be more than FOLLOW_UP_SEND_TIMEOUT_SECONDS: a check-in still "
                         "being sent would be sent again (pht/settings.py)")
    return FollowUpSettings(
        database_url=records.database_url,
        rasa_url=records.rasa_url,
        rasa_token=records.rasa_token(),
        channels=tuple(config.follow_up_channels.replace(",", " ").split()),
        quiet_hours=quiet_hours,
        poll_seconds=config.follow_up_poll_seconds,
        send_timeout_seconds=config.follow_up_send_timeout_seconds,
        lease=dt.timedelta(seconds=config.follow_up_lease_seconds),
        max_attempts=config.follow_up_max_attempts,
        retry_first=dt.timedelta(seconds=config.follow_up_retry_first_seconds),
        retry_most=dt.timedelta(seconds=config.follow_up_retry_most_seconds),
        reminder_after=dt.timedelta(hours=config.follow_up_reminder_hours),
        heartbeat_file=config.var_dir / HEARTBEAT_FILE,
    )
