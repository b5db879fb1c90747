"""Check-ins for a website visitor, who cannot be messaged: the signed, expiring link
(pht/followups/links.py), the follow-up that waits instead of being sent (the worker never
sends it; "no reply" by the same rules), the page the website server serves for the link
(web/server.py: due, not yet, ended, expired, not valid), and starting the due check-in in
the visitor's own conversation through the Rasa server (a fake one here; the real one in
test_checkins_e2e.py and test_browser.py). Also a "no" to check-ins, recorded with its wording."""
from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request

import pytest

from channels.widget_sessions import WidgetSessions
from harness.fake_rasa import FakeRasa
from harness.servers import free_port
from pht.domain import render, domain
from pht.followups.by_link import LinkCheckIns
from pht.followups.links import check_in_url, link_expiry, make_token, page_for, read_token
from pht.followups.rasa import CHECK_IN_INTENT, RasaSender
from pht.followups.settings import follow_up_settings
from pht.followups.worker import Worker
from pht.records import NewFollowUp, Records
from pht.records.follow_up_view import as_text, follow_up_view
from pht.records.settings import settings as records_settings

T0 = dt.datetime(2027, 1, 1, 10, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)
KEY = b"k" * 32
SCHEDULE = [("2 weeks", T0 + 14 * DAY), ("6 weeks", T0 + 42 * DAY), ("12 weeks", T0 + 84 * DAY),
            ("6 months", T0 + 182 * DAY)]
WEB_SENDER = "web:" + "ab" * 16


@pytest.fixture
def records(tmp_path):
    store = Records(f"sqlite:///{tmp_path / 'records.db'}", migrate=True)
    yield store
    store.close()


def consent(records, sender=WEB_SENDER, channel="socketio", reference="PHT-WEB22", answer="yes"):
    new = NewFollowUp(prescreen_reference=reference, sender_id=sender, channel=channel, consented_at=T0,
                      consent={"answer": answer, "wording": "May I check in with you in 2 weeks?", "route": "link"},
                      baseline={"sitting_minutes": 20, "pain_score": 6}, stage=1)
    return records.follow_ups.create(new, SCHEDULE) if answer == "yes" else records.follow_ups.decline(new)


# -- the token ----------------------------------------------------------------------------------

def test_a_link_token_names_its_follow_up_until_it_expires_and_nothing_else_passes():
    expires = link_expiry(SCHEDULE[-1][1], 14)
    token = make_token("PHT-WEB22", expires, KEY)
    checked = read_token(token, KEY, T0)
    assert checked.status == "valid" and checked.token.reference == "PHT-WEB22" and checked.token.expires == expires
    assert read_token(token, KEY, expires).status == "expired"
    assert read_token(token, b"another key" * 3, T0).status == "invalid"
    altered = token.replace("PHT-WEB22", "PHT-WEB23")  # another person's follow-up, same signature
    assert read_token(altered, KEY, T0).status == "invalid"
    later = token.replace(f".{int(expires.timestamp())}.", f".{int(expires.timestamp()) + 86400 * 365}.")
    assert read_token(later, KEY, T0).status == "invalid"  # kept working longer: not without the key
    for broken in (token[:-3], "", None, 42, token + "x" * 200, "../etc/passwd"):
        assert read_token(broken, KEY, T0).status == "invalid"
    assert check_in_url("https://clinic.example/", token) == f"https://clinic.example/check-in?t={token}"


# -- what the page shows ------------------------------------------------------------------------

def test_the_page_opens_the_due_check_in_says_when_the_next_is_and_ends_with_the_follow_up(records):
    follow_up = consent(records)
    assert page_for(follow_up, T0 + DAY).kind == "not_yet"
    assert page_for(follow_up, T0 + DAY).next_due == SCHEDULE[0][1]
    due = page_for(follow_up, SCHEDULE[0][1] + DAY)
    assert due.kind == "due" and due.check_in.label == "2 weeks"
    late = page_for(follow_up, SCHEDULE[1][1] + DAY)  # the first was never answered: the latest is asked
    assert late.kind == "due" and late.check_in.label == "6 weeks"
    records.follow_ups.stop(WEB_SENDER, SCHEDULE[0][1])
    assert page_for(records.follow_ups.get(follow_up.id), SCHEDULE[0][1] + DAY).kind == "ended"
    assert page_for(None, T0).kind == "ended"  # deleted ("delete my data")


