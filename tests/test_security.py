"""Secrets and dependencies: every variable the code reads is documented in .env.example,
.env is never committed, and no pinned dependency has a known vulnerability that
security/accepted.yml does not accept with a reason (security/audit.py, offline)."""
import re
import subprocess
from pathlib import Path

from pht.settings import Settings
from security import audit

ROOT = Path(__file__).resolve().parent.parent
CODE = [path for folder in ("actions", "pht", "analytics", "channels", "rasa_server", "supervisor", "web") for path in (ROOT / folder).rglob("*.py")]
SHELL = [ROOT / "scripts" / "run.sh"]
TEST_ONLY = {"TELEGRAM_API_URL", "TWILIO_API_URL", "FACEBOOK_API_URL", "SLACK_API_URL"}  # listed, commented out
SET_BY_THE_SCRIPTS = {"RASA_TELEMETRY_ENABLED", "SQLALCHEMY_SILENCE_UBER_WARNING", "TF_CPP_MIN_LOG_LEVEL"}
NOT_VARIABLES = {"DEFAULT_REQUEST_TIMEOUT"}  # upper-case strings there that are not environment variables


def variables_read() -> set:
    """The settings module's variables, upper-case names in quotes in every module that looks
    variables up by name, and the variables scripts/run.sh gives defaults: what the assistant
    can be configured with."""
    names = {Settings.variable(name) for name in Settings.__fields__}
    for path in CODE:
        text = path.read_text()
        if "environ" in text or "env.get" in text or "env[" in text:
            names |= set(re.findall(r"""["']([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)["']""", text))
    for path in SHELL:
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", path.read_text()))
    return names - SET_BY_THE_SCRIPTS - NOT_VARIABLES


def test_every_variable_the_code_reads_is_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    documented |= set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text()))
    read = variables_read()
    assert {"RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "CHAT_ALLOWED_ORIGINS", "TELEGRAM_BOT_TOKEN", "CLINIC_NAME",
            "MAX_MESSAGE_CHARS"} <= read
    assert read - documented == set()


def test_env_files_are_never_committed():
    ignored = subprocess.run(["git", "check-ignore", ".env", ".env.production"], cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == [".env", ".env.production"]
    assert subprocess.run(["git", "check-ignore", "-q", ".env.example"], cwd=ROOT).returncode == 1


def test_the_configuration_files_hold_no_secrets():
    for name in ("credentials.yml", "endpoints.yml", "pht/settings.yml"):
        text = (ROOT / name).read_text()
        assert not re.search(r"(token|secret|password)\s*:\s*['\"]?[A-Za-z0-9_\-]{8,}", text, re.IGNORECASE), name


def test_no_pinned_dependency_has_an_unaccepted_known_vulnerability():
    data = audit.json.loads(audit.ADVISORIES.read_text())
    open_, _ = audit.report(audit.findings(audit.pins(), data["advisories"]), audit.accepted())
    assert open_ == []


def test_the_audit_finds_a_version_inside_a_known_range_and_not_outside_it():
    advisory = {"id": "PYSEC-TEST-1", "aliases": ["CVE-TEST-1"], "affected": [{"package": {"name": "aiohttp"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "3.0"}, {"fixed": "3.8.6"}]}]}]}
    found = audit.findings({"aiohttp": "3.8.5", "other": "1.0"}, {"aiohttp": [advisory]})
    assert [(package, version) for package, version, _ in found] == [("aiohttp", "3.8.5")]
    assert audit.findings({"aiohttp": "3.8.6"}, {"aiohttp": [advisory]}) == []
    assert audit.findings({"aiohttp": "2.9"}, {"aiohttp": [advisory]}) == []
    open_, kept = audit.report(found, {"CVE-TEST-1": {"package": "aiohttp", "why": "only the client is used"}})
    assert open_ == [] and "only the client is used" in kept[0]


def test_every_accepted_finding_says_why():
    for key, entry in audit.accepted().items():
        assert entry["why"].strip() and entry["package"], key


def test_security_md_covers_threats_data_and_reporting():
    text = (ROOT / "SECURITY.md").read_text()
    for heading in ("## Threat model", "## Personal data", "## Reporting a problem", "## Dependencies"):
        assert heading in text
