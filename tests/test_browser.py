"""The chat widget on the demo clinic page, in Debian's Chromium driven by Playwright.

A whole pre-screen by clicking answer buttons and typing free text, the first answer by
keyboard alone; a reload in the middle keeps the conversation; the connection is cut and
restored (the widget says so and carries on); an axe-core scan finds nothing serious or
critical; no sideways scrolling at 320 px. Screenshots go to results/browser/ (git-ignored).
The widget reaches Rasa through a relay the test can cut (tcp_relay.py).

Then reception: the pre-screen finished in the widget shows up on the reception page within
seconds; it is opened, printed (print view, and as Chromium prints it) and exported as FHIR
that passes the Questionnaire check.

Then rasa-webchat (npm, the version pinned in web/package-lock.json), a supported client, on
its demo page (web/demo/webchat.html): from its default start, opened from its launcher, to the
outcome, answering by its quick-reply buttons and by typing, with a reload in the middle.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from pht.reception.users import Users
from pht.records import NewPrescreen, Records, settings
from pht.records.fhir import check_response, from_questionnaire_response
from pht.triage import assess
from channels import credentials
from common import CLASSIC
from harness.servers import MODEL, ROOT, Assistant, free_port
from tcp_relay import Relay
from test_e2e import CLASSIC_ANSWERS

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.js"
SCREENSHOTS = ROOT / "results" / "browser"
SESSION_KEY = "pht-chat-session"
STATUS_SAYS = "text => document.querySelector('[role=status]').textContent.includes(text)"
WAIT_MS = 90_000  # a turn on a busy 2-core machine; a wait, not an assertion about speed


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Dict[str, Any]]:
    from web.server import SOCKET_IO_CLIENT, serve

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make chromium` (apt-get install chromium)")
    if not (SOCKET_IO_CLIENT.exists() and AXE.exists()):
        pytest.fail("the widget's npm packages are missing: run `make web`")
    workdir = tmp_path_factory.mktemp("browser")
    page_port = free_port()
    origin = f"http://127.0.0.1:{page_port}"
    assistant = Assistant(workdir)
    env = {"CHAT_ALLOWED_ORIGINS": origin, "CLINIC_BOOKING_URL": "https://northside-physio.example/book",
           "WEB_PUBLIC_URL": origin}  # a website visitor's check-in link leads back to this page server
    assistant.credentials = workdir / "credentials.yml"
    credentials.write(assistant.credentials, env)
    assistant.env = env
    assistant.start()
    relay = Relay(assistant.rasa_port, free_port()).up()
    page_server = serve({"CHAT_SERVER_URL": f"http://127.0.0.1:{relay.port}", "PHT_VAR_DIR": str(workdir),
                         "RASA_URL": assistant.url, "RASA_AUTH_TOKEN": assistant.token}, page_port)
    threading.Thread(target=page_server.serve_forever, daemon=True).start()
    reception = start_reception(workdir, assistant)
    yield {"assistant": assistant, "url": origin, "relay": relay, **reception}
    reception["reception_server"].should_exit = True
    page_server.shutdown()
    relay.down()
    assistant.stop()


RECEPTION_USER, RECEPTION_PASSWORD = "reception", "front desk 2026"


def start_reception(workdir: Path, assistant: Assistant) -> Dict[str, Any]:
    """The reception page on the records the assistant writes, as `make run` serves it."""
    from web.reception.app import create_app, server

    config = settings({"PHT_VAR_DIR": str(workdir), "DATABASE_URL": f"sqlite:///{workdir / 'records.db'}",
                       "RASA_URL": assistant.url, "RASA_AUTH_TOKEN": assistant.token,
                       "RECEPTION_REFRESH_SECONDS": "2"})
    Users(config).add(RECEPTION_USER, RECEPTION_PASSWORD)
    port = free_port()
    running = server(create_app(config), "127.0.0.1", port)
    threading.Thread(target=running.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return {"reception_url": f"http://127.0.0.1:{port}", "reception_server": running,
            "records": Records(config=config)}


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright.chromium


def launch(chromium, profile: Path, **options: Any):
    """Debian's Chromium, headless, with a profile of its own."""
    context = chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(WAIT_MS)
    return context


