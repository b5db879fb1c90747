"""`python3.10 scripts/healthcheck.py URL`: exit 0 when URL answers 200, else 1 (container health
checks; the standard library only, so it needs nothing the image does not have)."""
import sys
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:  # any failure is "unhealthy"; say why in `docker inspect`
    print(f"{sys.argv[1]}: {error}", file=sys.stderr)
    sys.exit(1)
