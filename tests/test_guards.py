"""The Rasa server's guards (rasa_server/guards.py) and the action server's door
(actions/server.py), without servers: typed intent payloads, held replies, the shared secret,
the settings that configure them, and the guards failing loudly on another Rasa."""
import asyncio
import re
from pathlib import Path

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain

from rasa_server import guards, patches

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = Domain.load(str(ROOT / "domain"))
patches.apply()


CONSENT = frozenset({"/affirm", "/deny"})  # the buttons of "Shall we start?"


@pytest.mark.parametrize("typed", [
    "/restart", '/inform{"red_flags": []}', '/anything{"assessment": {"urgency": "routine"}}', "/EXTERNAL_reminder",
    "/session_start", "/back", "/nlu_fallback", "/affirm@0.1", '/affirm{"red_flags": []}', '/deny{"x": 1}', "/",
    "/inform", "/action_assess", "/RESTART", "  /session_start  ", "/stop{}", '/greet{"age": 99}', "/help",
])
def test_a_typed_payload_the_assistant_did_not_offer_sets_no_entities(typed):
    for offered in (None, CONSENT, frozenset()):
        intent = guards.typed_payload_intent(typed, DOMAIN, offered)
        assert intent in {"nlu_fallback", "start_over"}, (typed, offered)


def test_restart_stop_and_start_typed_by_a_person_mean_what_they_say():
    assert guards.typed_payload_intent("/restart", DOMAIN, CONSENT) == "start_over"
    assert guards.typed_payload_intent("/stop", DOMAIN, frozenset()) == "stop"
    assert guards.typed_payload_intent("/start", DOMAIN, frozenset()) == "greet"  # Telegram's opening


def test_the_assistants_own_payloads_work_exactly_as_written_when_offered():
    for payload in ("/affirm", "/deny", " /affirm "):
        assert guards.typed_payload_intent(payload, DOMAIN, CONSENT) is None  # Rasa parses these as usual
    assert guards.typed_payload_intent("/greet", DOMAIN, frozenset()) is None  # the widget's opening, any time


def test_a_button_payload_typed_when_it_was_not_offered_is_not_an_intent():
    # "/deny" typed at a safety question (three times would have ended the screen as unusable answers)
    assert guards.typed_payload_intent("/deny", DOMAIN, frozenset()) == "nlu_fallback"
    assert guards.typed_payload_intent("/affirm", DOMAIN, frozenset({"sit bone", "top of the hamstring"})) == "nlu_fallback"


def test_the_offered_payloads_are_the_buttons_since_the_person_last_wrote():
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    consent = BotUttered("Shall we start?", data={"buttons": [{"title": "Yes", "payload": "/affirm"},
                                                              {"title": "No", "payload": "/deny"}]})
    asked = BotUttered("Where is the pain worst?", data={"buttons": [{"title": "Sit bone", "payload": "sit bone"}]})
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hi"), BotUttered("Hi."), consent])
    assert guards.offered_payloads(tracker) == {"/affirm", "/deny"}
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hi"), consent, UserUttered("/affirm"), asked])
    assert guards.offered_payloads(tracker) == {"sit bone"}
    assert guards.offered_payloads(None) is None


def test_the_own_payloads_are_the_domains_buttons_and_the_widget_opens_with_greet():
    buttons = {button["payload"] for variations in DOMAIN.responses.values() for variation in variations
               for button in variation.get("buttons") or [] if button["payload"].startswith("/")}
    assert guards.own_payloads(DOMAIN) == buttons
    widget = re.search(r'START_MESSAGE = "([^"]+)"', (ROOT / "web" / "widget" / "chat.js").read_text()).group(1)
    assert widget == guards.WIDGET_OPENING


def test_ordinary_words_are_left_to_the_nlu():
    for text in ("hi", "my sit bone hurts / aches", "", None, 42):
        assert guards.typed_payload_intent(text, DOMAIN, frozenset()) is None


