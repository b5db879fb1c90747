"""Loads the clinical knowledge base (the YAML files in `knowledge/`) and checks it.

The check runs at start-up and in the tests: unknown keys, missing or unknown sources,
conditions or advice that name an unknown field or value, and vocabulary values without
synonyms all fail loudly with a `KnowledgeError`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Mapping, Set, Tuple

import yaml

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"

FIELD_KINDS = {"choice", "list", "number", "boolean", "text"}
FIELD_KEYS = {
    "kind", "summary", "source", "question", "why", "examples", "values", "synonyms", "none_label",
    "min", "max", "unit", "buttons", "screen", "ask_if", "implies", "cues", "cues_needed_with", "more_question",
    "confirm_question", "confirm_whenever_urgency_depends", "label", "staff_question", "staff_more_question",
    "staff_confirm_question", "checkins_only",
    "cues_in_stories", "unlisted", "not_cues", "one_value_only", "not_findings", "not_findings_in_stories", "named", "covers", "made_of", "does_not_hide",
}
CORRECTION_KEYS = {"source", "strong", "weak", "only", "yes", "not_yes", "confirm", "staff_confirm", "confirm_other", "plain",
                   "told", "staff_told"}
VALUE_KEYS = {"label", "synonyms", "possible", "not_with", "confirm", "concrete", "together", "as_answer", "possible_as_answer", "bare_as_answer", "elsewhere", "alone", "staff_alone", "not_everything", "staff_confirm", "implies", "suggests", "not_with_clear", "not_with_in_clause", "gaps_in_clause", "keeps_places", "in_context", "possible_together", "possible_together_in_sentence", "possible_together_as_answer", "one_leg", "together_in_order", "plural_matters"}
# the value keys whose groups of phrase lists are read by their parts together (pht/language/reader.py)
TOGETHER_KEYS = ("together", "possible_together", "possible_together_in_sentence", "possible_together_as_answer")
# words that say both sides, beside which a plural of `plural_matters` may match its singular too
BOTH_SIDES_WORDS = {"both", "either", "each", "two", "other", "neither", "all", "left", "right"}
RULE_KEYS = {"id", "level", "when", "explain", "source", "today"}
DIFFERENTIAL_KEYS = {"id", "name", "explain", "when", "source"}
EVIDENCE_KEYS = {"id", "effect", "when", "text", "source"}
EVIDENCE_EFFECTS = {"supports", "against", "neutral"}
CONDITION_OPERATORS = {
    "equals", "field_in", "has_any", "has_all", "count", "less_than", "at_least",
    "more_than", "known", "all", "any", "not", "ref", "unsure", "incomplete",
}
LIKELIHOOD_LEVELS = ["low", "moderate", "high"]
# The parts an outcome can be told in (advice.yml `telling`); assessment.py renders each.
TELLING_PARTS = {"care", "care_by_when", "could_be", "fit", "plan", "rehab", "safety_net"}
# vocabulary `overturned`: the cues of a denial a later change overturns, and of how it does
OVERTURN_CUES = ("until", "so_far", "past", "past_negations", "future_negations", "now", "now_maybe")


class KnowledgeError(ValueError):
    """The knowledge base is inconsistent; the message says where."""


@dataclass(frozen=True)
class Knowledge:
    """The whole knowledge base, as loaded from YAML."""

    vocabulary: Dict[str, Any]
    rules: Dict[str, Any]
    advice: Dict[str, Any]
    faq: Dict[str, Any]
    sources: Dict[str, Dict[str, str]]
    # phrases written out from a word class with a word other than the class's first: the
    # reader knows them all, the NLU training data needs each phrase once (pht/rasa_data.py)
    variants: FrozenSet[str] = frozenset()

    @property
    def fields(self) -> Dict[str, Dict[str, Any]]:
        return self.vocabulary["fields"]

    @property
    def question_order(self) -> List[str]:
        return list(self.vocabulary["question_order"])

    @property
    def urgency_levels(self) -> List[str]:
        return list(self.rules["urgency"]["levels"])

    def citations(self, keys: Iterable[str]) -> str:
        """The short names of sources, for people to read: 'Goom et al. 2016; clinic articles'."""
        return "; ".join(self.sources[key]["short"] for key in keys)

    def values(self, field: str) -> List[str]:
        """The allowed values of a choice, list or text field, in vocabulary order."""
        return list(self.fields[field].get("values", {}))


@lru_cache(maxsize=1)
def knowledge_version() -> str:
    """The knowledge base a result came from: the policy version and a digest of every
    knowledge file ("2+3f9c0a1b2c4d"), so a stored pre-screen names exactly what judged it."""
    digest = hashlib.sha256()
    for path in sorted(KNOWLEDGE_DIR.glob("*.yml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{_read('rules.yml')['version']}+{digest.hexdigest()[:12]}"


# PyYAML's C parser where it is built in (ten times the pure-Python one: the vocabulary took
# 0.6 s of every process's start); the same safe loading, the same result
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A knowledge file's YAML, safely loaded."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)


def _read(name: str) -> Any:
    return read_yaml(KNOWLEDGE_DIR / name)


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """Read and check the knowledge base once per process."""
    advice = _read("advice.yml")
    faq = _read("faq.yml")["faq"]
    for item in faq.values():  # the warning card is written once, in advice.yml
        item["answer"] = item["answer"].replace("{warning_card}", advice["warning_card"]["text"])
    vocabulary, variants = expand_word_classes(_read("vocabulary.yml"))
    knowledge = Knowledge(
        vocabulary=vocabulary,
        variants=frozenset(variants),
        rules=_read("rules.yml"),
        advice=advice,
        faq=faq,
        sources=_read("sources.yml"),
    )
    check_knowledge(knowledge)
    from .checkin_knowledge import check_checkins, read_checkins  # it builds on this module

    check_checkins(read_checkins(), knowledge)  # the follow-up check-ins fail at start-up too
    return knowledge


WORD_CLASS = re.compile(r"<(\w+)>")
PHRASE_KEYS = ("synonyms", "possible", "as_answer", "possible_as_answer", "bare_as_answer")


def expand_word_classes(vocabulary: Dict[str, Any]) -> Tuple[Dict[str, Any], Set[str]]:
    """Write out every phrase that names a word class (`word_classes` in vocabulary.yml) once per
    word of the class: "where my <bum> meets my <leg>" is also "where my butt meets my thigh".
    One place to add a lay word for the buttock, and every place phrase knows it. Returns the
    vocabulary and the phrases written with a word other than each class's first."""
    classes = {name: [str(word) for word in words] for name, words in (vocabulary.get("word_classes") or {}).items()}
    variants: Set[str] = set()
    written = {str(phrase) for spec in vocabulary["fields"].values()  # phrases written as they are
               for phrases in [spec.get("synonyms") or [], *[(entry or {}).get(key) or []
                                                             for entry in (spec.get("values") or {}).values()
                                                             for key in PHRASE_KEYS]]
               for phrase in phrases}

    def written_out(phrases: List[Any]) -> List[Any]:
        result: List[Any] = []
        for phrase in phrases:
            named = WORD_CLASS.findall(str(phrase))
            if not named:
                result.append(phrase)
                continue
            unknown = [name for name in named if name not in classes]
            if unknown:
                raise KnowledgeError(f"vocabulary.yml: phrase {phrase!r} names no word class {unknown[0]!r}")
            first = str(phrase)
            for name in dict.fromkeys(named):
                first = first.replace(f"<{name}>", classes[name][0])
            forms = [str(phrase)]
            for name in dict.fromkeys(named):
                forms = [form.replace(f"<{name}>", word) for form in forms for word in classes[name]]
            variants.update(form for form in forms if form != first)
            result += [form for form in forms if form not in result]
        return result

    for spec in vocabulary["fields"].values():
        if isinstance(spec.get("synonyms"), list):
            spec["synonyms"] = written_out(spec["synonyms"])
        for entry in (spec.get("values") or {}).values():
            for key in PHRASE_KEYS:
                if isinstance(entry.get(key), list):
                    entry[key] = written_out(entry[key])
    left = next((text for text in _strings(vocabulary["fields"]) if WORD_CLASS.search(text)), None)
    if left is not None:  # a class named where it is not written out would be matched as it stands
        raise KnowledgeError(f"vocabulary.yml: {left!r} names a word class outside {', '.join(PHRASE_KEYS)}")
    return vocabulary, variants - written


