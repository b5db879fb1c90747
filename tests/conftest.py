"""Shared test set-up: quiet third-party warnings, markers, and a records database and var/
folder of the test run's own (never the project's var/). The project root is on the import
path by pytest.ini (`pythonpath`), so `actions`, `rasa_server` and the `harness` import by name."""
import os
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
# Pre-screen records written by the actions under test, staff accounts, secrets: all in a
# folder of this run's own (pht/records/settings.py reads these variables).
_RUN_VAR = Path(tempfile.mkdtemp(prefix="pht-test-var-"))
# No DATABASE_URL: it would move the conversation store too (rasa_server/settings.py).
os.environ["PHT_VAR_DIR"] = str(_RUN_VAR)
for _variable in ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL", "RECEPTION_USERS", "RASA_AUTH_TOKEN",
                  "RECEPTION_SECRET_KEY"):
    os.environ.pop(_variable, None)

# PostgreSQL, Redis and RabbitMQ, each test isolated (make test-scale)
from services import database, module_database, module_redis_prefix, rabbitmq, redis_prefix  # noqa: E402, F401


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: starts the action server and the Rasa server")
    config.addinivalue_line("markers", "services: needs PostgreSQL, Redis or RabbitMQ (make test-scale; tests/services.py)")
    # Deprecation noise from Rasa's and spaCy's own dependencies, not from this project.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning")
    config.addinivalue_line("filterwarnings", "ignore::PendingDeprecationWarning")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def pytest_collection_modifyitems(session, config, items):
    """The test files that start servers (a test marked e2e or services) first, in their order,
    then the others by how many tests they hold, most first; each file's tests in their order.
    The long files spread over the workers from the start (the must-pass tables' among them),
    and the quick ones fill them up to the end."""
    starts_servers = {item.path for item in items if item.get_closest_marker("e2e") or item.get_closest_marker("services")}
    sizes = Counter(item.path for item in items)
    items.sort(key=lambda item: (item.path not in starts_servers, 0 if item.path in starts_servers else -sizes[item.path]))


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The action server and Rasa server, started once for all end-to-end tests."""
    from harness.servers import MODEL, Assistant

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    running = Assistant(tmp_path_factory.mktemp("assistant")).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def settings_read_afresh(monkeypatch):
    """pht.settings reads the environment once per process. In a test it is read afresh at the
    start, and after each variable the test (or a fixture) sets or removes with monkeypatch,
    so a changed variable counts and none leaks into the next test."""
    from pht.settings import settings

    setenv, delenv = monkeypatch.setenv, monkeypatch.delenv

    def setenv_afresh(*args, **kwargs):
        setenv(*args, **kwargs)
        settings.cache_clear()

    def delenv_afresh(*args, **kwargs):
        delenv(*args, **kwargs)
        settings.cache_clear()

    monkeypatch.setenv, monkeypatch.delenv = setenv_afresh, delenv_afresh
    settings.cache_clear()
    yield
    settings.cache_clear()
