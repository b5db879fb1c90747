"""`python -m supervisor`: see supervisor/supervise.py."""
import sys

from .supervise import main

sys.exit(main())
