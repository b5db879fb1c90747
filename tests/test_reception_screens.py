"""Policy v3 on the reception page: a safety screen answered unsure, left incomplete or only
partly asked is shown plainly, never as "none" or "reported absent", on the detail page and
in the print view; a screenshot of each in a real browser (results/browser/)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pht.reception.users import Users
from pht.records import NewPrescreen, Records, settings
from pht.records.overview import as_text, overview
from pht.triage import assess
from common import CLASSIC
from test_reception_web import PASSWORD, Client, serve_reception
from web.reception.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "results" / "browser"
CHROMIUM = Path("/usr/bin/chromium")


def stored(records: Records, sender: str, findings: dict):
    result = {**assess(findings), "skipped": [], "unsure": []}
    return records.add(NewPrescreen(channel="socketio", sender_id=sender, assessment=result,
                                    consent={"status": "given", "by": "patient"}, engine_version="3.0",
                                    knowledge_version="3+abc"))


@pytest.fixture(scope="module")
def reception(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reception-screens")
    config = settings({"PHT_VAR_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'records.db'}",
                       "RASA_URL": "http://127.0.0.1:9", "RASA_AUTH_TOKEN": "unused"})
    Users(config).add("alice", PASSWORD)
    records = Records(config=config)
    examples = {
        "unsure": stored(records, "unsure-person", {**CLASSIC, "unsure": {"red_flags": ["saddle_numbness"]}}),
        "incomplete": stored(records, "incomplete-person", {**CLASSIC, "red_flags": None, "incomplete": ["red_flags"]}),
        "partly": stored(records, "partly-person", {"pain_location": "sit_bone", "red_flags": ["both_legs"],
                                                    "partly_asked": ["red_flags"]}),
    }
    port, server, thread = serve_reception(create_app(config, records))
    yield {"url": f"http://127.0.0.1:{port}", "examples": examples}
    server.should_exit = True
    thread.join(timeout=10)
    records.close()


def page(reception, name, suffix=""):
    client = Client(reception["url"])
    client.login()
    status, _, html = client.request(f"/prescreens/{reception['examples'][name].reference}{suffix}")
    assert status == 200
    return html


@pytest.mark.parametrize("suffix", ["", "/print"])
def test_an_unsure_saddle_answer_is_shown_as_unsure_not_as_absent(reception, suffix):
    html = page(reception, "unsure", suffix)
    screens = html[html.index('id="screens-title"'):html.index('id="present-title"')]
    assert "Danger signs" in screens and "UNSURE" in screens and "Numbness in the saddle area" in screens
    absent = re.search(r"<dt>Reported absent</dt><dd>(.*?)</dd>", html, re.S)
    assert absent is None or "Danger signs" not in absent.group(1)


@pytest.mark.parametrize("suffix", ["", "/print"])
def test_an_abandoned_red_flag_screen_is_shown_as_incomplete(reception, suffix):
    html = page(reception, "incomplete", suffix)
    assert "INCOMPLETE" in html[html.index('id="screens-title"'):]
    assert "Urgent: in person today" in html


def test_a_screen_mentioned_only_in_passing_lists_what_was_not_asked(reception):
    html = page(reception, "partly")
    screens = html[html.index('id="screens-title"'):html.index('id="present-title"')]
    assert "Not asked" in screens and "Fever or feeling very unwell" in screens


def test_the_text_view_names_the_screen_states_too(reception):
    text = as_text(overview(reception["examples"]["unsure"]))
    assert "Safety screen ! Danger signs: UNSURE" in text


def test_screenshots_of_the_unsure_and_incomplete_detail_and_print_views(reception, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make chromium`")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        tab = browser.new_page(viewport={"width": 1100, "height": 900})
        tab.goto(reception["url"] + "/login")
        tab.fill("input[name=username]", "alice")
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url(re.compile(r".*/$"))
        for name in ("unsure", "incomplete"):
            reference = reception["examples"][name].reference
            tab.goto(f"{reception['url']}/prescreens/{reference}")
            assert tab.locator("#screens-title").is_visible()
            tab.screenshot(path=str(SCREENSHOTS / f"reception-detail-{name}.png"), full_page=True)
            tab.goto(f"{reception['url']}/prescreens/{reference}/print")
            tab.screenshot(path=str(SCREENSHOTS / f"reception-print-{name}.png"), full_page=True)
        browser.close()
