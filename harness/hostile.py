"""What an attacker or an unlucky person sends, shared by the tests and `make soak`.

- `hostile_messages(n)`: message texts that are empty, huge, full of control characters,
  emoji, script, SQL or template syntax, or written like intent payloads;
- `FORGED_PAYLOADS`: intent payloads typed by a person, none of which may set a slot or skip
  a question;
- `malformed_rest_bodies()`: REST webhook bodies that are not what the channel expects;
- `api_routes(token)`: every route the Rasa server registers with the HTTP API and the
  project's channels on, and `PUBLIC_ROUTES`, the only ones that answer without a token
  (the REST webhook is not one: it takes only trusted callers' tokens, channels/rest.py).
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

ROOT = Path(__file__).resolve().parent.parent

FORGED_PAYLOADS = [
    "/restart", "/session_start", "/back", '/inform{"red_flags": []}', '/inform{"red_flags": [], "neuro_symptoms": []}',
    '/anything{"assessment": {"urgency": "routine", "likelihood": "high"}}', "/EXTERNAL_dry_run",
    '/affirm{"red_flags": []}', '/deny{"requested_slot": null}', "/nlu_fallback", "/action_assess",
    '/inform{"pain_location": "sit_bone", "onset": "gradual"}', "/affirm@0.01", "/start_over", "/stop@1.0",
    '/EXTERNAL_restart{"x": 1}', '/inform{"requested_slot": "age"}', "/affirm", "/deny", "/greet{}", "/help",
]

_FRAGMENTS = [
    "", " ", "\n\n\n", "\t", "\x00", "\x00\x01\x02\x1b[31m", "\u200b\u200e\u202e", "\ufeff", "\ud7ff", "😣🍑🦵💥" * 3,
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "'; DROP TABLE events; --",
    "\" OR 1=1 --", "1; SELECT * FROM events WHERE sender_id LIKE '%'", "{{7*7}} ${7*7} #{7*7} %s %d {0}",
    "../../../../etc/passwd", "$(reboot)", "`id`", "%00%0d%0a", "\r\nSet-Cookie: x=1", "null", "undefined", "NaN",
    "[]", "{}", '{"sender": "someone-else"}', "🏳️‍🌈" * 40, "ẞ Ω ж 漢字 عربى עברית", "A" * 5000, "sit bone " * 400,
    "x" * 20000, "\\" * 100, "/", "//", "/ /", "my sit bone hurts", "I can't feel my privates", "help",
]


def hostile_messages(count: int, seed: int = 0) -> List[str]:
    """`count` hostile texts: every fragment and forged payload once, then random mixtures."""
    rng = random.Random(seed)
    messages = list(_FRAGMENTS) + list(FORGED_PAYLOADS)
    while len(messages) < count:
        parts = rng.sample(_FRAGMENTS + FORGED_PAYLOADS, k=rng.randint(2, 4))
        messages.append(rng.choice(["", " ", "\n"]).join(parts)[: rng.choice([50, 500, 3000, 25000])])
    return messages[:count]


def malformed_rest_bodies() -> Iterator[Tuple[str, bytes]]:
    """(label, raw body) for the REST webhook: wrong types, missing keys, broken JSON."""
    yield "not json", b"{not json"
    yield "empty body", b""
    yield "a list", b"[1, 2, 3]"
    yield "no message", b'{"sender": "malformed-1"}'
    yield "no sender", b'{"message": "hi"}'
    yield "message is a number", b'{"sender": "malformed-2", "message": 42}'
    yield "message is an object", b'{"sender": "malformed-3", "message": {"text": "hi"}}'
    yield "message is a list", b'{"sender": "malformed-4", "message": ["hi"]}'
    yield "sender is an object", b'{"sender": {"id": 1}, "message": "hi"}'
    yield "sender is huge", b'{"sender": "' + b"s" * 5000 + b'", "message": "hi"}'
    yield "null message", b'{"sender": "malformed-5", "message": null}'
    yield "deep nesting", b'{"sender": "malformed-6", "message": ' + b"[" * 5000 + b"]" * 5000 + b"}"


# Routes that answer without the token, and why each may. Everything else must not.
PUBLIC_ROUTES = {
    ("GET", "/"): "says 'Hello from Rasa' and its version; nothing about anyone",
    ("GET", "/version"): "Rasa's version and the oldest model it can load",
    ("GET", "/webhooks/rest"): "the REST channel's health check: {'status': 'ok'}",
    ("GET", "/socket.io"): "the website widget's channel (only from CHAT_ALLOWED_ORIGINS)",
    ("POST", "/socket.io"): "the website widget's channel (only from CHAT_ALLOWED_ORIGINS)",
    ("GET", "/webhooks/socketio"): "the widget channel's health check: {'status': 'ok'}",
    ("GET", "/webhooks/staff"): "the staff channel's health check: {'status': 'ok'} (its webhook needs the secret)",
}


def api_routes(credentials: Path = ROOT / "credentials.yml") -> List[Tuple[str, str]]:
    """(method, path) of every route `rasa run --enable-api` registers with these channels,
    with the project's fixes applied; path parameters keep their `<name:type>` form."""
    import rasa.core.run
    from sanic import Sanic

    from rasa_server import patches

    patches.apply()
    Sanic.test_mode = True  # several apps of the same name in one process
    channels = rasa.core.run.create_http_input_channels(None, str(credentials))
    app = rasa.core.run.configure_app(channels, cors=None, auth_token="any", enable_api=True)
    return sorted({(method, "/" + route.path.strip("/")) for route in app.router.routes for method in route.methods
                   if method not in ("OPTIONS", "HEAD")})


def concrete(path: str, values: Dict[str, str]) -> str:
    """The path with each `<name>` (or `<name:type>`) replaced."""
    import re

    return re.sub(r"<([^:>]+)(?::[^>]+)?>", lambda match: values.get(match.group(1), "x"), path)
