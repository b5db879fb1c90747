"""Scores understanding on held-out messages that are never used for training.

- intents: reads the report `rasa test nlu` wrote for tests/nlu/heldout.yml;
- findings ("entities"): runs the project's reader (pht/language) on every annotated
  `inform` example and compares the (field, value) pairs it finds with the annotations.
  It also scores tests/nlu/findings_dev.yml, the development set whose errors guide
  vocabulary work (written independently of the held-out file).

Writes results/heldout/findings_report.json and exits 1 when a target is missed.
Usage: python -m scripts.evaluate_nlu [HELDOUT_FILE] [RESULTS_DIR]
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Set, Tuple

import yaml

from pht.language.reader import shared_reader

ROOT = Path(__file__).resolve().parent.parent

# Annotated messages for improving the vocabulary: look at its errors freely. The held-out
# file is only for measuring; its errors are never used to add words.
DEVELOPMENT_SET = ROOT / "tests" / "nlu" / "findings_dev.yml"
INTENT_MACRO_F1_TARGET = 0.95
FINDINGS_F1_TARGET = 0.90
ANNOTATION = re.compile(r"\[([^\]]+)\]\{([^}]+)\}")
READ_KINDS = {"choice", "list", "boolean"}

Pair = Tuple[str, str]


def annotated_examples(path: Path) -> List[Tuple[str, Set[Pair]]]:
    """(plain text, expected (field, value) pairs) for every inform example."""
    examples = []
    for block in yaml.safe_load(path.read_text())["nlu"]:
        if block.get("intent") != "inform":
            continue
        for line in block["examples"].splitlines():
            line = line.strip()[2:] if line.strip().startswith("- ") else line.strip()
            if not line:
                continue
            expected = {(json.loads("{%s}" % raw)["entity"], str(json.loads("{%s}" % raw)["value"]))
                        for _, raw in ANNOTATION.findall(line)}
            examples.append((ANNOTATION.sub(lambda match: match.group(1), line), expected))
    return examples


def found_pairs(text: str) -> Set[Pair]:
    """What the reader found that an annotation can name: values stated in the text.

    Left out: `false` for a negated yes/no finding (annotations mark mentions, not
    negations) and values only implied by another finding (a pop implies a sudden onset,
    but no words in the text say "sudden"). A danger sign read as only possible counts as
    read: the conversation confirms it with one question before it counts (policy v2)."""
    reading = shared_reader().reading(text, infer=False)
    found = {**reading.findings}
    for field, values in reading.possible.items():
        found[field] = list(found.get(field) or []) + values
    pairs: Set[Pair] = set()
    for field, value in found.items():
        for item in value if isinstance(value, list) else [value]:
            if item is True or isinstance(item, str):
                pairs.add((field, str(item).lower()))
    return pairs


def findings_report(examples: List[Tuple[str, Set[Pair]]]) -> Dict:
    counts: Dict[str, Counter] = {}
    misses = []
    readable = _annotated_fields()
    for text, expected in examples:
        found = {pair for pair in found_pairs(text) if pair[0] in readable}
        for field in {f for f, _ in expected | found}:
            tally = counts.setdefault(field, Counter())
            tally["tp"] += len({p for p in expected & found if p[0] == field})
            tally["fp"] += len({p for p in found - expected if p[0] == field})
            tally["fn"] += len({p for p in expected - found if p[0] == field})
        if expected != found:
            misses.append({"text": text, "missed": sorted(expected - found), "extra": sorted(found - expected)})
    total = sum(counts.values(), Counter())
    return {"micro": _scores(total), "per_field": {field: _scores(tally) for field, tally in sorted(counts.items())},
            "examples": len(examples), "errors": misses}


def _annotated_fields() -> Set[str]:
    from pht.triage import load_knowledge

    return {field for field, spec in load_knowledge().fields.items() if spec["kind"] in READ_KINDS}


def _scores(tally: Counter) -> Dict[str, float]:
    precision = tally["tp"] / max(1, tally["tp"] + tally["fp"])
    recall = tally["tp"] / max(1, tally["tp"] + tally["fn"])
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "support": tally["tp"] + tally["fn"]}


def main(argv: List[str]) -> int:
    heldout = Path(argv[0]) if argv else ROOT / "tests" / "nlu" / "heldout.yml"
    results = Path(argv[1]) if len(argv) > 1 else ROOT / "results" / "heldout"
    results.mkdir(parents=True, exist_ok=True)
    development = findings_report(annotated_examples(DEVELOPMENT_SET))
    (results / "findings_development_report.json").write_text(json.dumps(development, indent=2))
    print(f"development-set findings F1: {development['micro']['f1']:.3f} (the set vocabulary work is checked on)")
    report = findings_report(annotated_examples(heldout))
    (results / "findings_report.json").write_text(json.dumps(report, indent=2))
    intent_f1 = json.loads((results / "intent_report.json").read_text())["macro avg"]["f1-score"]
    findings_f1 = report["micro"]["f1"]
    print(f"held-out intent macro-F1: {intent_f1:.3f} (target {INTENT_MACRO_F1_TARGET})")
    print(f"held-out findings F1:     {findings_f1:.3f} (target {FINDINGS_F1_TARGET}); "
          f"details in {results / 'findings_report.json'}")
    return 0 if intent_f1 >= INTENT_MACRO_F1_TARGET and findings_f1 >= FINDINGS_F1_TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
