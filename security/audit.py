"""Known vulnerabilities in the pinned dependencies (constraints.txt), checked offline.

`python -m security.audit` matches every pin against `security/advisories.json`, a dated
extract of the PyPA advisory database (the source PyPI and pip-audit use) for the packages
this project pins, and fails on any finding that `security/accepted.yml` does not list with
the reason it is accepted. `make test` runs it (tests/test_security.py).

Why offline: these machines reach PyPI's package index but neither pip-audit's services
(OSV's API, PyPI's per-version JSON) nor GitHub, so pip-audit cannot run here (`make audit`
runs it where it can). The extract is refreshed with
`python -m security.audit --refresh PATH-TO-advisory-database-checkout`, which also keeps
the advisories of every pinned package, so a changed pin is checked without a refresh.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml
from packaging.version import InvalidVersion, Version

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONSTRAINTS = ROOT / "constraints.txt"
ADVISORIES = HERE / "advisories.json"
ACCEPTED = HERE / "accepted.yml"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path = CONSTRAINTS) -> Dict[str, str]:
    """Package -> pinned version, from a pip freeze file."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", line.strip())
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def _version(text: str) -> Optional[Version]:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def affects(affected: Dict[str, Any], version: str) -> bool:
    """Whether one OSV `affected` entry covers `version` (listed, or inside an ECOSYSTEM range)."""
    if version in (affected.get("versions") or []):
        return True
    pinned = _version(version)
    if pinned is None:
        return False
    for span in affected.get("ranges") or []:
        if span.get("type") != "ECOSYSTEM":
            continue
        inside = False
        for event in span.get("events") or []:
            if "introduced" in event:
                start = _version(str(event["introduced"])) if event["introduced"] != "0" else Version("0")
                inside = inside or (start is not None and pinned >= start)
            elif "fixed" in event:
                fixed = _version(str(event["fixed"]))
                if inside and fixed is not None and pinned >= fixed:
                    inside = False
            elif "last_affected" in event:
                last = _version(str(event["last_affected"]))
                if inside and last is not None and pinned > last:
                    inside = False
        if inside:
            return True
    return False


def findings(pinned: Dict[str, str], advisories: Dict[str, List[Dict[str, Any]]]) -> List[Tuple[str, str, Dict[str, Any]]]:
    """(package, version, advisory) for every advisory that affects a pin."""
    found = []
    for package, version in sorted(pinned.items()):
        for advisory in advisories.get(package, []):
            if any(canonical(entry.get("package", {}).get("name", "")) == package and affects(entry, version)
                   for entry in advisory.get("affected") or []):
                found.append((package, version, advisory))
    return found


def accepted(path: Path = ACCEPTED) -> Dict[str, Dict[str, str]]:
    """Advisory id -> {package, why}; every entry must say why."""
    entries = yaml.safe_load(path.read_text()) or {}
    for key, entry in entries.get("accepted", {}).items():
        if not str(entry.get("why", "")).strip() or not entry.get("package"):
            raise ValueError(f"security/accepted.yml: {key} needs `package` and `why`")
    return entries.get("accepted", {})


def names(advisory: Dict[str, Any]) -> List[str]:
    return [advisory["id"], *(advisory.get("aliases") or [])]


def refresh(database: Path, pinned: Dict[str, str]) -> Dict[str, Any]:
    """The extract for the pinned packages from a checkout of pypa/advisory-database."""
    advisories: Dict[str, List[Dict[str, Any]]] = {}
    for folder in sorted((database / "vulns").iterdir()):
        if canonical(folder.name) not in pinned:
            continue
        for file in sorted(folder.glob("*.yaml")):
            entry = yaml.safe_load(file.read_text())
            if entry.get("withdrawn"):
                continue
            advisories.setdefault(canonical(folder.name), []).append(
                {"id": entry["id"], "aliases": entry.get("aliases") or [], "details": str(entry.get("details", ""))[:400],
                 "affected": [{key: part.get(key) for key in ("package", "ranges", "versions")} for part in entry.get("affected") or []]})
    return advisories


def report(items: Iterable[Tuple[str, str, Dict[str, Any]]], known: Dict[str, Dict[str, str]]) -> Tuple[List[str], List[str]]:
    """(lines for findings not accepted, lines for accepted ones)."""
    open_, kept = [], []
    for package, version, advisory in items:
        line = f"{package}=={version}: {advisory['id']} ({', '.join(advisory.get('aliases') or []) or 'no alias'})"
        ids = [key for key in names(advisory) if key in known]
        (kept if ids else open_).append(line + (f": accepted, {known[ids[0]]['why']}" if ids else ""))
    return open_, kept


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m security.audit", description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", type=Path, metavar="ADVISORY_DATABASE", help="rebuild security/advisories.json")
    parser.add_argument("--snapshot", default="", help="with --refresh: the database commit or date, recorded")
    parser.add_argument("--pip-audit-ignores", action="store_true", help="print pip-audit's flags for the accepted ones")
    args = parser.parse_args(argv)
    if args.pip_audit_ignores:
        print(" ".join(f"--ignore-vuln {key}" for key in accepted()))
        return 0
    pinned = pins()
    if args.refresh:
        data = {"source": "https://github.com/pypa/advisory-database", "snapshot": args.snapshot,
                "advisories": refresh(args.refresh, pinned)}
        ADVISORIES.write_text(json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")
    data = json.loads(ADVISORIES.read_text())
    open_, kept = report(findings(pinned, data["advisories"]), accepted())
    print(f"{len(pinned)} pinned packages checked against the PyPA advisory database ({data['snapshot']}): "
          f"{len(open_) + len(kept)} known vulnerabilities, {len(kept)} accepted (security/accepted.yml).")
    for line in open_:
        print(f"  NOT ACCEPTED  {line}")
    return 1 if open_ else 0


if __name__ == "__main__":
    sys.exit(main())
