#!/usr/bin/env bash
# Runs one build step and says what it is doing, how long it usually takes, and how long it took,
# so that a first `make run` never leaves anyone staring at a silent terminal.
#   scripts/step.sh "Training the model" "about 2 minutes" command [arguments ...]
set -euo pipefail
label=$1 expected=$2
shift 2
echo "==> $label (usually $expected) ..."
start=$SECONDS
"$@"
elapsed=$((SECONDS - start))
printf '==> %s: done in %dm%02ds\n' "$label" $((elapsed / 60)) $((elapsed % 60))
