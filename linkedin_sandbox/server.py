"""HTTP/1.1 server of the sandbox, on the loopback interface only.

The server keeps connections alive, sets ``TCP_NODELAY`` on every accepted
socket and writes each response (headers and body) with one ``sendall``.
Python's ``http.server`` would otherwise write headers and body separately,
and Nagle's algorithm with delayed ACKs then adds about 40 ms to every
request on loopback.

URL limits are LinkedIn's: a query string over 4 KiB, a URL
(``http://<Host><target>``) over 8 KiB or a request line plus headers over
28 KiB returns 414. Bodies must have a Content-Length (411 otherwise).

Faults (faults.py) are injected on API and OAuth requests once the body
has been read. An injected reset closes the socket with ``SO_LINGER`` 0, so
the client gets a TCP RST instead of a response.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import socketserver
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import __version__
from .api import handle_api, route
from .control import CONTROL_PREFIX, handle_control
from .errors import (
    SERVICE_ERROR_INVALID_REQUEST,
    SERVICE_ERROR_TOO_LARGE,
    ApiError,
    error_body,
)
from .faults import serve_with_faults
from .media import UPLOAD_PATH_PREFIX, check_upload_size, handle_upload
from .oauth import OAUTH_PREFIX, handle_oauth
from .state import SandboxState
from .wire import Request, Response

_logger = logging.getLogger(__name__)

MAX_QUERY_BYTES = 4 * 1024
MAX_URL_BYTES = 8 * 1024
MAX_HEADER_BYTES = 28 * 1024
# Bound on JSON and form bodies, far above 100 entities of any resource.
MAX_BODY_BYTES = 16 * 1024 * 1024
# A rejected request's body up to this size is read and discarded, so the
# client reads the error instead of a reset connection and may keep it open.
MAX_DISCARDED_BODY_BYTES = 64 * 1024 * 1024

API_PREFIXES = ("/v2/", "/rest/")


def is_loopback_host(host: str) -> bool:
    """Tell whether ``host`` names a loopback address (``localhost`` included)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SandboxServer(ThreadingHTTPServer):
    """Threaded HTTP server that owns one SandboxState."""

    daemon_threads = True
    allow_reuse_address = True
    # Listen backlog; socketserver's default of 5 drops bursts of connections.
    request_queue_size = 128

    def __init__(self, host: str, port: int, state: SandboxState | None = None) -> None:
        if not is_loopback_host(host):
            raise ValueError(
                f"host {host!r} is not a loopback address; the sandbox binds "
                "127.0.0.1, ::1 or localhost only"
            )
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.state = state or SandboxState()
        super().__init__((host, port), SandboxRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can wait on
        # DNS. The sandbox needs only the address it bound.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = self.socket.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

    @property
    def address(self) -> str:
        """``host:port`` of the listening socket, IPv6 hosts in brackets."""
        host, port = self.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"{host}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"


class SandboxRequestHandler(BaseHTTPRequestHandler):
    """Reads one request, applies the URL limits and routes it."""

    server: SandboxServer
    protocol_version = "HTTP/1.1"
    server_version = f"linkedin-sandbox/{__version__}"
    sys_version = ""
    # Seconds an idle keep-alive connection is kept open.
    timeout = 120

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        # CORS preflight of the plugin routes; see plugins.py.
        self._handle()

    def _handle(self) -> None:
        state = self.server.state
        path, _, raw_query = self.path.partition("?")
        _logger.debug(
            "request %s %s (query %s bytes) from %s",
            self.command,
            _loggable_path(path),
            len(raw_query),
            self.client_address[0],
        )
        delayed = path.startswith((*API_PREFIXES, OAUTH_PREFIX, UPLOAD_PATH_PREFIX))
        response: Response | None
        try:
            response = self._respond(state, path, raw_query)
        except ApiError as error:
            _logger.info(
                "rejected %s %s: %s %s",
                self.command,
                _loggable_path(path),
                error.status,
                error.message,
            )
            response = Response(error.status, error.body, close=error.close)
        except Exception:
            _logger.exception(
                "internal error on %s %s", self.command, _loggable_path(path)
            )
            response = Response(
                500, error_body(500, "internal sandbox error; see the sandbox log")
            )
        if response is None:
            self._reset_connection()
            return
        latency_ms = state.config.latency_ms
        if delayed and latency_ms:
            time.sleep(latency_ms / 1000)
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError) as error:
            # Expected after an injected slow response, once the client has
            # timed out and closed its end.
            self.close_connection = True
            _logger.info(
                "client closed the connection before the response to %s %s: %s",
                self.command,
                _loggable_path(path),
                error,
            )

    def _respond(
        self, state: SandboxState, path: str, raw_query: str
    ) -> Response | None:
        """Read the body and handle the request; None means reset the connection."""
        self._body_read = False
        try:
            self._check_url_limits(raw_query)
            body = self._read_body(path)
        except ApiError as error:
            if error.close and self._discard_body():
                error.close = False
            raise
        request = Request(
            method=self.command,
            path=path,
            raw_query=raw_query,
            headers=self.headers,
            body=body,
            host=self.headers.get("Host", ""),
            client_host=self.client_address[0],
            local_address=self.server.address,
        )
        if path.startswith(API_PREFIXES):
            return serve_with_faults(
                state, request, _api_resource(path), lambda: handle_api(state, request)
            )
        if path.startswith(OAUTH_PREFIX):
            return serve_with_faults(
                state,
                request,
                path[len(OAUTH_PREFIX) :],
                lambda: handle_oauth(state, request),
                oauth=True,
            )
        if path.startswith(UPLOAD_PATH_PREFIX):
            response = handle_upload(state, request)
            state.stats.record("upload", request.method, response.status, 1)
            return response
        if path.startswith(CONTROL_PREFIX):
            return handle_control(state, request)
        raise ApiError(404, f"no resource at {path}")

    def _check_url_limits(self, raw_query: str) -> None:
        """Raise 414 past LinkedIn's URL limits, before the body is read."""
        header_bytes = len(self.raw_requestline) + 2
        for name, value in self.headers.items():
            header_bytes += len(name) + len(value) + 4
        url_bytes = len("http://") + len(self.headers.get("Host", "")) + len(self.path)
        reason = None
        if len(raw_query) > MAX_QUERY_BYTES:
            reason = f"query string is {len(raw_query)} bytes; limit {MAX_QUERY_BYTES}"
        elif url_bytes > MAX_URL_BYTES:
            reason = f"URL is {url_bytes} bytes; limit {MAX_URL_BYTES}"
        elif header_bytes > MAX_HEADER_BYTES:
            reason = (
                f"request line and headers are {header_bytes} bytes; "
                f"limit {MAX_HEADER_BYTES}"
            )
        if reason:
            raise ApiError(
                414,
                f"{reason}; tunnel the request with X-HTTP-Method-Override",
                service_error_code=SERVICE_ERROR_TOO_LARGE,
                close=True,
            )

    def _read_body(self, path: str) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise ApiError(
                411,
                "chunked bodies are not supported; send a Content-Length",
                close=True,
            )
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            raise ApiError(
                400,
                f"Content-Length {raw_length!r} is not a byte count",
                service_error_code=SERVICE_ERROR_INVALID_REQUEST,
                close=True,
            )
        if path.startswith(UPLOAD_PATH_PREFIX):
            check_upload_size(length)
        elif length > MAX_BODY_BYTES:
            raise ApiError(
                413,
                f"request body is {length} bytes; limit {MAX_BODY_BYTES}",
                service_error_code=SERVICE_ERROR_TOO_LARGE,
                close=True,
            )
        self._body_read = True
        body = self.rfile.read(length)
        if len(body) != length:
            raise ApiError(
                400, "request body is shorter than its Content-Length", close=True
            )
        return body

    def _discard_body(self) -> bool:
        """Read and drop an unread body; return False when that is not safe."""
        if self._body_read or self.headers.get("Transfer-Encoding"):
            return False
        try:
            remaining = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return False
        if not 0 <= remaining <= MAX_DISCARDED_BODY_BYTES:
            return False
        self._body_read = True
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1024 * 1024))
            if not chunk:
                return False
            remaining -= len(chunk)
        return True

    def _send(self, response: Response) -> None:
        """Write status, headers and body with one write."""
        if isinstance(response.body, bytes):
            payload = response.body
        elif response.body is None:
            payload = b""
        else:
            payload = json.dumps(response.body).encode("utf-8")
        self.send_response(response.status)
        if response.body is not None and not isinstance(response.body, bytes):
            self.send_header("Content-Type", "application/json")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if response.close:
            self.close_connection = True
        if self.close_connection:
            self.send_header("Connection", "close")
        self._headers_buffer.append(b"\r\n")
        self.wfile.write(b"".join(self._headers_buffer) + payload)
        self._headers_buffer = []

    def _reset_connection(self) -> None:
        """Close the socket at once with SO_LINGER 0, so the kernel sends RST.

        socketserver's own shutdown(SHUT_WR) would send FIN first, which the
        client reads as a clean end of stream instead of a reset.
        """
        self.close_connection = True
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        # rfile holds a reference to the socket, and the socket is really
        # closed only when no reference is left.
        self.rfile.close()
        self.connection.close()

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        """Send a JSON error body for a request that http.server rejected."""
        _logger.info("rejected malformed request: %s %s", code, message or "")
        self.close_connection = True
        if not hasattr(self, "_headers_buffer"):
            self._headers_buffer = []
        body = error_body(code, message or self.responses.get(code, ("error",))[0])
        self._send(Response(code, body, close=True))

    def log_message(self, format: str, *args: Any) -> None:
        # http.server logs every request to stderr; the sandbox logs its own
        # lines without the query string, so nothing is repeated here.
        return


def _api_resource(path: str) -> str:
    """Return the resource name of an API path, or "unrouted" for a 404."""
    try:
        return route(path)[0]
    except ApiError:
        return "unrouted"


def _loggable_path(path: str) -> str:
    """Return the path with any upload token hidden, since it is a credential."""
    if path.startswith(UPLOAD_PATH_PREFIX):
        return UPLOAD_PATH_PREFIX + "<token>"
    return path
