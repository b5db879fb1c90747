"""The staff CLI: `python -m pht.reception COMMAND` (a thin shell over pht/records).

    list [--json] [--since DATE] [--urgency LEVEL] [--limit N]   recent pre-screens, newest first
         [--follow-up not-improving|no-reply|undeliverable]      only those whose follow-up shows this
    list --waiting [--json]               the conversations waiting for a person, or taken over by staff
    show REF [--format text|json|fhir]     one pre-screen with its follow-up check-ins (fhir: a Bundle)
    delete REF [--yes]                    the person's records and conversation (through Rasa, under its lock)
    purge                                 records and conversations older than RECORDS_RETENTION_DAYS
    add-user NAME [--password-stdin]      a reception account (asks for the password), or a new password
                                          (which signs that user out everywhere)
    remove-user NAME, users               the accounts (removing one signs it out everywhere at once)
    migrate                               bring the records database's schema up to date

Configuration: environment variables, read in pht/settings.py.
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from typing import Any, Dict, List, Optional, TextIO

from ..records import Record, Records, normalise_reference, settings
from ..records.fhir import export_bundle
from ..records.follow_up_view import as_text as follow_up_text
from ..records.follow_up_view import follow_up_view
from ..records.follow_ups import SHOWN, FollowUpRecord
from ..records.handovers import HandoverRecord
from ..records.overview import as_text, overview
from ..triage import load_knowledge
from .privacy import ConversationsUnreachable, forget_person, purge
from .sessions import Sessions
from .users import Users, UsersError


def parse_since(text: str) -> dt.datetime:
    """A date (`2026-11-29`, midnight UTC) or an ISO time (`2026-11-29T14:00`, UTC unless it says)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-29 or 2026-11-29T14:00") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m pht.reception", description=__doc__.split("\n")[0])
    commands = root.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="recent pre-screens, newest first")
    listing.add_argument("--json", action="store_true", help="JSON instead of a table")
    listing.add_argument("--since", type=parse_since, help="from this date or time on (UTC)")
    listing.add_argument("--urgency", choices=load_knowledge().urgency_levels)
    listing.add_argument("--limit", type=int, default=200)
    listing.add_argument("--follow-up", choices=[show.replace("_", "-") for show in SHOWN],
                         help="only pre-screens whose follow-up is not improving, got no reply, or could not be delivered")
    listing.add_argument("--waiting", action="store_true",
                         help="the conversations waiting for a person from the clinic, or taken over by staff")
    show = commands.add_parser("show", help="one pre-screen")
    show.add_argument("reference")
    show.add_argument("--format", choices=["text", "json", "fhir"], default="text")
    delete = commands.add_parser("delete", help="a person's records and conversation")
    delete.add_argument("reference")
    delete.add_argument("--yes", action="store_true", help="do not ask for a confirmation")
    commands.add_parser("purge", help="records and conversations older than the retention period")
    add_user = commands.add_parser("add-user", help="add a reception account, or set a new password")
    add_user.add_argument("name")
    add_user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    remove_user = commands.add_parser("remove-user", help="remove a reception account")
    remove_user.add_argument("name")
    commands.add_parser("users", help="the reception accounts")
    commands.add_parser("migrate", help="bring the records database's schema up to date")
    return root


