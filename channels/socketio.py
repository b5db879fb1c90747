"""The website widget's channel: Rasa's socket.io channel, fixed, with origins and history.

Name it in the credentials as `channels.socketio.WidgetInput` (the same settings as Rasa's
`socketio`, plus `cors_allowed_origins`).

- The fix (RasaHQ/rasa#13027): since python-socketio 5.10 `AsyncServer.enter_room` is a
  coroutine, and Rasa 3.6 calls it without `await`. With `session_persistence: true` a page
  never joined its session's room, and every reply went to a room nobody was in.
- Origins: Rasa builds its socket.io server with CORS handling switched off (`[]`), which also
  accepts a websocket from any page. Here only the configured origins may connect.
- History: after `session_confirm` comes a `session_history` event with the conversation so
  far (since the session started; empty for a new session), so a reload keeps it.
  The conversation stays on the server: the page keeps only the random session id, in its
  tab's session storage, so the next person at a shared computer does not see it.
"""
from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from rasa.shared.core.events import BotUttered, Event, SessionStarted, UserUttered
from sanic import Blueprint, Sanic

logger = logging.getLogger(__name__)

HISTORY_EVENT = "session_history"
# The ids Rasa's socket.io channel hands out (uuid4 hex): anything else was never a widget's
_WIDGET_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def bot_messages(text: str, buttons: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A bot turn as Rasa's socket.io channel emits it: a message per paragraph, buttons last."""
    parts = [part for part in (text or "").strip().split("\n\n") if part] or [""]
    messages: List[Dict[str, Any]] = [{"text": part} for part in parts]
    if buttons:
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": button["title"], "payload": button["payload"]} for button in buttons
        ]
    return messages


def conversation_history(events: Sequence[Event]) -> List[Dict[str, Any]]:
    """What the page showed, from a tracker's events: since the latest session start.

    A user message shows what the person saw (a button's title, sent as `display` in the
    metadata); an intent payload the page sent on its own ("/greet") is not shown. Buttons are
    kept only on the latest bot turn, and only while it is unanswered.
    """
    start = max((index for index, event in enumerate(events) if isinstance(event, SessionStarted)), default=-1)
    history: List[Dict[str, Any]] = []
    for event in events[start + 1:]:
        if isinstance(event, UserUttered):
            shown = (event.metadata or {}).get("display") or ("" if (event.text or "").startswith("/") else event.text)
            if shown:
                history.append({"sender": "user", "text": shown})
            for message in history:
                message.pop("quick_replies", None)
        elif isinstance(event, BotUttered):
            buttons = (event.data or {}).get("buttons") or []
            history += [{"sender": "bot", **message} for message in bot_messages(event.text or "", buttons)]
    return history


def came_from_widget(events: Sequence[Event]) -> bool:
    """True when every message of this conversation came through the socket.io channel."""
    channels = {event.input_channel for event in events if isinstance(event, UserUttered)}
    return channels == {SocketIOInput.name()}


class WidgetInput(SocketIOInput):
    """Rasa's socket.io channel with the session fix, configured origins and history."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WidgetInput":
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, WidgetInput)
        channel.allowed_origins = list(credentials.get("cors_allowed_origins") or []) or None
        return channel

    # None: only pages from the Rasa server's own origin (engineio's default); never "any"
    allowed_origins: Optional[List[str]] = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        # Rasa passes `cors_allowed_origins=[]` (no checks at all); engineio reads this per request
        sio.eio.cors_allowed_origins = self.allowed_origins
        app: Dict[str, Sanic] = {}

        @blueprint.listener("before_server_start")
        async def remember_app(server: Sanic, _loop: Any) -> None:
            app["server"] = server

        async def session_request(sid: str, data: Optional[Dict[str, Any]]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            returning = isinstance(session_id, str) and bool(_WIDGET_SESSION_ID.match(session_id))
            if not returning:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)  # the fix: Rasa 3.6 does not await this
            await sio.emit("session_confirm", session_id, room=sid)
            # always sent, empty for a new session, so the page knows when to say hello
            history = await self._history(app["server"], session_id) if returning and "server" in app else []
            await sio.emit(HISTORY_EVENT, history, room=sid)

        sio.on("session_request", namespace=self.namespace)(session_request)
        return blueprint

    @staticmethod
    async def _history(server: Sanic, session_id: str) -> List[Dict[str, Any]]:
        agent = getattr(server.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return []
        tracker = await agent.tracker_store.retrieve(session_id)
        if tracker is None or not came_from_widget(tracker.events):
            return []
        return conversation_history(list(tracker.events))
