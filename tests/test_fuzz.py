"""Property-based fuzzing (hypothesis) of everything that reads what a person or a caller
sends: the free-text reader, the number and duration parsers, the distress and correction
cues, the numbered-option replies, the engine's input checks, and the Rasa server's guards.
Nothing may raise, and every result must stay inside the vocabulary."""
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pht.language.distress import suggests_distress
from pht.language.numbers import age_years, duration_days, is_vague_time, pain_score, words_to_digits
from pht.language.reader import NOT_SURE, is_correction, shared_reader
from pht.triage import FindingsError, assess, load_knowledge, validate_findings
from channels.options import chosen_payload, resolve_reply

KNOWLEDGE = load_knowledge()
FIELDS = list(KNOWLEDGE.fields)
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PHRASES = sorted({str(synonym) for spec in KNOWLEDGE.fields.values() for entry in spec.get("values", {}).values()
                  for synonym in entry.get("synonyms", []) + entry.get("possible", [])})
NASTY = ["", " ", "\x00", "\u202e", "😣", "not", "no", "never", "don't", "my mum", "actually", "about", "7/10", "99",
         "-3", "1e9", "10000000000000000000", "½", "٣", "six and a half weeks", "since Easter", "/", "{", "'", ",", "."]
# Free text: unicode noise, vocabulary phrases, negations and numbers, in any order
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(PHRASES), st.sampled_from(NASTY), st.text(max_size=12)), max_size=12)
    .map(" ".join),
)
ASKED = st.one_of(st.none(), st.sampled_from(FIELDS))
JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                    max_leaves=20)


def inside_the_vocabulary(findings: dict, asked: Any) -> None:
    answers = {field: value for field, value in findings.items() if not (field == asked and value == NOT_SURE)}
    assert set(findings) <= set(FIELDS)
    validate_findings(answers, KNOWLEDGE)  # raises FindingsError for anything outside it


@SETTINGS
@given(TEXT, ASKED)
def test_the_reader_never_raises_and_reads_only_vocabulary_values(text, asked):
    reading = shared_reader().reading(text, asked)
    inside_the_vocabulary(reading.findings, asked)
    for field, values in reading.possible.items():
        assert set(values) <= set(KNOWLEDGE.fields[field]["values"])


@SETTINGS
@given(TEXT)
def test_yes_no_and_correction_cues_never_raise(text):
    assert shared_reader().yes_or_no(text) in (True, False, None)
    assert is_correction(text) in (True, False)
    assert suggests_distress(text) in (True, False)
    assert is_vague_time(text) in (True, False)


@SETTINGS
@given(TEXT, st.booleans())
def test_the_number_parsers_never_raise_and_give_whole_numbers(text, asked):
    assert isinstance(words_to_digits(text), str)
    for parse in (duration_days, age_years, pain_score):
        value = parse(text, asked)
        assert value is None or (isinstance(value, int) and value >= 0), (parse.__name__, value)


BUTTONS = st.lists(st.fixed_dictionaries({"title": st.text(max_size=20), "payload": st.one_of(
    st.text(max_size=20), st.sampled_from(["/affirm", "/deny", "3", "sit bone"]))}), max_size=9)


@SETTINGS
@given(TEXT, BUTTONS)
def test_a_reply_to_numbered_options_picks_only_offered_payloads(reply, buttons):
    chosen = chosen_payload(reply, buttons)
    offered = {str(button["payload"]) for button in buttons}
    assert chosen is None or set(chosen.split(", ")) <= offered or chosen in offered
    events = [{"event": "bot", "data": {"buttons": buttons}}]
    assert isinstance(resolve_reply(reply, events), str)


@SETTINGS
@given(st.one_of(JSON, st.dictionaries(st.sampled_from(FIELDS + ["extra"]), JSON, max_size=6)))
def test_the_engines_input_check_accepts_valid_findings_or_raises_its_own_error(raw):
    try:
        clean = validate_findings(raw, KNOWLEDGE)
    except FindingsError as error:
        assert error.problems
        return
    result = assess(clean)
    assert result["urgency"] in KNOWLEDGE.urgency_levels


@SETTINGS
@given(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6))
def test_assess_raises_only_findings_errors_whatever_it_is_given(raw):
    try:
        assess(raw)
    except FindingsError:
        pass


@SETTINGS
@given(st.one_of(TEXT, st.text(alphabet="/{}[]\":@.0123456789abcdefghijklmnopqrstuvwxyz_ ", max_size=60).map(lambda t: "/" + t)))
def test_the_rasa_servers_payload_guard_reads_any_text_as_words_or_one_known_intent(text):
    from rasa_server.guards import typed_payload_intent
    from test_guards import DOMAIN

    for offered in (None, frozenset({"/affirm", "/deny"}), frozenset()):
        assert typed_payload_intent(text, DOMAIN, offered) in (None, "nlu_fallback", "start_over", "greet", "stop")


@SETTINGS
@given(JSON)
def test_the_rest_body_check_never_raises(body):
    from channels.rest import rest_body_problem

    problem = rest_body_problem(body)
    assert problem is None or isinstance(problem, str)
    if problem is None:
        assert isinstance(body["sender"], str) and isinstance(body["message"], str)
    json.dumps(problem)
