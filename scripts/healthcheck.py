"""`python3.10 scripts/healthcheck.py URL`: exit 0 when URL answers 200, else 1 (container health
checks; the standard library only, so it needs nothing the image does not have).
`python3.10 scripts/healthcheck.py --fresh FILE SECONDS`: exit 0 when FILE was written within
the last SECONDS (a worker without a port, such as the follow-up worker, touches its heartbeat file)."""
import os
import sys
import time
import urllib.request

if sys.argv[1:2] == ["--fresh"]:
    try:
        age = time.time() - os.stat(sys.argv[2]).st_mtime
    except OSError as error:
        print(f"{sys.argv[2]}: {error}", file=sys.stderr)
        sys.exit(1)
    if age > float(sys.argv[3]):
        print(f"{sys.argv[2]}: last written {age:.0f} s ago", file=sys.stderr)
        sys.exit(1)
    sys.exit(0)

try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:  # any failure is "unhealthy"; say why in `docker inspect`
    print(f"{sys.argv[1]}: {error}", file=sys.stderr)
    sys.exit(1)
