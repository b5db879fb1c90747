"""The reception web app: `python -m web.reception` (web/reception/app.py)."""