def test_an_answered_check_in_leaves_the_page_waiting_for_the_next(records):
    follow_up = consent(records)
    key = follow_up.check_ins[0].idempotency_key
    records.follow_ups.record_answers(key, {"pain_score": 3}, {"outcome": "next_stage", "urgency": "routine"},
                                      SCHEDULE[0][1] + DAY, stage=2)
    page = page_for(records.follow_ups.get(follow_up.id), SCHEDULE[0][1] + 2 * DAY)
    assert page.kind == "not_yet" and page.next_due == SCHEDULE[1][1]


# -- the worker: nothing is sent for the website; waiting, then "no reply" ------------------------

class NoSends:
    def __init__(self) -> None:
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        raise AssertionError(f"the worker tried to send a website check-in: {message}")


def worker(records, tmp_path, clock):
    config = follow_up_settings({"PHT_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": records.url,
                                 "FOLLOW_UP_QUIET_HOURS": "off"})
    return Worker(records, NoSends(), config, clock=clock)


def test_the_worker_never_sends_a_website_check_in_it_waits_then_is_no_reply_by_the_same_rules(records, tmp_path):
    follow_up = consent(records)
    now = {"at": SCHEDULE[0][1] + dt.timedelta(hours=1)}
    round_one = worker(records, tmp_path, lambda: now["at"]).run_once()
    assert round_one.sent == 0 and round_one.waiting == 1
    check_in = records.follow_ups.get(follow_up.id).check_ins[0]
    assert check_in.state == "waiting" and check_in.deliveries[-1]["outcome"] == "waiting"
    assert records.follow_ups.list(show="no_reply") == []
    now["at"] = SCHEDULE[0][1] + dt.timedelta(hours=47)  # a reminder's day and its own day: still waiting
    assert worker(records, tmp_path, lambda: now["at"]).run_once().no_reply == 0
    now["at"] = SCHEDULE[0][1] + dt.timedelta(hours=49)
    assert worker(records, tmp_path, lambda: now["at"]).run_once().no_reply == 1
    assert records.follow_ups.get(follow_up.id).check_ins[0].state == "no_reply"
    assert [item.id for item in records.follow_ups.list(show="no_reply")] == [follow_up.id]
    # answered late by the link: the answer counts
    records.follow_ups.record_answers(check_in.idempotency_key, {"pain_score": 4}, {"outcome": "ease_off"},
                                      now["at"], stage=1)
    assert records.follow_ups.get(follow_up.id).check_ins[0].state == "answered"
    assert records.follow_ups.list(show="no_reply") == []


def test_a_messaging_app_follow_up_is_still_sent_not_left_waiting(records, tmp_path):
    consent(records, sender="tg:1", channel="telegram", reference="PHT-TEL22")
    claimed = records.follow_ups.claim_due(SCHEDULE[0][1] + DAY, dt.timedelta(minutes=2), ["telegram"])
    assert records.follow_ups.mark_waiting(SCHEDULE[0][1] + DAY, ["telegram"], 2 * DAY) == 0
    assert len(claimed) == 1


# -- a "no" --------------------------------------------------------------------------------------

