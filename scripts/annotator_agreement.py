"""How far two people agree on the real stories' findings (issue 19): the ceiling the reader's
figures are measured against. `python -m scripts.annotator_agreement`

`tests/real/second_annotation.yml` holds a second, independent annotation of 60 tuning stories
(drawn at random, seed 20261204): made from each story's text and the written rules of
tests/real/README.md alone, without seeing the first annotation, the reader's output or the
source page. This prints the second annotator's findings scored against the first, exactly
as `make evaluate-real` scores the reader (micro precision and recall, per field), and the
reader scored against each annotator on the same 60 stories. Tuning stories only: the held-out
part is never read.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import yaml

from scripts.evaluate_real import Counts, Vocabulary, load_part, load_vocabulary, rounded, score_findings

SECOND = Path(__file__).resolve().parent.parent / "tests" / "real" / "second_annotation.yml"

Findings = Callable[[str], Mapping[str, Any]]


def load_second(path: Path = SECOND) -> Dict[str, Dict[str, Any]]:
    return {story["id"]: story for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]}


def agreement(gold: Findings, other: Findings, ids: List[str], vocabulary: Vocabulary) -> Tuple[Counts, Dict[str, Counts]]:
    """`other` scored against `gold` on the stories `ids`: overall and per field."""
    overall, per_field = Counts(), {}
    for story_id in ids:
        for name, (counts, _) in score_findings(gold(story_id), other(story_id), vocabulary.kinds,
                                                vocabulary.text_names).items():
            overall.add(counts)
            per_field.setdefault(name, Counts()).add(counts)
    return overall, per_field


def sign_agreement(first: Mapping[str, Mapping[str, Any]], second: Mapping[str, Mapping[str, Any]],
                   ids: List[str]) -> Dict[str, int]:
    """Danger signs both annotators list, and those only one of them does."""
    both = first_only = second_only = 0
    for story_id in ids:
        a, b = set(first[story_id].get("danger_signs") or []), set(second[story_id].get("danger_signs") or [])
        both, first_only, second_only = both + len(a & b), first_only + len(a - b), second_only + len(b - a)
    return {"both": both, "first_only": first_only, "second_only": second_only}


def report(with_reader: bool = True) -> Dict[str, Any]:
    vocabulary = load_vocabulary()
    first = {story["id"]: story for story in load_part("tune")}
    second = load_second()
    ids = sorted(second)

    def annotation(stories: Mapping[str, Mapping[str, Any]]) -> Findings:
        return lambda story_id: stories[story_id].get("first_message") or {}

    pairs: List[Tuple[str, Findings, Findings]] = [("second annotator, against the first", annotation(first), annotation(second))]
    if with_reader:
        from pht.language.reader import shared_reader

        reader = shared_reader()
        read = {story_id: reader.reading(first[story_id]["text"], asked=None).findings for story_id in ids}
        pairs += [("reader, against the first annotator", annotation(first), read.__getitem__),
                  ("reader, against the second annotator", annotation(second), read.__getitem__)]
    figures: Dict[str, Any] = {"stories": len(ids), "danger_signs": sign_agreement(first, second, ids)}
    for name, gold, other in pairs:
        overall, per_field = agreement(gold, other, ids, vocabulary)
        figures[name] = {"precision": rounded(overall.precision), "recall": rounded(overall.recall),
                         "per_field": {field: counts.as_dict() for field, counts in sorted(per_field.items())}}
    return figures


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-reader", action="store_true", help="the two annotators only")
    args = parser.parse_args(argv)
    figures = report(with_reader=not args.no_reader)
    print(f"Agreement on {figures['stories']} tuning stories (tests/real/second_annotation.yml)")
    for name, scored in figures.items():
        if isinstance(scored, dict) and "precision" in scored:
            print(f"  {name:40s} precision {scored['precision']}  recall {scored['recall']}")
    signs = figures["danger_signs"]
    print(f"  danger signs: both list {signs['both']}, only the first {signs['first_only']}, only the second {signs['second_only']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
