"""FHIR R4: a pre-screen record as a `QuestionnaireResponse`, and the `Questionnaire` it answers;
each answered follow-up check-in as a `QuestionnaireResponse` of its own, answering the check-in
`Questionnaire` (`checkin_questionnaire.json`, generated from checkins.yml's questions), all in
one `Bundle` (type collection) per record: `export_bundle`.

A check-in names the pre-screen's response it follows up with the extension
`FOLLOWS_UP` (a Reference). R4's `partOf` takes only an Observation or a Procedure and
`basedOn` only a CarePlan or a ServiceRequest (fhir.resources checks both), so neither can
point at another QuestionnaireResponse.

The Questionnaire (`questionnaire.json`, shipped in the repository and served by the
reception page) is generated from the vocabulary by `python -m pht.records.fhir` (a
test fails when it is stale): one item per findings field with the vocabulary's question,
answer options as codings (a code system per field), then the outcome and the record's own
items, read-only. Lists are `repeats` choices with a "none" option, because "none of these"
is an answer that matters (no danger signs).

`fhir.resources` (6.4.0, FHIR 4.0.1, pydantic 1) builds and parses the resources and checks
their types; `check_response` checks what it cannot: that every answer belongs to an item of
the Questionnaire, has that item's type, and is one of its options.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

import yaml
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from ..triage import Knowledge, load_knowledge
from ..triage.checkin_knowledge import Checkins, load_checkins
from .follow_ups import CheckInRecord, FollowUpRecord
from .handovers import HandoverRecord
from .repository import Record

HERE = Path(__file__).parent
QUESTIONNAIRE_FILE = HERE / "questionnaire.json"
CANONICAL_BASE = "https://pht-prescreen.example/fhir"
QUESTIONNAIRE_URL = f"{CANONICAL_BASE}/Questionnaire/pht-prescreen"
REFERENCE_SYSTEM = f"{CANONICAL_BASE}/sid/prescreen-reference"
CHECKIN_QUESTIONNAIRE_FILE = HERE / "checkin_questionnaire.json"
CHECKIN_QUESTIONNAIRE_URL = f"{CANONICAL_BASE}/Questionnaire/pht-checkin"
CHECKIN_SYSTEM = f"{CANONICAL_BASE}/sid/checkin"
FOLLOWS_UP = f"{CANONICAL_BASE}/StructureDefinition/follows-up-prescreen"  # valueReference: the pre-screen's response
NONE_CODE = "none"
# HL7's reasons for a missing value, for the safety-screen items that are neither present nor
# absent (policy v3): unsure -> asked-unknown, a screen left incomplete -> asked-declined (asked,
# no usable answer), items of a screen only partly asked -> not-asked.
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
SCREEN_STATE_CODES = {
    "unsure": ("asked-unknown", "Asked But Unknown"),
    "incomplete": ("asked-declined", "Asked But Declined"),
    "partly_asked": ("not-asked", "Not Asked"),
}
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
VALUE_KEYS = {"boolean": "valueBoolean", "integer": "valueInteger", "decimal": "valueDecimal",
              "string": "valueString", "text": "valueString", "date": "valueDate", "dateTime": "valueDateTime",
              "choice": "valueCoding"}
ITEM_TYPES = {"choice": "choice", "list": "choice", "number": "integer", "boolean": "boolean", "text": "open-choice"}
RECORD_ITEMS = ("channel", "staff_entered", "consent", "engine_version", "knowledge_version")


@lru_cache(maxsize=1)
def labels() -> Dict[str, Any]:
    return yaml.safe_load((HERE / "labels.yml").read_text())


def code_system(name: str) -> str:
    return f"{CANONICAL_BASE}/CodeSystem/pht-{name.replace('_', '-')}"


def _coding(system_name: str, code: str, display: str) -> Dict[str, str]:
    return {"system": code_system(system_name), "code": code, "display": display}


def _options(system_name: str, entries: Iterable[tuple]) -> List[Dict[str, Any]]:
    return [{"valueCoding": _coding(system_name, code, display)} for code, display in entries]


# -- the Questionnaire ---------------------------------------------------------------------------

def _finding_item(field: str, spec: Mapping[str, Any]) -> Dict[str, Any]:
    item: Dict[str, Any] = {"linkId": field, "text": spec["question"], "prefix": spec["label"],
                            "type": ITEM_TYPES[spec["kind"]]}
    entries = [(code, entry["label"]) for code, entry in spec.get("values", {}).items()]
    if spec["kind"] == "list":
        item["repeats"] = True
        entries.append((NONE_CODE, spec.get("none_label") or labels()["none"]))
    if entries:
        item["answerOption"] = _options(field, entries)
    if spec["kind"] == "number":
        item["extension"] = [{"url": MIN_VALUE, "valueInteger": spec["min"]},
                             {"url": MAX_VALUE, "valueInteger": spec["max"]}]
    return item


def _screen_items(knowledge: Knowledge) -> List[Dict[str, Any]]:
    """For each safety screen: its state as a data-absent-reason, and the items unsure or not asked."""
    states = [{"valueCoding": {"system": DATA_ABSENT_REASON, "code": code, "display": display}}
              for code, display in SCREEN_STATE_CODES.values()]
    items = []
    for field in knowledge.rules["screens"]["fields"]:
        spec = knowledge.fields[field]
        values = _options(field, [(code, entry["label"]) for code, entry in spec["values"].items()])
        items.append({"linkId": f"screens.{field}", "text": spec["label"], "type": "group", "item": [
            {"linkId": f"screens.{field}.state", "text": labels()["items"]["screen_state"], "type": "choice",
             "answerOption": states},
            {"linkId": f"screens.{field}.asked-unknown", "text": labels()["items"]["screen_unsure"],
             "type": "choice", "repeats": True, "answerOption": values},
            {"linkId": f"screens.{field}.not-asked", "text": labels()["items"]["screen_not_asked"],
             "type": "choice", "repeats": True, "answerOption": values},
        ]})
    return items


def build_questionnaire(knowledge: Optional[Knowledge] = None) -> Dict[str, Any]:
    """The Questionnaire, from the vocabulary, the rules and labels.yml."""
    knowledge = knowledge or load_knowledge()
    words = labels()
    fields = knowledge.question_order
    field_options = [(field, knowledge.fields[field]["label"]) for field in fields]
    outcome = [
        {"linkId": "urgency", "text": words["items"]["urgency"], "type": "choice", "required": True,
         "answerOption": _options("urgency", words["urgency"].items())},
        {"linkId": "likelihood", "text": words["items"]["likelihood"], "type": "choice", "required": True,
         "answerOption": _options("likelihood", words["likelihood"].items())},
        {"linkId": "differentials", "text": words["items"]["differentials"], "type": "choice", "repeats": True,
         "answerOption": _options("differentials", [(item["id"], item["name"])
                                                    for item in knowledge.rules["differentials"]])},
        {"linkId": "ended_by", "text": words["items"]["ended_by"], "type": "choice", "required": True,
         "answerOption": _options("ended-by", words["ended_by"].items())},
        {"linkId": "skipped", "text": words["items"]["skipped"], "type": "choice", "repeats": True,
         "answerOption": _options("fields", field_options)},
        {"linkId": "unsure", "text": words["items"]["unsure"], "type": "choice", "repeats": True,
         "answerOption": _options("fields", field_options)},
    ]
    record = [{"linkId": name, "text": words["items"][name],
               "type": "boolean" if name == "staff_entered" else "string", "required": name != "consent"}
              for name in RECORD_ITEMS]
    questionnaire = {
        "resourceType": "Questionnaire",
        "id": "pht-prescreen",
        "url": QUESTIONNAIRE_URL,
        "version": str(knowledge.rules["version"]),
        "name": "PHTPrescreen",
        "title": "Proximal hamstring tendinopathy (PHT) pre-screen",
        "status": "active",
        "subjectType": ["Patient"],
        "description": ("The online pre-screen's findings and outcome. Items are the assistant's questions; "
                        "unanswered findings were not asked because they could not change the outcome."),
        "item": [
            {"linkId": "findings", "text": words["items"]["findings"], "type": "group",
             "item": [_finding_item(field, knowledge.fields[field]) for field in fields]},
            {"linkId": "screens", "text": words["items"]["screens"], "type": "group", "readOnly": True,
             "item": _screen_items(knowledge)},
            {"linkId": "outcome", "text": words["items"]["outcome"], "type": "group", "readOnly": True,
             "required": True, "item": [{**item, "readOnly": True} for item in outcome]},
            {"linkId": "record", "text": words["items"]["record"], "type": "group", "readOnly": True,
             "required": True, "item": [{**item, "readOnly": True} for item in record]},
        ],
    }
    Questionnaire.parse_obj(questionnaire)  # the library's type check
    return questionnaire


@lru_cache(maxsize=1)
def shipped_questionnaire() -> Dict[str, Any]:
    return json.loads(QUESTIONNAIRE_FILE.read_text())


def canonical(questionnaire: Optional[Mapping[str, Any]] = None) -> str:
    questionnaire = questionnaire or shipped_questionnaire()
    return f"{questionnaire['url']}|{questionnaire['version']}"


# -- a record as a QuestionnaireResponse ---------------------------------------------------------

def _options_of(questionnaire: Mapping[str, Any]) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """Each item's answer codings by code, by linkId."""
    return {item["linkId"]: {option["valueCoding"]["code"]: option["valueCoding"]
                             for option in item.get("answerOption", []) if "valueCoding" in option}
            for item in _all_items(questionnaire.get("item", []))}


