"""The clinic sees the trend (issue 22): a record's follow-up check-ins on the reception page
(state, consent, each check-in with its answers, decision and deliveries, the chart of worst
pain and sitting from the pre-screen on), the list's follow-up filters, the staff CLI, and the
FHIR export (each answered check-in its own QuestionnaireResponse naming the pre-screen's);
screenshots of the page and its print view in a real browser (results/browser/)."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import urllib.parse

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.questionnaire import Questionnaire

from follow_up_seed import prescreen, seed_trend, seed_undeliverable, seed_unsure
from pht.reception.cli import main as cli_main
from pht.reception.users import Users
from pht.records import Records, settings
from pht.records.fhir import (
    CHECKIN_QUESTIONNAIRE_FILE, FOLLOWS_UP, build_checkin_questionnaire, check_response, export_bundle,
    from_questionnaire_response, shipped_checkin_questionnaire,
)
from pht.records.follow_up_view import follow_up_view
from pht.triage.checkin_knowledge import load_checkins
from test_reception_screens import CHROMIUM, ROOT, SCREENSHOTS
from test_reception_web import PASSWORD, Client, serve_reception
from web.reception.app import create_app


@pytest.fixture(scope="module")
def reception(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reception-follow-ups")
    config = settings({"PHT_VAR_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'records.db'}",
                       "RASA_URL": "http://127.0.0.1:9", "RASA_AUTH_TOKEN": "unused",
                       "RECEPTION_TIMEZONE": "Europe/London"})
    Users(config).add("alice", PASSWORD)
    records = Records(config=config)
    examples = {"trend": seed_trend(records), "unreachable": seed_undeliverable(records), "unsure": seed_unsure(records),
                "plain": prescreen(records, "no-follow-up-person")}
    port, server, thread = serve_reception(create_app(config, records))
    yield {"url": f"http://127.0.0.1:{port}", "records": records, "examples": examples, "config": config}
    server.should_exit = True
    thread.join(timeout=10)
    records.close()


def signed_in(reception) -> Client:
    client = Client(reception["url"])
    assert client.login()[0] == 303
    return client


def section(html: str) -> str:
    start = html.index('id="follow-up-title"')
    return html[start:html.index("</section>", start)]


def test_a_record_shows_its_follow_up_state_consent_baseline_and_each_check_in(reception):
    record = reception["examples"]["trend"]
    status, _, html = signed_in(reception).request(f"/prescreens/{record.reference}")
    assert status == 200
    head = html[html.index('class="page-head page-head--record"'):html.index('id="follow-up-title"')]
    assert 'href="#follow-up-title">Follow-up: Active' in head and "Not improving" in head  # seen without scrolling
    shown = section(html)
    assert "Active: check-ins continue" in shown
    assert "May I check in with you in 2 weeks" in shown and "Worst pain (0-10): 6/10" in shown
    assert [label for label in re.findall(r'class="check-in__label">([^<]+)<', shown)] == [
        "2 weeks", "6 weeks", "12 weeks", "6 months"]
    assert "Settled, no worse than usual" in shown and "Clearly worse" in shown  # answers in plain words
    assert "Improving: next stage" in shown and "Getting worse: book" in shown  # the decisions
    assert "No reply, after one reminder (not read as fine)" in shown
    assert "reminder 1 · sent" in shown  # the delivery attempts of the check-in with no reply


def test_an_escalation_is_marked_and_the_clinic_told_only_where_it_was(reception):
    record = reception["examples"]["trend"]
    shown = section(signed_in(reception).request(f"/prescreens/{record.reference}")[2])
    classes = re.findall(r'<li class="check-in ([^"]*)"', shown)
    assert classes[0] == "check-in--answered" and classes[1] == "check-in--answered check-in--told"
    assert classes[2] == "check-in--no_reply"
    assert shown.count("<strong>Clinic told</strong>") == 1 and shown.count("Clinic not told") == 1


def test_the_chart_is_inline_svg_from_the_pre_screen_on_with_words_for_a_screen_reader(reception):
    record = reception["examples"]["trend"]
    html = signed_in(reception).request(f"/prescreens/{record.reference}")[2]
    charts = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(charts) == 2 and 'role="img"' in charts[0] and "<script" not in html.split("</header>", 1)[1]
    pain = re.search(r"<desc[^>]*>(.*?)</desc>", charts[0]).group(1)
    assert pain == "Pre-screen: 6; 2 weeks: 4; 6 weeks: 7 (Clinic told); 12 weeks: No reply, after one reminder (not read as fine)"
    assert "<title" in charts[1] and "Sitting before the pain starts (minutes)" in charts[1]
    assert 'class="trend-chart__told"' in charts[0]  # the escalation, marked on the chart too
    table = html[html.index('class="trend-table"'):html.index("</table>", html.index('class="trend-table"'))]
    assert re.findall(r'<th scope="row">([^<]+)', table) == ["Pre-screen", "2 weeks", "6 weeks ", "12 weeks"]
    assert re.search(r'6 weeks <span class="flag">· Clinic told</span></th>\s*<td>7</td><td>15</td>', table)


def test_the_print_view_carries_the_follow_up_too(reception):
    record = reception["examples"]["trend"]
    html = signed_in(reception).request(f"/prescreens/{record.reference}/print")[2]
    assert "Getting worse: book" in section(html) and html.count("<svg ") == 2


def test_a_danger_sign_answered_unsure_at_a_check_in_is_shown_unsure_never_none(reception):
    record = reception["examples"]["unsure"]
    shown = section(signed_in(reception).request(f"/prescreens/{record.reference}")[2])
    assert "Escalated: check-ins stopped and the clinic told" in shown
    danger = re.search(r"Danger signs</dt><dd>([^<]*)</dd>", shown).group(1)
    assert danger.startswith("UNSURE") and "Numbness in the saddle area" in danger
    assert "Danger signs</dt><dd>None of these" not in shown and "<strong>Clinic told</strong>" in shown
    assert "Urgent: in person today</span>" in shown and "Urgent today at a check-in" in shown


def test_an_unsure_screen_at_a_check_in_is_exported_as_asked_but_unknown(reception):
    record = reception["examples"]["unsure"]
    bundle = export_bundle(record, reception["records"].follow_ups.of_prescreen(record.reference))
    check_in = bundle["entry"][1]["resource"]
    assert check_response(check_in, shipped_checkin_questionnaire()) == []
    groups = {item["linkId"]: item for item in check_in["item"]}
    assert "red_flags" not in {item["linkId"] for item in groups["answers"]["item"]}  # not "none of these"
    [screen] = groups["screens"]["item"]
    states = {item["linkId"]: item["answer"] for item in screen["item"]}
    assert states["screens.red_flags.state"][0]["valueCoding"]["code"] == "asked-unknown"
    assert states["screens.red_flags.asked-unknown"][0]["valueCoding"]["code"] == "saddle_numbness"


def test_a_record_without_follow_up_has_no_section(reception):
    record = reception["examples"]["plain"]
    html = signed_in(reception).request(f"/prescreens/{record.reference}")[2]
    assert 'id="follow-up-title"' not in html


@pytest.mark.parametrize("show, expected", [
    ("not_improving", {"trend", "unsure"}), ("no_reply", {"trend"}), ("undeliverable", {"unreachable"}),
    ("", {"trend", "unreachable", "unsure", "plain"}),
])
def test_the_list_filters_follow_ups_not_improving_with_no_reply_or_not_delivered(reception, show, expected):
    html = signed_in(reception).request("/?" + urllib.parse.urlencode({"follow_up": show}))[2]
    listed = set(re.findall(r'class="reference" href="/prescreens/(PHT-\w+)"', html))
    assert listed == {reception["examples"][name].reference for name in expected}
    if show:
        assert f'<option value="{show}" selected>' in html


def test_the_list_marks_each_pre_screen_with_a_follow_up(reception):
    html = signed_in(reception).request("/")[2]
    row = next(row for row in html.split("<tr ") if reception["examples"]["unreachable"].reference in row)
    assert "Follow-up: active" in row and "Could not be delivered" in row
    plain = next(row for row in html.split("<tr ") if reception["examples"]["plain"].reference in row)
    assert "Follow-up:" not in plain


def test_nothing_of_a_follow_up_shows_to_a_signed_out_browser(reception):
    client = Client(reception["url"])
    reference = reception["examples"]["trend"].reference
    for path in (f"/prescreens/{reference}", f"/prescreens/{reference}/print", "/?follow_up=no_reply",
                 f"/prescreens/{reference}/export/fhir", f"/prescreens/{reference}/export/json"):
        status, headers, body = client.request(path)
        assert status == 303 and headers["location"].startswith("/login"), path
        assert "check-in" not in body.lower() and reference not in body


# -- FHIR --------------------------------------------------------------------------------------

def test_the_checkin_questionnaire_is_made_from_checkins_yml_and_valid_fhir():
    """After a change to checkins.yml: `python -m pht.records.fhir` writes it again."""
    assert json.loads(CHECKIN_QUESTIONNAIRE_FILE.read_text()) == build_checkin_questionnaire()
    Questionnaire.parse_obj(shipped_checkin_questionnaire())
    checkins = load_checkins()
    answers = shipped_checkin_questionnaire()["item"][1]["item"]
    assert [item["linkId"] for item in answers] == [asked["field"] for asked in checkins.data["questions"]]
    assert all(item["text"] == checkins.question(item["linkId"]) for item in answers)


def test_the_export_bundle_validates_and_links_each_answered_check_in_to_the_first_response(reception):
    record = reception["examples"]["trend"]
    client = signed_in(reception)
    status, headers, body = client.request(f"/prescreens/{record.reference}/export/fhir")
    assert status == 200 and headers["content-type"].startswith("application/fhir+json")
    bundle = json.loads(body)
    Bundle.parse_obj(bundle)
    assert bundle["type"] == "collection"
    first, *check_ins = [entry["resource"] for entry in bundle["entry"]]
    assert check_response(first) == [] and from_questionnaire_response(first)["reference"] == record.reference
    assert len(check_ins) == 2  # the two answered; no reply is no response
    full_urls = {entry["resource"]["id"]: entry["fullUrl"] for entry in bundle["entry"]}
    for response in check_ins:
        assert check_response(response, shipped_checkin_questionnaire()) == []
        [link] = [extension for extension in response["extension"] if extension["url"] == FOLLOWS_UP]
        assert link["valueReference"]["reference"] == f"QuestionnaireResponse/{first['id']}"
        assert full_urls[first["id"]].endswith(link["valueReference"]["reference"])
    decided = {item["linkId"]: item["answer"][0] for item in check_ins[1]["item"][-1]["item"]}
    assert decided["outcome"]["valueCoding"]["code"] == "getting_worse" and decided["clinic_told"]["valueBoolean"]


def test_a_record_without_check_ins_exports_a_bundle_of_one(reception):
    record = reception["examples"]["plain"]
    bundle = export_bundle(record, reception["records"].follow_ups.of_prescreen(record.reference))
    assert [entry["resource"]["id"] for entry in bundle["entry"]] == [record.reference]


# -- the staff CLI -----------------------------------------------------------------------------

@pytest.fixture
def cli(reception, monkeypatch):
    config = reception["config"]
    monkeypatch.setenv("DATABASE_URL", config.database_url)
    monkeypatch.setenv("PHT_VAR_DIR", str(config.users_file.parent))

    def run(*argv):
        out, err = io.StringIO(), io.StringIO()
        return cli_main(list(argv), out, err), out.getvalue(), err.getvalue()
    return run


@pytest.mark.parametrize("show, expected", [("not-improving", {"trend", "unsure"}), ("no-reply", {"trend"}),
                                            ("undeliverable", {"unreachable"})])
def test_cli_list_filters_by_follow_up(reception, cli, show, expected):
    code, out, _ = cli("list", "--json", "--follow-up", show)
    listed = json.loads(out)
    assert code == 0 and {item["reference"] for item in listed} == {reception["examples"][n].reference for n in expected}
    assert all(show.replace("-", "_") in item["follow_up"]["shown"] for item in listed)
    code, out, _ = cli("list", "--follow-up", show)
    assert code == 0 and f"!{show}" in out


def test_cli_show_includes_the_check_ins(reception, cli):
    record = reception["examples"]["trend"]
    code, out, _ = cli("show", record.reference)
    assert code == 0 and "Follow-up: Active" in out
    assert "6 weeks (due 2026-10-13): Answered [Clinic told]" in out and "=> Getting worse: book" in out
    assert "12 weeks (due 2026-11-24): No reply" in out
    shown = json.loads(cli("show", record.reference, "--format", "json")[1])
    assert [item["state"] for item in shown["follow_up"]["check_ins"]] == ["answered", "answered", "no_reply", "scheduled"]
    bundle = json.loads(cli("show", record.reference, "--format", "fhir")[1])
    assert Bundle.parse_obj(bundle) and len(bundle["entry"]) == 3


def test_the_view_reads_the_start_from_the_consent_baseline(reception):
    record = reception["examples"]["trend"]
    view = follow_up_view(reception["records"].follow_ups.of_prescreen(record.reference), record)
    assert [(point.label, point.values["pain_score"], point.values["sitting_minutes"]) for point in view.points] == [
        ("Pre-screen", 6, 20), ("2 weeks", 4, 35), ("6 weeks", 7, 15), ("12 weeks", None, None)]


# -- in a real browser -------------------------------------------------------------------------

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.js"


def serious_accessibility_problems(page) -> list:
    """axe-core's serious and critical findings (as tests/test_browser.py runs it)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{violation['id']}: {violation['help']}; {[node['target'] for node in violation['nodes']][:3]}"
            for violation in result["violations"] if violation["impact"] in ("serious", "critical")]


