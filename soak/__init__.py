"""`make soak`: the assistant under faults, attacks and load, against real servers on this
machine (see soak/__main__.py). It reuses the test harness's server starter, simulated patients and
hostile inputs (harness/), and the benchmark's scripted patients (bench/)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
