"""What every messaging platform's connector shares: length limits, numbered options,
rejecting webhooks that are not signed by the platform, handling each platform message once
(`once.py`), and sender ids that carry the channel's prefix.

Identity belongs to the channel: each platform's conversations have sender ids of their own
(`tg:<chat id>`, `fb:<page-scoped id>`, `slack:<team>:<user>`, Twilio's `tw-<encrypted number>`),
so the same number from two platforms, or from a platform and a REST caller, never reaches
the same conversation. The output channel turns the sender id back into the platform's
address (`address`), and refuses one that is not its own.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from .handover import care_while_taken_over
from .once import Claims, claims
from .options import as_list, resolve_reply
from .text import split_text

logger = logging.getLogger(__name__)

Button = Dict[str, Any]
MessageHandler = Callable[[UserMessage], Awaitable[Any]]


def prefixed(prefix: str, address: str) -> str:
    """The sender id of a platform address: the channel's prefix, then the address."""
    return prefix + address


def address(prefix: str, sender_id: str) -> str:
    """The platform address in a sender id of the channel with `prefix`; ValueError for another's."""
    if not sender_id.startswith(prefix) or len(sender_id) == len(prefix):
        raise ValueError(f"not a sender id of this channel ({prefix}...)")
    return sender_id[len(prefix):]


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

    `first_time(key)` claims a platform message id (`once.py`): False when it was claimed
    already, here or on another replica, and the call must be acknowledged and not handled.
    `understood` rewrites a reply to a numbered list ("2") into the chosen option's payload,
    reading the options from the conversation in the tracker store; after each message, a
    danger sign while staff hold the conversation gets its advice at once (handover.py).
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

    async def first_time(self, platform: str, scope: str, message_id: str) -> bool:
        """Whether this is the first time the platform's message `message_id` arrived."""
        if getattr(self, "_claims", None) is None:
            self._claims: Optional[Claims] = claims()
        first = await self._claims.first_time(f"{platform}:{scope}:{message_id}")
        if not first:
            logger.info("A %s message arrived again (a retry or a replay) and was not handled again", platform)
        return first

    def understanding_options(self, on_new_message: MessageHandler) -> MessageHandler:
        """`on_new_message`, with replies to a numbered list turned into the option's payload."""

        async def handle(message: UserMessage) -> Any:
            if message.text and not message.text.startswith("/"):
                message.text = await self.understood(message.sender_id, message.text)
            handled = await on_new_message(message)
            await care_while_taken_over(getattr(self, "_server", {}).get("app"), message)  # staff hold it: no delay
            return handled

        return handle

    async def response_text(self, name: str, channel: str) -> Optional[str]:
        """The text of the domain's response `name`, for a message outside any conversation
        (a notice in a group or a public channel), or None before the server has its model."""
        from rasa.shared.core.trackers import DialogueStateTracker

        server = getattr(self, "_server", {}).get("app")
        agent = getattr(server.ctx, "agent", None) if server else None
        if agent is None or agent.processor is None:
            return None
        tracker = DialogueStateTracker(f"{channel}-notice", agent.domain.slots)
        message = await agent.processor.nlg.generate(name, tracker, channel)
        return (message or {}).get("text") or None

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
