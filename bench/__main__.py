"""`make bench`: our assistant against the stock `rasa init` assistant, in one run, on this machine.

Measures, for both (the stock one is the baseline, trained with the same Rasa in a folder
of its own under build/):
- cold `rasa train` time (empty training cache) and the model's size; for ours also a warm
  `make train` (nothing changed);
- per-turn latency p50/p95 over REST for one user, through whole conversations: simulated
  patients in varied free text for ours, the stock stories for the baseline;
- throughput, p95 and errors with 10 and 50 simultaneous users (localhost only, bounded time);
- resident memory of the Rasa server and of our action server after the load;
- for ours, how long the reader takes to read one message, p50 and p95 (bench/reading.py).
Then prints a table with the ratios ours / baseline and the targets, and writes
results/bench.json. Only one assistant runs at a time, so they never compete for the CPU.

Usage: python -m bench [--skip-train] [--model PATH] [--users 10,50] [--seconds 30]
                       [--patients 20] [--out results/bench.json]
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional


from harness.patients import patient_cases

from . import ROOT
from .conversations import PatientScript, StockScript, stock_examples
from .load import run_load
from . import reading
from .servers import OurAssistant, StockAssistant
from pht.domain import read_domain

RASA = Path(sys.executable).parent / "rasa"
STOCK_TEMPLATE_NAME = "initial_project"
STOCK_DIR = ROOT / "build" / "bench-stock"
WARM_UP_CONVERSATIONS = 3
QUIET_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}

# (key, label, how ours compares with the baseline to pass, limit)
TARGETS = [
    ("cold_train_seconds", "cold rasa train (s)", "ratio<=", 3.0),
    ("warm_make_train_seconds", "warm make train (s)", "value<", 10.0),
    ("model_mb", "model size (MB)", None, None),
    ("single_p50_ms", "1 user: turn p50 (ms)", "ratio<=", 1.3),
    ("single_p95_ms", "1 user: turn p95 (ms)", "ratio<=", 1.5),
]


def _stock_project() -> Path:
    """A fresh copy of the project `rasa init` creates (the installed Rasa's own template)."""
    import rasa.cli

    template = Path(rasa.cli.__file__).parent / STOCK_TEMPLATE_NAME
    if STOCK_DIR.exists():
        shutil.rmtree(STOCK_DIR)
    shutil.copytree(template, STOCK_DIR, ignore=shutil.ignore_patterns("__pycache__"))
    return STOCK_DIR


def _train(project: Path, out: Path, **env: str) -> None:
    domain = "domain" if (project / "domain").is_dir() else "domain.yml"  # ours is a folder, the stock one a file
    subprocess.run([str(RASA), "train", "--domain", domain, "--out", str(out), "--fixed-model-name", "model"], cwd=project,
                   env={**os.environ, **QUIET_ENV, **env}, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _timed_train(project: Path, out: Path) -> float:
    """Seconds for `rasa train` in `project` with an empty training cache."""
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        started = time.perf_counter()
        _train(project, out, RASA_CACHE_DIRECTORY=cache)
        return time.perf_counter() - started


def _timed_make_train() -> float:
    started = time.perf_counter()
    # `make bench` has brought the environment up to date already; `-o` keeps this warm `make train`
    # from rebuilding .venv when it was started as `make -o .venv/.installed bench` (make does not
    # pass -o down), as in a worktree whose requirements.txt is newer than .venv/.installed
    subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "train"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure_training(skip: bool) -> Dict[str, Dict[str, Any]]:
    """Cold training of both, warm `make train` of ours; the stock model for serving."""
    stock = _stock_project()
    results: Dict[str, Dict[str, Any]] = {"ours": {}, "baseline": {}}
    if skip:
        _train(stock, stock / "models")
    else:
        print("training the stock assistant from scratch ...", flush=True)
        results["baseline"]["cold_train_seconds"] = round(_timed_train(stock, stock / "models"), 1)
        with tempfile.TemporaryDirectory(prefix="bench-model-") as out:
            print("training ours from scratch (empty cache) ...", flush=True)
            results["ours"]["cold_train_seconds"] = round(_timed_train(ROOT, Path(out)), 1)
    results["baseline"]["model_mb"] = round((stock / "models" / "model.tar.gz").stat().st_size / 1e6, 1)
    results["ours"]["warm_make_train_seconds"] = round(_timed_make_train(), 2)
    return results


def _patients(truths: List[Dict[str, Any]], domain: Dict[str, Any], start: int) -> Iterator[PatientScript]:
    for seed in itertools.count(start):
        yield PatientScript(truths[seed % len(truths)], seed, domain)


def _stock_conversations(examples: Dict[str, List[str]], start: int) -> Iterator[StockScript]:
    for seed in itertools.count(start):
        yield StockScript(examples, seed)


def measure_serving(assistant, make_scripts, single: int, users: List[int], seconds: float) -> Dict[str, Any]:
    """Latency for one user, then throughput under load, then memory."""
    url = f"{assistant.url}/webhooks/rest/webhook"
    caller = assistant.rest_headers  # our REST channel takes trusted callers only; the stock one ignores it
    run_load(url, lambda: itertools.islice(make_scripts(10_000), WARM_UP_CONVERSATIONS), 1, 600, "warm-up", caller)
    results: Dict[str, Any] = {}
    one = run_load(url, lambda: itertools.islice(make_scripts(0), single), 1, 900, "single", caller).summary()
    results.update(single_p50_ms=one["p50_ms"], single_p95_ms=one["p95_ms"], single=one)
    for count in users:
        loaded = run_load(url, lambda: make_scripts(100_000 * count), count, seconds, f"users{count}", caller).summary()
        results[f"users_{count}"] = loaded
        results[f"users_{count}_turns_per_second"] = loaded["turns_per_second"]
        results[f"users_{count}_p95_ms"] = loaded["p95_ms"]
        results[f"users_{count}_errors"] = loaded["errors"]
    results.update(assistant.memory_mb())
    return results


def _targets(users: List[int]) -> List[tuple]:
    rows = list(TARGETS)
    for count in users:
        rows += [(f"users_{count}_turns_per_second", f"{count} users: turns/s", "ratio>=", 0.9 if count == 10 else None),
                 (f"users_{count}_p95_ms", f"{count} users: turn p95 (ms)", None, None),
                 (f"users_{count}_errors", f"{count} users: errors", "value==", 0)]
    rows += [("rasa_server_rss_mb", "Rasa server memory (MB)", "ratio<=", 1.2),
             ("action_server_rss_mb", "action server memory (MB)", None, None)]
    return rows


def _verdict(kind: Optional[str], limit: Any, value: Any, ratio: Optional[float]) -> str:
    if kind is None or limit is None or value is None:
        return ""
    measured = ratio if kind.startswith("ratio") else value
    if measured is None:
        return ""
    op = kind.split("ratio")[-1].split("value")[-1]
    ok = {"<=": measured <= limit, ">=": measured >= limit, "<": measured < limit, "==": measured == limit}[op]
    target = f"{'x' if kind.startswith('ratio') else ''}{op} {limit}"
    return f"{'met' if ok else 'MISSED'} ({target})"


def table(ours: Dict[str, Any], baseline: Dict[str, Any], users: List[int]) -> List[Dict[str, Any]]:
    rows = []
    for key, label, kind, limit in _targets(users):
        mine, theirs = ours.get(key), baseline.get(key)
        ratio = round(mine / theirs, 2) if isinstance(mine, (int, float)) and theirs else None
        rows.append({"key": key, "label": label, "ours": mine, "baseline": theirs, "ratio": ratio,
                     "target": _verdict(kind, limit, mine, ratio)})
    return rows


def print_table(rows: List[Dict[str, Any]]) -> None:
    def cell(value: Any) -> str:
        return "-" if value is None else str(value)

    widths = [max(len(row["label"]) for row in rows), 10, 10, 7]
    print(f"\n{'measure':<{widths[0]}}  {'ours':>{widths[1]}}  {'baseline':>{widths[2]}}  {'ratio':>{widths[3]}}  target")
    for row in rows:
        print(f"{row['label']:<{widths[0]}}  {cell(row['ours']):>{widths[1]}}  {cell(row['baseline']):>{widths[2]}}  "
              f"{cell(row['ratio']):>{widths[3]}}  {row['target']}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-train", action="store_true", help="do not time the cold trainings")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "pht.tar.gz", help="our model to serve")
    parser.add_argument("--users", default="10,50", help="simultaneous users, comma-separated")
    parser.add_argument("--seconds", type=float, default=30, help="duration of each load run")
    parser.add_argument("--patients", type=int, default=20, help="conversations for the one-user latency")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench.json")
    args = parser.parse_args(argv)
    users = [int(count) for count in args.users.split(",") if count]

    results = measure_training(args.skip_train)
    results["ours"]["model_mb"] = round(args.model.stat().st_size / 1e6, 1)
    domain = read_domain()
    truths = [truth for _, truth, _ in patient_cases()]  # read once, outside the timed runs

    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        print("serving ours ...", flush=True)
        with OurAssistant(Path(workdir) / "ours", args.model) as ours:
            results["ours"].update(measure_serving(
                ours, lambda start: _patients(truths, domain, start), args.patients, users, args.seconds))
        print("serving the stock assistant ...", flush=True)
        examples = stock_examples(STOCK_DIR / "data" / "nlu.yml")
        with StockAssistant(Path(workdir) / "stock", STOCK_DIR) as stock:
            # stock conversations are 3-5 turns against a pre-screen's 7-10: twice as many of them
            results["baseline"].update(measure_serving(
                stock, lambda start: _stock_conversations(examples, start), args.patients * 2, users, args.seconds))

    rows = table(results["ours"], results["baseline"], users)
    print_table(rows)
    results["reading"] = reading.measure()
    print(reading.report(results["reading"]))
    results["table"] = rows
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    results["when"] = time.strftime("%Y-%m-%d %H:%M:%S")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