def test_a_no_is_recorded_with_its_wording_and_nothing_is_ever_sent_or_stopped(records, tmp_path):
    declined = consent(records, sender="tg:2", channel="telegram", reference="PHT-DEC22", answer="no")
    assert declined.state == "declined" and declined.check_ins == []
    assert declined.consent == {"answer": "no", "wording": "May I check in with you in 2 weeks?", "route": "link"}
    assert records.follow_ups.claim_due(T0 + 400 * DAY, dt.timedelta(minutes=2), ["telegram"]) == []
    assert records.follow_ups.stop("tg:2", T0 + DAY) == 0  # "stop": there is nothing to stop
    view = follow_up_view(declined)
    assert view.state == "Check-ins declined" and view.consent_answer == "no"
    assert "Check-ins declined" in as_text(view) and "May I check in with you in 2 weeks?" in as_text(view)


# -- the page on the website server ----------------------------------------------------------------

@pytest.fixture
def site(records, tmp_path):
    from web.server import serve

    fake = FakeRasa(records=records)
    env = {"PHT_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": records.url, "RASA_URL": fake.url,
           "RASA_AUTH_TOKEN": fake.token, "FOLLOW_UP_LINK_KEY": "the-link-key", "CLINIC_NAME": "Northside Physio",
           "CLINIC_TIMEZONE": "Europe/London"}
    server = serve(env, free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "env": env, "fake": fake}
    server.shutdown()
    fake.close()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.read().decode(), dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def post_start(site, token, content_type="application/json"):
    request = urllib.request.Request(site["url"] + "/check-in/start", data=json.dumps({"token": token}).encode(),
                                     method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}") if content_type == "application/json" else {}


def words(name, **values):
    return render(domain(), f"utter_check_in_page_{name}", clinic_name="Northside Physio", **values)


def link_for(site, reference="PHT-WEB22", expires=None):
    key = records_settings(site["env"]).follow_up_link_key()
    return make_token(reference, expires or link_expiry(SCHEDULE[-1][1], 14), key)


def test_the_check_in_page_says_calmly_what_a_link_can_do(site, records):
    import html

    consent(records)
    real_now = dt.datetime.now(dt.timezone.utc)
    # the follow-up was consented in 2027: its first check-in is not due yet
    status, page, headers = get(check_in_url(site["url"], link_for(site)))
    assert status == 200 and html.escape(words("not_yet", due_day="Friday 15 January 2027")) in page
    assert "data-pht-chat" not in page and headers["Cache-Control"] == "no-store"
    assert "noindex" in headers["X-Robots-Tag"]
    status, page, _ = get(check_in_url(site["url"], link_for(site, expires=real_now - DAY)))
    assert status == 410 and html.escape(words("expired")) in page
    status, page, _ = get(check_in_url(site["url"], link_for(site)[:-4]))
    assert status == 404 and html.escape(words("invalid")) in page
    status, page, _ = get(site["url"] + "/check-in")
    assert status == 404 and html.escape(words("invalid")) in page
    status, page, _ = get(check_in_url(site["url"], link_for(site, reference="PHT-NONE2")))  # deleted meanwhile
    assert status == 200 and html.escape(words("ended")) in page
    assert post_start(site, link_for(site))[0] == 409  # not due: nothing is started
    assert post_start(site, link_for(site)[:-4])[0] == 403
    assert post_start(site, link_for(site), content_type="text/plain")[0] == 400
    assert site["fake"].calls == []


def test_a_due_check_in_is_started_in_the_visitors_conversation_once_and_the_widget_joins_it(site, records):
    real_now = dt.datetime.now(dt.timezone.utc)
    follow_up = records.follow_ups.create(NewFollowUp(
        prescreen_reference="PHT-DUE22", sender_id=WEB_SENDER, channel="socketio", consented_at=real_now - 15 * DAY,
        consent={"answer": "yes", "wording": "May I?"}, baseline={}, stage=1),
        [("2 weeks", real_now - DAY), ("6 weeks", real_now + 27 * DAY)])
    token = link_for(site, reference="PHT-DUE22", expires=real_now + 60 * DAY)
    status, page, _ = get(check_in_url(site["url"], token))
    assert status == 200 and f'data-check-in="{token}"' in page and "/widget/chat.js" in page
    status, answer = post_start(site, token)
    assert status == 200
    assert WidgetSessions.from_env(site["env"]).sender_id(answer["session_id"]) == WEB_SENDER
    [call] = site["fake"].calls
    assert (call.conversation, call.output_channel, call.intent) == (WEB_SENDER, "socketio", CHECK_IN_INTENT)
    assert call.key == follow_up.check_ins[0].idempotency_key
    assert post_start(site, token)[0] == 200  # the page opened again: the same key, which the Rasa side acts on once
    assert [c.key for c in site["fake"].calls] == [follow_up.check_ins[0].idempotency_key] * 2
    assert [c.delivered for c in site["fake"].calls] == [True, False]


