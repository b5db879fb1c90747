"""Command line: `python -m pht.triage [findings.json]` prints the result as JSON.

Reads one findings object from the file named, or from standard input. Bad input gives a
message on stderr and exit code 2.

`python -m pht.triage checkin [checkin.json]` decides one follow-up check-in and prints the
decision and the reply: the input is {"prescreen": findings with the consent's
`sitting_minutes`, "history": [earlier answers], "answers": {...}, "days_since_start": n,
"stage": n} (the answers' JSON is described in pht/triage/checkins.py).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, List, Optional

from .engine import assess
from .findings import FindingsError

EXIT_BAD_INPUT = 2


def _read(path: Optional[str]) -> Any:
    """The JSON in the file named or on standard input; `ValueError` says what is wrong."""
    try:
        if path:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        else:
            text = sys.stdin.read()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from error


def _print(result: Any) -> None:
    try:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (e.g. `| head`): not an error
        sys.stderr.close()


def checkin_main(argv: List[str]) -> int:
    """`python -m pht.triage checkin [checkin.json]`: one check-in's decision and reply."""
    from pht.settings import settings

    from .checkins import CheckinAnswers, decide, messages

    parser = argparse.ArgumentParser(prog="python -m pht.triage checkin",
                                     description="Decide one follow-up check-in (JSON) and print the decision and the reply.")
    parser.add_argument("path", nargs="?", help="check-in JSON file (default: standard input)")
    args = parser.parse_args(argv)
    try:
        given = _read(args.path)
        if not isinstance(given, dict) or not {"prescreen", "answers", "days_since_start", "stage"} <= set(given):
            raise ValueError("a check-in is a JSON object with prescreen, answers, days_since_start and stage "
                             "(and history)")
        decision = decide(given["prescreen"], [CheckinAnswers.from_json(item) for item in given.get("history", [])],
                          CheckinAnswers.from_json(given["answers"]), int(given["days_since_start"]), int(given["stage"]))
    except FindingsError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    config = settings()
    _print({"decision": decision.to_json(),
            "messages": messages(decision, booking_link=config.clinic_booking_url, clinic_name=config.clinic_name)})
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["checkin"]:
        return checkin_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m pht.triage",
        description="Assess one PHT pre-screen findings object (JSON) and print the result.",
    )
    parser.add_argument("path", nargs="?", help="findings JSON file (default: standard input)")
    args = parser.parse_args(argv)
    try:
        result = assess(_read(args.path))
    except FindingsError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    _print(result)
    return 0

if __name__ == "__main__":
    sys.exit(main())
