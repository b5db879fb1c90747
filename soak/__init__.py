"""`make soak`: the assistant under faults, attacks and load, against real servers on this
machine (see soak/__main__.py). It reuses the tests' server starter, simulated patients and
hostile inputs (tests/), and the benchmark's scripted patients (bench/)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