def _strings(tree: Any) -> Iterator[str]:
    """Every string in a tree of lists and mappings."""
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, dict):
        for item in tree.values():
            yield from _strings(item)
    elif isinstance(tree, list):
        for item in tree:
            yield from _strings(item)


def check_knowledge(knowledge: Knowledge) -> None:
    """Raise `KnowledgeError` on the first inconsistency found."""
    for key, entry in knowledge.sources.items():
        if not isinstance(entry, dict) or set(entry) != {"short", "citation"}:
            raise KnowledgeError(f"source {key}: needs exactly `short` and `citation`")
    _check_vocabulary(knowledge)
    _check_screens(knowledge)
    checker = _ConditionChecker(knowledge)
    for item in knowledge.vocabulary.get("follow_ups", []):
        _require_keys(item, {"ask", "when", "question", "staff_question", "source"}, "follow_up")
        _require_sources(knowledge, item, "follow_up")
        checker.check(item["when"], "follow_up")
        (field, value), = item["ask"].items()
        checker.check({"has_any": {field: [value]}}, "follow_up")
    for name, condition in knowledge.rules["definitions"].items():
        checker.check(condition, f"definition {name}")
    _check_rules(knowledge, checker)
    _check_advice(knowledge, checker)
    for topic, item in knowledge.faq.items():
        _require_keys(item, {"answer", "source"}, f"faq {topic}")
        if not item.get("answer"):
            raise KnowledgeError(f"faq {topic}: missing `answer`")
        _require_sources(knowledge, item, f"faq {topic}")


