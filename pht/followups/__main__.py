"""`python -m pht.followups`: the follow-up worker, until Ctrl-C or SIGTERM.
`python -m pht.followups --due-by 2027-01-15T10:00:00Z`: one round as if it were that time
(`make follow-ups-due AT=...`): every check-in due by then goes once; what happened, as JSON."""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
from typing import List, Optional

from ..records import Records
from ..reception.unattended import Unattended
from .rasa import RasaSender
from .settings import follow_up_settings
from .timing import utc
from .worker import Worker


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pht.followups", description=__doc__.splitlines()[0])
    parser.add_argument("--due-by", type=utc, metavar="TIME",
                        help="run one round as if it were this time (ISO 8601, e.g. 2027-01-15T10:00:00Z), then stop")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = follow_up_settings()
    if not config.rasa_token:
        print("No Rasa API token: set RASA_AUTH_TOKEN to the Rasa server's token (make run keeps it in "
              "var/rasa_auth_token).", file=sys.stderr)
        return 2
    sender = RasaSender(config.rasa_url, config.rasa_token, config.send_timeout_seconds,
                        user_agent=f"pht-follow-ups ({socket.gethostname()} {os.getpid()})")
    records = Records(config.database_url)
    unattended = Unattended.from_settings(records)  # conversations handed to staff that nobody looks after
    try:
        if args.due_by is not None:
            moment = args.due_by
            done = Worker(records, sender, config, clock=lambda: moment, unattended=unattended).run_once()
            print(json.dumps({"due_by": moment.isoformat(), **done.as_dict()}, indent=1))
            return 0
        worker = Worker(records, sender, config, unattended=unattended)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: worker.stop())
        worker.run_forever()
        return 0
    finally:
        records.close()


if __name__ == "__main__":
    sys.exit(main())
