"""Telegram, with the webhook authenticated by Telegram's secret token.

Rasa's connector checks nothing on an incoming update (its `verify` compares the bot's own
name, fetched from Telegram on every message). Here the webhook is registered with a
`secret_token`, Telegram sends it back in `X-Telegram-Bot-Api-Secret-Token` with every
update, and an update without it gets 403. Buttons are Telegram's inline keyboard, one
option per row; texts are split within Telegram's 4,096 characters.

A conversation's sender id is `tg:<chat id>`; replies go to the chat id after the prefix.
Each update is handled once (`once.py`), by its `update_id` and, for a button press, its
callback query id: Telegram sends an update again until it gets 200, so every update that
passed the secret check is answered 200, handled or not. A button press is acknowledged to
Telegram (`answerCallbackQuery`, which stops the button's spinner); when that call fails (the
query is too old, Telegram is slow) the failure is logged and the press is handled anyway.
Only private chats hold a pre-screen: in a group or channel the bot was added to, a message
gets `utter_telegram_private_only` and nothing else (the Slack channel does the same with a
direct message, which a Telegram bot cannot start).

Credentials (channels/settings.py): access_token, webhook_url, secret_token (optional),
api_url (optional, for a local fake of the Bot API).
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Dict, Optional, Sequence

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.senders import prefix_of

from .platform import Button, LimitedOutput, MessageHandler, SignedWebhooks, address, prefixed
from .settings import telegram_secret_token

logger = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"
CALLBACK_DATA_LIMIT = 64  # bytes Telegram allows in a button's callback data
SENDER_PREFIX = prefix_of("telegram")
PRIVATE_ONLY = "utter_telegram_private_only"  # said in a group, where nothing else is


class BotApi:
    """The few Bot API methods used here, over one aiohttp session per event loop."""

    def __init__(self, token: str, api_url: str = TELEGRAM_API) -> None:
        self.base = f"{api_url.rstrip('/')}/bot{token}"
        self._session: Optional[aiohttp.ClientSession] = None

    async def call(self, method: str, **params: Any) -> Dict[str, Any]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        async with self._session.post(f"{self.base}/{method}", json=params) as reply:
            body = await reply.json(content_type=None)
        if not body.get("ok"):
            raise RuntimeError(f"Telegram {method} failed: {body.get('description')}")
        return body

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def callback_data(button: Button, number: int) -> str:
    """A button's payload, or its option number when the payload is too long for Telegram."""
    payload = str(button["payload"])
    return payload if len(payload.encode()) <= CALLBACK_DATA_LIMIT else str(number)


class TelegramOutput(LimitedOutput):
    text_limit = 4096
    max_buttons = 100  # one per row in an inline keyboard

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, api: BotApi) -> None:
        super().__init__()
        self.api = api

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self.api.call("sendMessage", chat_id=address(SENDER_PREFIX, recipient_id), text=text)

    async def send_part_with_buttons(self, recipient_id: str, text: str, buttons: Sequence[Button]) -> None:
        keyboard = [[{"text": button["title"], "callback_data": callback_data(button, number)}]
                    for number, button in enumerate(buttons, 1)]
        await self.api.call("sendMessage", chat_id=address(SENDER_PREFIX, recipient_id), text=text,
                            reply_markup={"inline_keyboard": keyboard})


class TelegramInput(SignedWebhooks, InputChannel):
    """Telegram's webhook at /webhooks/telegram/webhook."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials["access_token"], credentials["webhook_url"],
                   credentials.get("secret_token"), credentials.get("api_url") or TELEGRAM_API)

    def __init__(self, access_token: str, webhook_url: str, secret_token: Optional[str] = None,
                 api_url: str = TELEGRAM_API) -> None:
        self.webhook_url = webhook_url
        self.secret_token = telegram_secret_token(access_token, secret_token)
        self.api = BotApi(access_token, api_url)
        self.bot_id = access_token.split(":", 1)[0]  # update ids count per bot

    def is_signed(self, request: Request) -> bool:
        sent = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return hmac.compare_digest(sent.encode(), self.secret_token.encode())

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.api)

    async def register_webhook(self) -> None:
        """Tell Telegram where to send updates, and the secret to send with them."""
        try:
            await self.api.call("setWebhook", url=self.webhook_url, secret_token=self.secret_token,
                                allowed_updates=["message", "callback_query"])
            logger.info("Telegram webhook registered: %s", self.webhook_url)
        except (aiohttp.ClientError, RuntimeError, ValueError) as error:
            logger.error("Could not register the Telegram webhook (%s); Telegram will not reach this server "
                         "until it is registered. The other channels work.", error)

    async def acknowledge(self, query: Dict[str, Any]) -> None:
        """Tell Telegram the button press arrived; the press counts even when this fails."""
        try:
            await self.api.call("answerCallbackQuery", callback_query_id=query.get("id"))
        except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as error:
            logger.warning("Telegram did not take the acknowledgement of a button press (%s); the press is "
                           "handled anyway", error)

    async def say_private_only(self, chat_id: Any) -> None:
        """In a group or channel the bot was added to: that it talks only in a private chat."""
        text = await self.response_text(PRIVATE_ONLY, self.name())
        if not text:
            return
        try:
            await self.api.call("sendMessage", chat_id=chat_id, text=text)
        except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as error:
            logger.warning("Could not tell a Telegram group that the bot talks in private chats only (%s)", error)

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        telegram_webhook = self.guard(Blueprint("telegram_webhook", __name__))
        handle = self.understanding_options(on_new_message)

        @telegram_webhook.listener("after_server_start")
        async def register(_server: Any, _loop: Any) -> None:
            await self.register_webhook()

        @telegram_webhook.listener("before_server_stop")
        async def close(_server: Any, _loop: Any) -> None:
            await self.api.close()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            update = request.json if isinstance(request.json, dict) else {}
            if "update_id" not in update:
                return response.text("ignored")
            if not await self.first_time("telegram", self.bot_id, str(update["update_id"])):
                return response.text("success")
            if "callback_query" in update:  # a button was pressed
                query = update["callback_query"]
                if not await self.first_time("telegram", self.bot_id, f"callback:{query.get('id')}"):
                    return response.text("success")
                chat, text = query.get("message", {}).get("chat", {}), query.get("data")
                await self.acknowledge(query)
            else:
                incoming = update.get("message") or {}
                chat, text = incoming.get("chat", {}), incoming.get("text")
            if not text or "id" not in chat:
                return response.text("ignored")  # stickers, photos, joins: nothing to answer
            if chat.get("type", "private") != "private":
                await self.say_private_only(chat["id"])  # never a pre-screen in front of a group
                return response.text("success")
            try:
                await handle(UserMessage(text, self.get_output_channel(), prefixed(SENDER_PREFIX, str(chat["id"])),
                                         input_channel=self.name(), metadata=self.get_metadata(request)))
            except Exception:  # noqa: BLE001 (an error answer would make Telegram send the update again)
                logger.exception("Could not handle a Telegram update")
            return response.text("success")

        return telegram_webhook
