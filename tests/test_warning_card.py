"""The cauda equina warning card (policy v3) is written once, in the knowledge base, and is the
same text wherever it appears: the outcomes that need it, the FAQ, the widget's notice (that
no file but advice.yml writes it: tests/test_one_source.py)."""
import asyncio
import json
import re
import threading
import urllib.request
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import outcome_messages
from actions.conversation import ActionConsentDeclined, ActionStopped
from pht.triage import assess, load_knowledge
from common import CLASSIC
from pht.domain import read_domain

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = read_domain()
CARD = load_knowledge().advice["warning_card"]["text"]
def test_an_outcome_with_nerve_type_symptoms_ends_with_the_warning_card_word_for_word():
    messages = outcome_messages(assess({**CLASSIC, "neuro_symptoms": ["tingling", "back_pain"]}), DOMAIN)
    assert messages[-1] == CARD


def test_erection_trouble_alone_gets_the_warning_card():
    assert outcome_messages(assess({**CLASSIC, "red_flags": ["sexual_dysfunction"]}), DOMAIN)[-1] == CARD


def test_an_unsure_screen_gets_the_warning_card():
    findings = {**CLASSIC, "unsure": {"red_flags": ["saddle_numbness"]}}
    assert outcome_messages(assess(findings), DOMAIN)[-1] == CARD


def test_a_classic_picture_without_back_or_nerve_signs_does_not_get_it():
    assert CARD not in outcome_messages(assess(CLASSIC), DOMAIN)


def test_the_faq_gives_the_same_card():
    assert CARD in load_knowledge().faq["when_to_see_someone"]["answer"]
    generated = [item["text"] for item in DOMAIN["responses"]["utter_faq/when_to_see_someone"]]
    assert any(CARD in text for text in generated)


def test_the_widget_config_hands_the_page_the_same_card():
    from web.server import serve

    server = serve({}, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/widget/config.json"
        with urllib.request.urlopen(url, timeout=10) as reply:
            assert json.loads(reply.read())["notice"] == CARD
    finally:
        server.shutdown()
        server.server_close()


def test_the_card_names_every_emergency_sign_of_the_cauda_equina_rule():
    lowered = CARD.lower()
    for words in ("between your legs", "back passage", "genitals", "urine or stool", "bladder is full",
                  "both legs", "erection", "pain down both legs", "doctor today"):
        assert words in lowered, words


# words every cauda equina warning has: a reply that says them must be the card itself
WARNING_WORDS = re.compile(r"between (your|the) legs|both legs|back passage|bladder", re.IGNORECASE)


@pytest.mark.parametrize("name", sorted(name for name in DOMAIN["responses"] if not name.startswith("utter_faq/")))
def test_every_reply_that_warns_of_the_cauda_equina_signs_uses_the_card(name):
    for variation in DOMAIN["responses"][name]:
        text = variation.get("text", "")
        if WARNING_WORDS.search(text.replace("{warning_card}", "")):
            assert "{warning_card}" in text, f"{name} warns in words of its own: {text}"


@pytest.mark.parametrize("response, action", [("utter_consent_declined", ActionConsentDeclined),
                                              ("utter_stopped", ActionStopped)])
def test_the_stop_and_no_consent_replies_are_sent_with_the_card_in_them(response, action):
    assert all("{warning_card}" in variation["text"] for variation in DOMAIN["responses"][response])
    rules = "\n".join(path.read_text() for path in (ROOT / "data" / "rules").glob("*.yml"))
    assert f"action: {response}" not in rules and f"action: {action().name()}" in rules  # never unfilled
    dispatcher = CollectingDispatcher()
    for staff in (False, True):
        tracker = Tracker("t", {"staff_entered": staff}, {"text": "stop"}, [], False, None, {}, "action_listen")
        asyncio.run(action().run(dispatcher, tracker, DOMAIN))
    assert all(CARD in message["text"] for message in dispatcher.messages) and len(dispatcher.messages) == 2


def test_no_safety_net_sends_new_sexual_problems_alone_to_an_emergency_department():
    # policy v3: a change in sexual function alone is urgent, today; with a cauda equina
    # companion an emergency (the card says so). The shorter safety-nets must agree with it.
    advice = load_knowledge().advice
    nets = [entry["safety_net"] for entry in advice["care"].values()] + [advice["care_today"]["safety_net"]]
    for net in nets:
        for sentence in re.split(r"(?<=\.)\s+", net):
            if "emergency" in sentence.lower():
                assert "sexual" not in sentence and "erection" not in sentence, sentence
