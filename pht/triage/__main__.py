"""Command line: `python -m pht.triage [findings.json]` prints the result as JSON.

Reads one findings object from the file named, or from standard input. Bad input gives a
message on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from .engine import assess
from .findings import FindingsError

EXIT_BAD_INPUT = 2


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pht.triage",
        description="Assess one PHT pre-screen findings object (JSON) and print the result.",
    )
    parser.add_argument("path", nargs="?", help="findings JSON file (default: standard input)")
    args = parser.parse_args(argv)
    try:
        if args.path:
            with open(args.path, encoding="utf-8") as handle:
                text = handle.read()
        else:
            text = sys.stdin.read()
    except OSError as error:
        print(f"error: cannot read {args.path}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        findings = json.loads(text)
    except json.JSONDecodeError as error:
        print(f"error: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        result = assess(findings)
    except FindingsError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (e.g. `| head`): not an error
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
