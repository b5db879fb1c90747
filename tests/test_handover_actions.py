"""Asking for a person, the actions alone (a real rasa-sdk Tracker, a records database of its
own, the clinic's clock set): within the opening hours the person is told the expected wait,
outside them when the clinic opens; care that is due comes first, always; a message that makes
the care due while staff hold the conversation is marked for the channel to answer at once."""
import datetime as dt

import pytest
from rasa_sdk import Tracker

import actions.handover as handover
import actions.prescreen as prescreen
from actions.forms import ActionExtractFindings
from actions.handover import ActionAskForPerson, ActionCareWhileTakenOver, ActionHandedBack
from pht.records import Records
from pht.settings import settings
from test_actions import make_tracker, run, slot_events
from test_records import OUTCOMES

MONDAY_10 = dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.timezone.utc)  # 10:00 in London
FRIDAY_NIGHT = dt.datetime(2027, 1, 8, 21, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def clinic(tmp_path, monkeypatch):
    store = Records(f"sqlite:///{tmp_path / 'records.db'}", migrate=True)
    monkeypatch.setattr(prescreen, "records", lambda: store)
    monkeypatch.setenv("CLINIC_OPENING_HOURS", "Mon-Fri 08:00-19:00")
    monkeypatch.setenv("CLINIC_TIMEZONE", "Europe/London")
    monkeypatch.setenv("HANDOVER_WAIT_MINUTES", "12")
    monkeypatch.setenv("CLINIC_PHONE", "020 7946 0000")
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings.cache_clear()
    yield store
    settings.cache_clear()
    store.close()


def asking(monkeypatch, moment, slots=None, form=False):
    monkeypatch.setattr(handover, "clock", lambda: moment)
    tracker = make_tracker("can I talk to a person", slots=slots, intent="ask_for_person", form=form)
    tracker.sender_id = "tg:100"
    return run(ActionAskForPerson(), tracker)


def paused(tracker):
    """The same conversation, paused: staff hold it (Rasa's ConversationPaused)."""
    return Tracker(tracker.sender_id, tracker.slots, tracker.latest_message, tracker.events, True, None,
                   tracker.active_loop, tracker.latest_action_name)


def texts(messages):
    return [message.get("text") or message.get("response") for message in messages]


def test_within_the_hours_the_person_is_told_the_expected_wait_and_the_request_waits(clinic, monkeypatch):
    said = texts(asking(monkeypatch, MONDAY_10)[0])
    assert len(said) == 1 and "about 12 minutes" in said[0] and "carry on with the questions" in said[0]
    waiting = clinic.handovers.open_of("tg:100")
    assert waiting.state == "waiting" and not waiting.out_of_hours and waiting.channel == "telegram"


def test_asking_again_is_told_they_are_on_the_list(clinic, monkeypatch):
    asking(monkeypatch, MONDAY_10)
    said = texts(asking(monkeypatch, MONDAY_10)[0])
    assert "You're on the list" in said[0] and len(clinic.handovers.of_sender("tg:100")) == 1


def test_out_of_hours_the_person_is_told_when_the_clinic_opens_and_the_request_is_kept(clinic, monkeypatch):
    said = texts(asking(monkeypatch, FRIDAY_NIGHT)[0])
    assert "is closed just now" in said[0] and "It opens on Monday at 08:00" in said[0] and "020 7946 0000" in said[0]
    assert clinic.handovers.open_of("tg:100").out_of_hours is True


def test_out_of_hours_early_in_the_morning_it_opens_today(clinic, monkeypatch):
    said = texts(asking(monkeypatch, dt.datetime(2027, 1, 5, 6, 0, tzinfo=dt.timezone.utc))[0])
    assert "It opens today at 08:00" in said[0]


def test_with_opening_hours_off_the_person_gets_the_phone_number_and_no_request_is_kept(clinic, monkeypatch):
    monkeypatch.setenv("CLINIC_OPENING_HOURS", "off")
    settings.cache_clear()
    said = texts(asking(monkeypatch, MONDAY_10)[0])
    assert "Nobody from the clinic can join this chat" in said[0] and "020 7946 0000" in said[0]
    assert clinic.handovers.open() == []


def test_care_that_is_due_comes_before_anything_about_a_person(clinic, monkeypatch):
    for level in ("emergency", "urgent"):
        said = texts(asking(monkeypatch, FRIDAY_NIGHT, slots=OUTCOMES[level])[0])
        assert said[0].startswith("Please don't wait:") and "is closed just now" in said[1]


def test_care_comes_first_when_the_request_itself_names_a_danger_sign(clinic, monkeypatch):
    said = texts(asking(monkeypatch, MONDAY_10, slots={"mentioned": {"red_flags": ["saddle_numbness"]}})[0])
    assert said[0].startswith("Please don't wait:")


def test_a_danger_sign_while_staff_hold_the_conversation_makes_the_care_due(clinic):
    tracker = paused(make_tracker("I've lost control of my bladder and my bum is numb", intent="inform",
                                  slots={"pain_location": "sit_bone"}, requested="onset"))
    _, events = run(ActionExtractFindings(), tracker)
    assert slot_events(events).get("care_due") is True
    tracker.slots.update(slot_events(events))
    said, cleared = run(ActionCareWhileTakenOver(), tracker)
    assert texts(said)[0].startswith("Please don't wait:") and slot_events(cleared) == {"care_due": None}


def test_an_ordinary_message_while_staff_hold_the_conversation_makes_nothing_due(clinic):
    tracker = paused(make_tracker("thanks, 3pm is fine", intent="thank", slots={"pain_location": "sit_bone"},
                                  requested="onset"))
    assert "care_due" not in slot_events(run(ActionExtractFindings(), tracker)[1])


def test_handed_back_during_the_questions_carries_on_and_after_them_ends(clinic):
    during = texts(run(ActionHandedBack(), make_tracker(intent="EXTERNAL_handed_back", form=True))[0])
    after = texts(run(ActionHandedBack(), make_tracker(intent="EXTERNAL_handed_back", form=False))[0])
    assert during == ["utter_handed_back", "utter_handed_back_carry_on"]
    assert after == ["utter_handed_back", "utter_handed_back_done"]


def test_the_reception_channel_never_waits_for_itself(clinic, monkeypatch):
    monkeypatch.setattr(handover, "clock", lambda: MONDAY_10)
    tracker = make_tracker("can I talk to a person", intent="ask_for_person", form=False)
    tracker.sender_id = "staff:abc"
    tracker.latest_message["input_channel"] = "staff"
    tracker.events = [{"event": "user", "input_channel": "staff"}]
    said, _ = run(ActionAskForPerson(), tracker)
    assert texts(said) == ["utter_handover_staff_channel"] and clinic.handovers.open() == []


def test_asking_for_a_person_while_the_records_are_down_gives_the_phone_number(clinic, monkeypatch):
    def broken():
        raise OSError("disk full")
    monkeypatch.setattr(prescreen, "records", broken)
    said = texts(asking(monkeypatch, MONDAY_10)[0])
    assert "couldn't pass your request on" in said[0] and "020 7946 0000" in said[0]



def test_handed_back_automatically_the_person_hears_the_staff_member_stepped_away_with_the_clinics_number(clinic):
    tracker = make_tracker(intent="EXTERNAL_handed_back", form=True,
                           slots={"staff_name": "Alice", "staff_stepped_away": True})
    said, events = run(ActionHandedBack(), tracker)
    assert texts(said)[0].startswith("Alice from the clinic had to step away, so the assistant is back with you")
    assert "020 7946 0000" in texts(said)[0] and texts(said)[1] == "utter_handed_back_carry_on"
    assert slot_events(events) == {"staff_stepped_away": None}  # the next handing back is a person's again


def test_on_the_rest_channel_nobody_can_join_so_the_person_gets_the_phone_number_and_no_request_waits(clinic, monkeypatch):
    monkeypatch.setattr(handover, "clock", lambda: MONDAY_10)
    tracker = make_tracker("can I talk to a person", intent="ask_for_person", form=False)
    tracker.sender_id = "rest:caller-1"
    said, _ = run(ActionAskForPerson(), tracker)
    assert "Nobody from the clinic can join this chat, as it only answers your messages" in texts(said)[0]
    assert "020 7946 0000" in texts(said)[0] and clinic.handovers.open() == []
