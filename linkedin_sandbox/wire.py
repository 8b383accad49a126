"""The request and response objects passed between the HTTP server and handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message
from typing import Any


@dataclass
class Request:
    """One HTTP request as read from the socket, before tunnelling is undone.

    ``headers`` looks names up case-insensitively. ``host`` is the Host
    header the client sent, used to build absolute upload URLs, and
    ``local_address`` the ``host:port`` the server listens on.
    """

    method: str
    path: str
    raw_query: str
    headers: Message
    body: bytes
    host: str
    client_host: str
    local_address: str

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


@dataclass
class Response:
    """A response: a JSON-serialisable body, raw bytes, or nothing.

    ``entities`` is how many entities the request named, for /sandbox/stats.
    """

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    close: bool = False
    entities: int = 0