def _all_items(items: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for item in items:
        yield item
        yield from _all_items(item.get("item", []))


def _finding_answers(field: str, value: Any, kind: str, options: Mapping[str, Dict[str, Any]]) -> List[Dict[str, Any]]:
    if kind == "list":
        return [{"valueCoding": options[code]} for code in (value or [NONE_CODE])]
    if kind == "choice":
        return [{"valueCoding": options[value]}]
    if kind == "text":
        return [{"valueCoding": options[value]} if value in options else {"valueString": str(value)}]
    if kind == "boolean":
        return [{"valueBoolean": bool(value)}]
    return [{"valueInteger": int(value)}]


def to_questionnaire_response(record: Record, knowledge: Optional[Knowledge] = None) -> Dict[str, Any]:
    """The record as a FHIR R4 QuestionnaireResponse (JSON), checked by fhir.resources."""
    knowledge = knowledge or load_knowledge()
    questionnaire = shipped_questionnaire()
    options = _options_of(questionnaire)
    screens = record.assessment.get("screens") or {}
    findings = [
        {"linkId": field, "text": knowledge.fields[field]["label"],
         "answer": _finding_answers(field, record.findings[field], knowledge.fields[field]["kind"], options[field])}
        for field in knowledge.question_order if field in record.findings
        and not (record.findings[field] == [] and _not_plain(screens.get(field)))  # unsure is never "none"
    ]
    screen_items = _screen_answers(screens, options)

    def codes(link_id: str, values: Iterable[str]) -> Dict[str, Any]:
        return {"linkId": link_id, "answer": [{"valueCoding": options[link_id][value]} for value in values]}

    outcome = [codes("urgency", [record.urgency]), codes("likelihood", [record.likelihood]),
               codes("ended_by", [record.ended_by])]
    for link_id, values in (("differentials", record.assessment.get("differentials") or []),
                            ("skipped", record.skipped), ("unsure", record.unsure)):
        if values:
            outcome.append(codes(link_id, values))
    about = [{"linkId": "channel", "answer": [{"valueString": record.channel}]},
             {"linkId": "staff_entered", "answer": [{"valueBoolean": record.staff_entered}]}]
    if record.consent:
        about.append({"linkId": "consent", "answer": [{"valueString": json.dumps(record.consent, sort_keys=True)}]})
    about += [{"linkId": "engine_version", "answer": [{"valueString": record.engine_version}]},
              {"linkId": "knowledge_version", "answer": [{"valueString": record.knowledge_version}]}]
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": record.reference,
        "identifier": {"system": REFERENCE_SYSTEM, "value": record.reference},
        "questionnaire": canonical(questionnaire),
        "status": "completed",
        "authored": record.created.isoformat(),
        "source": {"display": "the patient, through the online pre-screen"},
        "item": [{"linkId": "findings", "item": findings}]
        + ([{"linkId": "screens", "item": screen_items}] if screen_items else [])
        + [{"linkId": "outcome", "item": outcome}, {"linkId": "record", "item": about}],
    }
    if record.staff_entered:
        response["author"] = {"display": "clinic reception, with the patient"}
    return json.loads(QuestionnaireResponse.parse_obj(response).json())  # as the library writes it


