"""Stand-ins for LinkedIn's JavaScript plugins, and CORS for the browser calls.

``GET /sandbox/plugins/in.js`` serves a stand-in of LinkedIn's ``in.js``
loader and ``GET /sandbox/plugins/onboarding-widget.js`` one of the
onboarding plugin (extension ``ATSIntegrationWidget``). Both are files in
``static/`` beside this module, read through ``importlib.resources`` so
they are found wherever the package is imported from.

The page that loads them (Odoo) runs on another port than the sandbox, so
it is another origin: the plugin routes and ``/sandbox/onboarding/grant``
return CORS headers and respond to the browser's ``OPTIONS`` preflight.
"""

from __future__ import annotations

import logging
from importlib import resources

from .errors import SERVICE_ERROR_NOT_FOUND, ApiError
from .wire import Request, Response

_logger = logging.getLogger(__name__)

PLUGINS_PREFIX = "plugins/"
# Plugin file names under /sandbox/plugins/, which are also the file names in
# static/.
PLUGIN_FILES = ("in.js", "onboarding-widget.js")
JAVASCRIPT_TYPE = "application/javascript; charset=utf-8"

# Control endpoint names (the path after /sandbox/) that a page of another
# origin may call.
CORS_NAMES = frozenset(
    {"onboarding/grant", *(PLUGINS_PREFIX + name for name in PLUGIN_FILES)}
)
CORS_METHODS = "GET, POST, OPTIONS"
# Seconds a browser may cache a preflight result.
CORS_MAX_AGE_SECONDS = 600


def serve_plugin(name: str) -> Response:
    """Return the stand-in script ``static/<name>``, or raise a 404 ApiError."""
    if name not in PLUGIN_FILES:
        raise ApiError(
            404,
            f"no plugin script {name!r}; served: {', '.join(PLUGIN_FILES)}",
            service_error_code=SERVICE_ERROR_NOT_FOUND,
        )
    script = resources.files(__package__).joinpath("static", name).read_bytes()
    return Response(
        200,
        script,
        headers={
            "Content-Type": JAVASCRIPT_TYPE,
            # The scripts change with the sandbox's code, never between runs.
            "Cache-Control": "no-cache",
        },
    )


def preflight(request: Request) -> Response:
    """Respond to a CORS preflight (``OPTIONS``) with 204 and the allowed methods."""
    requested_headers = request.headers.get("Access-Control-Request-Headers")
    headers = {
        "Access-Control-Allow-Methods": CORS_METHODS,
        "Access-Control-Allow-Headers": requested_headers or "Content-Type",
        "Access-Control-Max-Age": str(CORS_MAX_AGE_SECONDS),
    }
    # Chromium sends this header before a page calls a server in a more
    # private address space (Private Network Access), and the sandbox allows it.
    if request.headers.get("Access-Control-Request-Private-Network") == "true":
        headers["Access-Control-Allow-Private-Network"] = "true"
    return Response(204, None, headers=headers)


def add_cors_headers(request: Request, response: Response) -> None:
    """Let the request's origin read the response, errors included."""
    origin = request.headers.get("Origin")
    response.headers["Access-Control-Allow-Origin"] = origin or "*"
    if origin:
        response.headers["Vary"] = "Origin"
