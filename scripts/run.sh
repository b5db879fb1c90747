#!/usr/bin/env bash
# Starts the assistant in the foreground: the action server, the Rasa server with the REST and
# socket.io channels, the messaging platforms configured in the environment and the HTTP API
# (token-protected), the demo clinic page with the chat widget, the reception page for clinic
# staff, and the follow-up worker (check-ins, through the Rasa server's API). A supervisor
# (`python -m supervisor`) keeps them running: one that stops is started again, with back-off,
# while the others go on. Ctrl-C stops them all.
#   scripts/run.sh          serve on :5005 (Rasa), :5055 (actions), :8080 (the page, WEB_PORT)
#                           and :8081 (reception, RECEPTION_PORT)
#   scripts/run.sh shell    chat in this terminal instead
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f .env ]; then  # local settings and secrets (git-ignored; .env.example lists them)
  set -a; source .env; set +a
fi

# Each server is started by scripts/serve.sh, the same command each container runs
# (docker/Dockerfile); Rasa runs with the project's fixes to Rasa 3.6 (rasa_server/patches.py).
SERVE="bash scripts/serve.sh"
MODEL=models/pht.tar.gz
export RASA_PORT=${RASA_PORT:-5005} ACTION_PORT=${ACTION_PORT:-5055}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:$ACTION_PORT/webhook}
export CHAT_SERVER_URL=${CHAT_SERVER_URL:-http://localhost:$RASA_PORT}  # where the page's widget connects
export RASA_URL=${RASA_URL:-http://localhost:$RASA_PORT}  # where the reception page and the staff CLI reach Rasa
# Every server listens on this machine only, unless told otherwise (BIND_HOST=0.0.0.0 to reach the
# page and the assistant from other machines); the action server always stays on 127.0.0.1.
BIND_HOST=${BIND_HOST:-127.0.0.1}
export RASA_HOST=${RASA_HOST:-$BIND_HOST} WEB_HOST=${WEB_HOST:-$BIND_HOST} RECEPTION_HOST=${RECEPTION_HOST:-$BIND_HOST}
export WEB_PORT=${WEB_PORT:-8080}  # the demo page; the widget's default allowed origin
export RECEPTION_PORT=${RECEPTION_PORT:-8081}  # the reception page (web/reception)
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
umask 077  # every file the servers make is their owner's only: var/ holds health data and secrets
mkdir -p var && chmod 700 var  # the SQLite tracker store and the pre-screen records live here (git-ignored)

if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then  # the secret the Rasa server shows the action server
  ACTION_SERVER_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')"
fi
export ACTION_SERVER_TOKEN

if [ "${1:-}" = "shell" ]; then
  $SERVE actions &
  trap 'kill $! 2>/dev/null || true' EXIT
  # `rasa shell` talks to its own server through Rasa's plain REST route (its `cmdline`
  # channel, not channels/rest.py), which takes any sender: it listens on this machine only and
  # keeps its conversations in a store of its own, so that route reaches none of `make run`'s.
  sed 's#var/tracker.db#var/shell-tracker.db#' endpoints.yml > var/shell-endpoints.yml
  .venv/bin/python -m rasa_server shell --model "$MODEL" --endpoints var/shell-endpoints.yml \
    --credentials credentials.yml --interface 127.0.0.1
  exit 0
fi

# The HTTP API's token; the staff CLI and the reception page use it too, to have the Rasa
# server delete conversations under their lock (rasa_server/privacy.py). Kept in var/ so that
# they find it, and the same after a restart.
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  if [ ! -s var/rasa_auth_token ]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))' > var/rasa_auth_token)
    echo "RASA_AUTH_TOKEN was not set; generated one in var/rasa_auth_token"
  fi
  RASA_AUTH_TOKEN="$(cat var/rasa_auth_token)"
