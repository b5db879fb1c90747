"""`make bench` (see bench/__main__.py). It reuses the test harness's server starter and
simulated patients (harness/servers.py, harness/patients.py)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
