"""The PHT pre-screen's action server package.

`triage` and `language` are plain Python (no Rasa import); the other modules adapt them
to the Rasa SDK.
"""