fi
export RASA_AUTH_TOKEN
# The REST channel takes trusted callers only (channels/rest.py). Unless REST_CHANNEL_TOKENS or
# REST_CHANNEL_TOKEN is set, a token for local use is made once and kept in var/.
REST_BEARER='<your REST_CHANNEL_TOKEN>'  # what the curl example below shows
if [ -z "${REST_CHANNEL_TOKENS:-}${REST_CHANNEL_TOKEN:-}" ]; then
  if [ ! -s var/rest_channel_token ]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))' > var/rest_channel_token)
    echo "REST_CHANNEL_TOKEN was not set; generated one for local use in var/rest_channel_token"
  fi
  REST_CHANNEL_TOKEN="$(cat var/rest_channel_token)"
  export REST_CHANNEL_TOKEN
  REST_BEARER='$(cat var/rest_channel_token)'
fi
read -r -a ORIGINS <<< "$(.venv/bin/python -m channels.settings)"  # CHAT_ALLOWED_ORIGINS, or the page's own

# The supervised processes, started in this order, one line each: NAME|READY_URL|COMMAND
PROCESSES=()
if curl -fsS -o /dev/null "http://127.0.0.1:$ACTION_PORT/health" 2>/dev/null; then
  echo "Using the action server already running on :$ACTION_PORT (it must have the same ACTION_SERVER_TOKEN)."
else
  PROCESSES+=("action server|http://127.0.0.1:$ACTION_PORT/health|$SERVE actions")
fi
# channels from the environment (channels/settings.py): a platform without its variables stays off
PROCESSES+=("Rasa server|http://127.0.0.1:$RASA_PORT/|$SERVE rasa")
if [ -d web/node_modules/socket.io-client ]; then
  PROCESSES+=("demo page server|http://127.0.0.1:$WEB_PORT/|$SERVE web")
else
  echo "The demo page is not served: its packages are missing (make web installs them)." >&2
fi
if [ -n "${RABBITMQ_URL:-}" ]; then  # outcome counts for analytics (rasa_server/event_broker.py)
  PROCESSES+=("analytics||$SERVE analytics")
fi
PROCESSES+=("reception page|http://127.0.0.1:$RECEPTION_PORT/health|$SERVE reception")
# follow-up check-ins that are due, each once, through the Rasa server's API (pht/followups/)
PROCESSES+=("follow-up worker||$SERVE follow-ups")

read -r -d '' INFO <<INFO || true

The PHT pre-screen assistant is running. Ctrl-C stops it.
  Talk over REST (trusted callers, with a token; the conversation is "rest:" + sender):
    curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -H "Authorization: Bearer $REST_BEARER" -d '{"sender": "me", "message": "hi"}'
  The demo clinic page with the chat widget: http://localhost:$WEB_PORT
    (socket.io at http://localhost:$RASA_PORT/socket.io; pages allowed: ${ORIGINS[*]})
  HTTP API (needs the token in var/rasa_auth_token), e.g. a conversation's answers:
    curl -s "localhost:$RASA_PORT/conversations/rest:me/tracker?token=\$(cat var/rasa_auth_token)"
  Reception (clinic staff): http://localhost:$RECEPTION_PORT
    a staff account: make reception-user NAME=alice   (asks for the password)
    the CLI: .venv/bin/python -m pht.reception list | show REF | delete REF | purge
  Follow-up check-ins go out as they fall due (not at night: FOLLOW_UP_QUIET_HOURS);
    to send those due by a time now: make follow-ups-due AT=2027-01-15T10:00:00Z
  Chat in a terminal instead: make shell
INFO
if [ -z "${RECEPTION_USERS:-}" ] && [ ! -s "${RECEPTION_USERS_FILE:-var/reception_users}" ]; then
  INFO="$INFO
No reception accounts yet: create the first with  make reception-user NAME=yourname"
fi

echo "==> Starting the action server, the Rasa server (usually about 30 seconds in all), the pages ..."
exec .venv/bin/python -m supervisor --status-file var/supervisor.json --ready-message "$INFO" "${PROCESSES[@]}"
