"""The PHT pre-screen's Rasa SDK adapter: slots in, events out.

rasa-sdk imports every module of this package into the action server, so it holds only the
actions, forms, slot mapping and message rendering; the decisions are the application's
(`pht/`: triage, language, records).
"""
