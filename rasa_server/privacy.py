"""Token-protected routes of the Rasa server for deleting conversations from other processes:
the staff CLI (`python -m pht.reception delete REF`, `purge`) and the reception page.

    POST /webhooks/privacy/forget   {"sender_id": "..."}     -> {"sender_id": ..., "events_deleted": n}
    POST /webhooks/privacy/purge    {"before": <Unix time>}  -> {"conversations_deleted": n}
    Authorization: Bearer <RASA_AUTH_TOKEN>   (or ?token=..., as Rasa's own API takes it)

Each conversation is deleted while its lock is held, through the lock store the server runs
with (Rasa's in-memory one, or Redis when endpoints.yml configures it), so a turn in progress
finishes first and cannot write the conversation back (rasa_server/tracker_store.py explains
why that matters). A process other than the Rasa server cannot take the in-memory lock: that
is why the CLI asks the server rather than deleting rows itself.

Rasa adds routes through channels: this one is named in credentials.yml like the others.
"""
from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.tracker_store import TrackerStore
from sanic import Blueprint, response
from sanic.request import Request

from pht.records.settings import settings

from .tracker_store import ConversationStore

logger = logging.getLogger(__name__)


def conversation_store(store: TrackerStore) -> Optional[ConversationStore]:
    """The server's ConversationStore (Rasa wraps it: AwaitableTrackerStore,
    FailSafeTrackerStore), or None when it runs another store."""
    for _ in range(4):
        if isinstance(store, ConversationStore):
            return store
        store = getattr(store, "_tracker_store", None)
    return None


def authorised(request: Request, token: Optional[str]) -> bool:
    if not token:
        return False  # no token configured: these routes stay shut
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or request.args.get("token", "")
    return hmac.compare_digest(given.encode(), token.encode())


class PrivacyInput(InputChannel):
    """Not a chat channel: the routes that delete conversations under their lock."""

    @classmethod
    def name(cls) -> str:
        return "privacy"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "PrivacyInput":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        routes = Blueprint("privacy_webhook", __name__)

        async def store_or_refusal(request: Request) -> Any:
            if not authorised(request, settings().rasa_token()):
                return response.json({"error": "a valid token is needed"}, status=403)
            store = conversation_store(request.app.ctx.agent.tracker_store)
            if store is None:
                return response.json({"error": "the tracker store cannot forget conversations: "
                                               "endpoints.yml must name rasa_server.tracker_store.ConversationStore"},
                                     status=501)
            return store

        @routes.route("/forget", methods=["POST"])
        async def forget(request: Request) -> response.HTTPResponse:
            store = await store_or_refusal(request)
            if not isinstance(store, ConversationStore):
                return store
            sender_id = (request.json or {}).get("sender_id")
            if not isinstance(sender_id, str) or not sender_id:
                return response.json({"error": "sender_id is needed"}, status=400)
            async with request.app.ctx.agent.lock_store.lock(sender_id):
                deleted = store.forget(sender_id)
            logger.info("Deleted a conversation on staff request (%d events)", deleted)
            return response.json({"sender_id": sender_id, "events_deleted": deleted})

        @routes.route("/purge", methods=["POST"])
        async def purge(request: Request) -> response.HTTPResponse:
            store = await store_or_refusal(request)
            if not isinstance(store, ConversationStore):
                return store
            before = (request.json or {}).get("before")
            if not isinstance(before, (int, float)):
                return response.json({"error": "before (a Unix time) is needed"}, status=400)
            deleted = 0
            for sender_id in store.idle_since(before):
                async with request.app.ctx.agent.lock_store.lock(sender_id):
                    if store.is_idle_since(sender_id, before):  # nobody wrote in the meantime
                        store.forget(sender_id)
                        deleted += 1
            logger.info("Purged %d conversations older than the retention period", deleted)
            return response.json({"conversations_deleted": deleted})

        return routes
