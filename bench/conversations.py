"""Scripted users for the benchmark: they read what the assistant asked and answer it.

- `PatientScript` plays one simulated patient through our pre-screen in varied free text
  (the vignettes and phrasing of harness/patients.py). It finds the question it was asked in
  the replies themselves, so a benchmark run needs no extra tracker requests.
- `StockScript` plays the stock `rasa init` assistant's conversations (greet, mood, "did that
  help?", goodbye), each message picked from that assistant's own training examples.

A script is a small state machine: `first()` gives the opening message, `next(replies)` the
answer to the latest replies, or None when the conversation is over. `finished_well` says
whether it ended the way the script expected (an outcome for a patient).
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from harness.patients import Patient

from pht.triage import load_knowledge

Replies = List[Dict[str, Any]]
MAX_TURNS = 30


def _response_texts(domain: Dict[str, Any], name: str) -> List[str]:
    return [variation["text"] for variation in domain["responses"][name]]


class PatientScript:
    """One simulated patient talking to our assistant."""

    def __init__(self, truth: Dict[str, Any], seed: int, domain: Dict[str, Any]) -> None:
        knowledge = load_knowledge()
        self.patient = Patient(f"bench-{seed}", truth, seed=seed)
        self.questions = {spec["question"]: field for field, spec in knowledge.fields.items() if "question" in spec}
        # the other ways a field is asked: "anything else ...?" after a passing mention, and
        # "you mentioned ..., is that where it hurts most?" (both begin with fixed words)
        self.question_openings = {spec[key].split("{")[0]: field for field, spec in knowledge.fields.items()
                                  for key in ("more_question", "confirm_question") if key in spec}
        # the confirming question for a possibly mentioned danger sign: yes if the patient has it
        self.confirmations = {entry["confirm"]: (field, value) for field, spec in knowledge.fields.items()
                              for value, entry in spec.get("values", {}).items() if "confirm" in entry}
        # a safety screen answered "not sure" is asked one sign at a time (`alone`, `staff_alone`)
        self.confirmations.update({entry[key]: (field, value) for field, spec in knowledge.fields.items()
                                   for value, entry in spec.get("values", {}).items()
                                   for key in ("alone", "staff_alone") if key in entry})
        # the follow-up questions a finding calls for (policy v3: chest symptoms after a swollen
        # calf, new trouble walking with a cancer history): yes if the patient has that value
        self.confirmations.update({item["question"]: next(iter(item["ask"].items()))
                                   for item in knowledge.vocabulary.get("follow_ups", [])})
        # the one re-ask of an unsure cauda equina sign, in concrete words whose "normal" answer
        # means the sign is absent
        self.concrete = {entry["concrete"]["question"]: (field, value, entry["concrete"]["normal"])
                         for field, spec in knowledge.fields.items()
                         for value, entry in spec.get("values", {}).items() if "concrete" in entry}
        self.consent = _response_texts(domain, "utter_ask_consent")
        self.endings = _response_texts(domain, "utter_after_outcome") + _response_texts(domain, "utter_after_urgent_outcome")
        self.turns = 0
        self.finished_well = False

    def first(self) -> str:
        self.turns = 1
        return self.patient.answer("pain_location")

    def next(self, replies: Replies) -> Optional[str]:
        texts = [reply.get("text", "") for reply in replies]
        if any(text in self.endings for text in texts):
            self.finished_well = True
            return None
        self.turns += 1
        if self.turns > MAX_TURNS:
            return None
        for text in reversed(texts):
            if text in self.questions:
                return self.patient.answer(self.questions[text])
            if text in self.confirmations:
                field, value = self.confirmations[text]
                return "yes" if value in (self.patient.truth.get(field) or []) else "no"
            if text in self.concrete:
                field, value, normal = self.concrete[text]
                has_it = value in (self.patient.truth.get(field) or [])
                return ("no" if normal == "yes" else "yes") if has_it else normal
            for opening, field in self.question_openings.items():
                if text.startswith(opening):
                    return self.patient.answer(field)
            if text in self.consent:
                return "yes"
        return None  # neither a question nor an outcome: the conversation went wrong


def stock_examples(nlu_file: Path) -> Dict[str, List[str]]:
    """The stock assistant's training examples by intent, read once for all its scripts."""
    return {block["intent"]: [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
            for block in yaml.safe_load(nlu_file.read_text())["nlu"]}


class StockScript:
    """One conversation with the stock `rasa init` assistant, as its stories and rules go."""

    def __init__(self, examples: Dict[str, List[str]], seed: int) -> None:
        rng = random.Random(seed)
        mood = rng.choice(["mood_great", "mood_unhappy"])
        intents = ["greet", mood] + (["affirm" if rng.random() < 0.5 else "deny"] if mood == "mood_unhappy" else [])
        if rng.random() < 0.3:
            intents.append("bot_challenge")
        intents.append("goodbye")
        self.messages = [rng.choice(examples[intent]) for intent in intents]
        self.turns = 0
        self.finished_well = False

    def first(self) -> str:
        self.turns = 1
        return self.messages[0]

    def next(self, replies: Replies) -> Optional[str]:
        if not replies:
            return None  # every stock turn gets an answer
        if self.turns == len(self.messages):
            self.finished_well = True
            return None
        self.turns += 1
        return self.messages[self.turns - 1]
