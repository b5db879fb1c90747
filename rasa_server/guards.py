"""Guards around each message the Rasa server handles: nothing lost, nothing forged, nothing
too long. Each is a patch of Rasa 3.6, installed by `rasa_server.patches.apply()` and listed
in its `PATCHES` with the Rasa code it wraps, why, and the test that shows Rasa still needs it.

- A turn is all or nothing (`MessageProcessor.handle_message`). Rasa sends each reply as soon
  as an action gives it and, when the action server is down or slow, logs the error and goes
  on without that action's events, so the person got silence or half a turn, and the
  half-done turn was saved. Here the replies of a turn are held back until the turn is saved;
  when an action call fails (no answer, an error, no answer within
  `action_timeout_seconds`) or the conversation store cannot be read or written, nothing of
  the turn is saved, the held replies are dropped and the person gets the calm
  `utter_try_again_later`. Their answers so far are in the store, so the same message sent
  again, once the server or the database is back, carries on at the question it was on.
- No silent fallback to memory (`FailSafeTrackerStore`). When the conversation store failed,
  Rasa read the conversation as new (the person was welcomed again and, once the store was
  back, their answers were behind a new session) and saved the turn in the server's memory,
  lost at the next restart; it also logged the failed SQL with the message in it. Here a
  store error fails the turn whole (above), and it is logged without the conversation.
- The HTTP API answers 503 ("try again") while the conversation store is unavailable,
  instead of an internal error with the failed SQL (`rasa.core.run.configure_app`).
- Action calls time out after `action_timeout_seconds` (Rasa waits five minutes:
  `rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT`).
- Messages longer than `max_message_chars` are not read: the person gets
  `utter_message_too_long` and the message is neither parsed nor stored.
- Intent payloads typed by a person (`MessageProcessor._parse_message_with_graph`). Rasa
  takes any message written `/intent{"slot": value}` as that intent with those entities, on
  every channel, so a person could type `/restart`, `/session_start` or
  `/inform{"red_flags": []}`. Only the payloads the assistant itself offers are taken as
  intents: those of the domain's buttons that its latest message showed (`/affirm` and `/deny`
  after "Shall we start?", never at a safety question) and the widget's opening `/greet`,
  exactly as written. (A button an action sends with a payload that is not in the domain
  would not be taken: add it to a response there.) Three
  commands people type on messaging platforms mean what they say: `/start` (what Telegram
  sends when a person opens the bot) is a greeting, `/stop` is "stop", and `/restart` is
  "start again" (the answers are cleared and the questions, danger signs included, begin
  again from the first, as when the person says so). Anything else beginning with `/` is read
  as a message the assistant did not understand, with no entities: the form asks its
  question again (not counted as an unusable answer), outside it the person is told how to
  go on. Wording about suicide or self-harm in it is still distress (`distress.py`).
- Floods (`rasa_server/rate_limit.py`): a conversation that has sent more than
  `max_messages_per_conversation` messages in the window gets `utter_slow_down`, and the
  message is neither parsed nor stored, on every channel.
- Request bodies (`rasa.core.run.configure_app`): the server reads at most
  `max_request_bytes` of a request (Sanic's REQUEST_MAX_SIZE, 100 MB by default); a longer
  one gets 413, refused by its Content-Length before it is read, or once that much of it has
  come. (The REST channel's own checks, its token and its sender ids are in channels/rest.py,
  a subclass of Rasa's channel.)
"""
from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

import rasa.core.actions.action as rasa_actions
import rasa.core.run as rasa_run
import sqlalchemy.exc
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME, INTENT_MESSAGE_PREFIX
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from pht.settings import load_settings

from .distress import distress_ranking
from .rate_limit import limits
from .upstream import replace

logger = logging.getLogger(__name__)

TRY_AGAIN = "utter_try_again_later"
TOO_LONG = "utter_message_too_long"
SLOW_DOWN = "utter_slow_down"
# The widget's own opening message (web/widget/chat.js, `startMessage`)
WIDGET_OPENING = "/greet"
# Commands people type on messaging platforms, and what they mean here
USER_COMMANDS = {"/start": "greet", "/stop": "stop", "/restart": "start_over"}


@dataclass
class Turn:
    """One message being handled: why it failed, if it did."""

    failure: Optional[str] = None


class TurnFailed(Exception):
    """An action call or the conversation store failed: the turn must not go on."""


