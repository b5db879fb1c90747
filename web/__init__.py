"""The website widget and the demo clinic page; `python -m web` serves them (web/server.py)."""
