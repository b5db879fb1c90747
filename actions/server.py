"""The action server: `python -m actions.server --actions actions [--port 5055]`.

rasa-sdk's server (the same app as `rasa run actions`), started without loading Rasa itself,
and without TensorFlow: Rasa needs TensorFlow, so it is installed, and spaCy's thinc imports
whatever it finds, which would cost this process seconds at start-up and hundreds of MB of
memory for nothing (no action uses it). Hidden from this process, thinc falls back on NumPy.

It answers only the Rasa server:
- it listens on 127.0.0.1 unless ACTION_SERVER_HOST says otherwise (rasa-sdk listens on every
  address), so on one machine nothing else on the network can reach it;
- when ACTION_SERVER_TOKEN is set, every call but `/health` must carry it as
  `Authorization: Bearer ...` (the Rasa server sends it: `headers:` in endpoints.yml), or gets
  401 and runs nothing;
- an action that fails answers 500 with no more than that: rasa-sdk's answer repeated the
  whole request, that is the conversation, into the Rasa server's error log.
"""
from __future__ import annotations

import hmac
import logging
import sys
from typing import Optional

sys.modules.setdefault("tensorflow", None)  # `import tensorflow` now fails at once with ImportError

from rasa_sdk import utils  # noqa: E402
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME  # noqa: E402
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context  # noqa: E402
from rasa_sdk.plugin import plugin_manager  # noqa: E402
from sanic import Sanic, response  # noqa: E402
from sanic.request import Request  # noqa: E402
from sanic.response import HTTPResponse  # noqa: E402

from pht.settings import settings  # noqa: E402

logger = logging.getLogger(__name__)

OPEN_PATHS = {"/health"}  # what the supervisor and `make run` poll; says only {"status": "ok"}


def is_authorised(authorization: Optional[str], token: Optional[str]) -> bool:
    """Whether a request's Authorization header carries the shared secret (always, when none is set)."""
    if not token:
        return True
    return hmac.compare_digest((authorization or "").encode(), f"Bearer {token}".encode())


def guarded_app(action_package: str, cors: Optional[list], token: Optional[str]) -> Sanic:
    """rasa-sdk's app, with the shared secret checked and failures answered without the request."""
    app = create_app(action_package, cors_origins=cors)

    @app.middleware("request")
    async def require_the_secret(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS or is_authorised(request.headers.get("Authorization"), token):
            return None
        logger.warning("Refused a call to %s without the action server's secret", request.path)
        return response.json({"error": "unauthorised"}, status=401)

    @app.exception(Exception)
    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("An action failed on %s", request.path, exc_info=exception)
        return response.json({"error": "the action failed"}, status=500)

    return app


def main() -> None:
    args = create_argument_parser().parse_args()
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    config = settings()
    host = config.action_server_host
    app = guarded_app(args.actions, args.cors, config.action_server_token)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    secret = "with" if config.action_server_token else "without"
    logger.info(f"Action server on {'https' if ssl_context else 'http'}://{host}:{args.port}, {secret} a shared secret")
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