def _require_sources(knowledge: Knowledge, item: Mapping[str, Any], where: str) -> None:
    sources = item.get("source")
    if not sources or not isinstance(sources, list):
        raise KnowledgeError(f"{where}: missing `source:` list")
    unknown = [key for key in sources if key not in knowledge.sources]
    if unknown:
        raise KnowledgeError(f"{where}: unknown source key(s) {unknown}")


def _require_keys(item: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = set(item) - set(allowed)
    if unknown:
        raise KnowledgeError(f"{where}: unknown key(s) {sorted(unknown)}")


def _check_plural_matters(entry: Dict[str, Any], where: str) -> None:
    """A value whose sense is in a plural (`plural_matters: [legs, feet]`, both legs) writes that
    plural exact ("=legs") in every phrase with no word of both sides: the reader matches words
    by lemma, so a bare "legs" finds "my leg stopped working" too."""
    plurals = set(entry.get("plural_matters") or [])
    if not plurals:
        return
    for key in ("synonyms", "possible", "as_answer", "possible_as_answer", *TOGETHER_KEYS):
        for phrase in flattened(entry.get(key, [])):
            words = str(phrase).lower().split()
            if not BOTH_SIDES_WORDS & set(words) and plurals & set(words):
                raise KnowledgeError(f"{where}: `{phrase}` would find one of them too: write the plural exact (`=legs`)")


def _check_vocabulary(knowledge: Knowledge) -> None:
    fields = knowledge.fields
    for name, field in fields.items():
        where = f"vocabulary field {name}"
        _require_keys(field, FIELD_KEYS, where)
        if field.get("kind") not in FIELD_KINDS:
            raise KnowledgeError(f"{where}: kind must be one of {sorted(FIELD_KINDS)}")
        _require_sources(knowledge, field, where)
        for text_key in ("question", "why", "examples", "summary"):
            if not field.get(text_key):
                raise KnowledgeError(f"{where}: missing `{text_key}`")
        if field["kind"] in {"choice", "list"} and not field.get("values"):
            raise KnowledgeError(f"{where}: a {field['kind']} field needs values")
        for key in ("not_findings", "not_findings_in_stories"):
            if key in field and not all(isinstance(phrase, str) and phrase for phrase in flattened(field[key])):
                raise KnowledgeError(f"{where}: `{key}` must be a list of phrases (or of lists of phrases)")
        if not set(field.get("does_not_hide") or []) <= set(fields):
            raise KnowledgeError(f"{where}: `does_not_hide` names fields of the vocabulary")
        for value, entry in field.get("values", {}).items():
            _require_keys(entry, VALUE_KEYS, f"{where} value {value}")
            if not entry.get("synonyms") or not entry.get("label"):
                raise KnowledgeError(f"{where} value {value}: needs a label and synonyms")
            for key in ("possible", "not_with", "as_answer", "possible_as_answer", "bare_as_answer"):
                if not all(isinstance(phrase, str) and phrase for phrase in entry.get(key, [])):
                    raise KnowledgeError(f"{where} value {value}: `{key}` must be a list of phrases")
            for key in TOGETHER_KEYS:
                for group in entry.get(key, []):
                    if not (isinstance(group, list) and len(group) >= 2 and all(
                            isinstance(part, list) and part and all(isinstance(p, str) and p for p in part) for part in group)):
                        raise KnowledgeError(f"{where} value {value}: `{key}` is a list of groups of two or more phrase lists")
            _check_plural_matters(entry, f"{where} value {value}")
            if ("not_with" in entry or "confirm" in entry) and "possible" not in entry:
                raise KnowledgeError(f"{where} value {value}: `not_with` and `confirm` go with `possible` phrases")
            context = entry.get("in_context")
            if context is not None and not (isinstance(context, dict) and set(context) == {"words", "context", "read_as"}
                                            and context["words"] and context["context"]
                                            and context["read_as"] in field.get("values", {})):
                raise KnowledgeError(f"{where} value {value}: `in_context` needs `words`, `context` and a value to be `read_as`")
            elsewhere = entry.get("elsewhere")
            if elsewhere is not None and not (isinstance(elsewhere, dict) and {"places", "unless"} <= set(elsewhere)
                                              <= {"places", "unless", "measures", "near"}
                                              and all(elsewhere[key] for key in elsewhere)):
                raise KnowledgeError(f"{where} value {value}: `elsewhere` needs `places` and `unless` phrase lists "
                                     "(and may have `measures` and `near`)")
            one_leg = entry.get("one_leg")
            if one_leg is not None and not (isinstance(one_leg, dict) and set(one_leg) == {"named", "unless"}
                                            and one_leg["named"] and one_leg["unless"]):
                raise KnowledgeError(f"{where} value {value}: `one_leg` needs `named` and `unless` phrase lists")
            if "together_in_order" in entry and not (entry["together_in_order"] is True
                                                     and (entry.get("together") or entry.get("possible_together"))):
                raise KnowledgeError(f"{where} value {value}: `together_in_order` is `true` beside `together` or `possible_together` groups")
            if elsewhere and elsewhere.get("near") and "possible" not in entry:
                raise KnowledgeError(f"{where} value {value}: `elsewhere.near` asks once: it goes with `possible` phrases")
            for key in ("possible_as_answer", "bare_as_answer", "possible_together", "possible_together_in_sentence",
                        "possible_together_as_answer"):
                if key in entry and "possible" not in entry:
                    raise KnowledgeError(f"{where} value {value}: `{key}` goes with `possible` phrases and their `confirm`")
            if "possible" in entry and not entry.get("confirm"):
                raise KnowledgeError(f"{where} value {value}: `possible` phrases need a `confirm` question")
            if bool(entry.get("confirm")) != bool(entry.get("staff_confirm")):
                raise KnowledgeError(f"{where} value {value}: a `confirm` question needs its `staff_confirm` (third person)")
            if "concrete" in entry and not {"question", "staff_question", "normal"} <= set(entry["concrete"]):
                raise KnowledgeError(f"{where} value {value}: `concrete` needs `question`, `staff_question` and `normal`")
        if field.get("screen"):
            followed_up = {value for item in knowledge.vocabulary.get("follow_ups", []) for value in
                           [item["ask"].get(name)] if value}
            for value, entry in field["values"].items():
                if value not in followed_up and not (entry.get("alone") and entry.get("staff_alone")):
                    raise KnowledgeError(f"{where} value {value}: a safety sign needs its `alone` and `staff_alone` questions")
        if field["kind"] == "boolean" and not field.get("synonyms"):
            raise KnowledgeError(f"{where}: a boolean field needs synonyms for 'true'")
        if "cues" in field and not (isinstance(field["cues"], list) and field["cues"]
                                    and all(isinstance(cue, str) and cue for cue in field["cues"])):
            raise KnowledgeError(f"{where}: `cues` must be a list of phrases")
        if set(field.get("cues_needed_with", [])) - set(fields) or ("cues" in field) != (
                "cues_needed_with" in field or "cues_in_stories" in field):
            raise KnowledgeError(f"{where}: `cues` go with `cues_needed_with` (known fields) or `cues_in_stories`")
        if field.get("cues_in_stories") and "cues" not in field:
            raise KnowledgeError(f"{where}: `cues_in_stories` needs the field's `cues`")
        if field.get("not_cues") and "cues" not in field:
            raise KnowledgeError(f"{where}: `not_cues` needs the field's `cues`")
        if {"named", "covers", "made_of"} & set(field) and field["kind"] != "text":
            raise KnowledgeError(f"{where}: `named`, `covers` and `made_of` are for a free-text field")
        for value, covered in [*field.get("covers", {}).items(), *field.get("made_of", {}).items()]:
            if not {value, *covered} <= set(field.get("values", {})) | set(field.get("named", {})):
                raise KnowledgeError(f"{where}: `covers` or `made_of` names values the field does not have")
        if set(field.get("named", {})) & set(field.get("values", {})):
            raise KnowledgeError(f"{where}: a `named` sport is one of the field's values already")
        for value, entry in field.get("values", {}).items():
            if entry.get("not_with_clear") and (name in {"red_flags", "injury_signs"} or value == "leg_weakness"
                                                or not entry.get("not_with")):
                raise KnowledgeError(f"{where} value {value}: `not_with_clear` needs `not_with` and is never on a danger sign")
            for key in ("implies", "suggests"):
                for other, other_value in (entry.get(key) or {}).items():
                    if other_value not in fields.get(other, {}).get("values", {}):
                        raise KnowledgeError(f"{where} value {value}: {key} names unknown {other}={other_value}")
        for key in ("ask_if", "implies"):
            for other, other_value in field.get(key, {}).items():
                if other_value not in fields.get(other, {}).get("values", {}):
                    raise KnowledgeError(f"{where}: {key} names unknown {other}={other_value}")
    order = knowledge.question_order
    if sorted(order) != sorted(fields):
        raise KnowledgeError("vocabulary question_order must list every field exactly once")
    spellings = knowledge.vocabulary.get("spellings", {})
    if not (isinstance(spellings, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in spellings.items())):
        raise KnowledgeError("vocabulary `spellings` maps a spelling to the word it stands for")
    inability = knowledge.vocabulary.get("inability", {})
    if not (isinstance(inability, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in inability.items())):
        raise KnowledgeError("vocabulary `inability` maps a long way of telling an inability to the short way")
    lost = knowledge.vocabulary.get("lost_ability", {})
    if not (isinstance(lost, dict) and set(lost) <= {"before", "after"} and all(
            isinstance(phrases, list) and all(isinstance(p, str) and p for p in phrases) for phrases in lost.values())):
        raise KnowledgeError("vocabulary `lost_ability`: lists of phrases under before and after")
    overturned = knowledge.vocabulary.get("overturned", {})
    if set(overturned) - set(OVERTURN_CUES) or not all(
            isinstance(phrases, list) and all(isinstance(p, str) and p for p in phrases) for phrases in overturned.values()):
        raise KnowledgeError(f"vocabulary `overturned`: lists of phrases under {', '.join(OVERTURN_CUES)}")
    guesses = knowledge.vocabulary.get("guesses", {})
    if set(guesses.get("fields", [])) - set(knowledge.fields):
        raise KnowledgeError("vocabulary `guesses`: `fields` must name vocabulary fields")
    confirmed = {value for spec in knowledge.fields.values() for value, entry in (spec.get("values") or {}).items()
                 if isinstance(entry, dict) and entry.get("confirm")}
    if set(knowledge.vocabulary.get("explained") or {}) - confirmed:
        raise KnowledgeError("vocabulary `explained`: values with a `confirm` question (asked once)")
    if set(knowledge.vocabulary.get("any_time", [])) - confirmed:
        raise KnowledgeError("vocabulary `any_time`: values with a `confirm` question (asked about its possible phrases)")
    if set(knowledge.vocabulary.get("historical", {}).get("values", [])) - confirmed:
        raise KnowledgeError("vocabulary `historical`: `values` must be values with a `confirm` question (asked once)")
    presupposes = knowledge.vocabulary.get("denial_presupposes", {})
    if set(presupposes) - confirmed or not all(
            isinstance(phrase, str) and phrase for phrases in presupposes.values() for phrase in phrases):
        raise KnowledgeError("vocabulary `denial_presupposes`: values with a `confirm` question, each to a list of phrases")
    relieving = knowledge.vocabulary.get("relieving", {})
    if set(relieving.get("fields", [])) - set(knowledge.fields):
        raise KnowledgeError("vocabulary `relieving`: `fields` must name vocabulary fields")
    for key in ("not_findings", "distress"):
        if not all(isinstance(phrase, str) and phrase for phrase in knowledge.vocabulary.get(key, [])):
            raise KnowledgeError(f"vocabulary {key}: must be a list of phrases")
    if not knowledge.vocabulary.get("distress"):
        raise KnowledgeError("vocabulary distress: the phrases about suicide or self-harm are missing")
    corrections = knowledge.vocabulary.get("corrections")
    if corrections is not None:
        _require_keys(corrections, CORRECTION_KEYS, "vocabulary corrections")
        _require_sources(knowledge, corrections, "vocabulary corrections")
        for key in ("strong", "weak", "only", "yes", "not_yes"):
            if not (corrections.get(key) and all(isinstance(p, str) and p for p in corrections[key])):
                raise KnowledgeError(f"vocabulary corrections: `{key}` must be a list of phrases")
        values = {value for spec in fields.values() for value in spec.get("values", {})}
        if set(corrections.get("plain", {})) - values:
            raise KnowledgeError("vocabulary corrections: `plain` names unknown values")
        if "{sign}" not in corrections.get("confirm", ""):
            raise KnowledgeError("vocabulary corrections: the `confirm` question names the {sign}")
    for answer in ("affirm", "deny", "unsure", "none"):
        if not knowledge.vocabulary.get("answers", {}).get(answer):
            raise KnowledgeError(f"vocabulary answers: missing `{answer}` phrases")
    for answer in ("affirm", "deny", "unsure"):
        if not knowledge.vocabulary.get("answer_labels", {}).get(answer):
            raise KnowledgeError(f"vocabulary answer_labels: missing the `{answer}` button's title")


def _check_screens(knowledge: Knowledge) -> None:
    screens = knowledge.rules.get("screens") or {}
    _require_keys(screens, {"fields", "required_for_routine", "unsure_counts_as_present", "source"}, "screens")
    _require_sources(knowledge, screens, "screens")
    fields = screens.get("fields") or []
    for field in fields:
        if knowledge.fields.get(field, {}).get("kind") != "list":
            raise KnowledgeError(f"screens: {field} is not a list field")
    if set(screens.get("required_for_routine", [])) - set(fields):
        raise KnowledgeError("screens: required_for_routine names a field that is not a screen")
    for field, values in (screens.get("unsure_counts_as_present") or {}).items():
        if field not in fields or set(values) - set(knowledge.values(field)):
            raise KnowledgeError(f"screens unsure_counts_as_present: unknown {field} values {values}")


def _check_rules(knowledge: Knowledge, checker: "_ConditionChecker") -> None:
    for table, levels in (("urgency", knowledge.urgency_levels), ("likelihood", LIKELIHOOD_LEVELS)):
        section = knowledge.rules[table]
        for rule in section["rules"] + [section["default"]]:
            where = f"{table} rule {rule.get('id')}"
            _require_keys(rule, RULE_KEYS, where)
            if rule.get("level") not in levels:
                raise KnowledgeError(f"{where}: level must be one of {levels}")
            if "today" in rule and (rule["today"] is not True or rule["level"] != "urgent"):
                raise KnowledgeError(f"{where}: `today: true` marks urgent rules only")
            _require_sources(knowledge, rule, where)
            if "when" in rule:
                checker.check(rule["when"], where)
    for item in knowledge.rules["differentials"]:
        where = f"differential {item.get('id')}"
        _require_keys(item, DIFFERENTIAL_KEYS, where)
        _require_sources(knowledge, item, where)
        checker.check(item["when"], where)
    for item in knowledge.rules["evidence"]:
        where = f"evidence {item.get('id')}"
        _require_keys(item, EVIDENCE_KEYS, where)
        if item.get("effect") not in EVIDENCE_EFFECTS:
            raise KnowledgeError(f"{where}: effect must be one of {sorted(EVIDENCE_EFFECTS)}")
        _require_sources(knowledge, item, where)
        checker.check(item["when"], where)


def _check_advice(knowledge: Knowledge, checker: "_ConditionChecker") -> None:
    advice = knowledge.advice
    for level in knowledge.urgency_levels:
        care = advice["care"].get(level)
        if not care:
            raise KnowledgeError(f"advice care: missing level {level}")
        _require_keys(care, {"headline", "where", "when", "safety_net", "source"}, f"care {level}")
        _require_sources(knowledge, care, f"care {level}")
        parts = advice["telling"].get(level)
        if not parts or set(parts) - TELLING_PARTS or parts[0] not in {"care", "care_by_when"}:
            raise KnowledgeError(f"advice telling {level}: parts from {sorted(TELLING_PARTS)}, the care first")
    _require_keys(advice["care_today"], {"headline", "where", "when", "safety_net", "source"}, "care_today")
    _require_sources(knowledge, advice["care_today"], "care_today")
    _require_sources(knowledge, advice["telling"], "advice telling")
    for item in advice["load_changes"]:
        where = f"load change {item.get('id')}"
        _require_keys(item, {"id", "for", "text", "source"}, where)
        _require_sources(knowledge, item, where)
        for field, values in item["for"].items():
            checker.check({"has_any": {field: values}}, where)
    _require_keys(advice["warning_card"], {"text", "when", "source"}, "warning_card")
    checker.check(advice["warning_card"]["when"], "warning_card")
    for item in [advice["pain_rule"], advice["rehab_note"], advice["incomplete"], advice["warning_card"]] + list(
        advice["rehab_stages"]
    ) + list(advice["timeline"].values()):
        _require_sources(knowledge, item, f"advice {item.get('id', item.get('text', '')[:30])}")
        if "when" in item:
            checker.check(item["when"], "advice timeline")


class _ConditionChecker:
    """Checks that conditions use known operators, fields, values and definitions."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.fields = knowledge.fields
        self.definitions = knowledge.rules["definitions"]

    def check(self, condition: Any, where: str) -> None:
        if not isinstance(condition, dict) or len(condition) != 1:
            raise KnowledgeError(f"{where}: a condition needs exactly one operator: {condition}")
        (operator, argument), = condition.items()
        if operator not in CONDITION_OPERATORS:
            raise KnowledgeError(f"{where}: unknown operator `{operator}`")
        if operator in {"all", "any"}:
            for part in argument:
                self.check(part, where)
        elif operator == "not":
            self.check(argument, where)
        elif operator == "ref":
            if argument not in self.definitions:
                raise KnowledgeError(f"{where}: unknown definition `{argument}`")
        elif operator in {"known", "incomplete"}:
            self._field(argument, where)
        elif operator == "count":
            _require_keys(argument, {"field", "values", "at_least", "exactly", "counting_unsure"}, where)
            self._values(argument["field"], argument["values"], where)
        else:
            for field, value in argument.items():
                values = value if isinstance(value, list) else [value]
                if operator in {"less_than", "at_least", "more_than"}:
                    if self._field(field, where)["kind"] != "number":
                        raise KnowledgeError(f"{where}: {field} is not a number field")
                else:
                    self._values(field, values, where)

    def _field(self, field: str, where: str) -> Dict[str, Any]:
        if field not in self.fields:
            raise KnowledgeError(f"{where}: unknown finding `{field}`")
        return self.fields[field]

    def _values(self, field: str, values: List[Any], where: str) -> None:
        spec = self._field(field, where)
        if spec["kind"] == "boolean":
            allowed: Iterable[Any] = (True, False)
        else:
            allowed = spec.get("values", {})
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise KnowledgeError(f"{where}: unknown value(s) {unknown} for `{field}`")


def flattened(phrases: Iterable[Any]) -> List[Any]:
    """A vocabulary phrase list, its nested lists (YAML aliases of shared lists) laid out in it."""
    return [phrase for item in phrases for phrase in (flattened(item) if isinstance(item, list) else [item])]
