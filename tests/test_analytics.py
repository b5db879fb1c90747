"""Outcome counts for analytics (rasa_server/event_broker.py, analytics/): only urgency,
likelihood and day leave the Rasa server, through a real RabbitMQ, and are counted in a real
PostgreSQL."""
import asyncio
import datetime
import json

import aio_pika
import pytest
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from analytics.__main__ import consume
from analytics.counts import OutcomeCounts
from rasa_server.event_broker import OutcomeEvents, outcome_summary
from rasa_server.tracker_store import ConversationStore
from services import RABBITMQ_URL

OUTCOME = {"urgency": "soon", "likelihood": "high", "findings": {"age": 41, "pain_location": "sit_bone"},
           "reasons": ["..."]}
NOON = datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.timezone.utc).timestamp()


def test_only_an_outcome_becomes_a_summary_and_it_holds_no_words_answers_or_ids():
    assert outcome_summary(SlotSet("assessment", OUTCOME, timestamp=NOON).as_dict()) == {
        "event": "pht_outcome", "urgency": "soon", "likelihood": "high", "day": "2026-03-05"}
    assert outcome_summary(UserUttered("I'm Jane, 41, my sit bone hurts").as_dict()) is None
    assert outcome_summary(SlotSet("age", 41).as_dict()) is None
    assert outcome_summary(SlotSet("assessment", None).as_dict()) is None  # "start again"


def test_without_rabbitmq_url_there_is_no_broker(monkeypatch):
    monkeypatch.delenv("RABBITMQ_URL", raising=False)
    config = EndpointConfig(type="rasa_server.event_broker.OutcomeEvents", queues=["q"])
    assert asyncio.run(OutcomeEvents.from_endpoint_config(config)) is None


@pytest.mark.services
def test_a_saved_outcome_is_counted_and_nothing_personal_reaches_the_queue(monkeypatch, tmp_path, rabbitmq, database):
    monkeypatch.setenv("RABBITMQ_URL", RABBITMQ_URL)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    counted_queue, seen_queue = f"{rabbitmq}-counts", f"{rabbitmq}-seen"
    config = EndpointConfig(type="rasa_server.event_broker.OutcomeEvents", exchange_name=rabbitmq,
                            queues=[counted_queue, seen_queue])
    conversation = [UserUttered("I'm Jane Smith, 41, my sit bone hurts"), SlotSet("age", 41),
                    SlotSet("assessment", OUTCOME, timestamp=NOON)]

    async def publish_then_count():
        broker = await OutcomeEvents.from_endpoint_config(config)
        store = ConversationStore(dialect="sqlite", db=str(tmp_path / "tracker.db"), event_broker=broker)
        await store.save(DialogueStateTracker.from_events("jane-smith", conversation))
        await asyncio.gather(*list(broker._background_tasks))  # published
        await broker.close()
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            queue = await (await connection.channel()).declare_queue(seen_queue, durable=True)
            seen = []
            while (message := await queue.get(fail=False)) is not None:
                seen.append(message.body)
                await message.ack()
        counted = await consume(RABBITMQ_URL, counted_queue, OutcomeCounts(database.url), idle_exit=2)
        return seen, counted

    seen, counted = asyncio.run(asyncio.wait_for(publish_then_count(), 60))
    assert [json.loads(body) for body in seen] == [
        {"event": "pht_outcome", "urgency": "soon", "likelihood": "high", "day": "2026-03-05"}]
    assert not any(word in seen[0] for word in (b"Jane", b"jane-smith", b"41", b"sit_bone"))
    assert counted == 1
    assert OutcomeCounts(database.url).all() == {(datetime.date(2026, 3, 5), "soon", "high"): 1}
