"""The follow-up worker: sends the check-ins that are due, each exactly once, through the
Rasa server (`python -m pht.followups`; `make follow-ups-due AT=...` runs one round as if it
were that time).

`worker.py` (the rounds), `rasa.py` (the `trigger_intent` call, and the intent and entity
names the Rasa side answers to), `timing.py` (the one clock, quiet hours, back-off),
`settings.py` (what it needs of pht/settings.py). The follow-ups themselves are rows in the
records database (pht/records/follow_ups.py). Plain Python: no Rasa import.
"""
