"""Rasa channel classes for where people are: the website widget and messaging platforms.

- `socketio.WidgetInput`: Rasa's socket.io channel with its session-persistence bug fixed,
  allowed origins from configuration, and the conversation so far sent to a returning page.
- `telegram`, `twilio`, `messenger`, `slack`: the platforms' connectors with their webhooks
  authenticated by the platform's own mechanism (unsigned calls get 401/403 and change
  nothing), answer buttons that degrade to a numbered list, and long texts split within each
  platform's limit at paragraph boundaries. Each platform's sender ids carry its own prefix
  (`platform.py`), and each platform message is handled once on any replica (`once.py`).
- `settings`: every channel's configuration, read from environment variables in one place;
  `python -m channels.credentials OUT` writes Rasa's credentials file from it at start-up,
  with only the channels whose variables are set.
"""
