"""The PHT pre-screen assistant's application: plain Python, no Rasa import.

- `triage/`     findings -> urgency, likelihood, reasons, advice (rules as YAML, cited)
- `language/`   free text -> findings (assertion-aware reader, numbers, corrections, distress)
- `records/`    pre-screen records and follow-ups: SQLAlchemy + Alembic, the only code that
                knows the database; the FHIR mapping
- `followups/`  the worker that sends due check-ins through the Rasa server, each once
- `reception/`  the staff CLI (`python -m pht.reception`) and what the reception page uses
- `settings.py` every environment variable, typed, read once
- `rasa_data.py` the training data and FAQ responses derived from the knowledge base

The Rasa SDK adapter (`actions/`) and the Rasa server's extensions (`rasa_server/`) import
from here; nothing here imports them.
"""