def _not_plain(screen: Optional[Mapping[str, Any]]) -> bool:
    """Whether a safety screen is anything but simply answered (policy v3)."""
    if not screen:
        return False
    return screen["state"] != "answered" or "unsure" in screen["items"].values()


def _screen_answers(screens: Mapping[str, Any], options: Mapping[str, Any]) -> List[Dict[str, Any]]:
    answered = []
    for field, screen in screens.items():
        if not _not_plain(screen) or screen["state"] == "not_asked":
            continue
        unsure = [value for value, state in screen["items"].items() if state == "unsure"]
        not_asked = [value for value, state in screen["items"].items() if state == "not_asked"]
        state = screen["state"] if screen["state"] in ("incomplete", "partly_asked") else "unsure"
        code, display = SCREEN_STATE_CODES[state]
        items = [{"linkId": f"screens.{field}.state", "answer": [{"valueCoding": {
            "system": DATA_ABSENT_REASON, "code": code, "display": display}}]}]
        if unsure:
            items.append({"linkId": f"screens.{field}.asked-unknown",
                          "answer": [{"valueCoding": options[f"screens.{field}.asked-unknown"][value]}
                                     for value in unsure]})
        if not_asked and state == "partly_asked":
            items.append({"linkId": f"screens.{field}.not-asked",
                          "answer": [{"valueCoding": options[f"screens.{field}.not-asked"][value]}
                                     for value in not_asked]})
        answered.append({"linkId": f"screens.{field}", "item": items})
    return answered