def test_a_turns_replies_are_held_until_released():
    channel = CollectingOutputChannel()
    held = guards.HeldOutput(channel)
    asyncio.run(held.send_response("someone", {"text": "Where is the pain worst?"}))
    assert channel.messages == [] and held.name() == "collector"
    asyncio.run(held.release())
    assert [message["text"] for message in channel.messages] == ["Where is the pain worst?"]


def _endpoints_rasa_reads(tmp_path, monkeypatch, env):
    """The action endpoint as Rasa reads it from the file `python -m rasa_server.endpoints` writes."""
    from rasa.core.utils import AvailableEndpoints

    from rasa_server import endpoints
    from rasa_server.settings import ServerSettings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    written = tmp_path / "endpoints.yml"
    endpoints.write(written, ServerSettings.from_env(env))
    return written.read_text(), AvailableEndpoints.read_endpoints(str(written)).action


def test_the_action_server_secret_travels_as_a_header_of_the_action_endpoint(tmp_path, monkeypatch):
    text, action = _endpoints_rasa_reads(tmp_path, monkeypatch, {"ACTION_SERVER_TOKEN": "s3cret-from-env"})
    assert action.headers == {"Authorization": "Bearer s3cret-from-env"}  # Rasa fills it in from endpoints.yml
    assert "s3cret-from-env" not in text  # the written file names the variable, not the secret


def test_without_a_secret_the_action_endpoint_has_no_header_and_rasa_still_reads_it(tmp_path, monkeypatch):
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    _, action = _endpoints_rasa_reads(tmp_path, monkeypatch, {})
    assert action.headers == {} and action.url == "http://localhost:5055/webhook"


def test_action_calls_time_out_after_the_configured_seconds():
    import rasa.core.actions.action as rasa_actions

    from pht.settings import load_settings

    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == load_settings()["action_timeout_seconds"] <= 30


def test_the_patches_fail_loudly_when_rasa_lacks_what_they_wrap(monkeypatch):
    from rasa.core.processor import MessageProcessor

    monkeypatch.delattr(MessageProcessor, "_parse_message_with_graph")
    monkeypatch.setattr(patches, "_applied", False)
    with pytest.raises(RuntimeError, match="_parse_message_with_graph"):
        patches.apply()


def test_the_knobs_come_from_settings_yml_and_the_environment(monkeypatch):
    from pht.settings import load_settings, settings

    settings.cache_clear()
    try:
        assert load_settings()["max_message_chars"] == 2000
        assert load_settings()["offer_human_after_misunderstandings"] == 2  # settings.yml's
        monkeypatch.setenv("MAX_MESSAGE_CHARS", "500")
        monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "2.5")
        settings.cache_clear()
        assert load_settings()["max_message_chars"] == 500 and load_settings()["action_timeout_seconds"] == 2.5
        monkeypatch.setenv("MAX_MESSAGE_CHARS", "lots")
        settings.cache_clear()
        with pytest.raises(SystemExit, match="MAX_MESSAGE_CHARS"):
            load_settings()
        monkeypatch.setenv("MAX_MESSAGE_CHARS", "0")
        settings.cache_clear()
        with pytest.raises(SystemExit, match="MAX_MESSAGE_CHARS"):
            load_settings()
    finally:
        monkeypatch.undo()
        settings.cache_clear()


# -- the action server's door (actions/server.py) ---------------------------------------------

def test_the_action_server_accepts_only_the_shared_secret():
    from actions.server import is_authorised

    assert is_authorised("Bearer s3cret", "s3cret")
    for header in (None, "", "Bearer", "Bearer S3CRET", "s3cret", "Bearer s3cret ", "Basic s3cret"):
        assert not is_authorised(header, "s3cret")
    assert is_authorised(None, None)  # no secret configured: Rasa alone reaches it on 127.0.0.1


def test_the_action_server_listens_on_localhost_unless_told_otherwise():
    from pht.settings import Settings

    assert Settings.from_env({}).action_server_host == "127.0.0.1"
