"""Live conversations on the reception page: who is waiting for a person, the emergency and
urgent outcomes of the last hours, and taking a conversation over.

- The lists (`/conversations/live`, also at the top of the list page) update by themselves: the
  page listens to `/conversations/events` (server-sent events; each says only "changed") and
  then fetches the lists again. A change is heard at once through Redis pub/sub when REDIS_URL
  is set, otherwise within `POLL_SECONDS` from the records database (pht/records/live.py).
- A conversation (`/conversations/{sender_id}`): the transcript so far and the findings, from
  the Rasa server; "Take over" claims it in the records database (two staff cannot both hold
  it), then pauses the assistant (when the Rasa server refuses or cannot be reached, the claim is
  released again); a conversation on a channel that cannot bring the person a message they did
  not ask for (REST) cannot be taken over; replies go to the person on their own channel with the staff
  member's first name; "Hand back" resumes the assistant, whose questions carry on where they
  were, or end (pht/reception/conversations.py).
- Everything here is behind the sign-in (RequireLogin), every POST checks the CSRF token, and
  the audit log says who took over, wrote to and handed back which conversation (never what
  they wrote: that is in the records).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator, Dict, Optional
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from pht.reception.conversations import RasaConversations, RasaUnreachable, plain_text, transcript
from pht.records.handovers import HANDOVER_CHANNELS, TAKEN, HandoverRecord, Taken
from pht.records.live import Changes
from pht.records.overview import findings_so_far
from pht.state import findings_from_slots
from pht.triage import Engine

if TYPE_CHECKING:
    from .app import Reception

POLL_SECONDS = 2.0  # without Redis: how often an open stream looks at the database again
STREAM_MINUTES = 5  # a stream ends after this long and the browser opens a new one, through the sign-in check again
ACT_NOW = ("emergency", "urgent")


@dataclass(frozen=True)
class Waiting:
    handover: HandoverRecord
    reference: Optional[str]  # the person's latest pre-screen, if any
    urgency: Optional[str]


class Live:
    """The reception's view of live conversations, for one reception process."""

    def __init__(self, reception: "Reception") -> None:
        self.reception = reception
        self.rasa = RasaConversations(reception.config)
        self.changes = Changes(reception.config.redis_url, reception.config.redis_key_prefix)

    # -- the lists -----------------------------------------------------------------------------

    def lists(self) -> Dict[str, Any]:
        records = self.reception.records
        waiting = []
        for handover in records.handovers.open():
            latest = next(iter(records.of_sender(handover.sender_id)), None)
            waiting.append(Waiting(handover, latest.reference if latest else None, latest.urgency if latest else None))
        since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=self.reception.config.urgent_hours)
        urgent = sorted((record for level in ACT_NOW for record in records.list(since=since, urgency=level, limit=100)),
                        key=lambda record: record.created, reverse=True)
        return {"waiting": waiting, "urgent": urgent, "urgent_hours": self.reception.config.urgent_hours}

    def snapshot(self) -> str:
        """What the lists show, as text: a stream says "changed" when this changes."""
        lists = self.lists()
        return json.dumps([[(item.handover.id, item.handover.state, item.handover.taken_by,
                             bool(item.handover.nobody_free_told_at)) for item in lists["waiting"]],
                           [record.reference for record in lists["urgent"]]])

    async def live_lists(self, request: Request) -> Response:
        return self.reception.page(request, "_live.html", **await run_in_threadpool(self.lists))

    async def events(self, request: Request) -> Response:
        return self._stream(request, self.snapshot)

    def _stream(self, request: Request, snapshot: Any) -> Response:
        async def changes() -> AsyncIterator[str]:
            subscription = self.changes.subscribe()
            seen = None
            ends = asyncio.get_running_loop().time() + STREAM_MINUTES * 60
            try:
                yield "retry: 3000\n\n"
                while asyncio.get_running_loop().time() < ends and not await request.is_disconnected():
                    now = await run_in_threadpool(snapshot)
                    if now != seen:
                        if seen is not None:
                            yield "event: changed\ndata: {}\n\n"
                        seen = now
                    else:
                        yield ": still here\n\n"  # a comment: keeps proxies from closing the stream
                    await subscription.wait(POLL_SECONDS)  # in the event loop: no thread held per stream
            finally:
                await subscription.close()

        return StreamingResponse(changes(), media_type="text/event-stream",
                                 headers={"X-Accel-Buffering": "no"})

    # -- one conversation ----------------------------------------------------------------------

    def _conversation(self, sender_id: str) -> Dict[str, Any]:
        tracker = self.rasa.tracker(sender_id)
        slots = tracker.get("slots") or {}
        engine = Engine()
        findings = findings_from_slots(slots, engine.knowledge)
        urgency = engine.urgency(findings)[0]["level"] if findings else None
        handover = self.reception.records.handovers.open_of(sender_id)
        history = self.reception.records.handovers.of_sender(sender_id)
        return {"sender_id": sender_id, "lines": transcript(tracker), "findings": findings_so_far(findings, engine.knowledge),
                "urgency": urgency,
                "paused": bool(tracker.get("paused")), "handover": handover, "history": history,
                "reachable": _latest_channel(tracker) in HANDOVER_CHANNELS,
                "idle_minutes": self.reception.config.handover_idle_minutes,
                "records": self.reception.records.of_sender(sender_id),
                "known": bool(tracker.get("events"))}

    async def conversation(self, request: Request) -> Response:
        sender_id = request.path_params["sender_id"]
        try:
            context = await run_in_threadpool(self._conversation, sender_id)
        except RasaUnreachable as error:
            return self.reception.page(request, "conversation.html", status=503, sender_id=sender_id, error=str(error))
        if not context["known"]:
            return self.reception.page(request, "not_found.html", status=404, reference=sender_id)
        part = request.query_params.get("part") == "transcript"  # the open page fetching what changed
        if not part:
            self.reception.audit("conversation_opened", request, conversation=sender_id)
        template = "_transcript.html" if part else "conversation.html"
        return self.reception.page(request, template, **context, message=request.query_params.get("message"))

    async def conversation_events(self, request: Request) -> Response:
        sender_id = request.path_params["sender_id"]

        def snapshot() -> str:
            tracker = self.rasa.tracker(sender_id)
            handover = self.reception.records.handovers.open_of(sender_id)
            return json.dumps([len(tracker.get("events") or []), handover.state if handover else None,
                               handover.taken_by if handover else None])

        def safe_snapshot() -> str:
            try:
                return snapshot()
            except RasaUnreachable:
                return "unreachable"

        return self._stream(request, safe_snapshot)

    def _holder_only(self, sender_id: str, user: str) -> None:
        """Raises `Taken` unless `user` holds the conversation."""
        found = self.reception.records.handovers.open_of(sender_id)
        if found is None or found.state != TAKEN or found.taken_by != user:
            raise Taken(found.taken_by if found is not None else None)

    async def act(self, request: Request) -> Response:
        """Take over, send a reply, or hand back (POST, with the CSRF token)."""
        sender_id = request.path_params["sender_id"]
        action = request.path_params["action"]
        back = f"/conversations/{quote(sender_id, safe=':')}"
        if action not in ("take", "reply", "hand-back") or not await self.reception.csrf_ok(request):
            return RedirectResponse(f"{back}?message=expired", status_code=303)
        user = self.reception.user(request) or ""
        handovers = self.reception.records.handovers
        form = await request.form()
        try:
            if action == "take":  # the claim first (the database decides who holds it), then the assistant pauses
                tracker = await run_in_threadpool(self.rasa.tracker, sender_id)
                channel = _latest_channel(tracker)
                if not tracker.get("events") or channel is None:
                    return RedirectResponse(f"{back}?message=unknown", status_code=303)
                if channel not in HANDOVER_CHANNELS:  # what staff wrote would reach nobody (REST)
                    return RedirectResponse(f"{back}?message=cannot_reach", status_code=303)
                colleague = str(form.get("from") or "") or None  # taking over from a colleague who holds it
                before = await run_in_threadpool(handovers.open_of, sender_id)
                await run_in_threadpool(lambda: handovers.take(sender_id, channel, user, from_user=colleague))
                try:
                    await run_in_threadpool(self.rasa.take_over, sender_id, user)
                except RasaUnreachable:  # the assistant was not paused: nobody holds it after all
                    await run_in_threadpool(handovers.release, sender_id, user, before)
                    raise
                self.reception.audit("handover_taken", request, conversation=sender_id, **(
                    {"from_user": colleague} if colleague else {}))
            elif action == "reply":  # kept once sent: the record says what reached the person
                text = plain_text(str(form.get("message") or ""))
                if text:
                    await run_in_threadpool(self._holder_only, sender_id, user)
                    await run_in_threadpool(self.rasa.send, sender_id, user, text)
                    await run_in_threadpool(handovers.add_message, sender_id, user, text)
                    self.reception.audit("handover_message", request, conversation=sender_id)
            else:  # the assistant resumes first: a conversation is never left paused with nobody holding it
                await run_in_threadpool(self._holder_only, sender_id, user)
                await run_in_threadpool(self.rasa.hand_back, sender_id)
                await run_in_threadpool(handovers.hand_back, sender_id, user)
                self.reception.audit("handover_handed_back", request, conversation=sender_id)
        except Taken as taken:
            return RedirectResponse(f"{back}?message=taken&by={quote(taken.by or '')}", status_code=303)
        except RasaUnreachable:
            return RedirectResponse(f"{back}?message=unreachable", status_code=303)
        await run_in_threadpool(self.changes.publish)  # Redis is not asyncio here: a quick call, off the loop
        return RedirectResponse(back, status_code=303)


def _latest_channel(tracker: Dict[str, Any]) -> Optional[str]:
    """The input channel of the person's latest message (Rasa's output channel to answer on)."""
    for event in reversed(tracker.get("events") or []):
        if event.get("event") == "user" and event.get("input_channel"):
            return str(event["input_channel"])
    return None
