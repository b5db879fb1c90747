"""`python -m web.reception [--port 8081] [--host 127.0.0.1]`: the reception page on uvicorn."""
import argparse
import logging

from pht.reception.users import Users
from pht.records import settings

from .app import create_app, server


def main() -> None:
    config = settings()
    parser = argparse.ArgumentParser(description=__doc__.split(":")[0])
    parser.add_argument("--port", type=int, default=config.reception_port)
    parser.add_argument("--host", default=config.reception_host)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    audit = logging.getLogger("reception.audit")  # one JSON object a line, nothing around it
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    audit.addHandler(handler)
    audit.propagate = False
    if not Users(config).names():
        print("No reception accounts yet. Create the first one with:\n"
              "    .venv/bin/python -m pht.reception add-user NAME    (or: make reception-user NAME=...)",
              flush=True)
    print(f"Reception page: http://localhost:{args.port} (sign in with a reception account)", flush=True)
    server(create_app(config), args.host, args.port, list(config.trusted_proxies)).run()


main()
