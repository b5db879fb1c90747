"""Slack, with Rasa's signing-secret check answering unsigned calls with 403 (Rasa: 400).

Slack shows at most 5 buttons in a message: more become a numbered list. A section of a
message holds at most 3,000 characters, so texts are split within that.

Credentials (channels/settings.py): slack_token, slack_signing_secret, api_url (optional,
Slack's Web API address, for a local fake).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.slack import SlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from .platform import Button, LimitedOutput, MessageHandler, SignedWebhooks


class SlackOutput(LimitedOutput, SlackBot):
    text_limit = 3000
    max_buttons = 5

    def __init__(self, token: str, slack_channel: Optional[str] = None, thread_id: Optional[str] = None,
                 proxy: Optional[str] = None, api_url: Optional[str] = None) -> None:
        SlackBot.__init__(self, token, slack_channel, thread_id, proxy)
        if api_url:
            self.client = AsyncWebClient(token, proxy=proxy, base_url=api_url.rstrip("/") + "/")

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self._post_message(channel=self.slack_channel or recipient_id, as_user=True, text=text, type="mrkdwn")

    async def send_part_with_buttons(self, recipient_id: str, text: str, buttons: Sequence[Button]) -> None:
        blocks = [
            {"type": "section", "text": {"type": "plain_text", "text": text}},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": button["title"]}, "value": button["payload"]}
                for button in buttons]},
        ]
        await self._post_message(channel=self.slack_channel or recipient_id, as_user=True, text=text, blocks=blocks)


class SlackInput(SignedWebhooks, RasaSlackInput):
    """Slack's Events API and interactivity webhook at /webhooks/slack/webhook."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SlackInput)
        channel.api_url = (credentials or {}).get("api_url")
        return channel

    api_url: Optional[str] = None

    def is_signed(self, request: Request) -> bool:
        return self.is_request_from_slack_authentic(request)

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        return self.guard(super().blueprint(self.understanding_options(on_new_message)))

    def get_output_channel(self, channel: Optional[str] = None, thread_id: Optional[str] = None) -> OutputChannel:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)
