"""Rasa is extended where it invites it: each extension point is wired in the file Rasa reads,
checked with Rasa's own loaders. (What each does is tested with it: the REST channel refusing
an invalid body through the real server in tests/test_identity.py, the action server's secret
in tests/test_guards.py, distress in tests/test_distress.py; the patches that remain are in
rasa_server/patches.py.)"""
from pathlib import Path

from rasa.core.run import create_http_input_channels

from channels.rest import TrustedRestInput
from channels.socketio import WidgetInput

ROOT = Path(__file__).resolve().parent.parent


def test_credentials_yml_gives_rasa_our_rest_and_widget_channels():
    channels = {channel.name(): channel for channel in create_http_input_channels(None, str(ROOT / "credentials.yml"))}
    assert isinstance(channels["rest"], TrustedRestInput) and isinstance(channels["socketio"], WidgetInput)
