"""Tests for the client-credentials token cache, refresh and introspection."""

import contextlib
import dataclasses
import json
from urllib.parse import parse_qs

import pytest
import requests
import responses
from linkedin.auth import MemoryTokenStore, Token, TokenManager
from linkedin.errors import AuthenticationError, LinkedInError, TransientError

# Loopback only: responses intercepts every call, and nothing else is reachable.
OAUTH_BASE = "http://127.0.0.1:9/oauth/v2"
TOKEN_URL = f"{OAUTH_BASE}/accessToken"
INTROSPECT_URL = f"{OAUTH_BASE}/introspectToken"
CLIENT_ID = "client-abc"
CLIENT_SECRET = "s3cr/et+=value"


class FakeClock:
    """Clock returning a settable epoch time."""

    def __init__(self, now=1_700_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


class RecordingSession(requests.Session):
    """Session that records the timeout of every request."""

    def __init__(self):
        super().__init__()
        self.timeouts = []

    def request(self, method, url, **kwargs):
        self.timeouts.append(kwargs.get("timeout"))
        return super().request(method, url, **kwargs)


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def session():
    return RecordingSession()


def make_manager(session, clock, store=None, **kwargs):
    return TokenManager(
        session,
        OAUTH_BASE,
        CLIENT_ID,
        CLIENT_SECRET,
        store or MemoryTokenStore(),
        clock=clock,
        **kwargs,
    )


def token_posts(mock):
    return [call for call in mock.calls if call.request.url == TOKEN_URL]


def add_token(mock, access_token="token-1", expires_in=1800):
    mock.add(
        responses.POST,
        TOKEN_URL,
        json={"access_token": access_token, "expires_in": expires_in},
    )


def test_token_reused_before_margin(mock, session, clock):
    add_token(mock)
    manager = make_manager(session, clock)
    assert manager.get_token() == "token-1"
    clock.now += 1800 - 301
    assert manager.get_token() == "token-1"
    assert len(token_posts(mock)) == 1


def test_token_refreshed_inside_margin(mock, session, clock):
    add_token(mock, "token-1")
    add_token(mock, "token-2")
    manager = make_manager(session, clock)
    assert manager.get_token() == "token-1"
    clock.now += 1800 - 299
    assert manager.get_token() == "token-2"
    assert len(token_posts(mock)) == 2


def test_expires_in_as_string(mock, session, clock):
    add_token(mock, expires_in="1800")
    store = MemoryTokenStore()
    manager = make_manager(session, clock, store)
    manager.get_token()
    assert store.load().expires_at == clock.now + 1800
    assert store.load().obtained_at == clock.now


def test_two_calls_post_once(mock, session, clock):
    add_token(mock)
    manager = make_manager(session, clock)
    manager.get_token()
    manager.get_token()
    assert len(token_posts(mock)) == 1


def test_token_request_form_encoded(mock, session, clock):
    add_token(mock)
    make_manager(session, clock).get_token()
    request = token_posts(mock)[0].request
    assert request.url == TOKEN_URL
    assert CLIENT_SECRET not in request.url
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body) == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
    }


def test_token_request_has_timeout(mock, session, clock):
    add_token(mock)
    make_manager(session, clock, timeout=(2, 7)).get_token()
    assert session.timeouts == [(2, 7)]


def test_manager_rejects_no_timeout(session, clock):
    with pytest.raises(ValueError, match="timeout"):
        make_manager(session, clock, timeout=None)


def test_short_lived_token_reused(mock, session, clock):
    # A 60 s token is inside the 300 s margin from the start, but is reused.
    add_token(mock, expires_in=60)
    manager = make_manager(session, clock)
    manager.get_token()
    clock.now += 29
    manager.get_token()
    assert len(token_posts(mock)) == 1


def test_invalid_expires_in_assumes_default(mock, session, clock):
    add_token(mock, expires_in="soon")
    store = MemoryTokenStore()
    make_manager(session, clock, store).get_token()
    assert store.load().expires_at == clock.now + 1800


def test_refresh_rechecks_store_under_lock(mock, session, clock):
    class RacingStore(MemoryTokenStore):
        """Store where another process saves a token while we wait for the lock."""

        @contextlib.contextmanager
        def refresh_lock(self):
            self.save(Token("from-other-process", clock.now + 1800, clock.now))
            yield

    add_token(mock)
    assert make_manager(session, clock, RacingStore()).get_token() == (
        "from-other-process"
    )
    assert token_posts(mock) == []