@pytest.fixture(scope="module")
def browser(chromium, tmp_path_factory):
    # bypass_csp: so the test can inject axe-core into a page whose CSP forbids inline scripts
    context = launch(chromium, tmp_path_factory.mktemp("chromium-profile"), bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def browser_keeping_the_csp(chromium, tmp_path):
    """A browser that applies the pages' Content-Security-Policy, as a visitor's does."""
    context = launch(chromium, tmp_path / "chromium-profile")
    yield context
    context.close()


# --- following the conversation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Client:
    """A chat client on a page, as the test follows it."""

    session_id: str  # JavaScript: the session id the server confirmed, as the page keeps it
    message: str  # CSS: one message shown, the person's or the assistant's
    bot_message: str  # CSS: one of the assistant's messages
    options: str  # CSS: the answer buttons of the question being asked
    typing: str  # CSS: shown while an answer is coming
    send: Callable[[Any, str], None]  # types a message and sends it


def type_into_widget(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def type_into_rasa_webchat(page, text: str) -> None:
    page.locator("textarea.rw-new-message").fill(text)
    page.locator("textarea.rw-new-message").press("Enter")


WIDGET = Client(session_id=f"sessionStorage.getItem('{SESSION_KEY}')", message=".pht-msg", bot_message=".pht-msg--bot, .pht-msg--staff",
                options=".pht-options button", typing=".pht-chat__typing", send=type_into_widget)
# rasa-webchat keeps its session (and its copy of the conversation) in `chat_session`
RASA_WEBCHAT = Client(session_id="(JSON.parse(sessionStorage.getItem('chat_session') || '{}').session_id)",
                      message=".rw-message:not(.rw-typing-indication)",
                      bot_message=".rw-from-response .rw-message:not(.rw-typing-indication)",
                      options=".rw-replies .rw-reply", typing=".rw-typing-indication", send=type_into_rasa_webchat)


def session_id(page, client: Client = WIDGET) -> str:
    """The page's conversation: `web:` + the random part of the session id the server issued it."""
    page.wait_for_function(f"() => {client.session_id}")
    return "web:" + page.evaluate(f"() => {client.session_id}").split(".")[0]


def events(site, page, client: Client = WIDGET) -> List[Dict[str, Any]]:
    return site["assistant"].conversation(session_id(page, client))["events"]


def expected_bot_bubbles(all_events: List[Dict[str, Any]]) -> int:
    """How many bot messages the page shows for a tracker: a message per paragraph (a staff
    member's message is one, channels/socketio.py)."""
    starts = [index for index, event in enumerate(all_events) if event["event"] == "session_started"]
    since = all_events[starts[-1] + 1:] if starts else all_events
    return sum(1 if (event.get("metadata") or {}).get("staff_name") else
               len([part for part in (event.get("text") or "").strip().split("\n\n") if part]) or 1
               for event in since if event["event"] == "bot")


def wait_for_turn(site, page, users_before: int, client: Client = WIDGET) -> List[Dict[str, Any]]:
    """Wait until the assistant has answered message `users_before + 1` and the page shows it all."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        current = events(site, page, client)
        users = sum(event["event"] == "user" for event in current)
        if users > users_before and current[-1]["event"] == "action" and current[-1]["name"] == "action_listen":
            page.wait_for_function("([selector, n]) => document.querySelectorAll(selector).length >= n",
                                   arg=[client.bot_message, expected_bot_bubbles(current)])
            page.wait_for_selector(client.typing, state="hidden")
            return current
        time.sleep(0.2)
    raise AssertionError("the assistant did not answer")


def user_count(site, page, client: Client = WIDGET) -> int:
    return sum(event["event"] == "user" for event in events(site, page, client))


def slots(site, page, client: Client = WIDGET) -> Dict[str, Any]:
    return site["assistant"].conversation(session_id(page, client))["slots"]


def say(site, page, text: str, client: Client = WIDGET) -> None:
    before = user_count(site, page, client)
    client.send(page, text)
    wait_for_turn(site, page, before, client)


def click_option(site, page, name: str, client: Client = WIDGET) -> None:
    before = user_count(site, page, client)
    page.locator(client.options).filter(has_text=re.compile(name, re.IGNORECASE)).click()
    wait_for_turn(site, page, before, client)


def conversation(page, client: Client = WIDGET) -> List[str]:
    """The messages shown, as text (textContent, whitespace folded): innerText depends on the
    layout of the moment, and once gave "said:\n\nHi" for the same message as "said:Hi"."""
    return [" ".join(text.split()) for text in page.locator(client.message).all_text_contents()]


def serious_accessibility_problems(page) -> List[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{violation['id']} ({violation['impact']}): {violation['help']}; "
            f"{[node['target'] for node in violation['nodes']][:3]}"
            for violation in result["violations"] if violation["impact"] in ("serious", "critical")]


# --- the tests --------------------------------------------------------------------------------------------------

def test_a_whole_prescreen_in_the_browser(site, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.goto(site["url"])

    # the emergency notice is there before the first question
    notice = page.locator(".pht-chat__notice")
    notice.wait_for(state="visible", timeout=15_000)  # the widget builds itself once its config has loaded
    assert notice.is_visible() and "emergency department now" in notice.inner_text()  # the warning card, from the knowledge base
    wait_for_turn(site, page, 0)  # the page says hello for the person; the assistant welcomes them
    assert page.locator(".pht-chat__notice").is_visible()
    assert "hamstring pain pre-screen" in " ".join(conversation(page))
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    assert serious_accessibility_problems(page) == []  # with the answer buttons showing
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.locator(".pht-options").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "mobile-320-question.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # the first answer by keyboard alone: Tab to the option, Enter
    before = user_count(site, page)
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "Yes, let's start":
            break
    focused = page.locator(":focus")
    assert focused.inner_text() == "Yes, let's start"
    assert focused.evaluate("e => e.tagName") == "BUTTON"
    assert focused.evaluate("e => getComputedStyle(e).outlineStyle") != "none"  # visible focus
    page.screenshot(path=str(SCREENSHOTS / "keyboard-focus.png"))
    page.keyboard.press("Enter")
    wait_for_turn(site, page, before)
    assert slots(site, page)["requested_slot"] == "pain_location"
    assert page.evaluate("() => document.activeElement.id") == "pht-chat-input"  # ready for the next answer

    click_option(site, page, "^Sit bone")
    assert slots(site, page)["pain_location"] == "sit_bone"
    say(site, page, CLASSIC_ANSWERS[slots(site, page)["requested_slot"]])

    # a reload keeps the conversation, and the question's answer buttons
    shown = conversation(page)
    options = page.locator(".pht-options button").all_inner_texts()
    page.reload()
    page.wait_for_function("n => document.querySelectorAll('.pht-msg').length >= n", arg=len(shown))
    assert conversation(page) == shown
    assert page.locator(".pht-options button").all_inner_texts() == options
    page.screenshot(path=str(SCREENSHOTS / "after-reload.png"))
    assert "Sit bone" in " ".join(shown) or "sit bone" in " ".join(shown).lower()

    # the server goes away: the widget says so, reconnects, and the conversation goes on
    site["relay"].down()
    status = page.get_by_role("status")
    page.wait_for_function(STATUS_SAYS, arg="Can't reach the assistant")
    assert page.get_by_role("button", name="Send").is_disabled()
    page.screenshot(path=str(SCREENSHOTS / "unreachable.png"))
    site["relay"].up()
    page.wait_for_function(STATUS_SAYS, arg="Connected again")
    assert status.inner_text() == "Connected again."
    assert conversation(page) == shown

    for _ in range(15):
        current = slots(site, page)
        if current.get("assessment"):
            break
        say(site, page, CLASSIC_ANSWERS[current["requested_slot"]])
    assessment = slots(site, page)["assessment"]
    assert assessment["urgency"] == "routine"
    said = "\n".join(conversation(page))
    assert "fit PHT well" in said and "Break up sitting" in said
    # line breaks inside a message are rendered, not run together
    assert page.locator(".pht-msg--bot .pht-msg__text br").count() > 0
    page.screenshot(path=str(SCREENSHOTS / "desktop.png"), full_page=True)

    assert serious_accessibility_problems(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320  # no sideways scrolling
    page.screenshot(path=str(SCREENSHOTS / "mobile-320.png"), full_page=True)
    assert serious_accessibility_problems(page) == []
    site["finished"] = (session_id(page), time.monotonic())
    page.close()


def test_links_in_a_message_are_links(site, browser):
    page = browser.new_page()
    page.goto(site["url"])
    wait_for_turn(site, page, 0)
    say(site, page, "yes")
    for text in ("at my sit bone", "gradually", "no", "about 3 months"):  # up to the first safety question
        say(site, page, text)
    for text in ("qwerty banana", "asdfgh jkl", "zxcv bnm"):  # answers to it that cannot be used: the clinic's contact
        say(site, page, text)
    link = page.locator(".pht-msg--bot a[href='https://northside-physio.example/book']")
    assert link.count() >= 1
    assert link.first.get_attribute("rel") == "noopener noreferrer"
    page.close()


def test_a_page_from_another_origin_cannot_open_the_socket(site):
    url = f"{site['assistant'].url}/socket.io/?EIO=4&transport=polling"

    def status(origin: str) -> int:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Origin": origin}), timeout=30) as reply:
                return reply.status
        except urllib.error.HTTPError as error:
            return error.code

    assert status(site["url"]) == 200
    assert status("https://evil.example") == 400


# --- reception ---------------------------------------------------------------------------------------------------

def type_a_prescreen(site, page) -> None:
    """A whole pre-screen in the widget on `page`, typed with the classic answers."""
    page.goto(site["url"])
    wait_for_turn(site, page, 0)
    say(site, page, "yes")
    for _ in range(15):
        current = slots(site, page)
        if current.get("assessment"):
            break
        say(site, page, CLASSIC_ANSWERS[current["requested_slot"]])


def finish_a_prescreen(site, browser) -> str:
    """A whole pre-screen in the widget, typed (when the first test did not leave one)."""
    page = browser.new_page()
    type_a_prescreen(site, page)
    sender = session_id(page)
    page.close()
    return sender


def test_reception_sees_opens_prints_and_exports_the_pre_screen_from_the_widget(site, browser):
    sender, _ = site.get("finished") or (finish_a_prescreen(site, browser), None)
    [record] = site["records"].of_sender(sender)  # stored when the outcome was given, before the list is opened
    assert record.channel == "socketio" and record.urgency == "routine"
    page = browser.new_page()
    page.goto(site["reception_url"])
    assert page.url.startswith(site["reception_url"] + "/login")
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(SCREENSHOTS / "reception-login.png"))
    page.get_by_label("Name").fill(RECEPTION_USER)
    page.get_by_label("Password").fill(RECEPTION_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("table.prescreens")
    assert page.locator(f"text={record.reference}").count() == 1
    # pre-screens finished while the list is open appear by themselves, within seconds
    for level, findings in (("urgent", {"pain_location": "upper_hamstring", "onset": "sudden",
                                        "injury_signs": ["pop", "bruising"]}),
                            ("emergency", {**CLASSIC, "red_flags": ["saddle_numbness", "bladder_bowel_change"]})):
        result = {**assess(findings), "skipped": [], "unsure": []}  # others at the desk today
        site["records"].add(NewPrescreen(channel="socketio", sender_id=f"other-{level}", assessment=result,
                                         consent={"status": "given"}, engine_version="2.0", knowledge_version="2",
                                         staff_entered=level == "urgent", ended_by="danger_sign"))

    for level in ("urgent", "emergency"):
        reference = site["records"].of_sender(f"other-{level}")[0].reference
        page.wait_for_selector(f"tr.row--{level} >> text={reference}", timeout=15_000)
    emergency_row = page.locator("tr.row--emergency")
    assert emergency_row.count() == 1
    assert emergency_row.evaluate("e => getComputedStyle(e.querySelector('td')).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(SCREENSHOTS / "reception-list.png"), full_page=True)

    page.get_by_role("link", name=record.reference).click()
    page.wait_for_selector("#present-title")
    assert record.reference in page.inner_text("h1")
    present = page.locator(".findings").inner_text()
    assert "Where it hurts most" in present and "Sit bone" in present
    assert "Danger signs" in page.locator(".compact").first.inner_text()  # "none" is with the absent ones
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(SCREENSHOTS / "reception-detail.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export FHIR").click()
    exported = json.loads(Path(download.value.path()).read_text())["entry"][0]["resource"]  # the Bundle's first
    assert check_response(exported) == []
    assert from_questionnaire_response(exported)["findings"] == record.findings

    page.get_by_role("link", name="Print view").click()
    page.wait_for_selector(".sheet")
    assert record.reference in page.inner_text(".sheet__ref")
    page.screenshot(path=str(SCREENSHOTS / "reception-print-view.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".print-tools").is_hidden()
    page.screenshot(path=str(SCREENSHOTS / "reception-print.png"), full_page=True)
    page.pdf(path=str(SCREENSHOTS / "reception-print.pdf"), format="A4")
    page.close()

    emergency = site["records"].list(urgency="emergency")[0]
    page = browser.new_page()
    page.goto(f"{site['reception_url']}/prescreens/{emergency.reference}")
    page.wait_for_selector(".finding--alert")
    assert "Numbness in the saddle area" in page.locator(".finding--alert").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "reception-detail-emergency.png"), full_page=True)
    page.close()


# --- rasa-webchat, a supported client ------------------------------------------------------------------------

ERRORS = ("something went wrong", "didn't understand")
# the questions answered by rasa-webchat's quick-reply buttons; the others are typed
WEBCHAT_CLICKS = {"pain_location": "^Sit bone", "red_flags": "^None of these", "neuro_symptoms": "^None of these"}


def test_rasa_webchat_from_its_default_start_to_the_outcome(site, browser_keeping_the_csp):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_keeping_the_csp.new_page()
    refused = []  # what the page's CSP refused
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(site["url"] + "/demo/webchat.html")
    page.locator(".rw-launcher").click()
    # its run-time stylesheet applies: the chat floats at the bottom right
    assert page.locator(".rw-widget-container").evaluate("e => getComputedStyle(e).position") == "fixed"
    # its default start sends no initPayload: the channel takes that as the opening
    wait_for_turn(site, page, 0, RASA_WEBCHAT)
    assert "hamstring pain pre-screen" in " ".join(conversation(page, RASA_WEBCHAT))
    page.screenshot(path=str(SCREENSHOTS / "webchat-start.png"), animations="disabled")
    sender = session_id(page, RASA_WEBCHAT)
    assert [event["text"] for event in events(site, page, RASA_WEBCHAT) if event["event"] == "user"] == ["/greet"]

    click_option(site, page, "^Yes, let's start", RASA_WEBCHAT)
    click_option(site, page, WEBCHAT_CLICKS["pain_location"], RASA_WEBCHAT)
    assert slots(site, page, RASA_WEBCHAT)["pain_location"] == "sit_bone"
    say(site, page, CLASSIC_ANSWERS[slots(site, page, RASA_WEBCHAT)["requested_slot"]], RASA_WEBCHAT)

    # a reload keeps the conversation: rasa-webchat sends back the session id the server confirmed
    shown = conversation(page, RASA_WEBCHAT)
    page.reload()
    page.wait_for_function("([selector, n]) => document.querySelectorAll(selector).length >= n",
                           arg=[RASA_WEBCHAT.message, len(shown)])
    assert conversation(page, RASA_WEBCHAT) == shown
    assert session_id(page, RASA_WEBCHAT) == sender
    page.screenshot(path=str(SCREENSHOTS / "webchat-after-reload.png"), animations="disabled")

    clicked = []
    for _ in range(15):
        current = slots(site, page, RASA_WEBCHAT)
        if current.get("assessment"):
            break
        question = current["requested_slot"]
        if question in WEBCHAT_CLICKS:
            click_option(site, page, WEBCHAT_CLICKS[question], RASA_WEBCHAT)
            clicked.append(question)
        else:
            say(site, page, CLASSIC_ANSWERS[question], RASA_WEBCHAT)
        if question == "aggravators":
            page.screenshot(path=str(SCREENSHOTS / "webchat-mid.png"), animations="disabled")
    assert clicked == ["red_flags", "neuro_symptoms"]
    assessment = slots(site, page, RASA_WEBCHAT)["assessment"]
    assert assessment["urgency"] == "routine"
    said = "\n".join(conversation(page, RASA_WEBCHAT))
    assert "fit PHT well" in said and "Break up sitting" in said
    assert not any(error in said.lower() for error in ERRORS), said
    assert session_id(page, RASA_WEBCHAT) == sender  # one conversation from the start to the outcome
    page.locator(RASA_WEBCHAT.bot_message, has_text="You can start by managing this yourself").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "webchat-outcome.png"), animations="disabled")
    # only the web font its stylesheet imports from Google is refused (the system font is used)
    assert refused and all("fonts.googleapis.com" in text for text in refused), refused
    page.close()


# --- a website visitor's check-in, by their signed link -----------------------------------------------------------

def moved_back(records: Records, follow_up_id: int, days: int) -> None:
    """As if `days` had gone by since the consent (the page server reads the real clock)."""
    from pht.records.models import CheckIn, FollowUp

    with records._sessions() as session, session.begin():
        session.get(FollowUp, follow_up_id).consented_at -= dt.timedelta(days=days)
        for check_in in session.query(CheckIn).filter(CheckIn.follow_up_id == follow_up_id):
            check_in.due_at -= dt.timedelta(days=days)


def test_a_website_visitor_comes_back_by_their_link_and_answers_the_check_in_in_the_widget(site, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    type_a_prescreen(site, page)
    sender = session_id(page)
    assert "I'd give you a link to come back to" in conversation(page)[-1]  # the consent says how
    click_option(site, page, "^Yes$")
    say(site, page, "about half an hour")
    link = page.locator(".pht-msg--bot a[href*='/check-in?t=']")
    assert link.count() == 1 and link.first.get_attribute("href").startswith(site["url"] + "/check-in?t=")
    assert "It works until" in conversation(page)[-1] or "It works until" in " ".join(conversation(page)[-3:])
    link.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "check-in-link-given.png"))
    href = link.first.get_attribute("href")
    [follow_up] = site["records"].follow_ups.of_sender(sender)
    assert follow_up.channel == "socketio" and follow_up.consent["route"] == "link"
    page.close()

    # another day, another tab: before it is due the page says when, and shows no chat
    visit = browser.new_page()
    visit.goto(href)
    assert "Your next check-in is due on" in visit.locator("main").inner_text()
    assert visit.locator("[data-pht-chat]").count() == 0
    visit.screenshot(path=str(SCREENSHOTS / "check-in-not-yet.png"), full_page=True)
    assert serious_accessibility_problems(visit) == []

    moved_back(site["records"], follow_up.id, 15)  # two weeks and a day later
    visit.goto(href)
    visit.locator(".pht-options button").first.wait_for(state="visible")
    assert session_id(visit) == sender  # the visitor's own conversation
    shown = conversation(visit)
    assert "Hello again. It's been 2 weeks" in " ".join(shown) and not any("EXTERNAL" in text for text in shown)
    visit.screenshot(path=str(SCREENSHOTS / "check-in-due.png"), full_page=True)
    assert serious_accessibility_problems(visit) == []
    for answer in ("2", "better", "an hour", "settled", "yes", "no", "none of these", "none of these", "none of these"):
        if not site["assistant"].conversation(sender)["active_loop"]:
            break
        say(site, visit, answer)
    said = " ".join(conversation(visit))
    assert "move on to stage 2" in said
    visit.screenshot(path=str(SCREENSHOTS / "check-in-answered.png"), full_page=True)
    stored = site["records"].follow_ups.of_sender(sender)[0]
    assert stored.check_ins[0].state == "answered" and stored.stage == 2

    # a link cut short, or past its day, says so calmly
    visit.goto(href[:-3])
    assert "does not work" in visit.locator("main").inner_text()
    visit.screenshot(path=str(SCREENSHOTS / "check-in-link-invalid.png"), full_page=True)
    visit.set_viewport_size({"width": 320, "height": 800})
    visit.goto(href)
    assert visit.evaluate("() => document.documentElement.scrollWidth") <= 320
    visit.screenshot(path=str(SCREENSHOTS / "check-in-next-320.png"), full_page=True)
    visit.close()
