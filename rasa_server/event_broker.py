"""Outcome counts for analytics: the Rasa server publishes, to RabbitMQ, only how each finished
pre-screen came out, never what anyone said.

Rasa's event broker would stream every event of every conversation (the person's own words,
their answers, the conversation's id) to the queue. `OutcomeEvents` is Rasa's RabbitMQ broker
that publishes one small message per outcome instead, and nothing else:

    {"event": "pht_outcome", "urgency": "soon", "likelihood": "high", "day": "2026-11-29"}

`endpoints.yml` names it; it is on when `RABBITMQ_URL` is set (`rasa_server/settings.py`).
`python -m analytics` counts the messages per day, urgency and likelihood.
"""
from __future__ import annotations

import datetime
from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional, Text
from urllib.parse import urlsplit

from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig

from .settings import ServerSettings

OUTCOME_EVENT = "pht_outcome"
OUTCOME_SLOT = "assessment"


def outcome_summary(event: Dict[Text, Any]) -> Optional[Dict[Text, Any]]:
    """What analytics may know of a Rasa event: for the outcome of a pre-screen (the
    `assessment` slot being set), its urgency, likelihood and day; for anything else, nothing."""
    if event.get("event") != "slot" or event.get("name") != OUTCOME_SLOT or not event.get("value"):
        return None
    outcome = event["value"]
    day = datetime.datetime.fromtimestamp(event.get("timestamp") or 0, datetime.timezone.utc).date()
    return {"event": OUTCOME_EVENT, "urgency": outcome.get("urgency"), "likelihood": outcome.get("likelihood"),
            "day": day.isoformat()}


class OutcomeEvents(PikaEventBroker):
    """Rasa's RabbitMQ broker, publishing outcome summaries only."""

    @classmethod
    async def from_endpoint_config(cls, broker_config: Optional[EndpointConfig],
                                   event_loop: Optional[AbstractEventLoop] = None) -> Optional["OutcomeEvents"]:
        """Connected to `RABBITMQ_URL`, with the queues and exchange `endpoints.yml` names;
        None (no broker) when `RABBITMQ_URL` is not set."""
        url = ServerSettings.from_env().rabbitmq_url
        if broker_config is None or not url:
            return None
        parts = urlsplit(url)
        broker = cls(url, username=parts.username or "guest", password=parts.password or "guest",
                     port=parts.port or 5672, event_loop=event_loop, **broker_config.kwargs)
        await broker.connect()
        return broker

    def publish(self, event: Dict[Text, Any], headers: Optional[Dict[Text, Text]] = None) -> None:
        summary = outcome_summary(event)
        if summary is not None:
            super().publish(summary, headers)
