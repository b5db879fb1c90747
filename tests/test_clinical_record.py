"""The knowledge base agrees with the product's own clinical record in docs/clinical/.

Only files inside the repository are read."""
import re
from pathlib import Path

import pytest

from pht.triage import load_knowledge

CLINICAL = Path(__file__).resolve().parent.parent / "docs" / "clinical"
POLICY = (CLINICAL / "policy.md").read_text()
SOURCES = (CLINICAL / "sources.md").read_text()
CHANGELOG = (CLINICAL / "changelog.md").read_text()
KNOWLEDGE = load_knowledge()
# "- `rule_id` (level) [Source1, Source2]:" or, for differentials, "- `id` [Sources]:"
DOCUMENTED = {
    rule_id: (level, [key.strip() for key in sources.split(",")])
    for rule_id, level, sources in re.findall(r"^- `(\w+)`(?: \((\w+)\))? \[([^\]]+)\]:", POLICY, flags=re.M)
}


def rules_with_levels():
    rules = KNOWLEDGE.rules
    for table in ("urgency", "likelihood"):
        for rule in rules[table]["rules"] + [rules[table]["default"]]:
            yield rule["id"], rule["level"], rule["source"]
    for item in rules["differentials"]:
        yield item["id"], "", item["source"]


def test_the_record_states_the_policy_version_the_knowledge_base_implements():
    assert re.search(r"^Policy version: (\d+)$", POLICY, flags=re.M).group(1) == str(KNOWLEDGE.rules["version"])
    assert f"## Version {KNOWLEDGE.rules['version']}" in CHANGELOG


@pytest.mark.parametrize("rule_id, level, sources", list(rules_with_levels()), ids=lambda v: v if isinstance(v, str) else None)
def test_every_rule_is_in_the_record_with_its_level_and_sources(rule_id, level, sources):
    assert rule_id in DOCUMENTED, f"{rule_id} is not described in docs/clinical/policy.md"
    documented_level, documented_sources = DOCUMENTED[rule_id]
    assert documented_level == level
    assert documented_sources == sources


def test_the_record_describes_no_rule_the_knowledge_base_lacks():
    assert set(DOCUMENTED) == {rule_id for rule_id, _, _ in rules_with_levels()}


def test_every_source_key_is_explained_in_the_record():
    listed = set(re.findall(r"^- `([\w-]+)`", SOURCES, flags=re.M))
    listed |= set(re.findall(r"`([\w-]+)`", SOURCES))
    assert set(KNOWLEDGE.sources) <= listed


def test_every_red_flag_of_the_vocabulary_is_explained_or_named_in_the_record():
    for flag in KNOWLEDGE.values("red_flags"):
        spec = KNOWLEDGE.fields["red_flags"]["values"][flag]
        named = f"`{flag}`" in POLICY or spec["label"].lower().split()[0] in POLICY.lower()
        assert named, flag


@pytest.mark.parametrize("flag", ["sexual_dysfunction", "both_legs", "night_pain"])
def test_each_v2_meaning_of_a_danger_sign_is_written_down(flag):
    assert f"- `{flag}`:" in POLICY


def test_the_narrow_meaning_of_leg_weakness_is_written_down():
    assert "- `leg_weakness`:" in POLICY and "tiptoe" in POLICY
