"""A small process supervisor for `make run`: `python -m supervisor [options] PROCESS...`.

Starts the assistant's processes in order, each once the one before answers, restarts any
that stops with exponential back-off, and stops them all on Ctrl-C or SIGTERM. See
`supervisor/supervise.py`.
"""
