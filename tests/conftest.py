"""Shared test set-up: the project root on sys.path, quiet third-party warnings, markers."""
import os
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

# PostgreSQL, Redis and RabbitMQ, each test isolated (make test-scale)
from services import database, rabbitmq, redis_prefix  # noqa: E402, F401


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: starts the action server and the Rasa server")
    config.addinivalue_line("markers", "services: needs PostgreSQL, Redis or RabbitMQ (make test-scale; tests/services.py)")
    # Deprecation noise from Rasa's and spaCy's own dependencies, not from this project.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning")
    config.addinivalue_line("filterwarnings", "ignore::PendingDeprecationWarning")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The action server and Rasa server, started once for all end-to-end tests."""
    from servers import MODEL, Assistant

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    running = Assistant(tmp_path_factory.mktemp("assistant")).start()
    yield running
    running.stop()
