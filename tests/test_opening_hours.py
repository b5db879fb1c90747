"""The clinic's opening hours (CLINIC_OPENING_HOURS): open now, or when it opens next."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pht.opening_hours import OpeningHours, days_ahead

LONDON = ZoneInfo("Europe/London")


def at(text: str) -> dt.datetime:
    """A time on the clinic's clock (2027-01-04 is a Monday)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


WEEKDAYS = OpeningHours.parse("Mon-Fri 08:00-19:00", "Europe/London")


def test_open_within_the_hours_of_a_weekday():
    assert WEEKDAYS.is_open(at("2027-01-04T08:00"))
    assert WEEKDAYS.is_open(at("2027-01-08T18:59"))


def test_closed_at_closing_time_before_opening_and_at_the_weekend():
    assert not WEEKDAYS.is_open(at("2027-01-04T19:00"))
    assert not WEEKDAYS.is_open(at("2027-01-04T07:59"))
    assert not WEEKDAYS.is_open(at("2027-01-09T10:00"))


def test_the_clinic_time_zone_decides_not_utc():
    summer = OpeningHours.parse("Mon-Fri 08:00-19:00", "Europe/London")
    seven_utc = dt.datetime(2027, 7, 5, 7, 30, tzinfo=dt.timezone.utc)  # 08:30 in London
    assert summer.is_open(seven_utc)


def test_friday_evening_opens_next_on_monday_morning():
    opening = WEEKDAYS.next_opening(at("2027-01-08T20:00"))
    assert opening == at("2027-01-11T08:00")
    assert days_ahead(opening, at("2027-01-08T20:00")) == 3


def test_early_morning_opens_the_same_day():
    assert WEEKDAYS.next_opening(at("2027-01-05T06:15")) == at("2027-01-05T08:00")
    assert days_ahead(at("2027-01-05T08:00"), at("2027-01-05T06:15")) == 0


def test_several_groups_days_lists_and_a_lunch_break():
    hours = OpeningHours.parse("Mon,Wed 09:00-12:00 13:00-17:00; Sat 10:00-12:00", "Europe/London")
    assert hours.is_open(at("2027-01-06T09:30"))
    assert not hours.is_open(at("2027-01-06T12:30"))
    assert hours.next_opening(at("2027-01-06T12:30")) == at("2027-01-06T13:00")
    assert not hours.is_open(at("2027-01-05T10:00"))  # Tuesday
    assert hours.next_opening(at("2027-01-06T17:30")) == at("2027-01-09T10:00")
    assert hours.closes_at(at("2027-01-09T11:00")) == at("2027-01-09T12:00")


def test_off_is_never_open_and_never_opens():
    hours = OpeningHours.parse("off", "Europe/London")
    assert not hours.is_open(at("2027-01-04T10:00"))
    assert hours.next_opening(at("2027-01-04T10:00")) is None


@pytest.mark.parametrize("text", ["Mon-Fri", "Mnday 08:00-19:00", "Mon-Fri 8-19", "Mon 19:00-08:00",
                                  "Mon 25:00-26:00"])
def test_hours_that_cannot_work_are_refused_saying_why(text):
    with pytest.raises(ValueError):
        OpeningHours.parse(text, "Europe/London")


def test_an_unknown_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        OpeningHours.parse("Mon-Fri 08:00-19:00", "Mars/Olympus")
