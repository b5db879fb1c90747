"""The demo clinic page's own small static server: `python -m web [--port 8080]`.

It serves the page, the widget's own files, and socket.io-client from `web/node_modules`
(installed by `npm ci` at the version pinned in package-lock.json): nothing from a CDN.
Only the files listed below are served; anything else is 404. `/widget/config.json` tells
the widget where the Rasa server is (CHAT_SERVER_URL, channels/settings.py), its words (the
domain's `utter_widget_*` responses, domain/channels.yml) and the cauda equina warning card for
its notice (pht/triage/knowledge/advice.yml): each written once, none in the JavaScript.

`/demo/webchat.html` is the same clinic with rasa-webchat (npm, pinned) instead of our widget,
the supported third-party client the browser test drives (a development dependency, so not in
the container image, where that page's script is 503). Its bundle carries React and injects
its stylesheet (with data: fonts) as `<style>` elements at run time, so that page alone allows
inline styles and data: fonts (never inline scripts); the Google Fonts stylesheet its CSS
imports stays blocked, and the page falls back to the system font.
"""
from __future__ import annotations

import argparse
import json
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from pht.domain import domain
from pht.triage.knowledge import load_knowledge
from channels import settings
from pht.settings import settings as app_settings

WEB = Path(__file__).resolve().parent
SOCKET_IO_CLIENT = WEB / "node_modules" / "socket.io-client" / "dist" / "socket.io.js"
RASA_WEBCHAT = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"  # its UMD bundle, React inside
FILES: Dict[str, Tuple[Path, str]] = {
    "/": (WEB / "demo" / "index.html", "text/html; charset=utf-8"),
    "/demo/clinic.css": (WEB / "demo" / "clinic.css", "text/css; charset=utf-8"),
    "/widget/chat.css": (WEB / "widget" / "chat.css", "text/css; charset=utf-8"),
    "/widget/chat.js": (WEB / "widget" / "chat.js", "text/javascript; charset=utf-8"),
    "/vendor/socket.io.js": (SOCKET_IO_CLIENT, "text/javascript; charset=utf-8"),
    "/demo/webchat.html": (WEB / "demo" / "webchat.html", "text/html; charset=utf-8"),
    "/demo/webchat.js": (WEB / "demo" / "webchat.js", "text/javascript; charset=utf-8"),
    "/vendor/rasa-webchat.js": (RASA_WEBCHAT, "text/javascript; charset=utf-8"),
}
INLINE_STYLE_PAGES = frozenset({"/demo/webchat.html"})  # rasa-webchat's run-time stylesheet
WIDGET_RESPONSES = "utter_widget_"  # the domain's responses that are the widget's words


def widget_strings() -> Dict[str, str]:
    """The widget's words by name: `utter_widget_send` is `send`."""
    return {name[len(WIDGET_RESPONSES):]: variations[0]["text"] for name, variations in domain()["responses"].items()
            if name.startswith(WIDGET_RESPONSES)}


def widget_config(rasa_url: str) -> Dict[str, object]:
    """What /widget/config.json tells the page: where the Rasa server is, the widget's words
    and the warning card for its notice."""
    notice = load_knowledge().advice["warning_card"]["text"]  # written once, in the knowledge base
    return {"server": rasa_url, "path": "/socket.io", "notice": notice, "strings": widget_strings()}


def content_security_policy(rasa_url: str, inline_styles: bool = False) -> str:
    """Scripts and styles from this server only (and inline styles where a page needs them);
    connections to it and to the Rasa server."""
    parts = urlsplit(rasa_url)
    websocket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    styles = "style-src 'self' 'unsafe-inline'; font-src 'self' data:; " if inline_styles else ""
    return (f"default-src 'self'; {styles}connect-src 'self' {rasa_url} {websocket}; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'self'")


class PageHandler(BaseHTTPRequestHandler):
    server_version = "pht-demo-page"

    def __init__(self, *args: object, web: settings.Web, **kwargs: object) -> None:
        self.web = web
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        if path == "/widget/config.json":
            self._send(json.dumps(widget_config(self.web.rasa_url)).encode(), "application/json")
        elif path in FILES:
            file, content_type = FILES[path]
            if not file.exists():
                self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, f"{file.name} is missing: run `make web`")
                return
            self._send(file.read_bytes(), content_type, inline_styles=path in INLINE_STYLE_PAGES)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, content_type: str, inline_styles: bool = False) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", content_security_policy(self.web.rasa_url, inline_styles))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's naming)
        pass  # one line per file would drown the Rasa server's messages in `make run`


def serve(env: Optional[Mapping[str, str]], port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """The page server, bound and ready (call `serve_forever`)."""
    return ThreadingHTTPServer((host, port), partial(PageHandler, web=settings.web(env)))


def main() -> None:
    web = settings.web()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=web.port)
    parser.add_argument("--host", default=app_settings().web_host)
    args = parser.parse_args()
    if not SOCKET_IO_CLIENT.exists():
        raise SystemExit(f"{SOCKET_IO_CLIENT} is missing: run `make web` (npm ci in web/)")
    server = serve(None, args.port, args.host)
    print(f"Demo clinic page: http://localhost:{args.port} (the widget talks to {web.rasa_url})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
