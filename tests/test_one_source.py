"""Each sentence people read is written in one file: the cauda equina warning card in the
knowledge base, the conversation's and the channels' words in the domain (`domain/`), and the
code reads them from there. Files that `make data` writes are allowed copies only while they
carry the generator's header and are up to date."""
import re
import subprocess
from pathlib import Path

import pytest

from pht.domain import DOMAIN_DIR, read_domain
from pht.rasa_data import GENERATED, generated_files
from pht.triage import load_knowledge
from web.server import WIDGET_RESPONSES, widget_config

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = load_knowledge()
DOMAIN = read_domain()
CARD = KNOWLEDGE.advice["warning_card"]["text"]
CARD_SOURCE = "pht/triage/knowledge/advice.yml"
CHAT_JS = ROOT / "web" / "widget" / "chat.js"


def files_with(text: str) -> set:
    """The tracked files whose text contains `text` exactly (git grep -F)."""
    found = subprocess.run(["git", "grep", "-l", "-F", "-e", text], cwd=ROOT, capture_output=True, text=True,
                           check=False)
    assert found.returncode in (0, 1), found.stderr
    return set(found.stdout.split())


def generated_and_current() -> set:
    """The files `make data` writes, each carrying the generator's header and up to date."""
    allowed = set()
    for path, text in generated_files(KNOWLEDGE).items():
        written = path.read_text()
        assert written.startswith(GENERATED), f"{path.name} lacks the generator's header"
        assert written == text, f"{path.name} is out of date: run `make data`"
        allowed.add(str(path.relative_to(ROOT)))
    return allowed


def test_the_generated_domain_file_carries_the_generators_header_and_is_up_to_date():
    assert str(DOMAIN_DIR.relative_to(ROOT) / "faq.yml") in generated_and_current()


def test_no_hand_edited_domain_file_holds_a_generated_response():
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        if not path.read_text().startswith(GENERATED):
            assert "utter_faq/" not in path.read_text(), path.name


@pytest.mark.parametrize("sentence", re.split(r"(?<=\.) ", CARD))
def test_each_sentence_of_the_warning_card_is_written_in_one_source_file(sentence):
    assert files_with(sentence) - generated_and_current() == {CARD_SOURCE}, sentence


# sentences, not single words ("Send" is in many a Python name)
CHANNEL_RESPONSES = sorted(name for name, variations in DOMAIN["responses"].items()
                           if name.startswith((WIDGET_RESPONSES, "utter_options_hint_"))
                           and len(variations[0]["text"].split()) >= 2)


@pytest.mark.parametrize("name", CHANNEL_RESPONSES)
def test_the_channels_and_the_widgets_words_are_written_in_the_domain_only(name):
    text = DOMAIN["responses"][name][0]["text"]
    code = {path for path in files_with(text) if path.endswith((".py", ".js", ".html")) and not path.startswith("tests/")}
    assert code == set(), f"{text!r} is written in code too: {code}"


def test_the_widget_gets_every_word_it_shows_from_its_config():
    used = set(re.findall(r"STRINGS\.(\w+)", CHAT_JS.read_text()))
    served = set(widget_config("http://rasa.example")["strings"])
    assert used == served
    assert all(widget_config("http://rasa.example")["strings"].values())


def test_the_widget_script_holds_no_sentence_of_its_own():
    """Its string literals are markup, class names, attribute values and the start payload,
    never words to read."""
    code = "\n".join(line.split("//")[0] for line in CHAT_JS.read_text().splitlines()
                     if not line.lstrip().startswith("*"))  # comments aside
    literals = set(re.findall(r'"([^"\\\n]*)"', code))  # the script writes its strings in double quotes
    not_words = {"use strict", "noopener noreferrer", "pht-msg pht-msg--"}  # a directive, a rel value, classes
    assert {text for text in literals if re.search(r"[A-Za-z]+ [A-Za-z]+", text)} <= not_words


def test_the_yes_no_buttons_take_their_titles_from_the_vocabulary():
    from actions.messages import yes_no_buttons

    labels = KNOWLEDGE.vocabulary["answer_labels"]
    assert [button["title"] for button in yes_no_buttons(KNOWLEDGE)] == [labels["affirm"], labels["deny"], labels["unsure"]]
    assert '"Not sure"' not in (ROOT / "actions" / "messages.py").read_text()
