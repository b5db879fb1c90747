"""The knowledge base checks itself, and nothing drifts away from the one vocabulary."""
import copy
import re
from pathlib import Path

import pytest
import yaml

from pht.language.pipeline import build_pipeline
from pht.language.reader import read_message
from actions.messages import answer_buttons
from pht.rasa_data import generated_files
from pht.triage.knowledge import Knowledge, KnowledgeError, check_knowledge, expand_word_classes, load_knowledge
from pht.domain import read_domain
from web.server import CHECK_IN_PAGE_RESPONSES, WIDGET_RESPONSES

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "clinical" / "reference.md"
POLICY = ROOT / "docs" / "clinical" / "triage-policy.md"
DOMAIN = read_domain()


def broken(change):
    """A copy of the knowledge base with one deliberate mistake."""
    knowledge = load_knowledge()
    parts = {name: copy.deepcopy(getattr(knowledge, name)) for name in ("vocabulary", "rules", "advice", "faq", "sources")}
    change(parts)
    return Knowledge(**parts)


def test_the_packaged_knowledge_base_is_consistent():
    check_knowledge(load_knowledge())


@pytest.mark.parametrize("mistake, message", [
    (lambda k: k["rules"]["urgency"]["rules"][0].pop("source"), "source"),
    (lambda k: k["rules"]["urgency"]["rules"][0].update(source=["NoSuchPaper2099"]), "unknown source"),
    (lambda k: k["rules"]["urgency"]["rules"][0].update(colour="red"), "unknown key"),
    (lambda k: k["rules"]["differentials"][0].update(when={"has_any": {"red_flags": ["dragon_bite"]}}), "unknown value"),
    (lambda k: k["advice"]["load_changes"][0].update({"for": {"hobbies": ["knitting"]}}), "unknown finding"),
    (lambda k: k["vocabulary"]["fields"]["onset"]["values"]["gradual"].update(synonyms=[]), "synonyms"),
    (lambda k: k["rules"]["urgency"]["rules"][0].update(when={"ref": "nothing_defined"}), "unknown definition"),
    (lambda k: k["rules"]["urgency"]["rules"][0].update(level="whenever"), "level"),
    (lambda k: k["faq"]["stretching"].pop("source"), "source"),
    (lambda k: k["sources"]["Goom2016"].pop("short"), "short"),
    (lambda k: k["vocabulary"]["fields"]["red_flags"]["values"]["night_pain"].pop("confirm"), "confirm"),
    (lambda k: k["vocabulary"]["fields"]["neuro_symptoms"]["values"]["numbness"].update(not_with=["sauna"]), "possible"),
    (lambda k: k["advice"]["telling"].update(emergency=["fit", "care"]), "telling"),
    (lambda k: k["advice"]["telling"].update(urgent=["care", "gossip"]), "telling"),
    (lambda k: k["vocabulary"]["fields"]["onset"].update(does_not_hide=["horoscope"]), "does_not_hide"),
    (lambda k: k["vocabulary"]["fields"]["red_flags"]["values"]["both_legs"]["one_leg"].pop("unless"), "one_leg"),
    # "legs" matches "leg" by lemma: a both-legs phrase with no word of both sides writes it "=legs"
    (lambda k: k["vocabulary"]["fields"]["red_flags"]["values"]["both_legs"]["synonyms"].append("legs stopped working"),
     "plural exact"),
])
def test_mistakes_in_the_knowledge_base_fail_loudly(mistake, message):
    with pytest.raises(KnowledgeError, match=message):
        check_knowledge(broken(mistake))


def test_every_source_key_is_in_the_clinical_reference():
    reference = REFERENCE.read_text()
    cited = set(re.findall(r"\[([A-Za-z0-9][\w-]*)\]", reference))
    assert set(load_knowledge().sources) <= cited


def test_the_vocabulary_matches_the_policy_contract():
    policy = POLICY.read_text()
    rows = re.findall(r"^\| `(\w+)` \|[^|]+\|\s*(.*?)\s*\|$", policy, flags=re.M)
    assert rows, "the policy's findings table was not found"
    fields = load_knowledge().fields
    for field, values in rows:
        assert field in fields, field
        listed = list(dict.fromkeys(re.findall(r"`(\w+)`", values)))  # chest_symptoms names calf_swelling again
        assert listed == list(fields[field].get("values", {})) or not listed or fields[field]["kind"] == "text", field
    assert set(fields) == {field for field, _ in rows}