def test_screenshots_of_the_follow_up_on_the_record_and_in_print(reception):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make chromium`")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reference = reception["examples"]["trend"].reference
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = []  # the page's strict Content-Security-Policy refuses nothing it needs (no inline style in the SVG)
        tab.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
        tab.goto(reception["url"] + "/login")
        tab.fill("input[name=username]", "alice")
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url(re.compile(r".*/$"))
        tab.goto(f"{reception['url']}/?follow_up=not_improving")
        assert tab.locator("a.reference", has_text=reference).is_visible()
        tab.screenshot(path=str(SCREENSHOTS / "reception-list-follow-up.png"), full_page=True)
        tab.goto(f"{reception['url']}/prescreens/{reference}")
        heading = tab.locator("#follow-up-title")
        heading.scroll_into_view_if_needed()
        for chart in tab.locator("svg.trend-chart").all():
            box = chart.bounding_box()
            assert box and box["width"] > 250 and box["height"] > 100  # drawn, and big enough to read
        overflow = tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not overflow
        tab.screenshot(path=str(SCREENSHOTS / "reception-detail-follow-up.png"), full_page=True)
        checker = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected inline
        checker.context.add_cookies(tab.context.cookies())
        checker.goto(f"{reception['url']}/prescreens/{reference}")
        assert checker.locator("#follow-up-title").is_visible()
        assert serious_accessibility_problems(checker) == []
        checker.close()
        tab.locator("section.follow-up").screenshot(path=str(SCREENSHOTS / "reception-detail-follow-up-section.png"))
        tab.goto(f"{reception['url']}/prescreens/{reference}/print")
        tab.set_viewport_size({"width": 690, "height": 1000})  # A4's width inside 14 mm margins, at 96 dpi
        tab.emulate_media(media="print")
        assert not tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        tab.screenshot(path=str(SCREENSHOTS / "reception-print-follow-up.png"), full_page=True)
        tab.pdf(path=str(SCREENSHOTS / "reception-print-follow-up.pdf"), format="A4")
        tab.emulate_media(media="screen")
        tab.set_viewport_size({"width": 400, "height": 900})
        tab.goto(f"{reception['url']}/prescreens/{reference}")
        assert not tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        tab.screenshot(path=str(SCREENSHOTS / "reception-detail-follow-up-narrow.png"), full_page=True)
        tab.set_viewport_size({"width": 1280, "height": 900})
        tab.goto(f"{reception['url']}/prescreens/{reception['examples']['unreachable'].reference}")
        assert "Could not be delivered" in tab.locator("section.follow-up").inner_text()
        tab.locator("section.follow-up").screenshot(path=str(SCREENSHOTS / "reception-detail-follow-up-undeliverable.png"))
        tab.goto(f"{reception['url']}/prescreens/{reception['examples']['unsure'].reference}")
        tab.locator("section.follow-up").screenshot(path=str(SCREENSHOTS / "reception-detail-follow-up-escalated.png"))
        assert refused == []
        browser.close()


def test_a_no_to_check_ins_shows_as_declined_with_the_wording_and_who_heard_it(reception):
    from follow_up_seed import CONSENTED
    from pht.records import NewFollowUp

    records = reception["records"]
    record = prescreen(records, "staff:declines-at-the-desk", channel="staff")
    records.follow_ups.decline(NewFollowUp(
        prescreen_reference=record.reference, sender_id=record.sender_id, channel="staff", consented_at=CONSENTED,
        consent={"answer": "no", "wording": "May I check in with you in 2 weeks by text message or WhatsApp?",
                 "by": "staff_for_patient", "staff_user": "alice"}, baseline={}))
    shown = section(signed_in(reception).request(f"/prescreens/{record.reference}")[2])
    assert "Check-ins declined" in shown
    assert "“May I check in with you in 2 weeks by text message or WhatsApp?” <strong>no</strong>" in shown
    assert "answered to staff member alice at the desk, the wording read to the patient" in shown
    assert "<h3>Check-ins</h3>" not in shown  # none were scheduled


def test_a_website_check_in_waiting_for_its_link_says_so(reception):
    from follow_up_seed import CONSENTED
    from pht.records import NewFollowUp
    from pht.triage.checkins import schedule

    records = reception["records"]
    record = prescreen(records, "web:" + "cd" * 16, channel="socketio")
    follow_up = records.follow_ups.create(NewFollowUp(
        prescreen_reference=record.reference, sender_id=record.sender_id, channel="socketio", consented_at=CONSENTED,
        consent={"answer": "yes", "wording": "May I check in with you in 2 weeks?", "route": "link", "by": "patient"},
        baseline={"sitting_minutes": 30}, stage=1), [(item.label, item.due_at) for item in schedule(CONSENTED)])
    records.follow_ups.mark_waiting(follow_up.check_ins[0].due_at, ["telegram"], dt.timedelta(days=2))
    shown = section(signed_in(reception).request(f"/prescreens/{record.reference}")[2])
    assert "check-ins by a signed link they come back to" in shown
    assert "Due: waiting for the person to come back by their link" in shown
    assert "check-in · due; nothing sent (a website visitor comes back by their link)" in shown
