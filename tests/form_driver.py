"""Plays a whole pre-screen through the real actions, without servers or a trained model.

It does what Rasa does around the assessment form, in the same order: after each message
`action_extract_findings` fills slots, the form's validation action checks them and picks
the next question, and the `action_ask_*` action asks it; when no question is left,
`action_assess` gives the outcome. Intents are not classified (every message is `inform`),
so digressions and the dialogue rules are the end-to-end tests' business; this is for the
questions and answers, quickly and for many people.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import ActionAssess
from actions.corrections import WITHDRAW_CHECK, AskToConfirmWithdrawal
from actions.forms import ASK_ACTIONS, FORM_NAME, ActionExtractFindings, AskToConfirmDangerSign, ValidateAssessmentForm
from pht.state import CONFIRM_SLOT
from pht.domain import read_domain

DOMAIN = read_domain()
ASKERS = {**ASK_ACTIONS, CONFIRM_SLOT: AskToConfirmDangerSign, WITHDRAW_CHECK: AskToConfirmWithdrawal}


class FormDriver:
    """One person's conversation, from consent to the outcome."""

    def __init__(self) -> None:
        self.slots: Dict[str, Any] = {name: None for name in DOMAIN["slots"]}
        self.slots["requested_slot"] = None
        self.asked: List[str] = []
        self.replies: List[str] = []
        self.buttons: List[List[str]] = []  # the titles of each question's buttons, as `asked`
        self._titles: List[str] = []

    def _run(self, action: Any, text: str, events: Optional[List[Dict[str, Any]]] = None) -> List[Dict[str, Any]]:
        tracker = Tracker("driver", dict(self.slots), {"text": text, "intent": {"name": "inform", "confidence": 0.9}},
                          events or [], False, None, {"name": FORM_NAME}, "action_listen")
        dispatcher = CollectingDispatcher()
        result = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
        self.replies += [message.get("text") or message.get("response") or "" for message in dispatcher.messages]
        self._titles = [button["title"] for message in dispatcher.messages for button in message.get("buttons") or []]
        return result

    def _apply(self, events: List[Dict[str, Any]]) -> None:
        for event in events:
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]

    def say(self, text: str) -> Optional[str]:
        """One message; returns the next question asked (a slot name), or None at the outcome."""
        extracted = self._run(ActionExtractFindings(), text)
        self._apply(extracted)
        slot_events = [event for event in extracted if event["event"] == "slot"]
        validated = self._run(ValidateAssessmentForm(), text, [{"event": "action", "name": FORM_NAME}, *slot_events])
        self._apply(validated)
        requested = self.slots.get("requested_slot")
        if requested:
            self.asked.append(requested)
            self._apply(self._run(ASKERS[requested](), text))  # as Rasa does: an ask may remember what it repeated
            self.buttons.append(self._titles)
        return requested

    def run(self, opening: str, answer: Callable[[str], str], max_turns: int = 30) -> Dict[str, Any]:
        """The first message, then an answer to each question, until the outcome."""
        requested = self.say(opening)
        for _ in range(max_turns):
            if not requested:
                self._apply(self._run(ActionAssess(), ""))
                return self.slots["assessment"]
            requested = self.say(answer(requested))
        raise AssertionError(f"no outcome after {max_turns} turns; asked {self.asked}")
