"""The clinic's opening hours: whether a person from the clinic can answer now, and if not,
when the clinic opens next.

`OpeningHours.parse("Mon-Fri 08:00-19:00; Sat 09:00-12:30", "Europe/London")` reads
CLINIC_OPENING_HOURS: groups separated by `;`, each days (a day, a range `Mon-Fri`, or a
list `Mon,Wed`) and one or more times (`08:00-12:00 13:00-17:00`), in the clinic's time zone
(CLINIC_TIMEZONE). `off`: nobody from the clinic joins chats, and a person who asks is given
the clinic's phone number instead. Times are given `now`, never read here, so a test can ask
at any moment.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from pht.followups.timing import clinic_zone

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OFF = ("off", "none", "closed")
EXAMPLE = "Mon-Fri 08:00-19:00; Sat 09:00-12:00"
_TIMES = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
Window = Tuple[dt.time, dt.time]  # from, to (to may be 24:00, kept as time.max)


@dataclass(frozen=True)
class OpeningHours:
    """Opening windows per weekday (0 Monday ... 6 Sunday) in the clinic's zone."""

    zone: ZoneInfo
    windows: Dict[int, Tuple[Window, ...]]

    @classmethod
    def parse(cls, text: str, zone_name: str) -> "OpeningHours":
        """From CLINIC_OPENING_HOURS and an IANA zone name; ValueError saying what is wrong."""
        zone = clinic_zone(zone_name)
        windows: Dict[int, List[Window]] = {}
        if text.strip().lower() in OFF:
            return cls(zone, {})
        for group in filter(None, (part.strip() for part in text.split(";"))):
            days_text, *times = group.replace(" - ", "-").split()
            if not times:
                raise ValueError(f"{group!r} has no times: write it like {EXAMPLE!r}")
            for day in _days(days_text):
                windows.setdefault(day, []).extend(_window(item) for item in times)
        return cls(zone, {day: tuple(sorted(found)) for day, found in windows.items()})

    def is_open(self, now: dt.datetime) -> bool:
        local = now.astimezone(self.zone)
        return any(start <= local.time() < end for start, end in self.windows.get(local.weekday(), ()))

    def next_opening(self, now: dt.datetime) -> Optional[dt.datetime]:
        """When the clinic opens next after `now` (in the clinic's zone), or None when it never
        does. While open, the start of the next window, not the current one."""
        local = now.astimezone(self.zone)
        for ahead in range(8):
            day = local.date() + dt.timedelta(days=ahead)
            for start, _ in self.windows.get(day.weekday(), ()):
                opening = dt.datetime.combine(day, start, tzinfo=self.zone)
                if opening > local:
                    return opening
        return None

    def closes_at(self, now: dt.datetime) -> Optional[dt.datetime]:
        """When the window `now` is in ends (the clinic's zone); None when closed."""
        local = now.astimezone(self.zone)
        for start, end in self.windows.get(local.weekday(), ()):
            if start <= local.time() < end:
                return dt.datetime.combine(local.date(), end, tzinfo=self.zone)
        return None


def _days(text: str) -> List[int]:
    days: List[int] = []
    for part in text.lower().split(","):
        first, _, last = part.partition("-")
        if first[:3] not in DAYS or (last and last[:3] not in DAYS):
            raise ValueError(f"{text!r} is not days like Mon-Fri or Sat (in {EXAMPLE!r})")
        start, end = DAYS.index(first[:3]), DAYS.index((last or first)[:3])
        days += [(start + offset) % 7 for offset in range((end - start) % 7 + 1)]
    return days


def _window(text: str) -> Window:
    matched = _TIMES.match(text)
    if not matched:
        raise ValueError(f"{text!r} is not times like 08:00-19:00 (in {EXAMPLE!r})")
    hours = [int(part) for part in matched.groups()]
    try:
        start = dt.time(hours[0], hours[1])
        end = dt.time.max if (hours[2], hours[3]) == (24, 0) else dt.time(hours[2], hours[3])
    except ValueError as error:
        raise ValueError(f"{text!r} is not times like 08:00-19:00 ({error})") from error
    if end <= start:
        raise ValueError(f"{text!r} ends before it starts (opening hours do not cross midnight)")
    return start, end


def days_ahead(moment: dt.datetime, now: dt.datetime) -> int:
    """How many of the clinic's days `moment` is after `now`: 0 today, 1 tomorrow, ..."""
    return (moment.date() - now.astimezone(moment.tzinfo).date()).days


def clinic_hours(zone_name: str, hours_text: str) -> OpeningHours:
    """CLINIC_OPENING_HOURS in CLINIC_TIMEZONE; a value that cannot work stops with a message
    naming the variables."""
    try:
        return OpeningHours.parse(hours_text, zone_name)
    except ValueError as error:
        raise SystemExit(f"CLINIC_OPENING_HOURS or CLINIC_TIMEZONE: {error} (pht/settings.py)") from None
