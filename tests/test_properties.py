"""Property tests of the clinical engine over any valid findings.

Findings are generated from the vocabulary itself (load_knowledge().fields), so every field
and value the contract allows can appear, in any combination, with any field unknown.
"""
from hypothesis import given, settings
from hypothesis import strategies as st

from pht.triage import assess, load_knowledge

KNOWLEDGE = load_knowledge()
RED_FLAGS = KNOWLEDGE.values("red_flags")
CAUDA_EQUINA_FLAGS = ["saddle_numbness", "bladder_bowel_change", "both_legs"]  # each an emergency alone (v3)
URGENCY_RANK = {"routine": 0, "soon": 1, "urgent": 2, "emergency": 3}

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True)


def field_strategy(spec):
    kind = spec["kind"]
    values = list(spec.get("values", {}))
    if kind == "choice":
        return st.sampled_from(values)
    if kind == "list":
        return st.lists(st.sampled_from(values), unique=True)
    if kind == "number":
        return st.integers(min_value=spec["min"], max_value=spec["max"])
    if kind == "boolean":
        return st.booleans()
    if kind == "text":
        return st.sampled_from(values + ["none"])
    raise AssertionError(f"unknown field kind {kind}")


# Any subset of the fields (a missing field means "not asked"), each with a valid value.
findings_strategy = st.fixed_dictionaries(
    {}, optional={field: field_strategy(spec) for field, spec in KNOWLEDGE.fields.items()}
)


def with_red_flag(findings, flag):
    changed = dict(findings)
    changed["red_flags"] = list(dict.fromkeys(list(findings.get("red_flags", [])) + [flag]))
    return changed


def rank(findings):
    return URGENCY_RANK[assess(findings)["urgency"]]


def test_the_strategy_knows_every_urgency_level():
    assert set(URGENCY_RANK) == set(KNOWLEDGE.urgency_levels)


@SETTINGS
@given(findings_strategy, st.sampled_from(RED_FLAGS))
def test_adding_a_red_flag_never_lowers_urgency(findings, flag):
    assert rank(with_red_flag(findings, flag)) >= rank(findings)


@SETTINGS
@given(findings_strategy, st.sampled_from(RED_FLAGS))
def test_a_red_flag_always_gets_at_least_the_care_it_demands_alone(findings, flag):
    assert rank(with_red_flag(findings, flag)) >= rank({"red_flags": [flag]})


@SETTINGS
@given(findings_strategy)
def test_every_result_is_explained_cited_and_has_a_safety_net(findings):
    result = assess(findings)
    assert len(result["reasons"]) >= 1
    kinds = [item["kind"] for item in result["advice"]]
    assert kinds.count("care") >= 1
    assert kinds.count("safety_net") == 1
    for item in result["reasons"] + result["advice"]:
        assert isinstance(item["text"], str) and item["text"].strip(), item
        assert isinstance(item["source"], list) and item["source"], item
        assert all(isinstance(key, str) and key for key in item["source"]), item


@SETTINGS
@given(findings_strategy)
def test_assess_never_raises_for_valid_findings(findings):
    result = assess(findings)
    assert result["urgency"] in URGENCY_RANK
    assert result["likelihood"] in {"low", "moderate", "high"}


@SETTINGS
@given(findings_strategy, st.sampled_from(CAUDA_EQUINA_FLAGS))
def test_cauda_equina_flag_is_always_an_emergency_without_load_advice(findings, flag):
    result = assess(with_red_flag(findings, flag))
    assert result["urgency"] == "emergency"
    assert not [item for item in result["advice"] if item["kind"] == "load_change"]


@SETTINGS
@given(findings_strategy, st.integers(min_value=50, max_value=120))
def test_cancer_history_is_always_at_least_soon_whatever_the_age(findings, age):
    result = assess({**with_red_flag(findings, "cancer_history"), "age": age})
    assert URGENCY_RANK[result["urgency"]] >= URGENCY_RANK["soon"]


@SETTINGS
@given(findings_strategy)
def test_sexual_dysfunction_is_always_at_least_urgent_today(findings):
    result = assess(with_red_flag(findings, "sexual_dysfunction"))
    assert result["urgency"] == "emergency" or (result["urgency"] == "urgent" and result["today"])


@SETTINGS
@given(findings_strategy)
def test_emergency_and_urgent_outcomes_are_never_told_with_the_fit_or_a_load_plan(findings):
    result = assess(findings)
    if result["urgency"] in ("emergency", "urgent"):
        assert not {"fit", "plan", "rehab"} & set(result["telling"])
        assert result["telling"][0] in ("care", "care_by_when")
    else:
        assert {"fit", "plan", "rehab", "safety_net"} <= set(result["telling"])
    assert result["telling"][-1] == "safety_net"
