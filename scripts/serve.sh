#!/usr/bin/env bash
# One of the assistant's servers, in the foreground: how `make run` (scripts/run.sh) starts
# each one, and what each container runs (docker/Dockerfile), so the two cannot drift apart.
#   scripts/serve.sh actions     the action server on :ACTION_PORT (5055)
#   scripts/serve.sh rasa        the Rasa server on RASA_HOST:RASA_PORT (127.0.0.1:5005): REST, socket.io, the
#                                platforms set in the environment, the HTTP API (RASA_AUTH_TOKEN)
#   scripts/serve.sh web         the demo clinic page with the chat widget on :WEB_PORT (8080)
#   scripts/serve.sh reception   the clinic reception app on :RECEPTION_PORT (8081)
#   scripts/serve.sh analytics   the outcome counter, fed from RabbitMQ (RABBITMQ_URL)
#   scripts/serve.sh follow-ups  the follow-up worker: sends due check-ins through the Rasa server (RASA_URL)
# Every setting comes from the environment: README "Deploying" lists the variables.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2

case "${1:-}" in
  actions)
    exec "$PY" -m actions.server --actions actions --port "${ACTION_PORT:-5055}"
    ;;
  rasa)
    : "${RASA_AUTH_TOKEN:?must be set: it protects the HTTP API of the Rasa server}"
    VAR="${PHT_VAR_DIR:-var}"
    mkdir -p "$VAR"  # the files written from the environment (and SQLite, the embedded default)
    # Channels and endpoints from the environment (channels/settings.py, rasa_server/settings.py)
    "$PY" -m channels.credentials "$VAR/credentials.yml"
    "$PY" -m rasa_server.endpoints "$VAR/endpoints.yml"
    # No --cors: the widget's channel answers the allowed origins itself (CHAT_ALLOWED_ORIGINS,
    # channels/socketio.py); a second Access-Control-Allow-Origin header made browsers refuse
    # socket.io's long-polling, and nothing else on this server is for browsers.
    # RASA_HOST: 127.0.0.1 unless told otherwise (a container sets 0.0.0.0: docker/Dockerfile).
    exec "$PY" -m rasa_server run --model "${MODEL:-models/pht.tar.gz}" \
      --interface "${RASA_HOST:-127.0.0.1}" --port "${RASA_PORT:-5005}" \
      --enable-api --auth-token="$RASA_AUTH_TOKEN" \
      --credentials "$VAR/credentials.yml" --endpoints "$VAR/endpoints.yml"
    ;;
  web)
    exec "$PY" -m web --port "${WEB_PORT:-8080}"
    ;;
  reception)
    exec "$PY" -m web.reception  # RECEPTION_HOST, RECEPTION_PORT (pht/settings.py)
    ;;
  analytics)
    exec "$PY" -m analytics
    ;;
  follow-ups)
    exec "$PY" -m pht.followups  # DATABASE_URL, RASA_URL, RASA_AUTH_TOKEN, FOLLOW_UP_* (pht/settings.py)
    ;;
  *)
    echo "usage: scripts/serve.sh actions|rasa|web|reception|analytics|follow-ups" >&2
    exit 2
    ;;
esac
