#!/usr/bin/env bash
# Starts the assistant in the foreground: the action server, the Rasa server with the REST and
# socket.io channels, the messaging platforms configured in the environment and the HTTP API
# (token-protected), and the demo clinic page with the chat widget. Ctrl-C stops them all.
#   scripts/run.sh          serve on :5005 (Rasa), :5055 (actions) and :8080 (the page, WEB_PORT)
#   scripts/run.sh shell    chat in this terminal instead
set -euo pipefail
cd "$(dirname "$0")/.."

# Each server is started by scripts/serve.sh, the same command each container runs
# (docker/Dockerfile); Rasa runs with the project's fixes to Rasa 3.6 (rasa_server/patches.py).
SERVE=(bash scripts/serve.sh)
MODEL=models/pht.tar.gz
export RASA_PORT=${RASA_PORT:-5005} ACTION_PORT=${ACTION_PORT:-5055}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:$ACTION_PORT/webhook}
export CHAT_SERVER_URL=${CHAT_SERVER_URL:-http://localhost:$RASA_PORT}  # where the page's widget connects
export WEB_PORT=${WEB_PORT:-8080}  # the demo page; the widget's default allowed origin
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
mkdir -p var  # the SQLite tracker store lives here (git-ignored): conversations survive restarts

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

wait_for() {  # url, name, pid
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then echo "The $2 stopped while starting; see the messages above." >&2; exit 1; fi
    sleep 1
  done
  echo "The $2 did not start within 3 minutes." >&2
  exit 1
}

if curl -fsS -o /dev/null "http://localhost:$ACTION_PORT/health" 2>/dev/null; then
  echo "Using the action server already running on :$ACTION_PORT."
else
  echo "==> Starting the action server on :$ACTION_PORT (usually about 10 seconds) ..."
  "${SERVE[@]}" actions &
  pids+=($!)
  wait_for "http://localhost:$ACTION_PORT/health" "action server" "${pids[-1]}"
fi

if [ "${1:-}" = "shell" ]; then
  .venv/bin/python -m rasa_server shell --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml
  exit 0
fi

if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')"
  echo "RASA_AUTH_TOKEN was not set; generated one for this run: $RASA_AUTH_TOKEN"
fi
export RASA_AUTH_TOKEN
read -r -a ORIGINS <<< "$(.venv/bin/python -m channels.settings)"  # CHAT_ALLOWED_ORIGINS, or the page's own

# Channels from the environment (channels/settings.py): a platform without its variables stays off
echo "==> Starting the Rasa server on :$RASA_PORT (usually about 20 seconds); channels: REST, the"
echo "    website widget, and messaging platforms from the environment:"
"${SERVE[@]}" rasa &
pids+=($!)
wait_for "http://localhost:$RASA_PORT/" "Rasa server" "${pids[-1]}"

if [ -d web/node_modules/socket.io-client ]; then
  "${SERVE[@]}" web &
  pids+=($!)
  wait_for "http://localhost:$WEB_PORT/" "demo page server" "${pids[-1]}"
else
  echo "The demo page is not served: its packages are missing (make web installs them)." >&2
fi

# Outcome counts for analytics, when RabbitMQ is configured (rasa_server/event_broker.py)
if [ -n "${RABBITMQ_URL:-}" ]; then
  "${SERVE[@]}" analytics &
  pids+=($!)
fi

# RECEPTION HOOK: the clinic reception app, once it is part of the project (web/reception)
if [ -e web/reception ] || [ -e web/reception.py ]; then
  "${SERVE[@]}" reception &
  pids+=($!)
  wait_for "http://localhost:${RECEPTION_PORT:-8081}/" "reception app" "${pids[-1]}"
fi

cat <<INFO

The PHT pre-screen assistant is running. Ctrl-C stops it.
  Talk over REST:
    curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -d '{"sender": "me", "message": "hi"}'
  The demo clinic page with the chat widget: http://localhost:$WEB_PORT
    (socket.io at http://localhost:$RASA_PORT/socket.io; pages allowed: ${ORIGINS[*]})
  HTTP API (needs the token), e.g. a conversation's answers:
    curl -s "localhost:$RASA_PORT/conversations/me/tracker?token=$RASA_AUTH_TOKEN"
  Chat in a terminal instead: make shell
INFO

wait -n "${pids[@]}"
