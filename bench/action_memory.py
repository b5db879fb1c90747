"""The action server's resident memory, quickly: `python -m bench.action_memory`.

`make bench` reports it after minutes of load beside the stock assistant; this starts our two
servers as `make bench` does, and reads the action server's RSS (Linux /proc) after start-up,
then after a few simulated patients' whole pre-screens (each one writes a record). For a
before/after comparison of what the action server imports (docs/performance.md).
"""
from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from pathlib import Path

from harness.patients import patient_cases
from harness.servers import resident_mb
from pht.domain import read_domain

from . import ROOT
from .conversations import PatientScript
from .load import run_load
from .servers import OurAssistant


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.action_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "pht.tar.gz")
    parser.add_argument("--patients", type=int, default=10, help="whole pre-screens before the second reading")
    args = parser.parse_args()
    domain = read_domain()
    truths = [truth for _, truth, _ in patient_cases()]
    scripts = (PatientScript(truths[seed % len(truths)], seed, domain) for seed in itertools.count())
    with tempfile.TemporaryDirectory(prefix="action-memory-") as workdir:
        with OurAssistant(Path(workdir) / "ours", args.model) as ours:
            action_server = ours.processes[0].pid
            after_start = resident_mb(action_server)
            load = run_load(f"{ours.url}/webhooks/rest/webhook", lambda: itertools.islice(scripts, args.patients),
                            1, 600, "memory", ours.rest_headers).summary()
            after_load = resident_mb(action_server)
    print(json.dumps({"action_server_rss_mb_after_start": after_start,
                      "action_server_rss_mb_after_patients": after_load,
                      "patients": load["conversations"], "finished_well": load["conversations_finished_well"],
                      "errors": load["errors"]}))


if __name__ == "__main__":
    main()
