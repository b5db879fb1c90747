"""Every template is filled with what belongs in it, for every value a field can take: no empty
place ("the pain is at the , away from the sit bone" was told to a person with groin pain), no
placeholder left in, and no word that names another value than the person's own.

- the outcome (reasons, advice, the messages told) for every value of every choice and list
  field, in the person's words and in the staff's;
- the vocabulary's own templates (`summary`, `confirm_question`, `more_question`);
- every domain response a custom action renders gets each of its placeholders from that call,
  and a response Rasa sends itself has none but slots.
"""
import ast
import re
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest

from actions.assessment import outcome_messages
from actions.messages import render, spoken_days
from pht.settings import load_settings
from pht.triage import assess, load_knowledge
from common import CLASSIC
from pht.domain import read_domain

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = read_domain()
KNOWLEDGE = load_knowledge()
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# what an empty or broken fill leaves behind
EMPTY_FILL = re.compile(r"\bthe ,|\bthe \.|\(\)|\s,|\s\.(?!\.)|\{|\}|\bNone\b|\bthe the\b|\bat the somewhere\b|  ")


def _variants() -> List[Dict[str, Any]]:
    """CLASSIC with one field changed to each of its values (lists: each value alone, and all)."""
    variants = []
    for field, spec in KNOWLEDGE.fields.items():
        if spec["kind"] not in {"choice", "list"} or spec.get("checkins_only") or field == "sport":
            continue
        values = list(spec["values"])
        if spec["kind"] == "choice":
            variants += [{**CLASSIC, field: value} for value in values]
        else:
            variants += [{**CLASSIC, field: [value]} for value in values] + [{**CLASSIC, field: values}]
    return variants


VARIANTS = _variants()


def _id(findings: Dict[str, Any]) -> str:
    changed = {field: value for field, value in findings.items() if CLASSIC.get(field) != value}
    return ",".join(f"{field}={value if not isinstance(value, list) or len(value) < 3 else 'all'}"
                    for field, value in changed.items()) or "classic"


def _labels(field: str, values: Any) -> Set[str]:
    entries = KNOWLEDGE.fields[field]["values"]
    return {entries[value]["label"].lower() for value in (values if isinstance(values, list) else [values])}


@pytest.mark.parametrize("findings", VARIANTS, ids=_id)
def test_every_reason_and_advice_is_filled_with_the_persons_own_values(findings):
    result = assess(findings)
    for item in result["reasons"] + result["advice"]:
        assert not EMPTY_FILL.search(item["text"]), (item["id"], item["text"])
    for rule in KNOWLEDGE.rules["evidence"]:
        fields = PLACEHOLDER.findall(rule["text"])
        shown = next((item["text"] for item in result["reasons"] if item["id"] == rule["id"]), None)
        if shown is None:
            continue
        before, _, after = rule["text"].partition("{" + fields[0] + "}") if fields else (rule["text"], "", "")
        assert shown.startswith(before) and shown.endswith(after)
        for field in fields:
            filled = shown[len(before): len(shown) - len(after)] if len(fields) == 1 else shown
            own = _labels(field, findings[field])
            others = _labels(field, list(KNOWLEDGE.fields[field]["values"])) - own
            assert any(label in filled for label in own), (rule["id"], shown)
            assert not any(label in filled for label in others if not any(label in mine for mine in own)), (rule["id"], shown)


@pytest.mark.parametrize("staff", [False, True], ids=["person", "staff"])
@pytest.mark.parametrize("findings", VARIANTS, ids=_id)
def test_every_outcome_message_is_filled(findings, staff):
    slots = {"staff_entered": True} if staff else {}
    for message in outcome_messages(assess(findings), DOMAIN, slots):
        assert message.strip() and not EMPTY_FILL.search(message), message


def test_every_summary_names_each_value_in_words():
    for field, spec in KNOWLEDGE.fields.items():
        for value, entry in spec.get("values", {}).items():
            for text in (spec["summary"].format(value=entry["label"].lower()),
                         spec.get("confirm_question", "{value}").format(value=entry["label"].lower()),
                         spec.get("staff_confirm_question", "{value}").format(value=entry["label"].lower())):
                assert entry["label"].lower() in text and not EMPTY_FILL.search(text), (field, value, text)
        for key in ("more_question", "staff_more_question"):
            if key in spec:
                text = spec[key].format(examples="a or b")
                assert "a or b" in text and not EMPTY_FILL.search(text), (field, key)


@pytest.mark.parametrize("days, said", [(1, "about a day"), (5, "about 5 days"), (14, "about 2 weeks"), (42, "about 6 weeks"),
                                        (60, "about 2 months"), (120, "about 4 months"), (365, "about a year"),
                                        (548, "about 18 months"), (729, "about 24 months"), (1095, "about 3 years"), (36500, "about 100 years")])
def test_a_length_to_confirm_is_said_in_words_at_every_size(days, said):
    spec = KNOWLEDGE.fields["duration_days"]
    for key in ("confirm_question", "staff_confirm_question"):
        text = spec[key].format(value=spoken_days(days, DOMAIN))
        assert said in text and not EMPTY_FILL.search(text), text


