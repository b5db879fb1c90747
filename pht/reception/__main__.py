"""`python -m pht.reception`: the staff CLI (pht/reception/cli.py)."""
import sys

from .cli import main

if __name__ == "__main__":  # the action server imports every module of `actions`
    sys.exit(main())
