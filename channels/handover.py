"""While clinic staff hold a conversation, danger signs still get their advice at once.

Taking over pauses the conversation (Rasa's ConversationPaused: the reception page,
web/reception/takeover.py), and Rasa then predicts nothing after a message. It still reads
each message into slots (`action_extract_findings`), which sets `care_due` when the message
makes the care urgent or an emergency; but Rasa keeps only slot events from that reading, so
the advice itself cannot be said there. The channels that reach a person by themselves (the
widget and the messaging platforms) call `care_while_taken_over` after each message: when the
conversation is paused and care is due, it runs `action_care_while_taken_over` under the
conversation's lock, on the message's own output channel, through Rasa's Agent.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

CARE_DUE_SLOT = "care_due"  # actions/forms.py sets it; domain/handover.yml
CARE_ACTION = "action_care_while_taken_over"  # actions/handover.py


async def care_while_taken_over(server: Optional[Any], message: UserMessage) -> bool:
    """After `message` was handled: the care advice, if staff hold the conversation and the
    message made it due. Whether staff hold it (the assistant says nothing else then)."""
    agent = getattr(getattr(server, "ctx", None), "agent", None)
    if agent is None or agent.tracker_store is None or agent.processor is None:
        return False
    tracker = await agent.tracker_store.retrieve(message.sender_id)
    if tracker is None or not tracker.is_paused():
        return False
    if tracker.get_slot(CARE_DUE_SLOT):
        async with agent.lock_store.lock(message.sender_id):
            await agent.execute_action(message.sender_id, CARE_ACTION, message.output_channel, None, None)
    return True
