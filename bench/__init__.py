"""`make bench` (see bench/__main__.py). It reuses the tests' server starter and simulated
patients (tests/servers.py, tests/patients.py), so tests/ goes on the import path here, once."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