def test_the_form_asks_every_field_in_vocabulary_order():
    knowledge = load_knowledge()
    assert DOMAIN["forms"]["assessment_form"]["required_slots"] == knowledge.question_order
    for field in knowledge.question_order:
        assert field in DOMAIN["slots"], field
        assert f"action_ask_{field}" in DOMAIN["actions"], field


def test_every_answer_button_reads_back_as_its_value():
    knowledge = load_knowledge()
    for field, spec in knowledge.fields.items():
        values = list(spec.get("values", {}))
        for button, value in zip(answer_buttons(field, knowledge), values):
            found = read_message(button["payload"], field).get(field)
            expected = [value] if spec["kind"] == "list" else value
            assert found == expected, (field, button)


def test_the_none_button_answers_none():
    knowledge = load_knowledge()
    for field, spec in knowledge.fields.items():
        if "none_label" in spec:
            payload = answer_buttons(field, knowledge)[-1]["payload"]
            assert read_message(payload, field)[field] in ([], "none"), field


def test_number_buttons_read_back_as_their_number():
    knowledge = load_knowledge()
    for field in ("duration_days", "pain_score"):
        for button, spec in zip(answer_buttons(field, knowledge), knowledge.fields[field]["buttons"]):
            assert read_message(button["payload"], field) == {field: spec["value"]}


def test_the_spacy_pipeline_is_built_from_the_vocabulary():
    nlp = build_pipeline()
    assert nlp.pipe_names == ["lemmatizer", "entity_ruler"]
    doc = nlp("my sitting bones ache when i sat in meetings")
    assert ("pain_location", "sit_bone") in {(ent.label_, ent.ent_id_) for ent in doc.ents}


def test_the_pipeline_checks_its_patterns_when_built_and_loads_without_checking_them_again(tmp_path):
    import spacy

    build_pipeline().to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("entity_ruler").matcher.validate is False
    doc = loaded("my sitting bones ache when i sat in meetings")
    assert ("pain_location", "sit_bone") in {(ent.label_, ent.ent_id_) for ent in doc.ents}


def test_the_rasa_config_loads_the_projects_pipeline_by_path():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    spacy_nlp = next(part for part in config["pipeline"] if part["name"] == "SpacyNLP")
    assert spacy_nlp["model"] == "build/spacy_pht"
    assert spacy_nlp["case_sensitive"] is False


def test_every_domain_response_is_used_somewhere():
    code = "\n".join(path.read_text() for folder in ("actions", "pht", "rasa_server", "channels")  # the Rasa server and
                     # the channels send a few themselves
                     for path in (ROOT / folder).rglob("*.py"))
    data = "\n".join(path.read_text() for path in (ROOT / "data").rglob("*.yml"))
    # a form asks for a slot with the response utter_ask_<slot> itself, when no action does
    asked_by_forms = {f"utter_ask_{slot}" for form in DOMAIN.get("forms", {}).values()
                      for slot in (form or {}).get("required_slots", [])}
    for response in {name.split("/")[0] for name in DOMAIN["responses"]} - asked_by_forms:
        if response.startswith(WIDGET_RESPONSES):
            continue  # the widget's words, all served by web/server.py (tests/test_one_source.py)
        if response.startswith(CHECK_IN_PAGE_RESPONSES):
            continue  # the check-in page's words, each shown by web/server.py (tests/test_checkin_links.py)
        assert f'"{response}"' in code or f"'{response}'" in code or response in data, response


def test_generated_training_data_is_up_to_date():
    for path, text in generated_files(load_knowledge()).items():
        assert path.read_text() == text, f"{path.name} is out of date: run `make data`"


def test_every_faq_answer_has_training_examples():
    nlu = yaml.safe_load((ROOT / "data" / "nlu" / "faq.yml").read_text())["nlu"]
    topics = {block["intent"].split("/", 1)[1] for block in nlu if block["intent"].startswith("faq/")}
    assert topics == set(load_knowledge().faq)


def test_every_way_of_telling_an_outcome_has_a_renderer():
    from actions.assessment import _TELL
    from pht.triage.knowledge import TELLING_PARTS

    assert set(_TELL) == TELLING_PARTS


def test_every_possible_danger_sign_has_a_confirming_question_that_names_it():
    knowledge = load_knowledge()
    for field in ("red_flags", "neuro_symptoms"):
        for value, entry in knowledge.fields[field]["values"].items():
            if entry.get("possible"):
                assert entry["confirm"].endswith("?"), value


