"""`python -m analytics [--queue pht-outcomes] [--idle-exit SECONDS]`: count the outcomes
arriving on RabbitMQ (RABBITMQ_URL); `python -m analytics report`: print the counts."""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import logging
import sys
from typing import Optional

from pht.settings import settings

from .counts import OutcomeCounts

logger = logging.getLogger("analytics")
OUTCOME_EVENT = "pht_outcome"  # rasa_server/event_broker.py


def count(counts: OutcomeCounts, body: bytes) -> bool:
    """Count one message if it is an outcome; anything else is ignored (and said so)."""
    try:
        message = json.loads(body)
        if message.get("event") != OUTCOME_EVENT:
            raise ValueError(f"not an outcome: {message.get('event')}")
        counts.add(datetime.date.fromisoformat(message["day"]), str(message["urgency"]), str(message["likelihood"]))
        return True
    except (ValueError, KeyError, TypeError) as error:
        logger.warning("ignored a message: %s", error)
        return False


async def consume(url: str, queue_name: str, counts: OutcomeCounts, idle_exit: Optional[float] = None) -> int:
    """Count messages until stopped, or until none came for `idle_exit` seconds; how many
    were counted. A message is acknowledged after its count is stored: a crash in between
    counts it twice, never loses it."""
    import aio_pika

    counted = 0
    connection = await aio_pika.connect_robust(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True)
        async with queue.iterator() as messages:
            while True:
                try:
                    message = await asyncio.wait_for(messages.__anext__(), idle_exit) if idle_exit else \
                        await messages.__anext__()
                except asyncio.TimeoutError:
                    return counted
                async with message.process():
                    counted += count(counts, message.body)


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", choices=["consume", "report"], default="consume")
    parser.add_argument("--queue", default=settings().analytics_queue)
    parser.add_argument("--idle-exit", type=float, default=None, help="stop after this many quiet seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    counts = OutcomeCounts()
    if args.command == "report":
        for (day, urgency, likelihood), number in counts.all().items():
            print(f"{day}  {urgency:<10} {likelihood:<10} {number}")
        return 0
    url = settings().rabbitmq_url
    if not url:
        print("RABBITMQ_URL is not set: nothing to consume", file=sys.stderr)
        return 2
    counted = asyncio.run(consume(url, args.queue, counts, args.idle_exit))
    logger.info("counted %d outcomes", counted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
