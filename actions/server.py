"""The action server: `python -m actions.server --actions actions [--port 5055]`.

The same server as `rasa run actions` (rasa-sdk's), started without loading Rasa itself, and
without TensorFlow: Rasa needs TensorFlow, so it is installed, and spaCy's thinc imports
whatever it finds, which would cost this process seconds at start-up and hundreds of MB of
memory for nothing (no action uses it). Hidden from this process, thinc falls back on NumPy.
"""
import sys

sys.modules.setdefault("tensorflow", None)  # `import tensorflow` now fails at once with ImportError

from rasa_sdk.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