def test_a_phrase_naming_a_word_class_is_written_out_once_per_word():
    vocabulary = {"word_classes": {"bum": ["bum", "butt"], "leg": ["leg", "thigh"]},
                  "fields": {"place": {"values": {"top": {"synonyms": ["where my <bum> meets my <leg>", "butt crease"]}}}}}
    written, variants = expand_word_classes(vocabulary)
    assert written["fields"]["place"]["values"]["top"]["synonyms"] == [
        "where my bum meets my leg", "where my bum meets my thigh", "where my butt meets my leg",
        "where my butt meets my thigh", "butt crease"]
    assert variants == {"where my bum meets my thigh", "where my butt meets my leg", "where my butt meets my thigh"}


def test_a_phrase_naming_an_unknown_word_class_fails_loudly():
    with pytest.raises(KnowledgeError):
        expand_word_classes({"word_classes": {}, "fields": {"place": {"values": {"top": {"synonyms": ["my <rump>"]}}}}})


def test_a_word_class_named_where_it_is_not_written_out_fails_loudly():
    # a `together` part is matched as it stands: "<who>" there would never match anything
    vocabulary = {"word_classes": {"who": ["i", "he"]},
                  "fields": {"flags": {"values": {"saddle": {"synonyms": ["numb"], "together": [[["numb"], ["where <who> sit"]]]}}}}}
    with pytest.raises(KnowledgeError):
        expand_word_classes(vocabulary)


def test_the_nlu_data_has_each_word_class_phrase_once():
    assert "where my butt meets my thigh" in load_knowledge().fields["pain_location"]["values"]["upper_hamstring"]["synonyms"]
    answers = (ROOT / "data" / "nlu" / "answers.yml").read_text()
    assert "where my bum meets my leg" in answers and "where my butt meets my thigh" not in answers


def test_every_pattern_the_reader_builds_from_the_vocabulary_is_valid_spacy():
    # the reader skips spaCy's pattern check at every start; this is where it is done
    from pht.language.reader import Reader

    assert Reader(validate=True).matcher


def test_the_reader_s_matcher_finds_what_one_spacy_matcher_of_all_the_vocabulary_s_patterns_finds():
    # the reader runs only the patterns whose longest word a message holds (KeyWordMatcher): each
    # message must give the same matches, each once, as spaCy's own matcher of every pattern, in
    # the order of where they start and end and, for the same words, of the vocabulary
    from spacy.matcher import Matcher

    from harness import danger_signs as table
    from pht.language.pipeline import PLACE_FIELDS, KeyWordMatcher, lemma_pattern, shared_pipeline, synonym_phrases

    nlp = shared_pipeline()
    split, whole = KeyWordMatcher(nlp.vocab), Matcher(nlp.vocab)
    keys = []
    for field, value, phrase in synonym_phrases(load_knowledge()):
        pattern = lemma_pattern(nlp, phrase, field in PLACE_FIELDS)
        split.add(f"{field}|{value}", [pattern])
        whole.add(f"{field}|{value}", [pattern])
        keys.append(nlp.vocab.strings[f"{field}|{value}"])
    order = {key: place for place, key in reversed(list(enumerate(keys)))}
    phrases = [phrase for entry in table.TABLE["signs"].values() for phrase in entry["phrasings"]] + table.TABLE["near_misses"]
    messages = phrases + [table.TABLE["story"].format(phrase=phrase) for phrase in phrases[::10]]
    assert len(messages) > 400
    for message in messages:
        doc = nlp(message.lower())
        found = split(doc)
        assert sorted(found) == sorted(set(whole(doc))), message
        assert found == sorted(found, key=lambda match: (match[1], match[2], order[match[0]])), message


def test_a_pattern_with_no_one_word_it_must_hold_is_tried_on_every_message():
    from pht.language.pipeline import KeyWordMatcher, shared_pipeline

    nlp = shared_pipeline()
    matcher = KeyWordMatcher(nlp.vocab)
    matcher.add("a number", [[{"IS_DIGIT": True}]])
    matcher.add("sore", [[{"LOWER": "very", "OP": "?"}, {"LEMMA": "sore"}]])
    matcher.add("not sore", [[{"LOWER": "sore", "OP": "!"}, {"LOWER": "leg"}]])
    doc = nlp("8 very sore leg")
    assert [(nlp.vocab.strings[key], start, end) for key, start, end in matcher(doc)] == [
        ("a number", 0, 1), ("sore", 1, 3), ("sore", 2, 3)]
    assert [nlp.vocab.strings[key] for key, _, _ in matcher(nlp("my bad leg"))] == ["not sore"]
    assert len(matcher) == 3