_turn: ContextVar[Optional[Turn]] = ContextVar("pht_turn", default=None)


class HeldOutput(OutputChannel):
    """The channel of a turn in progress: replies are kept until the turn is saved."""

    def __init__(self, channel: OutputChannel) -> None:
        self.channel = channel
        self.held: List[Tuple[str, Dict[str, Any]]] = []

    def name(self) -> str:  # type: ignore[override]  (the channel's name picks channel-specific responses)
        return self.channel.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.held.append((recipient_id, message))

    async def release(self) -> None:
        for recipient_id, message in self.held:
            await self.channel.send_response(recipient_id, message)


def own_payloads(domain: Domain) -> FrozenSet[str]:
    """Every intent payload the assistant's buttons in the domain send."""
    payloads = set()
    for variations in domain.responses.values():
        for variation in variations:
            for button in variation.get("buttons") or []:
                payload = str(button.get("payload", ""))
                if payload.startswith(INTENT_MESSAGE_PREFIX):
                    payloads.add(payload)
    return frozenset(payloads)


def offered_payloads(tracker: Optional[DialogueStateTracker]) -> Optional[FrozenSet[str]]:
    """The payloads of the buttons in the assistant's messages since the person last wrote;
    None without a conversation (the HTTP API's `/model/parse`)."""
    if tracker is None:
        return None
    offered = set()
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            offered |= {str(button.get("payload", "")) for button in (event.data or {}).get("buttons") or []}
    return frozenset(offered)


def typed_payload_intent(text: Any, domain: Domain, offered: Optional[FrozenSet[str]] = None) -> Optional[str]:
    """For a message written like an intent payload that the assistant did not offer, the
    intent it is read as; None for any other message (Rasa parses it as usual). `offered`:
    the payloads of the latest message's buttons (None: any of the domain's buttons)."""
    if not isinstance(text, str):
        return None
    stripped = text.strip()
    if not stripped.startswith(INTENT_MESSAGE_PREFIX) or stripped == WIDGET_OPENING:
        return None
    if stripped in own_payloads(domain) and (offered is None or stripped in offered):
        return None
    return USER_COMMANDS.get(stripped.lower(), DEFAULT_NLU_FALLBACK_INTENT_NAME)


def describe(error: BaseException) -> str:
    """A log line's worth about what failed, without message contents."""
    if isinstance(error, TurnFailed):
        return str(error)
    if isinstance(error, asyncio.TimeoutError):
        return "no answer in time"
    if isinstance(error, sqlalchemy.exc.DBAPIError):  # the driver's first line: no SQL, no DETAIL with values
        return f"the conversation store is unavailable ({type(error.orig).__name__}: {_first_line(error.orig)})"
    return f"{type(error).__name__}: {_first_line(error)}"


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:200]


async def say(processor: MessageProcessor, channel: OutputChannel, sender_id: str, response: str, **values: Any) -> None:
    """Send one of the domain's responses outside the dialogue (nothing is stored)."""
    tracker = DialogueStateTracker(sender_id, processor.domain.slots)
    message = await processor.nlg.generate(response, tracker, channel.name(), **values)
    if message:
        await channel.send_response(sender_id, message)


def _collected(channel: OutputChannel) -> Optional[List[Dict[str, Any]]]:
    return channel.messages if isinstance(channel, CollectingOutputChannel) else None