def from_questionnaire_response(data: Mapping[str, Any], knowledge: Optional[Knowledge] = None) -> Dict[str, Any]:
    """Read a QuestionnaireResponse back (after fhir.resources parses it): the reference, the
    findings, the outcome and the record's items, as the record holds them."""
    knowledge = knowledge or load_knowledge()
    response = QuestionnaireResponse.parse_obj(data)
    groups = {group.linkId: {item.linkId: item.answer or [] for item in group.item or []}
              for group in response.item or []}

    def value(answer: Any) -> Any:
        for key in ("valueCoding", "valueBoolean", "valueInteger", "valueDecimal", "valueString"):
            found = getattr(answer, key)
            if found is not None:
                return found.code if key == "valueCoding" else found
        return None

    findings: Dict[str, Any] = {}
    for field, answers in groups.get("findings", {}).items():
        values = [value(answer) for answer in answers]
        if knowledge.fields[field]["kind"] == "list":
            findings[field] = [code for code in values if code != NONE_CODE]
        else:
            findings[field] = values[0]
    outcome = {link_id: [value(answer) for answer in answers] for link_id, answers in groups.get("outcome", {}).items()}
    screens: Dict[str, Dict[str, List[Any]]] = {}
    for group in response.item or []:
        if group.linkId == "screens":
            for screen in group.item or []:
                screens[screen.linkId.split(".", 1)[1]] = {
                    item.linkId.rsplit(".", 1)[1]: [value(answer) for answer in item.answer or []]
                    for item in screen.item or []}
    about = {link_id: value(answers[0]) for link_id, answers in groups.get("record", {}).items()}
    return {
        "reference": response.identifier.value if response.identifier else response.id,
        "created": response.authored,
        "findings": findings,
        "urgency": outcome["urgency"][0], "likelihood": outcome["likelihood"][0], "ended_by": outcome["ended_by"][0],
        "differentials": outcome.get("differentials", []), "skipped": outcome.get("skipped", []),
        "unsure": outcome.get("unsure", []), "screens": screens,
        "channel": about.get("channel"), "staff_entered": about.get("staff_entered"),
        "consent": json.loads(about["consent"]) if about.get("consent") else {},
        "engine_version": about.get("engine_version"), "knowledge_version": about.get("knowledge_version"),
    }


# -- checking a response against the Questionnaire -----------------------------------------------

def check_response(response: Mapping[str, Any], questionnaire: Optional[Mapping[str, Any]] = None) -> List[str]:
    """What is wrong with a QuestionnaireResponse for this Questionnaire (nothing: []):
    the questionnaire it names, unknown linkIds, answers of the wrong type, codings that
    are not among an item's options, several answers to an item that does not repeat,
    numbers out of range, required items missing, answers to a group."""
    questionnaire = questionnaire or shipped_questionnaire()
    problems: List[str] = []
    if response.get("resourceType") != "QuestionnaireResponse":
        problems.append("not a QuestionnaireResponse")
    if response.get("questionnaire") not in (questionnaire["url"], canonical(questionnaire)):
        problems.append(f"questionnaire is {response.get('questionnaire')!r}, not {canonical(questionnaire)!r}")
    _check_items(response.get("item", []), questionnaire.get("item", []), "", problems)
    return problems