def main(argv: Optional[List[str]] = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    args = parser().parse_args(argv)
    config = settings()
    if args.command in ("add-user", "remove-user", "users"):
        return _accounts(args, Users(config), out, err)
    records = Records(config=config, migrate=True if args.command == "migrate" else None)
    try:
        if args.command == "migrate":
            print("The records database is up to date.", file=out)
            return 0
        if args.command == "list" and args.waiting:
            return _waiting(records, args.json, out, err)
        if args.command == "list":
            show = args.follow_up.replace("-", "_") if args.follow_up else None
            if show is None:
                found = records.list(since=args.since, urgency=args.urgency, limit=args.limit)
                follow_ups = records.follow_ups.of_prescreens([record.reference for record in found])
            else:
                follow_ups = {item.prescreen_reference: item for item in records.follow_ups.list(show=show, limit=None)}
                found = [record for record in (records.get(reference) for reference in follow_ups)
                         if record is not None and (args.urgency is None or record.urgency == args.urgency)
                         and (args.since is None or record.created >= args.since)][:args.limit]
            if args.json:
                json.dump([{**record.summary(), "follow_up": _follow_up_summary(follow_ups.get(record.reference))}
                           for record in found], out, indent=2)
                print(file=out)
            else:
                for listed in found:
                    item = follow_ups.get(listed.reference)
                    marker = f"  follow-up {item.state}" + "".join(
                        f" !{key.replace('_', '-')}" for key in SHOWN if item.shown_by(key)) if item else ""
                    print(f"{listed.reference}  {listed.created:%Y-%m-%d %H:%M}  {listed.urgency.upper():9}  "
                          f"{listed.likelihood:8}  {'staff' if listed.staff_entered else listed.channel}{marker}",
                          file=out)
                print(f"{len(found)} pre-screen(s)", file=err)
            return 0
        if args.command == "purge":
            result = purge(records, config)
            json.dump(result, out, indent=2)
            print(file=out)
            if "conversations_error" in result:
                print(f"Conversations were not purged: {result['conversations_error']}", file=err)
                return 1
            return 0
        record = records.get(args.reference)
        if record is None:
            shown = normalise_reference(args.reference) or args.reference
            print(f"No pre-screen {shown}.", file=err)
            return 1
        if args.command == "show":
            follow_up = records.follow_ups.of_prescreen(record.reference)
            if args.format == "json":
                handovers = [item.as_dict() for item in _handovers(records, record)]
                json.dump({**record.as_dict(), "follow_up": follow_up.as_dict() if follow_up else None,
                           "handovers": handovers}, out, indent=2)
                print(file=out)
            elif args.format == "fhir":
                json.dump(export_bundle(record, follow_up, _handovers(records, record)), out, indent=2)
                print(file=out)
            else:
                print(as_text(overview(record)), file=out)
                if follow_up is not None:
                    print(follow_up_text(follow_up_view(follow_up, record)), file=out)
            return 0
        # delete
        if not args.yes:
            answer = input(f"Delete {record.reference}, the person's other pre-screens of the same conversation "
                           "and the conversation? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.", file=err)
                return 1
        try:
            forgotten = forget_person(records, config, record)
        except ConversationsUnreachable as error:
            print(f"Nothing deleted: {error}", file=err)
            return 2
        print(f"Deleted {', '.join(forgotten.references) or 'no records'} and the conversation "
              f"({forgotten.events_deleted} events).", file=out)
        return 0
    finally:
        records.close()


def _handovers(records: Records, record: Record) -> List[HandoverRecord]:
    """The handovers to staff of the record's conversation (none for a staff pre-screen)."""
    return [] if record.staff_entered else records.handovers.of_sender(record.sender_id)


def _waiting(records: Records, as_json: bool, out: TextIO, err: TextIO) -> int:
    """The open handovers, the longest waiting first, each with the person's latest pre-screen."""
    rows = []
    for handover in records.handovers.open():
        latest = next(iter(records.of_sender(handover.sender_id)), None)
        rows.append({**handover.as_dict(), "reference": latest.reference if latest else None,
                     "urgency": latest.urgency if latest else None})
    if as_json:
        json.dump(rows, out, indent=2)
        print(file=out)
        return 0
    for row in rows:
        since = row["requested_at"] or row["taken_at"]
        print(f"{row['sender_id']}  {row['channel']:9}  {row['state']:8}  {row['taken_by'] or '-':12}  "
              f"{since[:16]}  {row['reference'] or '-'}  {row['urgency'] or ''}", file=out)
    print(f"{len(rows)} conversation(s) waiting or taken over", file=err)
    return 0


def _follow_up_summary(follow_up: Optional[FollowUpRecord]) -> Optional[Dict[str, Any]]:
    """A listed pre-screen's follow-up: its state, what the list's filters show, its check-ins' states."""
    if follow_up is None:
        return None
    return {"state": follow_up.state, "shown": [show for show in SHOWN if follow_up.shown_by(show)],
            "check_ins": [{"label": item.label, "state": item.state, "outcome": item.outcome,
                           "clinic_told": bool((item.decision or {}).get("clinic_told"))}
                          for item in follow_up.check_ins]}


def _accounts(args: argparse.Namespace, users: Users, out: TextIO, err: TextIO) -> int:
    try:
        if args.command == "users":
            for name in users.names():
                print(name, file=out)
            return 0
        if args.command == "remove-user":
            removed = users.remove(args.name)
            ended = Sessions(users.config).end_all_of(args.name)  # also when the entry was already gone
            if removed:
                print(f"Removed {args.name}; {ended} signed-in session(s) ended.", file=out)
            else:
                print(f"No user {args.name}.", file=err)
            return 0 if removed else 1
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"Password for {args.name}: ")
            if getpass.getpass("The same password again: ") != password:
                print("The passwords differ; nothing changed.", file=err)
                return 1
        known = args.name in users.accounts()
        users.add(args.name, password)
        if known:  # a new password: sessions signed in with the old one end
            Sessions(users.config).end_all_of(args.name)
        print(f"{args.name} can now log in to the reception page ({users.config.users_file}).", file=out)
        return 0
    except UsersError as error:
        print(str(error), file=err)
        return 1