def test_invalidate_keeps_newer_token(clock):
    store = MemoryTokenStore(Token("token-2", clock.now + 1800, clock.now))
    store.invalidate("token-1")
    assert store.load().access_token == "token-2"
    store.invalidate("token-2")
    assert store.load() is None


def test_token_repr_hides_value(clock):
    token = Token("very-secret-token", clock.now + 1800, clock.now)
    assert "very-secret-token" not in repr(token)
    assert "very-secret-token" not in repr(dataclasses.replace(token))


def test_bad_client_raises_authentication_error(mock, session, clock):
    mock.add(
        responses.POST,
        TOKEN_URL,
        status=401,
        json={
            "error": "invalid_client",
            "error_description": "Client authentication failed",
        },
    )
    records = []
    manager = make_manager(session, clock, on_failure=records.append)
    with pytest.raises(AuthenticationError) as info:
        manager.get_token()
    assert info.value.status == 401
    assert info.value.error == "invalid_client"
    assert info.value.error_description == "Client authentication failed"
    assert "invalid_client" in str(info.value)

    assert len(records) == 1
    record = records[0]
    assert record.status == 401
    assert record.resource == "accessToken"
    assert "client_secret=***" in record.request_body
    assert CLIENT_SECRET not in json.dumps(dataclasses.asdict(record))


def test_bad_request_raises_authentication_error(mock, session, clock):
    mock.add(
        responses.POST,
        TOKEN_URL,
        status=400,
        json={"error": "invalid_request", "error_description": "grant_type"},
    )
    with pytest.raises(AuthenticationError) as info:
        make_manager(session, clock).get_token()
    assert info.value.error == "invalid_request"


def test_token_5xx_is_transient(mock, session, clock):
    mock.add(responses.POST, TOKEN_URL, status=503, body="unavailable")
    with pytest.raises(TransientError) as info:
        make_manager(session, clock).get_token()
    assert info.value.status == 503


@pytest.mark.parametrize(
    "exception", [requests.Timeout("slow"), requests.ConnectionError("refused")]
)
def test_token_network_error_is_transient(mock, session, clock, exception):
    mock.add(responses.POST, TOKEN_URL, body=exception)
    records = []
    with pytest.raises(TransientError) as info:
        make_manager(session, clock, on_failure=records.append).get_token()
    assert info.value.cause is exception
    assert info.value.status is None
    assert records[0].status is None
    assert CLIENT_SECRET not in json.dumps(dataclasses.asdict(records[0]))


def test_token_response_without_token(mock, session, clock):
    mock.add(responses.POST, TOKEN_URL, json={"expires_in": 1800})
    with pytest.raises(LinkedInError, match="without an access_token"):
        make_manager(session, clock).get_token()


def test_introspect_active_token(mock, session, clock):
    mock.add(
        responses.POST,
        INTROSPECT_URL,
        json={
            "active": True,
            "status": "active",
            "client_id": CLIENT_ID,
            "created_at": 1_700_000_000,
            "expires_at": "1700001800",
            "auth_type": "2L",
        },
    )
    result = make_manager(session, clock).introspect("token-1")
    assert result["active"] is True
    assert result["status"] == "active"
    assert result["expires_at"] == 1_700_001_800
    assert result["created_at"] == 1_700_000_000

    request = mock.calls[0].request
    assert parse_qs(request.body) == {
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
        "token": ["token-1"],
    }


def test_introspect_revoked_token(mock, session, clock):
    mock.add(
        responses.POST, INTROSPECT_URL, json={"active": False, "status": "revoked"}
    )
    result = make_manager(session, clock).introspect("token-1")
    assert result["active"] is False
    assert result["status"] == "revoked"


@pytest.mark.parametrize("status", [400, 401])
def test_introspect_rejected(mock, session, clock, status):
    mock.add(
        responses.POST,
        INTROSPECT_URL,
        status=status,
        json={"error": "invalid_request", "error_description": "bad"},
    )
    records = []
    manager = make_manager(session, clock, on_failure=records.append)
    with pytest.raises(AuthenticationError) as info:
        manager.introspect("token-1")
    assert info.value.status == status
    dumped = json.dumps(dataclasses.asdict(records[0]))
    assert CLIENT_SECRET not in dumped
    assert "token-1" not in dumped
