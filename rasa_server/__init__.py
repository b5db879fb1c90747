"""Code that runs inside the Rasa server process (the action server's code is in `actions/`).

`python -m rasa_server ARGS` is the `rasa` command with this project's fixes to Rasa 3.6
applied first (`patches.py`); `make run`, `make shell` and the tests start Rasa this way.
"""
