"""The website widget's channel: Rasa's socket.io channel, fixed, with origins, history and
server-issued sessions.

Name it in the credentials as `channels.socketio.WidgetInput` (the same settings as Rasa's
`socketio`, plus `cors_allowed_origins`). Our widget (web/widget) and rasa-webchat both speak it.

- The fix (RasaHQ/rasa#13027): since python-socketio 5.10 `AsyncServer.enter_room` is a
  coroutine, and Rasa 3.6 calls it without `await`. With `session_persistence: true` a page
  never joined its session's room, and every reply went to a room nobody was in.
- Identity belongs to the channel (issue 18). Rasa's channel took the `session_id` of every
  `user_uttered` as the conversation, so anyone could speak into, and read the replies of,
  someone else's conversation. Here the server issues the session id, signed (HMAC-SHA256
  under a key derived from SENDER_ID_KEY, channels/pseudonyms.py, the same on every replica),
  and remembers, per socket (`sio.save_session`), the one session it confirmed; a message is
  taken into that session's conversation only, and one naming another session is refused.
  A session id the server did not issue (invented, altered, too long) gets a new session.
  The conversation is `web:` + the id's random part: the signature, which is what lets a page
  come back to its conversation, is never stored or shown with the conversation.
- Sizes: a socket.io packet larger than `MAX_PACKET_BYTES` closes the connection (engineio's
  `max_http_buffer_size`, 1 MB by default); the text's own limit is the Rasa server's
  (`max_message_chars`, rasa_server/guards.py); only the `display` text of the metadata is
  kept (the title of the button the person pressed), at most `MAX_DISPLAY_CHARS`.
- Odd messages are answered calmly: the opening of a client that sends none, `null`, an empty
  or a non-text `message` at the start of a conversation is the widget's opening (`/greet`,
  the welcome); later it is not a message, and nothing is said or stored. rasa-webchat 1.0.1
  has no default `initPayload` (it sends no message: the opening above); `/get_started`, the
  one its examples use, is the same opening.
- Origins: Rasa builds its socket.io server with CORS handling switched off (`[]`), which also
  accepts a websocket from any page. Here only the configured origins may connect, and
  engineio's answer carries the one `Access-Control-Allow-Origin` header: the Rasa server is
  started without `--cors` (scripts/serve.sh), whose header on the same answer made two,
  which browsers refuse (rasa-webchat falls back to long-polling and failed).
- Replicas: with REDIS_URL, emits go through Redis (`share_rooms_through_redis`), so a message
  to a conversation sent by any replica reaches its page wherever it is connected.
- Staff messages: what someone from the clinic writes while they hold the conversation
  (pht/reception/conversations.py) carries their first name and own words in its metadata; the
  widget gets them as `staff` beside the text, and shows and announces the message as theirs
  ("Alice, from the clinic"), not the assistant's, live and in the history.
- History: after `session_confirm` comes a `session_history` event with the conversation so
  far (since the session started; empty for a new session), so a reload keeps it.
  The conversation stays on the server: the page keeps only its session id, in its tab's
  session storage, so the next person at a shared computer does not see it.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.constants import IS_EXTERNAL
from rasa.shared.core.events import BotUttered, Event, SessionStarted, UserUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request

from actions.senders import prefix_of
from pht.records.handovers import STAFF_NAME_SLOT, STAFF_TEXT

from .widget_sessions import SENDER_PREFIX as SESSION_PREFIX
from .widget_sessions import WidgetSessions
from .handover import care_while_taken_over

logger = logging.getLogger(__name__)

HISTORY_EVENT = "session_history"
HELD_EVENT = "held_by_staff"  # a message reached staff, who hold the conversation: no reply from the assistant
SENDER_PREFIX = prefix_of("socketio")  # every conversation this channel creates, and no other (issue 18)
assert SENDER_PREFIX == SESSION_PREFIX, "channels/widget_sessions.py's prefix is the socket.io channel's"
MAX_PACKET_BYTES = 64 * 1024  # a chat message with its metadata is far smaller; nginx's body limit too
MAX_DISPLAY_CHARS = 500  # a button's title, shown again in the history
# The widget's own opening message (web/widget/chat.js), and the `initPayload` rasa-webchat's examples use
WIDGET_OPENING = "/greet"
OPENINGS = frozenset({WIDGET_OPENING, "/get_started"})


def bot_messages(text: str, buttons: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A bot turn as Rasa's socket.io channel emits it: a message per paragraph, buttons last."""
    parts = [part for part in (text or "").strip().split("\n\n") if part] or [""]
    messages: List[Dict[str, Any]] = [{"text": part} for part in parts]
    if buttons:
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": button["title"], "payload": button["payload"]} for button in buttons
        ]
    return messages