def test_a_link_cannot_open_a_messaging_apps_follow_up(site, records):
    real_now = dt.datetime.now(dt.timezone.utc)
    records.follow_ups.create(NewFollowUp(
        prescreen_reference="PHT-TGM22", sender_id="tg:9", channel="telegram", consented_at=real_now - 15 * DAY,
        consent={"answer": "yes"}, baseline={}, stage=1), [("2 weeks", real_now - DAY)])
    token = link_for(site, reference="PHT-TGM22", expires=real_now + DAY)
    assert post_start(site, token)[0] == 409 and site["fake"].calls == []


def test_the_rasa_server_down_gives_a_calm_message_and_nothing_else(site, records):
    real_now = dt.datetime.now(dt.timezone.utc)
    records.follow_ups.create(NewFollowUp(
        prescreen_reference="PHT-DWN22", sender_id=WEB_SENDER, channel="socketio", consented_at=real_now - 15 * DAY,
        consent={"answer": "yes"}, baseline={}, stage=1), [("2 weeks", real_now - DAY)])
    site["fake"].status = 500
    status, answer = post_start(site, link_for(site, reference="PHT-DWN22", expires=real_now + DAY))
    assert status == 503 and answer == {"message": words("unavailable")}


def test_links_sign_through_the_sender(records):
    """LinkCheckIns: the token decides the follow-up; the follow-up its conversation."""
    fake = FakeRasa(records=records)
    try:
        real_now = dt.datetime.now(dt.timezone.utc)
        records.follow_ups.create(NewFollowUp(
            prescreen_reference="PHT-SND22", sender_id=WEB_SENDER, channel="socketio",
            consented_at=real_now - 15 * DAY, consent={"answer": "yes"}, baseline={}, stage=1),
            [("2 weeks", real_now - DAY)])
        links = LinkCheckIns(records, KEY, RasaSender(fake.url, fake.token, 30))
        view = links.view(make_token("PHT-SND22", real_now + DAY, KEY))
        assert view.page.kind == "due" and links.start(view).sender_id == WEB_SENDER
        with pytest.raises(ValueError):
            links.start(links.view(make_token("PHT-SND22", real_now - DAY, KEY)))
    finally:
        fake.close()


def test_every_sentence_of_the_check_in_page_is_one_the_server_shows():
    from web.server import CHECK_IN_PAGE_RESPONSES

    shown = {"title", "due", "not_yet", "ended", "expired", "invalid", "unavailable"}
    assert {name[len(CHECK_IN_PAGE_RESPONSES):] for name in domain()["responses"]
            if name.startswith(CHECK_IN_PAGE_RESPONSES)} == shown


def test_only_a_mobile_number_with_its_country_code_is_taken():
    from pht.followups.phone import e164, ending, twilio_address

    assert e164("+44 7700 900123") == "+447700900123" == e164("0044 (7700) 900-123") == e164("+44.7700.900.123")
    for not_one in ("07700 900123", "+0 7700 900123", "+44 7700", "+44 7700 900123 456789", "call me", "", None,
                    "+44 7700 900123x"):
        assert e164(not_one) is None, not_one
    assert twilio_address("+447700900123", "whatsapp") == "whatsapp:+447700900123"
    assert twilio_address("+447700900123", "sms") == "+447700900123" and ending("+447700900123") == "123"
    with pytest.raises(ValueError):
        twilio_address("+447700900123", "fax")
