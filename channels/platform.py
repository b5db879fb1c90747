"""What every messaging platform's connector shares: length limits, numbered options, and
rejecting webhooks that are not signed by the platform.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from .options import as_list, resolve_reply
from .text import split_text

logger = logging.getLogger(__name__)

Button = Dict[str, Any]
MessageHandler = Callable[[UserMessage], Awaitable[Any]]


class LimitedOutput(OutputChannel):
    """Texts split within the platform's limit; buttons native while the platform allows them.

    A subclass sets the limits and sends one part (`send_part`) or one part with native
    buttons (`send_part_with_buttons`). Any more buttons than `max_buttons` (0: the platform
    has none) become a numbered list in the message itself.
    """

    text_limit: int = 1600
    max_buttons: int = 0
    buttons_text_limit: Optional[int] = None  # a shorter limit for a message with buttons

    async def send_part(self, recipient_id: str, text: str) -> None:
        raise NotImplementedError

    async def send_part_with_buttons(self, recipient_id: str, text: str, buttons: Sequence[Button]) -> None:
        raise NotImplementedError

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, self.text_limit):
            await self.send_part(recipient_id, part)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: List[Button], **kwargs: Any) -> None:
        if not buttons or len(buttons) > self.max_buttons:
            await self.send_text_message(recipient_id, as_list(text, buttons))
            return
        parts = split_text(text, self.buttons_text_limit or self.text_limit) or [""]
        for part in parts[:-1]:
            await self.send_part(recipient_id, part)
        await self.send_part_with_buttons(recipient_id, parts[-1], buttons)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Button], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)


class SignedWebhooks:
    """Input channel mixin: POSTs to the webhook must pass `is_signed`, or get 403 and do nothing.

    `understood` rewrites a reply to a numbered list ("2") into the chosen option's payload,
    reading the options from the conversation in the tracker store.
    """

    def is_signed(self, request: Request) -> bool:
        raise NotImplementedError

    def guard(self, blueprint: Blueprint) -> Blueprint:
        """Add the signature check to `blueprint`, before any of its routes runs."""
        self._server: Dict[str, Sanic] = {}

        @blueprint.middleware("request")
        async def reject_unsigned(request: Request) -> Optional[HTTPResponse]:
            if request.method == "POST" and not self.is_signed(request):
                logger.warning("Rejected an unsigned call to %s from %s", request.path, request.ip)
                return response.text("The request is not signed by the platform.", status=403)
            return None

        @blueprint.listener("before_server_start")
        async def remember_server(server: Sanic, _loop: Any) -> None:
            self._server["app"] = server

        return blueprint

    def understanding_options(self, on_new_message: MessageHandler) -> MessageHandler:
        """`on_new_message`, with replies to a numbered list turned into the option's payload."""

        async def handle(message: UserMessage) -> Any:
            if message.text and not message.text.startswith("/"):
                message.text = await self.understood(message.sender_id, message.text)
            return await on_new_message(message)

        return handle

    async def understood(self, sender_id: str, text: str) -> str:
        server = getattr(self, "_server", {}).get("app")
        agent = getattr(server.ctx, "agent", None) if server else None
        if agent is None or agent.tracker_store is None:
            return text
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return text
        recent = [event.as_dict() for event in list(tracker.events)[-30:]]
        return resolve_reply(text, recent)
