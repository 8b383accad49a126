"""Command line: ``python -m linkedin_sandbox --port 8900 [options]``.

Prints one line, ``linkedin_sandbox listening on http://127.0.0.1:<port>``,
once the socket is bound, so a caller that passed ``--port 0`` can read the
port. Logs go to stderr. SIGTERM and SIGINT stop the server.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence

from .config import SandboxConfig, parse_version_range
from .server import SandboxServer
from .state import SandboxState

_logger = logging.getLogger("linkedin_sandbox")

LISTENING_PREFIX = "linkedin_sandbox listening on "


def parse_client(value: str) -> tuple[str, str]:
    client_id, separator, secret = value.partition(":")
    if not separator or not client_id or not secret:
        raise argparse.ArgumentTypeError(
            f"expected CLIENT_ID:CLIENT_SECRET, got {value.split(':', 1)[0]}:..."
        )
    return client_id, secret


def parse_versions(value: str) -> tuple[str, str]:
    try:
        return parse_version_range(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m linkedin_sandbox",
        description="LinkedIn API simulator for the linkedin_crm_connect add-on.",
    )
    parser.add_argument(
        "--port", type=int, default=8900, help="TCP port; 0 picks a free one"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback address to bind: 127.0.0.1 (default), ::1 or localhost",
    )
    parser.add_argument(
        "--client",
        action="append",
        default=[],
        type=parse_client,
        metavar="ID:SECRET",
        help="register an OAuth client; repeat for several",
    )
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        help="milliseconds added to every API response (not /sandbox/ calls)",
    )
    parser.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="turn off the per-resource rate limits (429)",
    )
    parser.add_argument(
        "--versions",
        type=parse_versions,
        default=None,
        metavar="FIRST:LAST",
        help="active LinkedIn-Version months, YYYYMM:YYYYMM (default 202504:202612)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="log level on stderr; DEBUG logs every request",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    logging.basicConfig(
        level=options.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if options.latency_ms < 0:
        _logger.error("--latency-ms must be >= 0, got %s", options.latency_ms)
        return 2

    config = SandboxConfig(
        latency_ms=options.latency_ms, rate_limits=not options.no_rate_limits
    )
    if options.versions is not None:
        config.first_version, config.last_version = options.versions
    state = SandboxState(config)
    for client_id, secret in options.client:
        state.tokens.register_client(client_id, secret)
    try:
        server = SandboxServer(options.host, options.port, state)
    except (ValueError, OSError) as error:
        _logger.error(
            "cannot listen on %s port %s: %s", options.host, options.port, error
        )
        return 1

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"{LISTENING_PREFIX}{server.url}", flush=True)
    _logger.info("started on %s with %s OAuth clients", server.url, len(options.client))
    if not options.client:
        _logger.info("no OAuth client registered; POST /sandbox/clients to add one")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        _logger.info("stopped on %s", server.url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
