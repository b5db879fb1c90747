"""Pre-screen records and follow-up check-ins: the only code that knows the records database.

SQLAlchemy models (`models.py`), the repository (`repository.py`: add, find, list, delete;
`follow_ups.py`: the follow-ups and their check-ins, `Records.follow_ups`),
reference codes (`references.py`), the FHIR mapping (`fhir.py`, with the Questionnaire in
`questionnaire.json`), Alembic migrations (`migrations/`) and the configuration
(`settings.py`). Plain Python: no Rasa import.
"""
from .follow_ups import CheckInRecord, DueMessage, FollowUpRecord, FollowUps, NewFollowUp
from .references import new_reference, normalise_reference
from .repository import NewPrescreen, Record, Records
from .settings import Settings, settings

__all__ = ["CheckInRecord", "DueMessage", "FollowUpRecord", "FollowUps", "NewFollowUp", "NewPrescreen", "Record",
           "Records", "Settings", "new_reference", "normalise_reference", "settings"]
