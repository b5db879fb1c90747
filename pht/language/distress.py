"""Recognises wording about suicide or self-harm, deterministically, from the vocabulary.

Policy v2 (outside triage): such a message stops the questions and gets an empathetic reply
with crisis contacts. A trained intent classifier can miss a rare message or call it "stop";
a list of phrases cannot, and a reviewer can read it (`distress` in vocabulary.yml). Plain
regular expressions, no spaCy, so the Rasa server can use it on every message cheaply
(its NLU component rasa_server/distress.py sets the `distress` intent with it, and only it).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..triage.knowledge import Knowledge, load_knowledge

DISTRESS_INTENT = "distress"
# Between two words of a phrase, up to this many other words may stand ("want to * die").
GAP = r"(?:\s+[\w']+){0,3}?\s+"


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("-", " ")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _distress_regex(knowledge: Optional[Knowledge] = None) -> "re.Pattern[str]":
    knowledge = knowledge or load_knowledge()
    alternatives = []
    for phrase in knowledge.vocabulary["distress"]:
        words = [re.escape(word) for word in _normalise(str(phrase)).split() if word != "*"]
        gapped = " * " in f" {phrase} "
        alternatives.append((GAP if gapped else r"\s+").join(words))
    return re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % "|".join(sorted(alternatives, key=len, reverse=True)))


def suggests_distress(text: str) -> bool:
    """Whether a message uses wording about suicide or self-harm."""
    return bool(_distress_regex().search(_normalise(text or "")))
