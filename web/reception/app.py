"""The reception page: recent pre-screens for clinic staff, behind a login.

Starlette + Jinja2 (FastAPI >= 0.126 needs pydantic 2; Rasa 3.6 pins pydantic 1), served by
uvicorn: `python -m web.reception` (port RECEPTION_PORT, 8081). It reads and deletes through
actions/records and actions/reception, like the staff CLI; nothing here knows the database.

- Login with the reception accounts (actions/reception/users.py: argon2 hashes); repeated
  failures for a name or from an address are refused for a while.
- Session: a signed cookie (itsdangerous; HttpOnly, SameSite=Strict, Secure behind HTTPS),
  8 hours; every form carries the session's CSRF token, checked on every POST.
- Pages: the list (urgency at a glance, filters, refreshes itself), a pre-screen (what is
  present first), its print view, JSON and FHIR export, deleting a person's data.
- Headers: a strict Content-Security-Policy (no inline script), no caching of clinical pages,
  no framing, no referrer.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import secrets
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, Deque, Dict, Optional
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from actions.reception.privacy import ConversationsUnreachable, forget_person, same_person
from actions.reception.users import Users
from actions.records import Records, Settings, normalise_reference, settings
from actions.records.fhir import labels, shipped_questionnaire, to_questionnaire_response
from actions.records.overview import overview
from actions.triage import load_knowledge

if TYPE_CHECKING:
    import uvicorn

HERE = Path(__file__).parent
SESSION_HOURS = 8
MAX_FAILURES = 5  # failed logins for one name ...
MAX_FAILURES_PER_ADDRESS = 20  # ... or from one address (a front desk's computers may share one) ...
FAILURE_WINDOW_SECONDS = 15 * 60  # ... within this time: refused until it passes
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

audit = logging.getLogger("reception.audit")  # who logged in, opened, exported or deleted what (no clinical content)


class Throttle:
    """Failed logins per key (a name, an address) in a sliding window."""

    def __init__(self) -> None:
        self.failures: Dict[str, Deque[float]] = defaultdict(deque)

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        for key in keys:
            times = self.failures[key]
            while times and now - times[0] > FAILURE_WINDOW_SECONDS:
                times.popleft()
        return any(len(self.failures[key]) >= (MAX_FAILURES_PER_ADDRESS if key.startswith("address:") else MAX_FAILURES)
                   for key in keys)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self.failures[key].append(time.monotonic())

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self.failures.pop(key, None)


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


async def csrf_ok(request: Request) -> bool:
    form = await request.form()
    given = str(form.get("csrf_token") or "")
    expected = request.session.get("csrf") or ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def safe_next(target: Optional[str]) -> str:
    """Only a path on this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


class Reception:
    def __init__(self, config: Settings, records: Optional[Records] = None) -> None:
        self.config = config
        self._records = records
        self.users = Users(config)
        self.throttle = Throttle()
        self.zone = ZoneInfo(config.timezone)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.filters["local"] = self.local_time
        self.templates.env.globals.update(labels=labels(), zone=config.timezone, refresh_seconds=config.refresh_seconds)

    @property
    def records(self) -> Records:
        if self._records is None:
            self._records = Records(config=self.config)
        return self._records

    def local_time(self, moment: dt.datetime, pattern: str = "%d %b %Y, %H:%M") -> str:
        return moment.astimezone(self.zone).strftime(pattern)

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.update(user=request.session.get("user"), csrf_token=csrf_token(request))
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    # -- login ---------------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        target = safe_next(request.query_params.get("next"))
        if request.method == "GET":
            return self.page(request, "login.html", next=target, no_users=not self.users.names())
        form = await request.form()
        name, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
        address = request.client.host if request.client else "?"
        keys = (f"name:{name.lower()}", f"address:{address}")
        if not await csrf_ok(request):
            return self.page(request, "login.html", status=400, next=target, error="expired")
        if self.throttle.blocked(*keys):
            audit.warning("Login refused for a while after repeated failures (user %s)", name)
            return self.page(request, "login.html", status=429, next=target, error="throttled")
        if not self.users.verify(name, password):
            self.throttle.failed(*keys)
            audit.info("Failed login (user %s)", name)
            return self.page(request, "login.html", status=401, next=target, error="wrong", username=name)
        self.throttle.succeeded(*keys)
        request.session.clear()  # a new session on login
        request.session.update(user=name, csrf=secrets.token_urlsafe(32), since=time.time())
        audit.info("%s logged in", name)
        return RedirectResponse(target, status_code=303)

    async def logout(self, request: Request) -> Response:
        if await csrf_ok(request):
            audit.info("%s logged out", request.session.get("user"))
            request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # -- pages ---------------------------------------------------------------------------------

    async def list_page(self, request: Request) -> Response:
        query = request.query_params
        wanted = (query.get("q") or "").strip()
        if wanted:
            found = normalise_reference(wanted)
            if found and self.records.get(found):
                return RedirectResponse(f"/prescreens/{found}", status_code=303)
        levels = load_knowledge().urgency_levels
        urgency = query.get("urgency") if query.get("urgency") in levels else None
        since_text = query.get("since") or ""
        since = None
        if since_text:
            try:
                since = dt.datetime.fromisoformat(since_text).replace(tzinfo=self.zone)
            except ValueError:
                since_text = ""
        found_records = self.records.list(since=since, urgency=urgency, limit=300)
        day_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
        recent = self.records.list(since=day_ago, limit=None)
        counts = {level: sum(record.urgency == level for record in recent) for level in levels}
        rows = [overview(record) for record in found_records]
        return self.page(request, "list.html", rows=rows, levels=levels, urgency=urgency, since=since_text,
                         counts=counts, searched=wanted, not_found=bool(wanted))

    def _record_or_404(self, request: Request) -> Any:
        record = self.records.get(request.path_params["reference"])
        if record is None:
            return self.page(request, "not_found.html", status=404, reference=request.path_params["reference"])
        return record

    async def detail(self, request: Request) -> Response:
        record = self._record_or_404(request)
        if isinstance(record, Response):
            return record
        audit.info("%s opened %s", request.session.get("user"), record.reference)
        return self.page(request, "detail.html", view=overview(record), message=request.query_params.get("message"))

    async def print_view(self, request: Request) -> Response:
        record = self._record_or_404(request)
        if isinstance(record, Response):
            return record
        audit.info("%s printed %s", request.session.get("user"), record.reference)
        return self.page(request, "print.html", view=overview(record),
                         printed=self.local_time(dt.datetime.now(dt.timezone.utc)))

    async def export(self, request: Request) -> Response:
        record = self._record_or_404(request)
        if isinstance(record, Response):
            return record
        kind = request.path_params["kind"]
        if kind not in ("fhir", "json"):
            return self.page(request, "not_found.html", status=404, reference=record.reference)
        audit.info("%s exported %s as %s", request.session.get("user"), record.reference, kind)
        if kind == "fhir":
            body, media = to_questionnaire_response(record), "application/fhir+json"
            name = f"{record.reference}.fhir.json"
        else:
            body, media, name = record.as_dict(), "application/json", f"{record.reference}.json"
        return Response(json.dumps(body, indent=2), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def questionnaire(self, request: Request) -> Response:
        return JSONResponse(shipped_questionnaire(), media_type="application/fhir+json")

    async def delete(self, request: Request) -> Response:
        record = self._record_or_404(request)
        if isinstance(record, Response):
            return record
        if request.method == "GET":
            others = [other.reference for other in same_person(self.records, record)
                      if other.reference != record.reference]
            return self.page(request, "delete.html", view=overview(record), others=others)
        if not await csrf_ok(request):
            return self.page(request, "delete.html", status=400, view=overview(record), others=[], error="expired")
        try:
            forgotten = forget_person(self.records, self.config, record)
        except ConversationsUnreachable as error:
            return self.page(request, "delete.html", status=503, view=overview(record), others=[], error=str(error))
        audit.info("%s deleted %s (%d records and the conversation)", request.session.get("user"),
                   record.reference, len(forgotten.references))
        message = quote(f"Deleted {', '.join(forgotten.references)} and the conversation.")
        return RedirectResponse(f"/?deleted={message}", status_code=303)


class RequireLogin:
    """Every path except the login page, static files and the health check needs a session."""

    OPEN = ("/login", "/static/", "/health")

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.OPEN):
            await self.app(scope, receive, send)
            return
        if not scope.get("session", {}).get("user"):
            target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope.get("query_string") else "")
            await RedirectResponse(f"/login?next={quote(target)}", status_code=303)(scope, receive, send)
            return
        since = scope["session"].get("since", 0)
        if time.time() - since > SESSION_HOURS * 3600:
            scope["session"].clear()
            await RedirectResponse("/login", status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                            (b"cache-control", b"no-cache" if static else b"no-store")]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(config: Optional[Settings] = None, records: Optional[Records] = None) -> Starlette:
    config = config or settings()
    reception = Reception(config, records)
    routes = [
        Route("/", reception.list_page),
        Route("/login", reception.login, methods=["GET", "POST"]),
        Route("/logout", reception.logout, methods=["POST"]),
        Route("/prescreens/{reference}", reception.detail),
        Route("/prescreens/{reference}/print", reception.print_view),
        Route("/prescreens/{reference}/export/{kind:str}", reception.export),
        Route("/prescreens/{reference}/delete", reception.delete, methods=["GET", "POST"]),
        Route("/fhir/Questionnaire/pht-prescreen", reception.questionnaire),
        Route("/health", lambda request: PlainTextResponse("ok")),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=config.secret_key(), session_cookie="pht_reception",
                   max_age=SESSION_HOURS * 3600, same_site="strict", https_only=config.cookie_secure),
        Middleware(RequireLogin),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.reception = reception
    return app


def server(app: Starlette, host: str, port: int) -> "uvicorn.Server":
    """uvicorn for this app: no websockets (the page needs none, and Rasa pins websockets 10,
    older than uvicorn's websockets support wants), no access log (a line per request would name
    references; the audit log says who opened what)."""
    import uvicorn

    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, ws="none", http="h11", lifespan="off",
                                         access_log=False, log_level="warning"))
