"""Command line: ``python -m linkedin_sandbox --port 8900 [options]``.

Prints one line, ``linkedin_sandbox listening on http://127.0.0.1:<port>``,
once the socket is bound, so a caller that passed ``--port 0`` can read the
port. Logs go to stderr. SIGTERM and SIGINT stop the server.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any

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


def parse_name_count(value: str) -> tuple[str, int]:
    name, separator, count = value.rpartition(":")
    if not separator or not name or not count.isdigit():
        raise argparse.ArgumentTypeError(f"expected NAME:N, got {value!r}")
    return name, int(count)


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
    add_fault_arguments(parser)
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="log level on stderr; DEBUG logs every request",
    )
    return parser


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the --fault-* options, which set the same faults as /sandbox/config."""
    faults = parser.add_argument_group(
        "fault injection",
        "faults on API requests (and OAuth with --fault-oauth); the three rates "
        "are shares of requests from 0 to 1 and add up to at most 1",
    )
    faults.add_argument(
        "--fault-error-rate",
        type=float,
        metavar="SHARE",
        help="share of requests that get a 500, 502 or 503 response",
    )
    faults.add_argument(
        "--fault-reset-rate",
        type=float,
        metavar="SHARE",
        help="share of connections reset without a response",
    )
    faults.add_argument(
        "--fault-slow-rate",
        type=float,
        metavar="SHARE",
        help="share of requests whose response is --fault-slow-seconds late",
    )
    faults.add_argument(
        "--fault-slow-seconds",
        type=float,
        metavar="SECONDS",
        help="delay of a slow request, in seconds",
    )
    faults.add_argument(
        "--fault-slow-not-applied",
        action="store_true",
        help="respond 504 to a slow request without handling it "
        "(default: handle it, then delay the response)",
    )
    faults.add_argument(
        "--fault-burst-429",
        type=parse_name_count,
        metavar="RESOURCE:N",
        help="respond with a short 429 to the next N requests to RESOURCE (or *)",
    )
    faults.add_argument(
        "--fault-daily-limit",
        type=parse_name_count,
        metavar="RESOURCE:N",
        help="respond with the daily 429 after N requests to RESOURCE in a UTC day",
    )
    faults.add_argument(
        "--fault-revoke-after",
        type=parse_name_count,
        metavar="CLIENT_ID:N",
        help="revoke the tokens of OAuth client CLIENT_ID after N API requests",
    )
    faults.add_argument(
        "--fault-seed", type=int, metavar="N", help="seed of the random faults"
    )
    faults.add_argument(
        "--fault-oauth",
        action="store_true",
        help="inject faults on the OAuth endpoints too",
    )


def fault_settings_from(options: argparse.Namespace) -> dict[str, Any]:
    """Return the /sandbox/config ``faults`` object for the --fault-* options."""
    settings: dict[str, Any] = {}
    for name in ("error_rate", "reset_rate", "slow_rate", "slow_seconds", "seed"):
        value = getattr(options, f"fault_{name}")
        if value is not None:
            settings[name] = value
    if options.fault_slow_not_applied:
        settings["slow_applies"] = False
    if options.fault_oauth:
        settings["oauth"] = True
    pairs = (
        ("burst_429", "resource", "count"),
        ("daily_limit", "resource", "requests"),
        ("revoke_after", "client_id", "requests"),
    )
    for name, name_field, count_field in pairs:
        value = getattr(options, f"fault_{name}")
        if value is not None:
            settings[name] = {name_field: value[0], count_field: value[1]}
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)
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
    faults = fault_settings_from(options)
    try:
        state.configure({"faults": faults})
    except ValueError as error:
        parser.error(str(error))
    if faults:
        _logger.info("injecting faults %s", json.dumps(faults, sort_keys=True))
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
