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

`/check-in?t=<token>` is a website visitor's check-in, opened by the signed, expiring link they
were given when they agreed to check-ins (the widget cannot message anyone later;
pht/followups/links.py). When a check-in is due, the page holds the widget with the token; the
widget posts it to `/check-in/start`, which starts that check-in in the visitor's conversation
through the Rasa server (pht/followups/by_link.py, as the follow-up worker starts one) and
answers with the conversation's widget session, so the widget joins it and shows it. Before it
is due the page says when; expired, altered or cut short, it says so calmly. The records
database and the Rasa server's API are opened on the first such request only.
"""
from __future__ import annotations

import argparse
import html
import json
import string
import threading
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from pht.domain import domain, render
from pht.triage.knowledge import load_knowledge
from channels import settings
from channels.widget_sessions import WidgetSessions
from pht.settings import settings as app_settings, settings_from

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
CHECK_IN_PAGE = WEB / "demo" / "check-in.html"
CHECK_IN_PATH, CHECK_IN_START_PATH = "/check-in", "/check-in/start"
MAX_START_BODY_BYTES = 2048  # {"token": ...}: a token is under 120 characters
WIDGET_RESPONSES = "utter_widget_"  # the domain's responses that are the widget's words
CHECK_IN_PAGE_RESPONSES = "utter_check_in_page_"  # ... and the check-in page's


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


class CheckIns:
    """The check-in links' side of the server, opened on first use (the records database, the
    Rasa server's API, the link key and the widget's session key: the same as the assistant's)."""

    def __init__(self, env: Optional[Mapping[str, str]]) -> None:
        self.env = env
        self._lock = threading.Lock()
        self._opened: Optional[Tuple[Any, WidgetSessions]] = None

    def opened(self) -> Tuple[Any, WidgetSessions]:
        from pht.followups.by_link import LinkCheckIns  # the records and their database driver: only when used
        from pht.followups.rasa import RasaSender
        from pht.records import Records
        from pht.records.settings import settings as records_settings

        with self._lock:
            if self._opened is None:
                config = records_settings(self.env)
                sender = RasaSender(config.rasa_url, config.rasa_token() or "",
                                    settings_from(self.env).follow_up_send_timeout_seconds, "pht-website")
                links = LinkCheckIns(Records(config=config), config.follow_up_link_key(), sender)
                self._opened = (links, WidgetSessions.from_env(self.env))
            return self._opened

    def words(self, name: str, **values: Any) -> str:
        return render(domain(), CHECK_IN_PAGE_RESPONSES + name, clinic_name=settings_from(self.env).clinic_name, **values)

    def day(self, moment: Any) -> str:
        return f"{moment.astimezone(ZoneInfo(settings_from(self.env).clinic_timezone)):%A %d %B %Y}"

    def page(self, token: Optional[str]) -> Tuple[HTTPStatus, str]:
        """The page for a link: its status, and its HTML."""
        links, _ = self.opened()
        view = links.view(token)
        widget = scripts = ""
        if view.status != "valid" or view.page is None:
            kind = "invalid" if view.status == "invalid" else "expired"
            status = HTTPStatus.NOT_FOUND if kind == "invalid" else HTTPStatus.GONE
            message = self.words(kind)
        elif view.page.kind == "due" and view.page.check_in is not None:
            kind, status = "due", HTTPStatus.OK
            message = self.words("due", checkin_label=view.page.check_in.label)
            widget = (f'<div class="check" id="check"><div data-pht-chat data-config="/widget/config.json" '
                      f'data-check-in="{html.escape(str(token))}"></div></div>')
            scripts = '<script src="/vendor/socket.io.js"></script>\n  <script src="/widget/chat.js"></script>'
        elif view.page.kind == "not_yet" and view.page.next_due is not None:
            kind, status = "not_yet", HTTPStatus.OK
            message = self.words("not_yet", due_day=self.day(view.page.next_due))
        else:
            kind, status, message = "ended", HTTPStatus.OK, self.words("ended")
        body = string.Template(CHECK_IN_PAGE.read_text()).substitute(
            title=html.escape(self.words("title")), kind=kind, message=html.escape(message), widget=widget,
            scripts=scripts)
        return status, body

    def start(self, token: Any) -> Tuple[HTTPStatus, Dict[str, str]]:
        """Start the link's due check-in: the widget session of its conversation, or why not."""
        links, sessions = self.opened()
        view = links.view(token)
        if view.status != "valid" or view.page is None:
            return HTTPStatus.FORBIDDEN, {"message": self.words("invalid" if view.status == "invalid" else "expired")}
        if view.page.kind != "due":
            return HTTPStatus.CONFLICT, {"message": self.words("ended")}
        started = links.start(view)
        session_id = sessions.session_id_of(started.sender_id) if started.sender_id else None
        if session_id is None:
            return HTTPStatus.SERVICE_UNAVAILABLE, {"message": self.words("unavailable")}
        return HTTPStatus.OK, {"session_id": session_id}


class PageHandler(BaseHTTPRequestHandler):
    server_version = "pht-demo-page"

    def __init__(self, *args: object, web: settings.Web, check_ins: CheckIns, **kwargs: object) -> None:
        self.web, self.check_ins = web, check_ins
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        if urlsplit(self.path).path != CHECK_IN_START_PATH:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_START_BODY_BYTES or "application/json" not in (self.headers.get("Content-Type") or ""):
            self.send_error(HTTPStatus.BAD_REQUEST)
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        status, answer = self.check_ins.start(body.get("token") if isinstance(body, dict) else None)
        self._send(json.dumps(answer).encode(), "application/json", status=status, private=True)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        path = parts.path
        if path == CHECK_IN_PATH:
            token = (parse_qs(parts.query).get("t") or [None])[0]
            status, page = self.check_ins.page(token)
            self._send(page.encode(), "text/html; charset=utf-8", status=status, private=True)
        elif path == "/widget/config.json":
            self._send(json.dumps(widget_config(self.web.rasa_url)).encode(), "application/json")
        elif path in FILES:
            file, content_type = FILES[path]
            if not file.exists():
                self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, f"{file.name} is missing: run `make web`")
                return
            self._send(file.read_bytes(), content_type, inline_styles=path in INLINE_STYLE_PAGES)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, content_type: str, inline_styles: bool = False, status: HTTPStatus = HTTPStatus.OK,
              private: bool = False) -> None:
        """`private`: a check-in page or answer, which a shared cache must not keep nor a robot index."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store" if private else "no-cache")
        if private:
            self.send_header("X-Robots-Tag", "noindex, nofollow")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", content_security_policy(self.web.rasa_url, inline_styles))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's naming)
        pass  # one line per file would drown the Rasa server's messages in `make run`


def serve(env: Optional[Mapping[str, str]], port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """The page server, bound and ready (call `serve_forever`)."""
    return ThreadingHTTPServer((host, port), partial(PageHandler, web=settings.web(env), check_ins=CheckIns(env)))


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
