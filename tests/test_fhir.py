"""FHIR R4: the Questionnaire shipped in the repository, and each record as a
QuestionnaireResponse that fhir.resources parses and that fits the Questionnaire (every
linkId exists, answer types match, options are allowed), read back to the same record."""
import copy
import json

import pytest
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from pht.records import NewPrescreen, Records
from pht.records.fhir import (
    NONE_CODE, QUESTIONNAIRE_FILE, build_questionnaire, canonical, check_response, code_system,
    from_questionnaire_response, shipped_questionnaire, to_questionnaire_response,
)
from pht.triage import assess, load_knowledge
from test_records import OUTCOMES


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    store = Records(f"sqlite:///{tmp_path_factory.mktemp('fhir') / 'records.db'}")
    yield store
    store.close()


def stored(records, findings, **extra):
    result = {**assess(findings), "skipped": ["sport"], "unsure": ["pain_score"]}
    return records.add(NewPrescreen(channel="socketio", sender_id="fhir-person", assessment=result,
                                    consent={"status": "given", "answer": "affirm"}, engine_version="2.0",
                                    knowledge_version="2+abc", **extra))


def items(questionnaire):
    def walk(entries):
        for item in entries:
            yield item
            yield from walk(item.get("item", []))
    return {item["linkId"]: item for item in walk(questionnaire["item"])}


def test_the_shipped_questionnaire_is_made_from_the_current_vocabulary():
    """After a vocabulary change: `python -m pht.records.fhir` writes it again."""
    assert json.loads(QUESTIONNAIRE_FILE.read_text()) == build_questionnaire()


def test_the_questionnaire_is_valid_fhir_with_every_finding_and_every_value_as_an_option():
    Questionnaire.parse_obj(shipped_questionnaire())
    knowledge = load_knowledge()
    defined = items(shipped_questionnaire())
    for field in knowledge.question_order:
        spec = knowledge.fields[field]
        item = defined[field]
        assert item["text"] == spec["question"] and item["prefix"] == spec["label"]
        codes = {option["valueCoding"]["code"] for option in item.get("answerOption", [])}
        assert set(spec.get("values", {})) <= codes
        assert item.get("repeats", False) == (spec["kind"] == "list")
        if spec["kind"] == "list":
            assert NONE_CODE in codes
    levels = {option["valueCoding"]["code"] for option in defined["urgency"]["answerOption"]}
    assert levels == set(knowledge.urgency_levels)
    assert defined["outcome"]["readOnly"] and defined["urgency"]["readOnly"]


@pytest.mark.parametrize("level", list(OUTCOMES))
def test_every_outcome_exports_a_response_that_fits_the_questionnaire_and_reads_back(records, level):
    record = stored(records, OUTCOMES[level], staff_entered=level == "urgent",
                    ended_by="danger_sign" if level in ("emergency", "urgent") else "completed")
    response = to_questionnaire_response(record)
    assert QuestionnaireResponse.parse_obj(response).status == "completed"
    assert response["questionnaire"] == canonical()
    assert check_response(response) == []
    back = from_questionnaire_response(json.loads(json.dumps(response)))
    assert back["reference"] == record.reference and back["findings"] == record.findings
    assert (back["urgency"], back["likelihood"]) == (record.urgency, record.likelihood)
    assert back["ended_by"] == record.ended_by
    assert back["differentials"] == record.assessment["differentials"]
    assert back["skipped"] == record.skipped and back["unsure"] == record.unsure
    assert back["staff_entered"] == record.staff_entered and back["consent"] == record.consent
    assert back["created"] == record.created
    assert ("author" in response) == record.staff_entered


def test_no_danger_signs_is_an_answer_not_a_gap(records):
    response = to_questionnaire_response(stored(records, OUTCOMES["routine"]))
    findings = {item["linkId"]: item for item in response["item"][0]["item"]}
    assert findings["red_flags"]["answer"] == [{"valueCoding": {
        "system": code_system("red_flags"), "code": NONE_CODE, "display": "None of these"}}]


