"""Time for the follow-up worker: the one clock, the clinic's quiet hours, and the back-off.

`clock()` is the only place the follow-ups read the time of day; everything else is given
`now`, so a test, or `make follow-ups-due AT=...`, can run the schedule at any moment.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OFF = ("off", "none", "no")
WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def clock() -> dt.datetime:
    """Now, in UTC: the worker's clock."""
    return dt.datetime.now(dt.timezone.utc)


def utc(text: str) -> dt.datetime:
    """An ISO 8601 time (`2027-01-15T10:00:00Z`, or with an offset; UTC when it has none)."""
    text = text.strip()
    moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def clinic_zone(zone_name: str) -> ZoneInfo:
    """The clinic's time zone (CLINIC_TIMEZONE) by its IANA name; ValueError saying what is wrong."""
    try:
        return ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{zone_name!r} is not a time zone (e.g. Europe/London)") from error


@dataclass(frozen=True)
class QuietHours:
    """The hours of the clinic's day (its time zone) when no message is sent: `start` to `end`,
    across midnight when `start` is later than `end`. None: no quiet hours."""

    zone: ZoneInfo
    start: Optional[dt.time] = None
    end: Optional[dt.time] = None

    @classmethod
    def parse(cls, window: str, zone_name: str) -> "QuietHours":
        """From "21:00-08:00" (or "off") and an IANA zone name; ValueError saying what is wrong."""
        zone = clinic_zone(zone_name)
        if window.strip().lower() in OFF:
            return cls(zone)
        matched = WINDOW.match(window)
        if not matched:
            raise ValueError(f"{window!r} is not a window like 21:00-08:00 (or off)")
        hours = [int(part) for part in matched.groups()]
        try:
            start, end = dt.time(hours[0], hours[1]), dt.time(hours[2], hours[3])
        except ValueError as error:
            raise ValueError(f"{window!r} is not a window like 21:00-08:00 ({error})") from error
        return cls(zone, start, end) if start != end else cls(zone)

    def contains(self, now: dt.datetime) -> bool:
        """Whether `now` falls in the quiet hours."""
        if self.start is None or self.end is None:
            return False
        local = now.astimezone(self.zone).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, now: dt.datetime) -> Optional[dt.datetime]:
        """When the quiet hours `now` is in end (UTC); None when `now` is not in them."""
        if not self.contains(now) or self.end is None:
            return None
        local = now.astimezone(self.zone)
        end = dt.datetime.combine(local.date(), self.end, tzinfo=self.zone)
        if end <= local:
            end = dt.datetime.combine(local.date() + dt.timedelta(days=1), self.end, tzinfo=self.zone)
        return end.astimezone(dt.timezone.utc)


def backoff(failures: int, first: dt.timedelta, most: dt.timedelta) -> dt.timedelta:
    """The wait after that many failed attempts in a row: first, twice that, four times ..., at most `most`."""
    return min(most, first * 2 ** max(0, failures - 1))
