"""Clinical core: findings -> urgency, likelihood, differentials, reasons and advice.

Plain Python with its medicine in `knowledge/*.yml`; no Rasa import below this package.
"""
from .engine import Engine, assess
from .findings import FindingsError, validate_findings
from .knowledge import Knowledge, KnowledgeError, load_knowledge

__all__ = [
    "Engine", "assess", "FindingsError", "validate_findings", "Knowledge", "KnowledgeError",
    "load_knowledge",
]
