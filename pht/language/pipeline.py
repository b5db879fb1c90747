"""Builds the project's own small English spaCy pipeline from the vocabulary.

No pretrained model can be downloaded, so the pipeline is a blank English tokenizer, the
lookup lemmatizer from `spacy-lookups-data`, and an entity ruler whose patterns come from
the synonyms in `vocabulary.yml`. Text is lower-cased before it reaches the pipeline (Rasa's
`SpacyNLP` does it with `case_sensitive: false`), and patterns match on lemmas, so
"sitting", "sits" and "sat" all find the synonym "sit".

Three small pattern rules make one synonym cover many phrasings:
- a determiner or possessive ("my", "the", "a") stands for any of them, and between two
  words it may be left out: "back of my thigh" also finds "back of the thigh" and "back of thigh";
  in a place's phrase a side may follow it: "back of my left thigh";
- `*` stands for up to three other words in the same clause, never a negation or "of":
  "calf * swollen" finds "my calf is all swollen" but not "my calf is not swollen";
- `=word` matches that exact word form, not its lemma: "=legs * weak" (both legs) must not
  find "my leg feels weak".

Run `python -m pht.language.pipeline OUTPUT_DIR` to save it for Rasa to load by path.
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple, cast

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import EntityRuler, Lemmatizer

from ..triage.knowledge import Knowledge, load_knowledge

TRUE_VALUE = "true"
PIPELINE_NAME = "pht_en"
GAP = "*"
EXACT = "="
NUMBER, YEAR = "#", "####"  # a number in figures ("when i was #"), a year ("back in ####")
GAP_WORDS = 3
DETERMINERS = ["my", "the", "a", "an", "your", "his", "her", "their", "our"]
SIDES = ["left", "right"]  # in a place's phrase, a side may follow a determiner
PLACE_FIELDS = {"pain_location"}  # sided; not the danger signs ("right leg * left leg" is both legs)
# Words that negate what follows them (the reader's negation scope starts here too).
NEGATIONS = {"no", "not", "n't", "never", "without", "none", "nor", "neither", "nothing", "cannot", "nobody"}
# A gap never runs over these: a negation inside it would be missed, and "of" changes the
# thing spoken about ("back * hurts" must not find "back of my knee hurts").
GAP_BLOCKERS = sorted(NEGATIONS | {".", ";", "!", "?", "but", "of", "though", "although", "however", "except"})
# A phrase that only looks like a finding (vocabulary `not_findings`) keeps to its clause: "a weak
# pelvic floor, and my leg is weak too" is no "pelvic floor * * weak".
CLAUSE_GAP_BLOCKERS = sorted(set(GAP_BLOCKERS) | {",", "and", "&", "then", "so", "because"})
# A danger sign's phrase never reads over a word that says all is well or gives a reason:
# "my bladder is fine, since you ask" is no "bladder * since", "I changed the saddle because my
# hands went numb" no "saddle * numb" (a fresh attack on the reader, twenty-eighth session).
SIGN_GAP_BLOCKERS = sorted(set(GAP_BLOCKERS) | {";", "because", "cos", "fine", "normal", "ok", "okay",
                                                 "alright", "regular", "unaffected"})


def synonym_phrases(knowledge: Knowledge) -> Iterator[Tuple[str, str, str]]:
    """Every (field, value, phrase) the vocabulary defines, in vocabulary order."""
    for field, spec in knowledge.fields.items():
        for value, entry in spec.get("values", {}).items():
            for phrase in entry["synonyms"]:
                yield field, value, str(phrase)
        for phrase in spec.get("synonyms", []):
            yield field, TRUE_VALUE, str(phrase)
        for name, phrases in spec.get("named", {}).items():  # a free text field's names (sport)
            for phrase in phrases:
                yield field, name, str(phrase)


def answer_phrases(knowledge: Knowledge) -> Iterator[Tuple[str, str, str]]:
    """Every (field, value, phrase) that names a value only as the answer to its field's own
    question (`as_answer` in vocabulary.yml: "my back" answers "where is the pain worst?")."""
    for field, spec in knowledge.fields.items():
        for value, entry in spec.get("values", {}).items():
            for phrase in entry.get("as_answer", []):
                yield field, value, str(phrase)


# spaCy splits "can't" into "ca" + "n't" and "won't" into "wo" + "n't", and its lookup table
# has no lemma for the first piece: without these, "can't feel" would not find "couldn't feel"
# or "cannot feel" ("could" and "can" already share the lemma "can").
CONTRACTED_LEMMAS = {"ca": "can", "wo": "will"}
# Words the lookup table lemmatizes as another word: "calves" as the verb "calve" (so "pain
# down both calves" would not find "calf"), "number" as "numb" ("a number of times" read as
# numbness), "worse" and "worst" as "wrong", "as" as "a" ("as a temp" a phrase for "a temp";
# no reading of the real set changed when it was fixed); "glutes" is left as it is.
LEMMA_FIXES = {"calves": "calf", "glutes": "glute", "number": "number", "numbers": "number",
               "worse": "worse", "worst": "worst", "as": "as"}


def _lemmatizer_only() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmas = cast(Lemmatizer, nlp.get_pipe("lemmatizer")).lookups.get_table("lemma_lookup")
    for piece, lemma in {**CONTRACTED_LEMMAS, **LEMMA_FIXES}.items():
        lemmas[piece] = lemma
    return nlp


def is_gapped(phrase: str) -> bool:
    """Whether a synonym uses `*` or `=` (so it is a pattern, not a phrase to show or type)."""
    return any(word == GAP or word.startswith(EXACT) for word in str(phrase).split())


def lemma_pattern(nlp: Language, phrase: str, sides: bool = False,
                  blockers: Sequence[str] = GAP_BLOCKERS) -> List[Dict[str, Any]]:
    """A token pattern that matches `phrase` by lemma, whatever its inflection, with the
    determiner and gap rules described at the top of this module; with `sides`, a place's
    phrase also finds its left or right one."""
    pattern: List[Dict[str, Any]] = []
    words = str(phrase).lower().split()
    for position, word in enumerate(words):
        if word == GAP:
            pattern += [{"LOWER": {"NOT_IN": list(blockers)}, "OP": "?"}] * GAP_WORDS
        elif word == NUMBER:
            pattern.append({"IS_DIGIT": True})
        elif word == YEAR:
            pattern.append({"SHAPE": "dddd"})
        elif word in DETERMINERS:
            optional = 0 < position < len(words) - 1
            pattern.append({"LOWER": {"IN": DETERMINERS}, **({"OP": "?"} if optional else {})})
            if sides and position < len(words) - 1 and words[position + 1] not in SIDES:
                pattern.append({"LOWER": {"IN": SIDES}, "OP": "?"})  # "my hamstring": "my right hamstring"
        elif word.startswith(EXACT) and len(word) > 1:
            pattern += [{"LOWER": token.text} for token in nlp.make_doc(word[1:])]
        else:
            pattern += [{"LEMMA": token.lemma_} for token in nlp(word)]
    return pattern


class KeyWordMatcher:
    """A spaCy `Matcher` split by one word each pattern must hold, its longest (long words are
    the rarer ones): a message runs only the patterns whose key word it holds, by lemma or exact
    form, not all of the vocabulary's eleven thousand at every word of it, which was most of the
    time a long story took to read (docs/performance.md). It finds what one `Matcher` of the
    same patterns finds, each match once, ordered by where it starts and ends, then by the
    order the keys were added (tests/test_knowledge.py pins it)."""

    def __init__(self, vocab: Any, validate: bool = False) -> None:
        self.vocab = vocab
        self.validate = validate
        self._by_key: Dict[Tuple[str, str], Matcher] = {}
        self._keyless: Optional[Matcher] = None  # patterns with no word they must hold (a number)
        self._order: Dict[int, int] = {}  # a key's place among those added: the order of a tie

    def add(self, key: str, patterns: Sequence[List[Dict[str, Any]]]) -> None:
        self._order.setdefault(self.vocab.strings.add(key), len(self._order))
        for pattern in patterns:
            for word in _key_words(pattern):
                self._matcher_for(word).add(key, [pattern])

    def _matcher_for(self, word: Optional[Tuple[str, str]]) -> Matcher:
        if word is None:
            if self._keyless is None:
                self._keyless = Matcher(self.vocab, validate=self.validate)
            return self._keyless
        if word not in self._by_key:
            self._by_key[word] = Matcher(self.vocab, validate=self.validate)
        return self._by_key[word]

    def __len__(self) -> int:
        """How many keys (values) it finds, as `len` of a `Matcher` says."""
        return len(self._order)

    def __call__(self, doc: Any) -> List[Tuple[int, int, int]]:
        held = _words_held(doc)
        found = set()
        for word in held & self._by_key.keys():
            found.update(self._by_key[word](doc))
        if self._keyless is not None:
            found.update(self._keyless(doc))
        return sorted(found, key=lambda match: (match[1], match[2], self._order[match[0]]))


HELD_WORDS = "pht_words_held"  # a doc's user_data key: its (attribute, word) pairs, kept once read


def _words_held(doc: Any) -> FrozenSet[Tuple[str, str]]:
    """The (attribute, word) pairs of a message's words, by lemma and exact form: worked out once
    per message and kept on the doc, as a reading runs some forty matchers over the same words."""
    held = doc.user_data.get(HELD_WORDS)
    if held is None:
        held = doc.user_data[HELD_WORDS] = frozenset(
            (attribute, word) for token in doc for attribute, word in (("LEMMA", token.lemma_), ("LOWER", token.lower_)))
    return held


def _key_words(pattern: List[Dict[str, Any]]) -> List[Optional[Tuple[str, str]]]:
    """The (attribute, word) pairs of which a match of `pattern` must hold one: those of its
    longest required word (a token that is neither optional nor negated and names one word, or
    a list of them such as the determiners), or [None] when no token is of that kind."""
    candidates: List[Tuple[int, List[Optional[Tuple[str, str]]]]] = []
    for token in pattern:
        if token.get("OP") in {"?", "*", "!"} or len(token) != 1 + ("OP" in token):
            continue
        for attribute in ("LEMMA", "LOWER"):
            value = token.get(attribute)
            if isinstance(value, str):
                candidates.append((len(value), [(attribute, value)]))
            elif isinstance(value, dict) and list(value) == ["IN"]:
                candidates.append((min(len(word) for word in value["IN"]), [(attribute, word) for word in value["IN"]]))
    return max(candidates, key=lambda candidate: candidate[0])[1] if candidates else [None]


def ruler_patterns(knowledge: Knowledge, nlp: Language) -> List[Dict[str, Any]]:
    """Entity-ruler patterns: label = field name, id = canonical value.

    A phrase listed under two fields (for example "hills") is kept for the first only, so
    the ruler's entities are unambiguous; the parser resolves such phrases with context.
    """
    patterns: List[Dict[str, Any]] = []
    seen = set()
    for field, value, phrase in synonym_phrases(knowledge):
        pattern = lemma_pattern(nlp, phrase, field in PLACE_FIELDS)
        key = repr(pattern)
        if key in seen:
            continue
        seen.add(key)
        patterns.append({"label": field, "pattern": pattern, "id": value})
    return patterns


def build_pipeline(knowledge: Optional[Knowledge] = None) -> Language:
    """Blank English + lookup lemmatizer + entity ruler from the vocabulary."""
    knowledge = knowledge or load_knowledge()
    nlp = _lemmatizer_only()
    patterns = ruler_patterns(knowledge, nlp)
    # spaCy's check of every pattern, once, here: saved with `validate`, the check ran again at
    # every load, two seconds of each Rasa server's start (docs/performance.md round 7)
    Matcher(nlp.vocab, validate=True).add("check", [pattern["pattern"] for pattern in patterns])
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"validate": False}))
    ruler.add_patterns(patterns)
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "PHT pre-screen pipeline built from pht/triage/knowledge/vocabulary.yml"
    return nlp


@lru_cache(maxsize=1)
def shared_pipeline() -> Language:
    """The reader's pipeline for this process, built once on first use: the words and their
    lemmas. The entity ruler is Rasa's (the reader matches the vocabulary itself); building it
    took half of every process's start."""
    return _lemmatizer_only()


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m pht.language.pipeline OUTPUT_DIR", file=sys.stderr)
        return 2
    output = Path(argv[0])
    output.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(output)
    print(f"spaCy pipeline written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
