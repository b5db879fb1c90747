"""Compares NLU pipeline configs on a fixed 80/20 split of the training data.

For each config: training time of the NLU model, intent macro-F1 and FAQ-topic F1 on the
20% part. This is how pipeline choices are made; tests/nlu/heldout.yml is never used here
(`make evaluate` measures it once a choice is made).

Usage: python scripts/compare_configs.py CONFIG.yml [CONFIG.yml ...] [--out results/configs]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).parent / "rasa"
SEED = "4242"
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}


def rasa(*arguments: str) -> None:
    subprocess.run([str(RASA), *arguments], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def split(out: Path) -> Path:
    if not (out / "training_data.yml").exists():
        rasa("data", "split", "nlu", "--nlu", "data/nlu", "--training-fraction", "0.8",
             "--random-seed", SEED, "--out", str(out))
    return out


def score(config: Path, data: Path, out: Path) -> dict:
    name = config.stem
    started = time.perf_counter()
    rasa("train", "nlu", "--config", str(config), "--nlu", str(data / "training_data.yml"),
         "--domain", "domain", "--out", str(out), "--fixed-model-name", name)
    seconds = time.perf_counter() - started
    report = out / name
    rasa("test", "nlu", "--model", str(out / f"{name}.tar.gz"), "--nlu", str(data / "test_data.yml"),
         "--out", str(report))
    intent = json.loads((report / "intent_report.json").read_text())["macro avg"]["f1-score"]
    faq_file = report / "response_selection_report.json"
    faq = json.loads(faq_file.read_text())["macro avg"]["f1-score"] if faq_file.exists() else None
    return {"config": str(config), "train_seconds": round(seconds, 1), "intent_macro_f1": round(intent, 3),
            "faq_macro_f1": round(faq, 3) if faq is not None else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("configs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "configs")
    args = parser.parse_args()
    data = split(args.out / "split")
    for config in args.configs:
        result = score(config, data, args.out)
        print(json.dumps(result), flush=True)
        with (args.out / "results.jsonl").open("a") as log:
            log.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
