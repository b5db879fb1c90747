#!/usr/bin/env bash
# Prints the path of a Python 3.8-3.10 interpreter (what Rasa 3.6 supports), or fails.
# Looks at $PYTHON, then python3.10/3.9/3.8 on PATH, then pyenv's installed versions.
set -euo pipefail

suitable() {
  "$1" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 10) else 1)' 2>/dev/null
}

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for version in 3.10 3.9 3.8; do
  command -v "python$version" >/dev/null 2>&1 && candidates+=("$(command -v "python$version")")
done
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
if command -v pyenv >/dev/null 2>&1; then
  pyenv_root="$(pyenv root)"
fi
for version in 3.10 3.9 3.8; do
  for dir in $(ls -d "$pyenv_root"/versions/"$version".* 2>/dev/null | sort -t. -k3 -n -r); do
    candidates+=("$dir/bin/python")
  done
done

for candidate in "${candidates[@]}"; do
  if [ -x "$candidate" ] && suitable "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done
echo "No Python 3.8-3.10 found. Install one (e.g. 'pyenv install 3.10') or set PYTHON=/path/to/python3.10." >&2
exit 1
