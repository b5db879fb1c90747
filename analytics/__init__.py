"""Outcome counts: how many pre-screens ended at each urgency and likelihood, per day.

Fed by the Rasa server's outcome events over RabbitMQ (`rasa_server/event_broker.py`), which
carry no personal data: no words, no answers, no conversation id, only urgency, likelihood and
day. Kept in `DATABASE_URL` (else `var/analytics.db`), table `outcome_counts`.
  python -m analytics            consume the queue and count (RABBITMQ_URL)
  python -m analytics report     print the counts
"""
