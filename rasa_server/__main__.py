"""`python -m rasa_server run ...`: the `rasa` command, with `patches.apply()` first."""
import sys

from .patches import apply

apply()

from rasa.__main__ import main  # noqa: E402  (after the patches, so everything Rasa loads sees them)

if __name__ == "__main__":
    sys.exit(main())