def _check_items(answered: List[Mapping[str, Any]], defined: List[Mapping[str, Any]], path: str,
                 problems: List[str]) -> None:
    by_link = {item["linkId"]: item for item in defined}
    seen = set()
    for item in answered:
        link_id = item.get("linkId")
        where = f"{path}{link_id}"
        definition = by_link.get(link_id)
        if definition is None:
            problems.append(f"{where}: no such item in the Questionnaire here")
            continue
        if link_id in seen:
            problems.append(f"{where}: answered twice")
        seen.add(link_id)
        if definition["type"] == "group":
            if item.get("answer"):
                problems.append(f"{where}: a group has no answers")
            _check_items(item.get("item", []), definition.get("item", []), f"{where}/", problems)
        else:
            _check_answers(item.get("answer", []), definition, where, problems)
    for link_id, definition in by_link.items():
        if definition.get("required") and link_id not in seen:
            problems.append(f"{path}{link_id}: required, but missing")


def _check_answers(answers: List[Mapping[str, Any]], definition: Mapping[str, Any], where: str,
                   problems: List[str]) -> None:
    kind = definition["type"]
    allowed_keys = {"valueCoding", "valueString"} if kind == "open-choice" else {VALUE_KEYS[kind]}
    if len(answers) > 1 and not definition.get("repeats"):
        problems.append(f"{where}: {len(answers)} answers to an item that does not repeat")
    if not answers and definition.get("required"):
        problems.append(f"{where}: required, but unanswered")
    options = {(option["valueCoding"].get("system"), option["valueCoding"]["code"])
               for option in definition.get("answerOption", []) if "valueCoding" in option}
    limits = {extension["url"]: extension.get("valueInteger") for extension in definition.get("extension", [])}
    for answer in answers:
        keys = [key for key in answer if key.startswith("value")]
        if len(keys) != 1 or keys[0] not in allowed_keys:
            problems.append(f"{where}: answer {keys} does not fit an item of type {kind}")
            continue
        value = answer[keys[0]]
        if keys[0] == "valueCoding" and (value.get("system"), value.get("code")) not in options:
            problems.append(f"{where}: {value.get('system')}#{value.get('code')} is not one of the item's options")
        if keys[0] == "valueInteger":
            low, high = limits.get(MIN_VALUE), limits.get(MAX_VALUE)
            if (low is not None and value < low) or (high is not None and value > high):
                problems.append(f"{where}: {value} is outside {low}-{high}")


# -- follow-up check-ins -------------------------------------------------------------------------

def build_checkin_questionnaire(checkins: Optional[Checkins] = None) -> Dict[str, Any]:
    """The check-in Questionnaire: checkins.yml's questions in its order (with the words a
    check-in asks them in, values from the vocabulary or checkins.yml), then the decision."""
    checkins = checkins or load_checkins()
    words = labels()["follow_up"]["items"]
    answers = []
    for asked in checkins.data["questions"]:
        name = asked["field"]
        spec = {**checkins.field(name), "question": checkins.question(name), "label": checkin_label(name, checkins)}
        answers.append(_finding_item(name, spec))
    decision = [
        {"linkId": "outcome", "text": words["outcome"], "type": "choice", "required": True,
         "answerOption": _options("checkin-outcome", [(step["id"], step["label"]) for step in checkins.data["steps"]])},
        {"linkId": "urgency", "text": words["urgency"], "type": "choice", "required": True,
         "answerOption": _options("urgency", labels()["urgency"].items())},
        {"linkId": "stage", "text": words["stage"], "type": "integer",
         "extension": [{"url": MIN_VALUE, "valueInteger": 1}, {"url": MAX_VALUE, "valueInteger": len(checkins.stages)}]},
        {"linkId": "clinic_told", "text": words["clinic_told"], "type": "boolean", "required": True},
    ]
    asked_screens = [item["linkId"] for item in answers]
    screens = [item for item in _screen_items(checkins.knowledge) if item["linkId"].split(".", 1)[1] in asked_screens]
    questionnaire = {
        "resourceType": "Questionnaire",
        "id": "pht-checkin",
        "url": CHECKIN_QUESTIONNAIRE_URL,
        "version": str(checkins.knowledge.rules["version"]),
        "name": "PHTCheckin",
        "title": "Proximal hamstring tendinopathy (PHT) follow-up check-in",
        "status": "active",
        "subjectType": ["Patient"],
        "description": ("A follow-up check-in after a pre-screen (policy 'Follow-up check-ins'): the person's "
                        "answers, then what the check-in decided. Each response names the pre-screen's."),
        "item": [
            {"linkId": "checkin", "text": words["checkin"], "type": "choice", "required": True, "readOnly": True,
             "answerOption": _options("checkin", [(item["id"], item["label"]) for item in checkins.schedule])},
            {"linkId": "answers", "text": words["answers"], "type": "group", "item": answers},
            {"linkId": "screens", "text": labels()["items"]["screens"], "type": "group", "readOnly": True,
             "item": screens},
            {"linkId": "decision", "text": words["decision"], "type": "group", "readOnly": True,
             "item": [{**item, "readOnly": True} for item in decision]},
        ],
    }
    Questionnaire.parse_obj(questionnaire)
    return questionnaire


