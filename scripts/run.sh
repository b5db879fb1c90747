#!/usr/bin/env bash
# Starts the assistant in the foreground: the action server, the Rasa server with the REST and
# socket.io channels, the messaging platforms configured in the environment and the HTTP API
# (token-protected), and the demo clinic page with the chat widget. A supervisor
# (`python -m supervisor`) keeps them running: one that stops is started again, with back-off,
# while the others go on. Ctrl-C stops them all.
#   scripts/run.sh          serve on :5005 (Rasa), :5055 (actions) and :8080 (the page, WEB_PORT)
#   scripts/run.sh shell    chat in this terminal instead
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f .env ]; then  # local settings and secrets (git-ignored; .env.example lists them)
  set -a; source .env; set +a
fi

# Rasa with the project's fixes to Rasa 3.6 (rasa_server/patches.py), and the action server
RASA=(.venv/bin/python -m rasa_server)
ACTIONS=(.venv/bin/python -m actions.server)
MODEL=models/pht.tar.gz
RASA_PORT=5005
ACTION_PORT=5055
export WEB_PORT=${WEB_PORT:-8080}  # the demo page; the widget's default allowed origin
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
mkdir -p var  # the SQLite tracker store lives here (git-ignored): conversations survive restarts

if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then  # the secret the Rasa server shows the action server
  ACTION_SERVER_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')"
fi
export ACTION_SERVER_TOKEN

if [ "${1:-}" = "shell" ]; then
  "${ACTIONS[@]}" --actions actions --port "$ACTION_PORT" &
  trap 'kill $! 2>/dev/null || true' EXIT
  "${RASA[@]}" shell --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml
  exit 0
fi

if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')"
  echo "RASA_AUTH_TOKEN was not set; generated one for this run: $RASA_AUTH_TOKEN"
fi

# Channels from the environment (channels/settings.py): a platform without its variables stays off
echo "==> Channels: REST, the website widget, and messaging platforms from the environment:"
.venv/bin/python -m channels.credentials var/credentials.yml
read -r -a ORIGINS <<< "$(.venv/bin/python -m channels.settings)"  # CHAT_ALLOWED_ORIGINS, or the page's own

# The supervised processes, started in this order, one line each: NAME|READY_URL|COMMAND
PROCESSES=()
if curl -fsS -o /dev/null "http://127.0.0.1:$ACTION_PORT/health" 2>/dev/null; then
  echo "Using the action server already running on :$ACTION_PORT (it must have the same ACTION_SERVER_TOKEN)."
else
  PROCESSES+=("action server|http://127.0.0.1:$ACTION_PORT/health|${ACTIONS[*]} --actions actions --port $ACTION_PORT")
fi
PROCESSES+=(
  "Rasa server|http://127.0.0.1:$RASA_PORT/|${RASA[*]} run --model $MODEL --port $RASA_PORT --enable-api --auth-token $(printf %q "$RASA_AUTH_TOKEN") --cors ${ORIGINS[*]} --credentials var/credentials.yml --endpoints endpoints.yml"
)
if [ -d web/node_modules/socket.io-client ]; then
  PROCESSES+=("demo page server|http://127.0.0.1:$WEB_PORT/|.venv/bin/python -m web --port $WEB_PORT")
else
  echo "The demo page is not served: its packages are missing (make web installs them)." >&2
fi

read -r -d '' INFO <<INFO || true

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

echo "==> Starting the action server, the Rasa server (usually about 30 seconds in all) and the page ..."
exec .venv/bin/python -m supervisor --status-file var/supervisor.json --ready-message "$INFO" "${PROCESSES[@]}"
