"""Every channel's configuration, from the settings (pht/settings.py reads and documents every
variable, the platforms' among them).

The website widget is always on. A messaging platform is on when all its required
variables are set, and off (with a note saying which are missing) otherwise; the server
starts either way. `*_API_URL` variables point a platform's client elsewhere than the real
API: the tests use them for local fakes of the platforms.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

from pht.settings import settings_from


@dataclass(frozen=True)
class Web:
    """The demo page and the widget's connection to the Rasa server."""

    port: int
    rasa_url: str  # where the page's widget connects (the Rasa server, as the browser sees it)
    allowed_origins: Tuple[str, ...]  # pages allowed to open the socket.io connection


def web(env: Optional[Mapping[str, str]] = None) -> Web:
    """The process's (pht.settings), or those of `env` when given."""
    config = settings_from(env)
    port = config.web_port
    local_page = (f"http://localhost:{port}", f"http://127.0.0.1:{port}")
    origins = tuple((config.chat_allowed_origins or "").replace(",", " ").split()) or local_page
    return Web(port=port, rasa_url=config.chat_server_url.rstrip("/"), allowed_origins=origins)


@dataclass(frozen=True)
class Platform:
    """A messaging platform: its connector class and the variables that fill its credentials."""

    name: str
    connector: str  # the class Rasa loads, named in the credentials file
    required: Dict[str, str]  # credentials key -> environment variable
    optional: Dict[str, str] = field(default_factory=dict)

    def missing(self, env: Optional[Mapping[str, str]] = None) -> List[str]:
        env = settings_from(env).environment()
        return [variable for variable in self.required.values() if not env.get(variable)]

    def credentials(self, env: Optional[Mapping[str, str]] = None) -> Optional[Dict[str, str]]:
        """The connector's credentials, or None when a required variable is not set (the
        variables are looked up by name in what pht.settings read, or in `env` when given)."""
        env = settings_from(env).environment()
        if self.missing(env):
            return None
        values = {key: env[variable] for key, variable in self.required.items()}
        values.update({key: env[variable] for key, variable in self.optional.items() if env.get(variable)})
        return values


PLATFORMS = (
    Platform("Telegram", "channels.telegram.TelegramInput",
             {"access_token": "TELEGRAM_BOT_TOKEN", "webhook_url": "TELEGRAM_WEBHOOK_URL"},
             {"secret_token": "TELEGRAM_SECRET_TOKEN", "api_url": "TELEGRAM_API_URL"}),
    Platform("Twilio (WhatsApp and SMS)", "channels.twilio.TwilioInput",
             {"account_sid": "TWILIO_ACCOUNT_SID", "auth_token": "TWILIO_AUTH_TOKEN",
              "webhook_url": "TWILIO_WEBHOOK_URL"},
             {"max_length": "TWILIO_MAX_LENGTH", "api_url": "TWILIO_API_URL",
              "whatsapp_from": "TWILIO_WHATSAPP_FROM", "sms_from": "TWILIO_SMS_FROM",
              "check_in_content_sid": "TWILIO_CHECK_IN_CONTENT_SID"}),
    Platform("Facebook Messenger", "channels.messenger.MessengerInput",
             {"verify": "FACEBOOK_VERIFY_TOKEN", "secret": "FACEBOOK_APP_SECRET",
              "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN"},
             {"api_url": "FACEBOOK_API_URL"}),
    Platform("Slack", "channels.slack.SlackInput",
             {"slack_token": "SLACK_BOT_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"},
             {"api_url": "SLACK_API_URL"}),
)


REST_CALLER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MIN_REST_TOKEN_CHARS = 16
DEFAULT_REST_CALLER = "default"  # the caller of REST_CHANNEL_TOKEN


def rest_callers(env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The REST channel's trusted callers, name -> token: `REST_CHANNEL_TOKENS` (comma-separated
    `caller:token` pairs) and `REST_CHANNEL_TOKEN` (one token, the caller "default"). None
    set: no caller, and the channel refuses every message. A malformed value stops the server
    with a message saying what is wrong, rather than start with a channel nobody can use."""
    config = settings_from(env)
    pairs = [pair.strip() for pair in (config.rest_channel_tokens or "").split(",") if pair.strip()]
    if (config.rest_channel_token or "").strip():
        pairs.append(f"{DEFAULT_REST_CALLER}:{(config.rest_channel_token or '').strip()}")
    callers: Dict[str, str] = {}
    for pair in pairs:
        name, _, token = pair.partition(":")
        if not REST_CALLER_NAME.match(name) or name in callers:
            raise ValueError("REST_CHANNEL_TOKENS: each caller needs its own name of letters, digits, '-' or '_', "
                             "written name:token")
        if len(token) < MIN_REST_TOKEN_CHARS or any(char.isspace() for char in token):
            raise ValueError(f"REST_CHANNEL_TOKENS/REST_CHANNEL_TOKEN: the token of {name!r} must be at least "
                             f"{MIN_REST_TOKEN_CHARS} characters, without spaces")
        callers[name] = token
    return callers


def telegram_secret_token(access_token: str, configured: Optional[str] = None) -> str:
    """The secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token with every update.

    TELEGRAM_SECRET_TOKEN when set; otherwise derived from the bot token, so it is secret,
    the same after a restart, and needs no configuration.
    """
    if configured:
        return configured
    return hmac.new(access_token.encode(), b"pht-telegram-webhook", hashlib.sha256).hexdigest()


if __name__ == "__main__":  # `python -m channels.settings`: the allowed origins, for `rasa run --cors`
    print(" ".join(web().allowed_origins))