def test_free_text_sport_is_a_string_answer_to_the_open_choice(records):
    response = to_questionnaire_response(stored(records, {**OUTCOMES["routine"], "sport": "curling"}))
    findings = {item["linkId"]: item for item in response["item"][0]["item"]}
    assert findings["sport"]["answer"] == [{"valueString": "curling"}]
    assert check_response(response) == []


def _broken(records, change):
    response = to_questionnaire_response(stored(records, OUTCOMES["routine"]))
    broken = copy.deepcopy(response)
    change({item["linkId"]: item for group in broken["item"] for item in [group, *group.get("item", [])]}, broken)
    return check_response(broken)


def test_the_check_finds_answers_the_types_library_lets_through(records):
    def unknown_item(found, response):
        response["item"][0]["item"].append({"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]})

    def wrong_type(found, response):
        found["age"]["answer"] = [{"valueString": "thirty-four"}]

    def option_not_allowed(found, response):
        found["pain_location"]["answer"][0]["valueCoding"]["code"] = "elbow"

    def two_answers_to_one(found, response):
        first = found["onset"]["answer"][0]["valueCoding"]
        found["onset"]["answer"].append({"valueCoding": dict(first, code="sudden")})

    def out_of_range(found, response):
        found["pain_score"]["answer"] = [{"valueInteger": 14}]

    def required_missing(found, response):
        found["outcome"]["item"] = [item for item in found["outcome"]["item"] if item["linkId"] != "urgency"]

    def other_questionnaire(found, response):
        response["questionnaire"] = "https://elsewhere.example/Questionnaire/x"

    expected = {unknown_item: "favourite_colour: no such item", wrong_type: "age: answer ['valueString']",
                option_not_allowed: "#elbow is not one of", two_answers_to_one: "onset: 2 answers",
                out_of_range: "14 is outside 0-10", required_missing: "urgency: required",
                other_questionnaire: "questionnaire is"}
    for change, problem in expected.items():
        problems = _broken(records, change)
        assert any(problem in found for found in problems), (change.__name__, problems)
    # each of these is valid as far as fhir.resources is concerned
    QuestionnaireResponse.parse_obj(to_questionnaire_response(stored(records, OUTCOMES["routine"])))


# --- policy v3: the states of the safety screens ------------------------------------------------

def screen_group(response, field):
    groups = {group["linkId"]: group for group in response["item"]}
    screens = {item["linkId"]: item for item in groups.get("screens", {}).get("item", [])}
    return {item["linkId"]: item["answer"] for item in screens[f"screens.{field}"]["item"]}


def test_an_unsure_saddle_answer_is_exported_as_asked_unknown_and_never_as_none(records):
    from common import CLASSIC
    record = stored(records, {**CLASSIC, "unsure": {"red_flags": ["saddle_numbness"]}})
    response = to_questionnaire_response(record)
    assert check_response(response) == []
    findings = {item["linkId"]: item for item in response["item"][0]["item"]}
    assert "red_flags" not in findings  # not "none of these"
    answers = screen_group(response, "red_flags")
    assert answers["screens.red_flags.state"][0]["valueCoding"]["code"] == "asked-unknown"
    assert answers["screens.red_flags.state"][0]["valueCoding"]["system"] == \
        "http://terminology.hl7.org/CodeSystem/data-absent-reason"
    assert [answer["valueCoding"]["code"] for answer in answers["screens.red_flags.asked-unknown"]] == \
        ["saddle_numbness"]
    assert from_questionnaire_response(response)["screens"]["red_flags"]["asked-unknown"] == ["saddle_numbness"]


def test_an_abandoned_red_flag_screen_is_exported_as_asked_declined(records):
    from common import CLASSIC
    record = stored(records, {**CLASSIC, "red_flags": None, "incomplete": ["red_flags"]})
    response = to_questionnaire_response(record)
    assert check_response(response) == []
    assert screen_group(response, "red_flags")["screens.red_flags.state"][0]["valueCoding"]["code"] == "asked-declined"


def test_a_screen_answered_plainly_has_no_screen_states(records):
    from common import CLASSIC
    response = to_questionnaire_response(stored(records, CLASSIC))
    assert "screens" not in [group["linkId"] for group in response["item"]]