def staff_part(metadata: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """`{"staff": {"name": ..., "text": ...}}` for a message someone from the clinic wrote, else {}."""
    metadata = metadata or {}
    if not metadata.get(STAFF_NAME_SLOT) or metadata.get(STAFF_TEXT) is None:
        return {}
    return {"staff": {"name": str(metadata[STAFF_NAME_SLOT]), "text": str(metadata[STAFF_TEXT])}}


class WidgetOutput(SocketIOOutput):
    """Rasa's socket.io output; a staff member's message goes as one message, with `staff`."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        staff = staff_part(kwargs)
        if staff:
            await self._send_message(recipient_id, {"text": text, **staff})
            return
        await super().send_text_message(recipient_id, text, **kwargs)


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
            if (event.metadata or {}).get(IS_EXTERNAL):
                continue  # the follow-up's own trigger (a check-in by the link): nobody wrote it
            shown = (event.metadata or {}).get("display") or ("" if (event.text or "").startswith("/") else event.text)
            if shown:
                history.append({"sender": "user", "text": shown})
            for message in history:
                message.pop("quick_replies", None)
        elif isinstance(event, BotUttered):
            staff = staff_part(event.metadata)
            if staff:
                history.append({"sender": "bot", "text": event.text or "", **staff})
                continue
            buttons = (event.data or {}).get("buttons") or []
            history += [{"sender": "bot", **message} for message in bot_messages(event.text or "", buttons)]
    return history


def came_from_widget(events: Sequence[Event]) -> bool:
    """True when every message of this conversation came through the socket.io channel."""
    channels = {event.input_channel for event in events if isinstance(event, UserUttered)}
    return channels == {SocketIOInput.name()}


def message_text(message: Any) -> Optional[str]:
    """What a `user_uttered` message says to the assistant: a client's opening as the widget's,
    and None for no message (null, empty, not a text)."""
    if not isinstance(message, str) or not message.strip():
        return None
    return WIDGET_OPENING if message.strip() in OPENINGS else message


def message_metadata(metadata: Any) -> Dict[str, Any]:
    """The metadata kept with a message: the text the page showed for it, if any."""
    display = metadata.get("display") if isinstance(metadata, dict) else None
    return {"display": display[:MAX_DISPLAY_CHARS]} if isinstance(display, str) and display.strip() else {}


def share_rooms_through_redis(sio: Any) -> None:
    """With REDIS_URL, what one replica emits to a conversation's room reaches the page
    connected to another (python-socketio's Redis manager): a staff member's message sent through
    one Rasa replica (web/reception/takeover.py) reaches a widget connected to the other. Each
    socket and its session stay in the replica it connected to; only emits go through Redis."""
    from pht.settings import settings

    config = settings()
    if not config.redis_url:
        return
    import socketio

    manager = socketio.AsyncRedisManager(config.redis_url, channel=f"{config.redis_key_prefix}:socketio")
    manager.set_server(sio)
    sio.manager = manager  # before any connection: the server initialises its manager on the first


class WidgetInput(SocketIOInput):
    """Rasa's socket.io channel with the session fix, server-issued sessions, configured
    origins, size limits and history."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WidgetInput":
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, WidgetInput)
        channel.allowed_origins = list(credentials.get("cors_allowed_origins") or []) or None
        return channel

    # None: only pages from the Rasa server's own origin (engineio's default); never "any"
    allowed_origins: Optional[List[str]] = None
    sessions: Optional[WidgetSessions] = None  # from the environment when the blueprint is made

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        # Rasa passes `cors_allowed_origins=[]` (no checks at all); engineio reads this per request
        sio.eio.cors_allowed_origins = self.allowed_origins
        sio.eio.max_http_buffer_size = MAX_PACKET_BYTES
        share_rooms_through_redis(sio)
        sessions = self.sessions = self.sessions or WidgetSessions.from_env()
        app: Dict[str, Sanic] = {}

        @blueprint.listener("before_server_start")
        async def remember_app(server: Sanic, _loop: Any) -> None:
            app["server"] = server

        # engineio refuses a long-polling body over the limit only by closing the socket, and the
        # request then waits for an answer that never comes: refuse it here, at once (the route
        # engineio adds when the blueprint is registered calls this)
        handle_request = sio.eio.handle_request

        async def refuse_oversized_packets(request: Request, *args: Any, **kwargs: Any) -> Any:
            if int(request.headers.get("content-length") or 0) > MAX_PACKET_BYTES:
                return response.text("Payload Too Large", status=413)
            return await handle_request(request, *args, **kwargs)

        sio.eio.handle_request = refuse_oversized_packets

        async def session_request(sid: str, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            sender_id = sessions.sender_id(session_id)
            returning = sender_id is not None
            if sender_id is None:
                session_id = sessions.issue()
                sender_id = sessions.sender_id(session_id)
            await sio.save_session(sid, {"session_id": session_id, "sender_id": sender_id}, namespace=self.namespace)
            await sio.enter_room(sid, sender_id, namespace=self.namespace)  # the fix: Rasa 3.6 does not await this
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            # always sent, empty for a new session, so the page knows when to say hello
            history = await self._history(app["server"], sender_id) if returning and "server" in app else []
            await sio.emit(HISTORY_EVENT, history, room=sid, namespace=self.namespace)

        async def user_uttered(sid: str, data: Any) -> None:
            session = await sio.get_session(sid, namespace=self.namespace)
            data = data if isinstance(data, dict) else {}
            if not session.get("sender_id"):
                logger.info("A widget message before its session was confirmed was ignored.")
                return
            claimed = data.get("session_id")
            if claimed is not None and claimed != session["session_id"]:
                logger.warning("A widget message naming another session than its socket's was refused.")
                return
            text = message_text(data.get("message"))
            if text is None:  # no message: at the start, a client's opening; later, nothing to answer
                if await self._has_messages(app.get("server"), session["sender_id"]):
                    return
                text = WIDGET_OPENING
            message = UserMessage(text, WidgetOutput(sio, self.bot_message_evt), session["sender_id"],
                                  input_channel=self.name(), metadata=message_metadata(data.get(self.metadata_key)))
            await on_new_message(message)
            if await care_while_taken_over(app.get("server"), message):  # staff hold it: danger signs still at once
                # and nothing else comes from the assistant: the widget stops showing it typing
                await sio.emit(HELD_EVENT, room=sid, namespace=self.namespace)

        sio.on("session_request", namespace=self.namespace)(session_request)
        sio.on(self.user_message_evt, namespace=self.namespace)(user_uttered)
        return blueprint

    def get_output_channel(self) -> Optional[OutputChannel]:
        """What Rasa's API sends through (`output_channel=latest`: the reception's messages)."""
        found = super().get_output_channel()
        return WidgetOutput(self.sio, self.bot_message_evt) if found is not None and self.sio is not None else found

    @staticmethod
    async def _tracker_events(server: Optional[Sanic], sender_id: str) -> Optional[List[Event]]:
        agent = getattr(server.ctx, "agent", None) if server is not None else None
        if agent is None or agent.tracker_store is None:
            return None
        tracker = await agent.tracker_store.retrieve(sender_id)
        return list(tracker.events) if tracker is not None else []

    async def _has_messages(self, server: Optional[Sanic], sender_id: str) -> bool:
        events = await self._tracker_events(server, sender_id)
        return events is None or any(isinstance(event, UserUttered) for event in events)

    async def _history(self, server: Sanic, session_id: str) -> List[Dict[str, Any]]:
        events = await self._tracker_events(server, session_id)
        if not events or not came_from_widget(events):
            return []
        return conversation_history(events)
