"""`rasa test nlu --cross-validation` with fixed folds.

Rasa 3.6 shuffles the folds with sklearn's StratifiedKFold(shuffle=True) and no seed, so
the folds (and the scores) change from run to run. Seeding numpy's global generator first
makes them repeatable; the classifiers already have their own `random_seed` in config.yml.
Usage: python scripts/cross_validate.py [extra `rasa test nlu` arguments]
"""
import random
import sys

import numpy

SEED = 4242


def main() -> None:
    random.seed(SEED)
    numpy.random.seed(SEED)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "test", "nlu", "--cross-validation", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
