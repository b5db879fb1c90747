"""The two assistants the benchmark serves, one at a time (harness/servers.py starts them)."""
from __future__ import annotations

from pathlib import Path

from harness.servers import ONE_TRUSTED_LOAD_CALLER, Assistant


def OurAssistant(workdir: Path, model: Path) -> Assistant:
    """Our action server and Rasa server, with the SQLite tracker store `make run` uses."""
    return Assistant(workdir, model=model.resolve(), env=dict(ONE_TRUSTED_LOAD_CALLER))


def StockAssistant(workdir: Path, project: Path) -> Assistant:
    """The stock `rasa init` assistant: a Rasa server with its defaults (no action server,
    in-memory tracker store)."""
    return Assistant(workdir, model=project / "models" / "model.tar.gz", project=project, with_actions=False)