def whole_turns() -> None:
    rasa_handle_message = MessageProcessor.handle_message
    rasa_save_tracker = MessageProcessor.save_tracker
    rasa_run_action = MessageProcessor._run_action
    rasa_remote_run = RemoteAction.run

    async def handle_message(self: MessageProcessor, message: UserMessage) -> Optional[List[Dict[str, Any]]]:
        channel = message.output_channel
        limit = int(load_settings()["max_message_chars"])
        if isinstance(message.text, str) and len(message.text) > limit:
            logger.warning("A message of %d characters was not read (the limit is %d); the person was asked to "
                           "send it in fewer words.", len(message.text), limit)
            await say(self, channel, message.sender_id, TOO_LONG, max_chars=f"{limit:,}")
            return _collected(channel)
        if not limits().message_allowed(message.sender_id):
            logger.warning("A message was not read: its conversation sent more than %d in %g seconds.",
                           limits().messages_per_conversation, limits().window_seconds)
            await say(self, channel, message.sender_id, SLOW_DOWN)
            return _collected(channel)
        held = HeldOutput(channel)
        turn = Turn()
        token = _turn.set(turn)
        message.output_channel = held
        try:
            await rasa_handle_message(self, message)
        except Exception as error:  # noqa: BLE001 (any failure: the person must get an answer)
            turn.failure = turn.failure or describe(error)
        finally:
            _turn.reset(token)
            message.output_channel = channel
        if turn.failure:
            logger.error("A message could not be handled, and nothing of it was stored: %s. The person was asked "
                         "to try again in a moment; their answers so far are kept.", turn.failure)
            await say(self, channel, message.sender_id, TRY_AGAIN)
        else:
            await held.release()
        return _collected(channel)

    async def save_tracker(self: MessageProcessor, tracker: DialogueStateTracker) -> None:
        turn = _turn.get()
        if turn is not None and turn.failure:
            return  # a failed turn is not stored: the conversation stays as it was before the message
        await rasa_save_tracker(self, tracker)

    async def run_action(self: MessageProcessor, *args: Any, **kwargs: Any) -> bool:
        turn = _turn.get()
        if turn is not None and turn.failure:
            raise TurnFailed(turn.failure)  # e.g. reading the message failed: no action runs on half a turn
        should_go_on = await rasa_run_action(self, *args, **kwargs)
        if turn is not None and turn.failure:
            raise TurnFailed(turn.failure)  # Rasa logged the failed call and would carry on without it
        return should_go_on

    async def remote_run(self: RemoteAction, *args: Any, **kwargs: Any) -> List[Any]:
        try:
            return await rasa_remote_run(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # a form rejecting a message: part of the dialogue, not a failure
        except Exception as error:
            turn = _turn.get()
            if turn is not None and not turn.failure:
                turn.failure = f"the action server did not run {self.name()} ({describe(error)})"
            raise

    replace(MessageProcessor, "handle_message", handle_message)
    replace(MessageProcessor, "save_tracker", save_tracker)
    replace(MessageProcessor, "_run_action", run_action)
    replace(RemoteAction, "run", remote_run)


def no_silent_fallback_store() -> None:
    async def retrieve(self: FailSafeTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self: FailSafeTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
        await self._tracker_store.save(tracker)

    async def keys(self: FailSafeTrackerStore) -> Any:
        return await self._tracker_store.keys()

    replace(FailSafeTrackerStore, "retrieve", retrieve)
    replace(FailSafeTrackerStore, "retrieve_full_tracker", retrieve_full_tracker)
    replace(FailSafeTrackerStore, "save", save)
    replace(FailSafeTrackerStore, "keys", keys)


def store_unavailable_is_503() -> None:
    rasa_configure_app = rasa_run.configure_app

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = rasa_configure_app(*args, **kwargs)
        app.config.REQUEST_MAX_SIZE = int(load_settings()["max_request_bytes"])

        @app.exception(sqlalchemy.exc.DBAPIError)
        async def store_unavailable(request: Request, error: Exception) -> HTTPResponse:
            logger.error("%s %s: %s", request.method, request.path, describe(error))
            return response.json({"error": "The conversation store is unavailable; try again in a moment."},
                                 status=503, headers={"Retry-After": "5"})

        return app

    replace(rasa_run, "configure_app", configure_app)


def time_out_action_calls() -> None:
    replace(rasa_actions, "DEFAULT_REQUEST_TIMEOUT", float(load_settings()["action_timeout_seconds"]))


def read_typed_payloads_as_words() -> None:
    rasa_parse_with_graph = MessageProcessor._parse_message_with_graph

    def parse_message_with_graph(self: MessageProcessor, message: UserMessage, tracker: Optional[DialogueStateTracker],
                                 *args: Any, **kwargs: Any) -> Dict[str, Any]:
        intent = typed_payload_intent(message.text, self.domain, offered_payloads(tracker))
        if intent is None:
            return rasa_parse_with_graph(self, message, tracker, *args, **kwargs)
        ranking = distress_ranking(message.text, [{"name": intent, "confidence": 1.0}])  # still heard
        logger.info("A typed intent payload was read as the intent %r, without entities.", ranking[0]["name"])
        return {"text": message.text, "intent": ranking[0], "intent_ranking": ranking, "entities": []}

    replace(MessageProcessor, "_parse_message_with_graph", parse_message_with_graph)
