"""Behaviour knobs from settings.yml, overridable by environment variables."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

SETTINGS_FILE = Path(__file__).parent / "settings.yml"
CLINIC_ENV = {"name": "CLINIC_NAME", "phone": "CLINIC_PHONE", "booking_url": "CLINIC_BOOKING_URL"}


@lru_cache(maxsize=1)
def load_settings() -> Dict[str, Any]:
    settings = yaml.safe_load(SETTINGS_FILE.read_text())
    for key, variable in CLINIC_ENV.items():
        settings["clinic"][key] = os.environ.get(variable) or settings["clinic"][key]  # empty is unset (compose passes "")
    return settings