def checkin_label(name: str, checkins: Checkins) -> str:
    """A check-in answer's label: labels.yml's where a check-in means it differently (`trend`:
    since the last check-in), else the vocabulary's or checkins.yml's."""
    return labels()["follow_up"]["answer_labels"].get(name) or checkins.field(name)["label"]


@lru_cache(maxsize=1)
def shipped_checkin_questionnaire() -> Dict[str, Any]:
    return json.loads(CHECKIN_QUESTIONNAIRE_FILE.read_text())


def _checkin_id(reference: str, check_in: CheckInRecord) -> str:
    return f"{reference}-checkin-{check_in.sequence}"


def to_checkin_response(record: Record, check_in: CheckInRecord,
                        checkins: Optional[Checkins] = None) -> Dict[str, Any]:
    """An answered check-in as a QuestionnaireResponse that follows up the pre-screen's."""
    checkins = checkins or load_checkins()
    questionnaire = shipped_checkin_questionnaire()
    options = _options_of(questionnaire)
    answers = check_in.answers or {}
    decision = check_in.decision or {}
    schedule_id = answers.get("checkin") or next(
        (item["id"] for item in checkins.schedule if item["label"] == check_in.label), None)
    screens = checkin_screens(answers)
    answered = [{"linkId": name, "text": checkin_label(name, checkins),
                 "answer": _finding_answers(name, answers[name], checkins.field(name)["kind"], options[name])}
                for name in (asked["field"] for asked in checkins.data["questions"])
                if name in answers and answers[name] is not None
                and not (answers[name] == [] and name in screens)]  # unsure is never "none"
    screen_items = _screen_answers(screens, options)
    decided = []
    if decision.get("outcome") in options["outcome"]:
        decided.append({"linkId": "outcome", "answer": [{"valueCoding": options["outcome"][decision["outcome"]]}]})
    if decision.get("urgency") in options["urgency"]:
        decided.append({"linkId": "urgency", "answer": [{"valueCoding": options["urgency"][decision["urgency"]]}]})
    stage = decision.get("stage") or check_in.stage_after
    if stage:
        decided.append({"linkId": "stage", "answer": [{"valueInteger": int(stage)}]})
    decided.append({"linkId": "clinic_told", "answer": [{"valueBoolean": bool(decision.get("clinic_told"))}]})
    items: List[Dict[str, Any]] = []
    if schedule_id in options["checkin"]:
        items.append({"linkId": "checkin", "answer": [{"valueCoding": options["checkin"][schedule_id]}]})
    items += [{"linkId": "answers", "item": answered}] if answered else []
    items += [{"linkId": "screens", "item": screen_items}] if screen_items else []
    items.append({"linkId": "decision", "item": decided})
    authored = check_in.answered_at or check_in.due_at
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": _checkin_id(record.reference, check_in),
        "identifier": {"system": CHECKIN_SYSTEM, "value": _checkin_id(record.reference, check_in)},
        "extension": [{"url": FOLLOWS_UP, "valueReference": {
            "reference": f"QuestionnaireResponse/{record.reference}",
            "identifier": {"system": REFERENCE_SYSTEM, "value": record.reference}}}],
        "questionnaire": canonical(questionnaire),
        "status": "completed",
        "authored": authored.isoformat(),
        "source": {"display": "the patient, at a follow-up check-in"},
        "item": items,
    }
    return json.loads(QuestionnaireResponse.parse_obj(response).json())


