"""Each process imports only what it runs (issue 21).

The action server is rasa-sdk's app over the `actions` package, which imports every module of
that package: so nothing in `actions/` may pull in the staff CLI, the reception page,
migrations, FHIR or password hashing. And the application (`pht/`) never imports Rasa. Each
check runs in a fresh interpreter, so nothing another test imported counts.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# what the action server must not load; SQLAlchemy is fine (a finished pre-screen is written)
NOT_IN_THE_ACTION_SERVER = ("alembic", "fhir.resources", "argon2", "pht.reception", "pht.reception.cli",
                            "pht.records.fhir", "web.reception", "starlette")


def modules_after(code: str) -> set:
    """The names in sys.modules after running `code` in a fresh interpreter at the project root."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_action_server_loads_no_cli_migrations_fhir_or_password_hashing():
    # what `python -m actions.server --actions actions` builds before it listens: rasa-sdk's
    # app, whose executor imports every module of the package
    loaded = modules_after("import actions.server\nactions.server.guarded_app('actions', None, {})")
    assert "actions.forms" in loaded and "pht.triage" in loaded  # the actions were registered
    assert not [name for name in NOT_IN_THE_ACTION_SERVER if name in loaded]


def test_the_application_imports_no_rasa():
    walk = ("import pkgutil, importlib, pht\n"
            "for module in pkgutil.walk_packages(pht.__path__, 'pht.'):\n"
            "    if '.migrations' not in module.name and not module.name.endswith('__main__'):\n"
            "        importlib.import_module(module.name)")
    loaded = modules_after(walk)
    assert "pht.reception.cli" in loaded and "pht.language.reader" in loaded  # the walk imported them
    assert not [name for name in loaded if name.split(".")[0] in {"rasa", "rasa_sdk", "actions", "rasa_server"}]


def test_the_reception_page_loads_no_language_pipeline():
    # it reads a conversation's state to show the findings (pht/state.py), never free text
    loaded = modules_after("import web.reception.app\nimport pht.state")
    assert "pht.state" in loaded and not [name for name in ("spacy", "tensorflow", "pht.language.reader")
                                          if name in loaded]


def test_the_state_and_the_reader_mean_the_same_by_not_sure():
    from pht.language.reader import NOT_SURE
    from pht.state import NOT_SURE as STATE_NOT_SURE

    assert STATE_NOT_SURE == NOT_SURE
