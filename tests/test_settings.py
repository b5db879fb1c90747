"""One settings module (pht/settings.py): typed, read once, and the source of .env.example and
the README's table."""
import os
from pathlib import Path
from unittest import mock

import pytest

from pht.settings import ENV_EXAMPLE, README, Settings, env_example, readme_with_table, settings

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_is_generated_from_the_settings():
    assert ENV_EXAMPLE.read_text() == env_example(), "run: .venv/bin/python -m pht.settings --env-example"


def test_the_readme_table_is_generated_from_the_settings():
    readme = README.read_text()
    assert readme == readme_with_table(readme), "run: .venv/bin/python -m pht.settings --markdown-table"


def test_every_setting_says_what_it_does_and_where_it_belongs():
    for name, field in Settings.__fields__.items():
        assert field.field_info.description, name
        assert field.field_info.extra.get("section"), name
        assert f"{Settings.variable(name)}=" in ENV_EXAMPLE.read_text(), name


def test_unset_and_empty_take_the_embedded_defaults():
    for env in ({}, {"MAX_MESSAGE_CHARS": "", "RECEPTION_PORT": "", "CLINIC_NAME": ""}):
        config = Settings.from_env(env)
        assert (config.max_message_chars, config.reception_port, config.clinic_name) == (2000, 8081, "the clinic")


def test_values_are_typed_and_a_wrong_one_names_its_variable():
    config = Settings.from_env({"RECEPTION_PORT": "9000", "ACTION_TIMEOUT_SECONDS": "2.5", "RECEPTION_COOKIE_SECURE": "1",
                                "DATABASE_URL": "postgres://pht:secret@db:5432/pht"})
    assert (config.reception_port, config.action_timeout_seconds, config.reception_cookie_secure) == (9000, 2.5, True)
    assert config.sqlalchemy_database_url == "postgresql://pht:secret@db:5432/pht"  # as SQLAlchemy takes it
    with pytest.raises(SystemExit, match="RECEPTION_PORT='eighty'"):
        Settings.from_env({"RECEPTION_PORT": "eighty"})
    with pytest.raises(SystemExit, match="MAX_NEW_CONVERSATIONS_PER_CALLER"):
        Settings.from_env({"MAX_NEW_CONVERSATIONS_PER_CALLER": "0"})


def test_the_environment_is_read_once_until_the_cache_is_cleared():
    # os.environ itself (the tests' monkeypatch re-reads the settings after each change: conftest.py)
    with mock.patch.dict(os.environ, {"CLINIC_NAME": "Riverside Physio"}):
        settings.cache_clear()
        first = settings()
        os.environ["CLINIC_NAME"] = "Elsewhere"
        assert settings() is first and settings().clinic_name == "Riverside Physio"
        settings.cache_clear()
        assert settings().clinic_name == "Elsewhere"


def test_no_module_but_the_settings_reads_the_environment():
    readers = []
    for folder in ("actions", "pht", "analytics", "channels", "rasa_server", "supervisor", "web"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            if path != ROOT / "pht" / "settings.py" and ("os.environ" in text or "getenv" in text):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []
