"""The reception page: recent pre-screens for clinic staff, behind a login.

Starlette + Jinja2 (FastAPI >= 0.126 needs pydantic 2; Rasa 3.6 pins pydantic 1), served by
uvicorn: `python -m web.reception` (port RECEPTION_PORT, 8081). It reads and deletes through
pht/records and pht/reception, like the staff CLI; nothing here knows the database.

- Login with the reception accounts (pht/reception/users.py: argon2 hashes), slowed by
  a back-off per account name and per client address (pht/reception/sessions.py says
  why a back-off and not a lock). The client address is the connection's, or what
  X-Forwarded-For says only when the connection comes from RECEPTION_TRUSTED_PROXIES
  (uvicorn's proxy headers are off otherwise, so under `make run` a made-up header changes
  nothing).
- Sessions are kept on the server (pht/reception/sessions.py: the records database, or
  Redis), so signing out, `remove-user` and expiry end them in every replica; the
  `pht_session` cookie holds only a random id (HttpOnly, SameSite=Strict, Secure behind
  HTTPS). Before sign-in, the login form's CSRF token rides in a signed cookie that names
  nobody. Every form carries a CSRF token, checked on every POST.
- Pages: the list (urgency at a glance, filters incl. the follow-ups not improving, with no
  reply or not delivered; refreshes itself), a pre-screen (what is present first, then its
  follow-up check-ins with the trend drawn as inline SVG), its print view, JSON and FHIR
  export (a Bundle: the pre-screen's QuestionnaireResponse and each check-in's), deleting a person's data, and
  "Pre-screen a patient": the assistant's questions for staff at the desk, relayed by this
  server to the Rasa server's staff channel (channels/staff.py) with the channel's shared
  secret, which the browser never sees.
- Audit: one JSON object a line (time, event, user, reference, client address), so no name
  or input can forge or split a line.
- Headers: a strict Content-Security-Policy (no inline script), no caching of clinical pages,
  no framing, no referrer.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import math
import secrets
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from pht.reception.audit import write as audit_line
from pht.reception.privacy import ConversationsUnreachable, forget_person, same_person
from pht.reception.sessions import Clock, LoginThrottle, Session, Sessions, utc_now
from pht.reception.users import Users
from pht.records import Records, Settings, normalise_reference, settings
from pht.records.fhir import export_bundle, labels, shipped_checkin_questionnaire, shipped_questionnaire
from pht.records.follow_up_view import CHARTED, FollowUpView, answer_label, follow_up_view
from pht.records.follow_ups import SHOWN
from pht.records.overview import overview
from pht.triage import load_knowledge
from pht.triage.checkin_knowledge import load_checkins

from .takeover import Live

if TYPE_CHECKING:
    import uvicorn

HERE = Path(__file__).parent
SESSION_COOKIE = "pht_session"  # the server-side session's random id, nothing else
LOGIN_COOKIE = "pht_login"  # signed; only the login form's CSRF token
STAFF_RELAY_TIMEOUT_SECONDS = 60
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

def audit(event: str, request: Request, user: Optional[str] = None, reference: Optional[str] = None,
          **details: Any) -> None:
    """A line of the audit log (pht/reception/audit.py): who signed in, opened, exported or
    deleted what, from which address."""
    audit_line(event, client_address(request), user=user, reference=reference, **details)


def client_address(request: Request) -> str:
    """The connection's address; uvicorn puts the X-Forwarded-For client there only when the
    connection comes from a trusted proxy (`server`)."""
    return request.client.host if request.client else "?"


def staff_session(request: Request) -> Optional[Session]:
    return request.scope.get("staff_session")


def csrf_token(request: Request) -> str:
    session = staff_session(request)
    if session is not None:
        return session.csrf
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


async def csrf_ok(request: Request) -> bool:
    form = await request.form()
    given = str(form.get("csrf_token") or "")
    session = staff_session(request)
    expected = session.csrf if session is not None else request.session.get("csrf") or ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def safe_next(target: Optional[str]) -> str:
    """Only a path on this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


