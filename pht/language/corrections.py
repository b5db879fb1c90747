"""Which items the assistant just repeated back a message denies ("no, I didn't say that").

The cues are data (`corrections` in vocabulary.yml). Only the items of the last message that
repeated answers back can be denied:
- a strong cue ("I never said", "that's wrong") denies the repeated-back values the message
  names, or, naming none of them, every item just repeated back; unless the message gives a
  new value for a repeated-back field ("that's wrong, it's been 3 months" changes the
  duration, as "actually ..." does, and denies nothing);
- a repeated-back value named negated ("not below the knee") is denied;
- a weak cue opening the message ("no, ...") with one of the `only` words denies the items
  just repeated back that the message does not name, when it names something else instead
  ("no, it only goes to the back of the thigh"); "no, just sitting" keeps sitting.
A bare "no", or "no, nothing else", is an answer to the question asked: it denies nothing.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional

from ..triage.knowledge import Knowledge, load_knowledge
from .reader import Reader, _normalise, _phrase_regex, shared_reader

Items = Dict[str, Any]  # field -> value (a list for list fields), as findings are


# A strong cue about what was said ("I never said ..."): a negation after it negates twice.
SAYING = re.compile(r"\b(?:said|say|saying|mention|mentioned|told|tell)\b")


class CorrectionCues:
    """The `corrections` cues of the vocabulary, as patterns."""

    def __init__(self, knowledge: Optional[Knowledge] = None) -> None:
        section = (knowledge or load_knowledge()).vocabulary["corrections"]
        self.strong = _phrase_regex(section["strong"])
        self.weak = re.compile(r"^(?:%s)(?![\w'])" % _phrase_regex(section["weak"]).pattern)
        self.only = _phrase_regex(section["only"])

        self.yes = _phrase_regex(section["yes"])
        self.not_yes = _phrase_regex(section["not_yes"])

    def is_strong(self, text: str) -> bool:
        return bool(self.strong.search(text))


@lru_cache(maxsize=1)
def correction_cues() -> CorrectionCues:
    return CorrectionCues()


def says_that_is_wrong(text: str) -> bool:
    """Whether the message says, in plain words, that something the assistant said is wrong."""
    return correction_cues().is_strong(_normalise(text or ""))


def explicit_yes(text: str, reader: Optional[Reader] = None) -> bool:
    """Whether an answer to "should I take out ...?" is a plain yes, and nothing that could mean
    the person has it after all ("I do", "yes but ...", "no", "not sure")."""
    reader = reader or shared_reader()
    cues = correction_cues()
    normal = _normalise(text or "")
    return (bool(cues.yes.search(normal)) and not cues.not_yes.search(normal)
            and reader.yes_or_no(normal) is True)


def denied_items(text: str, repeated: Optional[Mapping[str, Any]], reader: Optional[Reader] = None,
                 knowledge: Optional[Knowledge] = None) -> Items:
    """The items of `repeated` (what the last message repeated back) that `text` denies;
    empty when it denies none of them."""
    if not repeated:
        return {}
    reader = reader or shared_reader()
    knowledge = knowledge or reader.knowledge
    cues = correction_cues()
    normal = reader.correct_typos(_normalise(text or ""))
    items = {field: value for field, value in repeated.items() if field in knowledge.fields and value not in (None, [])}
    named = reader.named_values(normal)
    negated = reader.named_values(normal, negated_only=True)
    named_repeated = {field: [value for value in _as_list(items[field]) if value in named.get(field, set())]
                      for field in items}
    named_repeated = {field: values for field, values in named_repeated.items() if values}
    if cues.is_strong(normal):
        # "I never said I had no fever" (a double negative) and "it's not a fever, it's a
        # temperature of 39" (the same sign in other words) deny nothing: they have it
        cue = cues.strong.search(normal)
        rest = normal[cue.end():] if cue else normal
        rest_negated = reader.named_values(rest, negated_only=True) if rest.strip() else {}
        stated = reader.read(rest, infer=False) if rest.strip() else {}
        saying = bool(cue and SAYING.search(cue.group(0)))
        kept = {field: [value for value in values if value in rest_negated.get(field, set()) and (
                    saying or value in _as_list(stated.get(field)))] for field, values in named_repeated.items()}
        named_repeated = {field: [value for value in values if value not in kept[field]]
                          for field, values in named_repeated.items()}
        named_repeated = {field: values for field, values in named_repeated.items() if values}
        if any(kept.values()) and not named_repeated:
            return {}
        if named_repeated:
            return _shaped(named_repeated, items, knowledge)
        if any(field in named for field in items):
            return {}  # "that's wrong, it's been 3 months": a new value, which changes the answer
        return dict(items)
    denied = {field: [value for value in _as_list(items[field]) if value in negated.get(field, set())]
              for field in items}
    denied = {field: values for field, values in denied.items() if values}
    if denied:
        return _shaped(denied, items, knowledge)
    if cues.weak.search(normal) and cues.only.search(normal) and named and not named_repeated:
        return dict(items)
    return {}


def _as_list(value: Any) -> List[Any]:
    return list(value) if isinstance(value, list) else [value]


def _shaped(denied: Mapping[str, List[Any]], items: Mapping[str, Any], knowledge: Knowledge) -> Items:
    """Denied values in the shape of their field: a list for list fields, else the value."""
    return {field: values if isinstance(items[field], list) else values[0] for field, values in denied.items()}
