"""Build, evaluation and operations scripts. The Python ones that import the project run as
modules from the repository root (`python -m scripts.evaluate_real`), so they need no `sys.path` edits."""