class Reception:
    live: Live

    def __init__(self, config: Settings, records: Optional[Records] = None, clock: Clock = utc_now) -> None:
        self.config = config
        if records is None and not config.redis_url:  # sessions and records share one engine
            records = Records(config=config)
        self._records = records
        self.users = Users(config)
        self.sessions = Sessions(config, records, clock=clock)
        self.throttle = LoginThrottle(config, records, clock=clock)
        self.zone = ZoneInfo(config.timezone)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.filters["local"] = self.local_time
        self.templates.env.globals.update(labels=labels(), zone=config.timezone, refresh_seconds=config.refresh_seconds,
                                          charted=CHARTED, chart_labels=[answer_label(name, load_checkins())
                                                                         for name in CHARTED])

    @property
    def records(self) -> Records:
        if self._records is None:
            self._records = Records(config=self.config)
        return self._records

    def local_time(self, moment: dt.datetime, pattern: str = "%d %b %Y, %H:%M") -> str:
        return moment.astimezone(self.zone).strftime(pattern)

    def follow_up(self, record: Any) -> Optional[FollowUpView]:
        """The record's follow-up check-ins, if the person agreed to them."""
        found = self.records.follow_ups.of_prescreen(record.reference)
        return follow_up_view(found, record, local=self.local_time) if found is not None else None

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        session = staff_session(request)
        context.update(user=session.username if session else None, csrf_token=csrf_token(request))
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    # -- login ---------------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        target = safe_next(request.query_params.get("next"))
        if request.method == "GET":
            return self.page(request, "login.html", next=target, no_users=not self.users.names())
        form = await request.form()
        name, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
        keys = self.throttle.keys(name, client_address(request))
        if not await csrf_ok(request):
            return self.page(request, "login.html", status=400, next=target, error="expired")
        attempt = self.throttle.claim(*keys)  # checked now, other attempts wait (every replica)
        if attempt.wait > 0:
            audit("login_refused_backoff", request, user=name)
            return self.page(request, "login.html", status=429, next=target, error="throttled",
                             wait_seconds=math.ceil(attempt.wait), username=name)
        if not await run_in_threadpool(self.users.verify, name, password):
            self.throttle.failed(*keys)
            audit("login_failed", request, user=name)
            return self.page(request, "login.html", status=401, next=target, error="wrong", username=name)
        self.throttle.succeeded(keys[0], attempt)
        session = self.sessions.start(name)
        request.session.clear()  # the login form's token is spent
        audit("login", request, user=name)
        redirect = RedirectResponse(target, status_code=303)
        redirect.set_cookie(SESSION_COOKIE, session.id, max_age=self.config.session_hours * 3600, path="/",
                            httponly=True, samesite="strict", secure=self.config.cookie_secure)
        return redirect

    async def logout(self, request: Request) -> Response:
        session = staff_session(request)
        redirect = RedirectResponse("/login", status_code=303)
        if session is not None and await csrf_ok(request):
            self.sessions.end(session.id)
            audit("logout", request, user=session.username)
            redirect.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                                   secure=self.config.cookie_secure)
        return redirect

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
        show = query.get("follow_up") if query.get("follow_up") in SHOWN else None
        if show is None:
            found_records = self.records.list(since=since, urgency=urgency, limit=300)
            follow_ups = self.records.follow_ups.of_prescreens([record.reference for record in found_records])
        else:  # only the pre-screens whose follow-up this filter shows
            follow_ups = {item.prescreen_reference: item for item in self.records.follow_ups.list(show=show, limit=300)}
            found_records = [record for record in (self.records.get(reference) for reference in follow_ups)
                             if record is not None and (urgency is None or record.urgency == urgency)
                             and (since is None or record.created >= since)]
        day_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
        recent = self.records.list(since=day_ago, limit=None)
        counts = {level: sum(record.urgency == level for record in recent) for level in levels}
        rows = [overview(record) for record in found_records]
        markers = {reference: [words for key, words in labels()["follow_up"]["shown"].items() if item.shown_by(key)]
                   for reference, item in follow_ups.items()}
        return self.page(request, "list.html", rows=rows, levels=levels, urgency=urgency, since=since_text,
                         counts=counts, searched=wanted, not_found=bool(wanted), show=show, shown=SHOWN,
                         follow_ups=follow_ups, markers=markers, **self.live.lists())

    async def staff_prescreen(self, request: Request) -> Response:
        return await staff_prescreen(self, request)

    def audit(self, event: str, request: Request, **details: Any) -> None:
        audit(event, request, user=self.user(request), **details)

    @staticmethod
    async def csrf_ok(request: Request) -> bool:
        return await csrf_ok(request)

    @staticmethod
    def user(request: Request) -> Optional[str]:
        session = staff_session(request)
        return session.username if session else None

    def _record_or_404(self, request: Request) -> Any:
        record = self.records.get(request.path_params["reference"])
        if record is None:
            return self.page(request, "not_found.html", status=404, reference=request.path_params["reference"])
        return record

    async def detail(self, request: Request) -> Response:
        record = self._record_or_404(request)
        if isinstance(record, Response):
            return record
        audit("opened", request, user=self.user(request), reference=record.reference)
        return self.page(request, "detail.html", view=overview(record), follow_up=self.follow_up(record),
                         message=request.query_params.get("message"))

    async def print_view(self, request: Request) -> Response:
        record = self._record_or_404(request)
        if isinstance(record, Response):
            return record
        audit("printed", request, user=self.user(request), reference=record.reference)
        return self.page(request, "print.html", view=overview(record), follow_up=self.follow_up(record),
                         printed=self.local_time(dt.datetime.now(dt.timezone.utc)))

    async def export(self, request: Request) -> Response:
        record = self._record_or_404(request)
        if isinstance(record, Response):
            return record
        kind = request.path_params["kind"]
        if kind not in ("fhir", "json"):
            return self.page(request, "not_found.html", status=404, reference=record.reference)
        audit("exported", request, user=self.user(request), reference=record.reference, format=kind)
        handovers = [] if record.staff_entered else self.records.handovers.of_sender(record.sender_id)
        if kind == "fhir":
            body = export_bundle(record, self.records.follow_ups.of_prescreen(record.reference), handovers)
            media = "application/fhir+json"
            name = f"{record.reference}.fhir.json"
        else:
            follow_up = self.records.follow_ups.of_prescreen(record.reference)
            body = {**record.as_dict(), "follow_up": follow_up.as_dict() if follow_up else None,
                    "handovers": [handover.as_dict() for handover in handovers]}
            media, name = "application/json", f"{record.reference}.json"
        return Response(json.dumps(body, indent=2), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def questionnaire(self, request: Request) -> Response:
        return JSONResponse(shipped_questionnaire(), media_type="application/fhir+json")

    async def checkin_questionnaire(self, request: Request) -> Response:
        return JSONResponse(shipped_checkin_questionnaire(), media_type="application/fhir+json")

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
        audit("deleted", request, user=self.user(request), reference=record.reference,
              references=forgotten.references)
        message = quote(f"Deleted {', '.join(forgotten.references)} and the conversation.")
        return RedirectResponse(f"/?deleted={message}", status_code=303)


STAFF_OPENING = "/greet"  # what the widget sends first too; the staff channel makes it the staff opening


class StaffChannelUnreachable(RuntimeError):
    """The Rasa server's staff channel did not answer; the page says so calmly."""


def relay_to_staff_channel(config: Settings, conversation: str, message: str, staff_user: str) -> List[Dict[str, Any]]:
    """One message of a staff pre-screen, through the Rasa server's staff channel with its
    shared secret; the assistant's replies (text and buttons)."""
    body = json.dumps({"conversation": conversation, "message": message, "staff_user": staff_user}).encode()
    request = urllib.request.Request(config.staff_channel_url or "", data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {config.staff_channel_secret()}"})
    try:
        with urllib.request.urlopen(request, timeout=STAFF_RELAY_TIMEOUT_SECONDS) as reply:
            return json.loads(reply.read().decode())
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise StaffChannelUnreachable(str(error)) from error


async def staff_prescreen(reception: "Reception", request: Request) -> Response:
    """"Pre-screen a patient": start a conversation on the staff channel, then relay each
    answer (typed, or a reply button) and show the assistant's replies."""
    if request.method == "GET":
        return reception.page(request, "prescreen.html", conversation=None, replies=[])
    if not await csrf_ok(request):
        return reception.page(request, "prescreen.html", status=400, conversation=None, replies=[], error="expired")
    form = await request.form()
    user = reception.user(request) or ""
    if form.get("start"):
        conversation, message = str(uuid.uuid4()), STAFF_OPENING
        audit("staff_prescreen_started", request, user=user)
    else:
        conversation = str(form.get("conversation") or "")
        message = str(form.get("message") or "").strip()
        try:
            conversation = str(uuid.UUID(conversation))
        except ValueError:
            return reception.page(request, "prescreen.html", status=400, conversation=None, replies=[])
        if not message:
            return reception.page(request, "prescreen.html", conversation=conversation, replies=[])
    try:
        replies = await run_in_threadpool(relay_to_staff_channel, reception.config, conversation, message, user)
    except StaffChannelUnreachable:
        return reception.page(request, "prescreen.html", status=503, conversation=conversation, replies=[],
                              error="unreachable", said=None if form.get("start") else message)
    said = None if form.get("start") else str(form.get("shown") or message)  # a button: its title, not its payload
    return reception.page(request, "prescreen.html", conversation=conversation, replies=replies, said=said)


class RequireLogin:
    """Every path except the login page, static files and the health check needs a live
    server-side session (the cookie's id, found and not expired: pht/reception/sessions.py)."""

    OPEN = ("/login", "/static/", "/health")

    def __init__(self, app: Any, sessions: Sessions) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = Request(scope).cookies.get(SESSION_COOKIE)
        session = await run_in_threadpool(self.sessions.find, cookie) if cookie else None
        scope["staff_session"] = session
        if session is None and not scope["path"].startswith(self.OPEN):
            target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope.get("query_string") else "")
            await RedirectResponse(f"/login?next={quote(target)}", status_code=303)(scope, receive, send)
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


def create_app(config: Optional[Settings] = None, records: Optional[Records] = None,
               clock: Clock = utc_now) -> Starlette:
    config = config or settings()
    reception = Reception(config, records, clock=clock)
    live = reception.live = Live(reception)
    routes = [
        Route("/", reception.list_page),
        Route("/login", reception.login, methods=["GET", "POST"]),
        Route("/logout", reception.logout, methods=["POST"]),
        Route("/prescreen", reception.staff_prescreen, methods=["GET", "POST"]),
        Route("/prescreens/{reference}", reception.detail),
        Route("/prescreens/{reference}/print", reception.print_view),
        Route("/prescreens/{reference}/export/{kind:str}", reception.export),
        Route("/prescreens/{reference}/delete", reception.delete, methods=["GET", "POST"]),
        Route("/conversations/live", live.live_lists),
        Route("/conversations/events", live.events),
        Route("/conversations/{sender_id}", live.conversation),
        Route("/conversations/{sender_id}/events", live.conversation_events),
        Route("/conversations/{sender_id}/{action}", live.act, methods=["POST"]),
        Route("/fhir/Questionnaire/pht-prescreen", reception.questionnaire),
        Route("/fhir/Questionnaire/pht-checkin", reception.checkin_questionnaire),
        Route("/health", lambda request: PlainTextResponse("ok")),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        # before sign-in only: the login form's CSRF token, in a signed cookie that names nobody
        Middleware(SessionMiddleware, secret_key=config.secret_key(), session_cookie=LOGIN_COOKIE,
                   max_age=3600, same_site="strict", https_only=config.cookie_secure),
        Middleware(RequireLogin, sessions=reception.sessions),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.reception = reception
    return app


def server(app: Starlette, host: str, port: int, trusted_proxies: Optional[List[str]] = None) -> "uvicorn.Server":
    """uvicorn for this app: no websockets (the page needs none, and Rasa pins websockets 10,
    older than uvicorn's websockets support wants), no access log (a line per request would name
    references; the audit log says who opened what). X-Forwarded-For is believed only from
    `trusted_proxies` (RECEPTION_TRUSTED_PROXIES); without any, uvicorn's proxy headers are off
    (uvicorn would otherwise trust 127.0.0.1, which is every browser under `make run`)."""
    import uvicorn

    proxies = list(trusted_proxies or [])
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, ws="none", http="h11", lifespan="off",
                                         access_log=False, log_level="warning", proxy_headers=bool(proxies),
                                         forwarded_allow_ips=proxies or None))