def checkin_screens(answers: Mapping[str, Any]) -> Dict[str, Dict[str, Any]]:
    """A check-in's safety screens that were not simply answered, in the pre-screen's shape
    (state, and each item's state): answered with items unsure, or incomplete."""
    screens: Dict[str, Dict[str, Any]] = {}
    for name, values in (answers.get("unsure") or {}).items():
        screens[name] = {"state": "answered", "items": {value: "unsure" for value in values}}
    for name in answers.get("incomplete") or []:
        screens[name] = {"state": "incomplete", "items": {}}
    return screens


def handover_resources(record: Record, handover: HandoverRecord, number: int) -> List[Dict[str, Any]]:
    """A handover to clinic staff as a Task (who took the conversation over, from when until it
    was handed back) and each message staff wrote as a Communication that is part of it."""
    words = labels()["handover"]
    task_id = f"{record.reference}-handover-{number}"
    period = {key: moment.isoformat() for key, moment in (("start", handover.taken_at),
                                                           ("end", handover.handed_back_at)) if moment is not None}
    task: Dict[str, Any] = {
        "resourceType": "Task", "id": task_id, "status": "completed" if handover.handed_back_at else "in-progress",
        "intent": "order", "description": words["task"],
        "identifier": [{"system": REFERENCE_SYSTEM, "value": record.reference}],
    }
    if handover.requested_at is not None:
        task["authoredOn"] = handover.requested_at.isoformat()
    if handover.taken_by:
        task["owner"] = {"display": handover.taken_by}
    if handover.handed_back_automatically:
        task["statusReason"] = {"text": words["handed_back_automatically"]}
    if period:
        task["executionPeriod"] = period
    resources = [task]
    for index, message in enumerate(handover.messages, start=1):
        resources.append({
            "resourceType": "Communication", "id": f"{task_id}-message-{index}", "status": "completed",
            "partOf": [{"reference": f"Task/{task_id}"}], "sent": message.at.isoformat(),
            "sender": {"display": message.staff_user}, "payload": [{"contentString": message.text}],
        })
    return resources


def export_bundle(record: Record, follow_up: Optional[FollowUpRecord] = None,
                  handovers: Sequence[HandoverRecord] = ()) -> Dict[str, Any]:
    """The record's export: a Bundle (collection) of the pre-screen's QuestionnaireResponse,
    then each answered check-in's, in order, then each handover to staff with what they wrote;
    checked by fhir.resources."""
    from fhir.resources.bundle import Bundle

    responses = [to_questionnaire_response(record)]
    if follow_up is not None:
        checkins = load_checkins()
        responses += [to_checkin_response(record, check_in, checkins)
                      for check_in in follow_up.check_ins if check_in.state == "answered"]
    for number, handover in enumerate(handovers, start=1):
        responses += handover_resources(record, handover, number)
    bundle = {
        "resourceType": "Bundle",
        "id": f"{record.reference}-export",
        "identifier": {"system": REFERENCE_SYSTEM, "value": record.reference},
        "type": "collection",
        "timestamp": (max([record.created] + [c.answered_at for c in (follow_up.check_ins if follow_up else [])
                                              if c.answered_at is not None])).isoformat(),
        "entry": [{"fullUrl": f"{CANONICAL_BASE}/{response['resourceType']}/{response['id']}", "resource": response}
                  for response in responses],
    }
    return json.loads(Bundle.parse_obj(bundle).json())


def main(argv: List[str]) -> int:
    """`python -m pht.records.fhir`: write questionnaire.json from the vocabulary, and
    checkin_questionnaire.json from checkins.yml."""
    written = {QUESTIONNAIRE_FILE: json.dumps(build_questionnaire(), indent=2, ensure_ascii=False) + "\n",
               CHECKIN_QUESTIONNAIRE_FILE: json.dumps(build_checkin_questionnaire(), indent=2, ensure_ascii=False) + "\n"}
    if argv == ["--check"]:
        return 0 if all(path.exists() and path.read_text() == text for path, text in written.items()) else 1
    for path, text in written.items():
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
