"""Reception takes over, in two browsers: a patient in the widget on the demo page and a staff
member on the reception page (Debian's Chromium driven by Playwright, each with a profile of
its own). The patient asks for a person in the middle of the pre-screen; the staff member's
open list shows them without a reload; the staff member opens the conversation, takes it
over, and they exchange two messages (the staff member's as plain text: no markup reaches the
widget; each shown and announced under "Alice, from the clinic:", also after a reload); the staff member hands back and the pre-screen finishes in the widget. Screenshots in
results/browser/handover-*.png."""
from __future__ import annotations

import threading
import time
from typing import Any, Dict, Iterator, List

import pytest

from channels import credentials
from harness.servers import MODEL, Assistant, free_port
from pht.reception.users import Users
from test_browser import (AXE, CHROMIUM, SCREENSHOTS, WAIT_MS, click_option, conversation, events, launch, say,
                          session_id, slots, start_reception, type_into_widget, wait_for_turn)
from test_e2e import CLASSIC_ANSWERS

pytestmark = pytest.mark.e2e
STAFF, STAFF_PASSWORD = "alice.smith", "front desk 2026"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Dict[str, Any]]:
    from web.server import serve

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make chromium`")
    workdir = tmp_path_factory.mktemp("browser-handover")
    page_port = free_port()
    origin = f"http://127.0.0.1:{page_port}"
    assistant = Assistant(workdir)
    env = {"CHAT_ALLOWED_ORIGINS": origin, "CLINIC_OPENING_HOURS": "Mon-Sun 00:00-24:00", "HANDOVER_WAIT_MINUTES": "5"}
    assistant.credentials = workdir / "credentials.yml"
    credentials.write(assistant.credentials, env)
    assistant.env = env
    assistant.start()
    page_server = serve({"CHAT_SERVER_URL": assistant.url}, page_port)
    threading.Thread(target=page_server.serve_forever, daemon=True).start()
    reception = start_reception(workdir, assistant)
    from pht.records import settings
    Users(settings({"PHT_VAR_DIR": str(workdir)})).add(STAFF, STAFF_PASSWORD)
    yield {"assistant": assistant, "url": origin, **reception}
    reception["reception_server"].should_exit = True
    page_server.shutdown()
    assistant.stop()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright.chromium


def accessibility_problems(page) -> List[str]:
    """axe-core's serious and critical findings; evaluated through the DevTools protocol, which
    the page's Content-Security-Policy (no inline script) does not stop, so the page keeps it."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{violation['id']} ({violation['impact']}): {violation['help']}"
            for violation in result["violations"] if violation["impact"] in ("serious", "critical")]


def until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited in vain for {what}")


def said_while_taken_over(site, patient, text: str) -> None:
    """The patient writes while staff hold the conversation: logged, and the assistant is quiet."""
    before = sum(event["event"] == "user" for event in events(site, patient))
    type_into_widget(patient, text)
    until(lambda: sum(event["event"] == "user" for event in events(site, patient)) > before, "the message")
    until(lambda: patient.locator(".pht-chat__typing").is_hidden(), "the assistant not shown typing")


def test_a_patient_in_the_widget_and_a_staff_member_who_takes_over(site, chromium, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    patient_browser = launch(chromium, tmp_path / "patient")
    staff_browser = launch(chromium, tmp_path / "staff")  # keeping the pages' CSP: the live updates work under it
    try:
        staff = staff_browser.new_page()
        staff.goto(site["reception_url"])
        staff.get_by_label("Name").fill(STAFF)
        staff.get_by_label("Password").fill(STAFF_PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.get_by_role("heading", name="Waiting for a person").wait_for()
        assert "Nobody is waiting for a person." in staff.locator("#live-conversations").inner_text()

        patient = patient_browser.new_page()
        patient.goto(site["url"])
        wait_for_turn(site, patient, 0)
        click_option(site, patient, "^Yes, let's start")
        click_option(site, patient, "^Sit bone")
        asked = slots(site, patient)["requested_slot"]
        say(site, patient, "can I talk to a person please")
        shown = " ".join(conversation(patient))
        assert "Someone should be with you in about 5 minutes" in shown
        assert slots(site, patient)["requested_slot"] == asked  # the questions go on while they wait
        patient.screenshot(path=str(SCREENSHOTS / "handover-patient-waiting.png"))

        # the staff member's open list shows them by itself (server-sent events), no reload
        conversation_id = session_id(patient)
        link = staff.locator("#live-conversations a", has_text="Open the conversation")
        link.first.wait_for()
        staff.screenshot(path=str(SCREENSHOTS / "handover-reception-waiting.png"), full_page=True)
        assert accessibility_problems(staff) == []
        link.first.click()
        staff.get_by_role("heading", name="The conversation").wait_for()
        assert "can I talk to a person please" in staff.locator(".transcript").inner_text()
        staff.get_by_role("button", name="Take over").click()
        staff.get_by_label("Write to the person (they see your first name)").wait_for()
        until(lambda: any("Alice from the clinic has joined this chat" in text for text in conversation(patient)),
              "the patient to see Alice join")

        said_while_taken_over(site, patient, "Could I come in tomorrow morning?")
        staff.locator(".transcript", has_text="Could I come in tomorrow morning?").wait_for()  # live, no reload
        staff.get_by_label("Write to the person (they see your first name)").fill(
            "Yes: <b>10:00</b> tomorrow works. I've booked it.")
        staff.get_by_role("button", name="Send").click()
        until(lambda: any(text.startswith("Alice, from the clinic:Yes: <b>10:00</b> tomorrow works.")
                          for text in conversation(patient)), "the first staff message, under Alice's name")
        assert patient.locator(".pht-msg b").count() == 0  # shown as typed: no markup reaches the widget
        from_staff = patient.locator(".pht-msg--staff").first  # labelled with who wrote it, not "Assistant said:"
        assert from_staff.locator(".pht-msg__who").text_content() == "Alice, from the clinic:"
        assert from_staff.locator(".pht-msg__who").is_visible()  # shown, and read out before the words
        assert from_staff.locator(".pht-msg__text").text_content() == "Yes: <b>10:00</b> tomorrow works. I've booked it."
        assert "Assistant said:" not in from_staff.text_content()
        said_while_taken_over(site, patient, "Brilliant, thank you")
        staff.locator(".transcript", has_text="Brilliant, thank you").wait_for()
        staff.get_by_label("Write to the person (they see your first name)").fill(
            "You're welcome. I'll hand you back to finish the questions.")
        staff.get_by_role("button", name="Send").click()
        until(lambda: any(text.startswith("Alice, from the clinic:You're welcome.") for text in conversation(patient)),
              "the second message")
        staff.screenshot(path=str(SCREENSHOTS / "handover-reception-taken-over.png"), full_page=True)
        assert accessibility_problems(staff) == []
        patient.screenshot(path=str(SCREENSHOTS / "handover-patient-talking.png"))
        assert accessibility_problems(patient) == []
        patient.reload()  # the history after a reload labels them the same way
        until(lambda: patient.locator(".pht-msg--staff .pht-msg__who").count() == 2, "the staff messages again")
        assert patient.locator(".pht-msg--staff .pht-msg__who").all_text_contents() == ["Alice, from the clinic:"] * 2

        staff.get_by_role("button", name="Hand back to the assistant").click()
        staff.get_by_role("button", name="Take over").wait_for()
        until(lambda: any("Let's carry on with the questions where we were." in text for text in conversation(patient)),
              "the assistant to carry on")
        until(lambda: events(site, patient)[-1].get("name") == "action_listen", "the question again")
        assert slots(site, patient)["requested_slot"] == asked
        for _ in range(15):  # the pre-screen finishes
            current = slots(site, patient)
            if current.get("assessment"):
                break
            say(site, patient, CLASSIC_ANSWERS[current["requested_slot"]])
        assert slots(site, patient)["assessment"]["urgency"] == "routine"
        patient.screenshot(path=str(SCREENSHOTS / "handover-patient-finished.png"), full_page=True)

        [handover] = site["records"].handovers.of_sender(conversation_id)
        assert handover.taken_by == STAFF and len(handover.messages) == 2 and handover.state == "handed_back"
        staff.reload()
        staff.get_by_role("heading", name="What staff wrote").wait_for()
        staff.screenshot(path=str(SCREENSHOTS / "handover-reception-handed-back.png"), full_page=True)
        staff.set_viewport_size({"width": 375, "height": 740})  # a phone at the desk: nothing scrolls sideways
        assert not staff.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        staff.screenshot(path=str(SCREENSHOTS / "handover-reception-phone.png"), full_page=True)
    finally:
        patient_browser.close()
        staff_browser.close()
