"""Clinical core: findings -> urgency, likelihood, differentials, reasons and advice.

Plain Python with its medicine in `knowledge/*.yml`; no Rasa import below this package.
"""
from .engine import ENGINE_VERSION, Engine, assess
from .findings import FindingsError, validate_findings
from .knowledge import Knowledge, KnowledgeError, knowledge_version, load_knowledge

__all__ = [
    "ENGINE_VERSION", "Engine", "assess", "FindingsError", "validate_findings", "Knowledge", "KnowledgeError",
    "knowledge_version", "load_knowledge",
]
