"""Clinical core: findings -> urgency, likelihood, differentials, reasons and advice; and the
follow-up check-ins (answers -> the next step of the load plan).

Plain Python with its medicine in `knowledge/*.yml`; no Rasa import below this package.
"""
from .checkin_knowledge import load_checkins
from .checkins import CheckinAnswers, CheckinDecision, decide, ends_after, schedule
from .engine import ENGINE_VERSION, Engine, assess
from .findings import FindingsError, validate_findings
from .knowledge import Knowledge, KnowledgeError, knowledge_version, load_knowledge

__all__ = [
    "ENGINE_VERSION", "Engine", "assess", "FindingsError", "validate_findings", "Knowledge", "KnowledgeError",
    "knowledge_version", "load_knowledge", "load_checkins", "CheckinAnswers", "CheckinDecision", "decide",
    "ends_after", "schedule",
]