def test_every_one_sign_question_is_a_whole_question():
    for field in ("red_flags", "neuro_symptoms"):
        for value, entry in KNOWLEDGE.fields[field]["values"].items():
            for key in ("alone", "staff_alone", "confirm"):
                if key in entry:
                    assert entry[key].endswith("?") and not PLACEHOLDER.search(entry[key]), (value, key)


# --- domain responses ---------------------------------------------------------------------

def _bound_names(tree: ast.AST) -> Dict[str, Set[str]]:
    """Each variable or attribute name in a module with the response names assigned to it
    (`saved = "utter_a" if ... else "utter_b"`, a class's `response = "utter_c"`)."""
    bound: Dict[str, Set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            names = {constant.value for constant in ast.walk(node.value) if isinstance(constant, ast.Constant)
                     and isinstance(constant.value, str) and constant.value in DOMAIN["responses"]}
            for target in node.targets:
                if isinstance(target, ast.Name) and names:
                    bound.setdefault(target.id, set()).update(names)
    return bound


def _render_calls() -> Dict[str, Set[str]]:
    """Each domain response that code fills itself (`render(domain, name, ..., key=...)`, the
    Rasa server's guards' `say(..., name, key=...)`), with the placeholder names its calls pass
    (`**settings["clinic"]` passes the clinic's)."""
    clinic = set(load_settings()["clinic"])
    passed: Dict[str, Set[str]] = {}
    for folder in ("actions", "pht", "rasa_server", "channels"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text())
            bound = _bound_names(tree)
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                names: Set[str] = set()
                for argument in node.args:
                    if isinstance(argument, ast.Subscript):
                        argument = argument.value  # FIT_RESPONSES[likelihood]
                    if isinstance(argument, ast.Constant) and argument.value in DOMAIN["responses"]:
                        names.add(argument.value)
                    elif isinstance(argument, (ast.Name, ast.Attribute)):
                        names |= bound.get(getattr(argument, "id", None) or getattr(argument, "attr", ""), set())
                if not names:
                    continue
                keywords = {keyword.arg for keyword in node.keywords if keyword.arg}
                for keyword in node.keywords:
                    if keyword.arg is None:  # **settings["clinic"], or **a_function(...) returning a dict
                        keywords |= _returned_keys(tree, keyword.value) or clinic
                for name in names:
                    passed.setdefault(name, set()).update(keywords)
    return passed


def _returned_keys(tree: ast.AST, value: ast.AST) -> Set[str]:
    """The keys of the dict that a function of the same module returns, for `**web_link(...)`."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == value.func.id:
            return {key.value for returned in ast.walk(node) if isinstance(returned, ast.Return)
                    and isinstance(returned.value, ast.Dict) for key in returned.value.keys
                    if isinstance(key, ast.Constant)}
    return set()


def _check_in_page_words() -> Dict[str, Set[str]]:
    """The website server's check-in page: each of its responses (`CHECK_IN_PAGE_RESPONSES` + a
    kind) with what its `words(kind, key=...)` calls pass, and the clinic's name, always passed."""
    from web.server import CHECK_IN_PAGE_RESPONSES
    tree = ast.parse((ROOT / "web" / "server.py").read_text())
    passed: Dict[str, Set[str]] = {name: {"clinic_name"} for name in DOMAIN["responses"]
                                   if name.startswith(CHECK_IN_PAGE_RESPONSES)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "words":
            kinds = {constant.value for argument in node.args for constant in ast.walk(argument)
                     if isinstance(constant, ast.Constant) and isinstance(constant.value, str)}
            for kind in kinds:
                if CHECK_IN_PAGE_RESPONSES + kind in passed:
                    passed[CHECK_IN_PAGE_RESPONSES + kind] |= {keyword.arg for keyword in node.keywords if keyword.arg}
    return passed


def _widget_words() -> Dict[str, Set[str]]:
    """The widget's words (`utter_widget_<name>`, web/server.py) with the placeholders the widget
    fills itself (`STRINGS.<name> ... .replace("{key}", ...)` in web/widget/chat.js)."""
    from web.server import WIDGET_RESPONSES
    script = (ROOT / "web" / "widget" / "chat.js").read_text()
    return {name: set(re.findall(r'STRINGS\.' + re.escape(name[len(WIDGET_RESPONSES):]) + r'\b[^;]*?\.replace\("\{(\w+)\}"',
                                 script))
            for name in DOMAIN["responses"] if name.startswith(WIDGET_RESPONSES)}


RENDERED = {**_render_calls(), **_check_in_page_words(), **_widget_words()}
SLOTS = set(DOMAIN["slots"])


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_response_gets_each_of_its_placeholders(name):
    placeholders = {field for variation in DOMAIN["responses"][name]
                    for field in PLACEHOLDER.findall(variation.get("text", ""))}
    if name in RENDERED:
        assert placeholders <= RENDERED[name], f"{name}: {placeholders - RENDERED[name]} never passed"
        values = {field: f"<{field}>" for field in placeholders}
        for staff in (False, True):
            text = render(DOMAIN, name, {"staff_entered": staff}, **values)
            assert not PLACEHOLDER.search(text) and not any(EMPTY_FILL.search(line) for line in text.split("\n")), text
    else:
        assert placeholders <= SLOTS, f"{name} is sent by Rasa itself, which fills only slots: {placeholders}"

