"""Every danger-sign phrasing of both must-pass tables, sent as the first message to the real
servers, gets the welcome, a question or an outcome: never "Take care", "Start again?", a
request for a person or "I can only help with ..." (issue 19).

The reader reads every phrasing (tests/test_danger_signs.py); this checks that the dialogue
acts on what it read, whatever intent the classifier gave the message. Sent from the 2,178
real and table phrasings as first messages, 229 got no question before actions/telling.py,
among them "a few days later, my leg was still swollen", answered with a goodbye.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest

from harness.danger_signs import TABLE
from harness.servers import Conversation
from scripts.evaluate_real import CONSENT_ACTIONS, last_turn_actions, question_asked, running_assistant

from tests.test_danger_signs import ACROSS_SENTENCES, NOT_A_SIGN_ALONE, REAL_TABLE, ROUND_FOURTEEN_LEFT, ROUND_SIXTEEN_LEFT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def many_callers():
    """Servers of their own that take hundreds of new conversations from one trusted caller
    (the shared ones limit new conversations per caller, as in production)."""
    with running_assistant() as assistant:
        yield assistant


def phrasings():
    written = [phrase for entry in TABLE["signs"].values() for phrase in entry["phrasings"]]
    real = [row["text"] for rows in REAL_TABLE["signs"].values() for row in rows
            if row["text"] not in ACROSS_SENTENCES | NOT_A_SIGN_ALONE | set(ROUND_FOURTEEN_LEFT) | set(ROUND_SIXTEEN_LEFT)]
    return list(dict.fromkeys(written + real))


def goes_on(assistant, index, text):
    """None when the first reply asks a question, asks consent or gives an outcome; else the reply."""
    conversation = Conversation(assistant, f"first-message-{index}", {})
    tracker = conversation.send(text)
    if tracker["slots"].get("assessment") or question_asked(tracker):
        return None
    if set(last_turn_actions(tracker)) & CONSENT_ACTIONS:
        return None
    return f"{text!r} -> {conversation.transcript[-1]}"


def test_every_danger_sign_phrasing_as_a_first_message_is_taken_up(many_callers):
    texts = phrasings()
    assert len(texts) >= 600
    with ThreadPoolExecutor(3) as pool:
        left = [reply for reply in pool.map(lambda item: goes_on(many_callers, *item), enumerate(texts)) if reply]
    assert not left, "\n".join(left)
