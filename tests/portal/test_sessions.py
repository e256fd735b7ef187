"""Portal sessions through the stripe SDK, and the life of their tokens."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from typing import Any, get_args

import httpx
import pytest
import stripe
from sqlalchemy import select

from billfold.api.params.billing_portal import Locale
from billfold.billing_portal import tokens
from billfold.models import Event, IdempotencyRecord, PortalSession
from tests.portal.helpers import portal_shape_problems
from tests.support import START, Account, LiveServer

MINIMAL: Any = {"invoice_history": {"enabled": True}}


def _token(server: LiveServer, session: stripe.billing_portal.Session) -> str:
    prefix = f"{server.url}/p/session/"
    assert session.url.startswith(prefix)
    return session.url.removeprefix(prefix)


def test_create_a_session(server: LiveServer, api: Account) -> None:
    customer = stripe.Customer.create(email="jenny@example.com")
    session = stripe.billing_portal.Session.create(customer=customer.id, return_url="https://example.com/account")
    assert session.id.startswith("bps_")
    assert session.object == "billing_portal.session"
    assert session.created == int(START.timestamp())
    assert session.customer == customer.id
    assert str(session.configuration).startswith("bpc_")
    assert session.customer_account is None
    assert session.flow is None
    assert session.livemode is False
    assert session.locale is None  # omitted means auto: preferred locales, then the browser's
    assert session.on_behalf_of is None
    assert session.after_expiration is None
    assert session.return_url == "https://example.com/account"
    assert len(_token(server, session)) == tokens.TOKEN_LENGTH
    assert portal_shape_problems(session, "billing_portal.Session") == []


def test_each_session_has_its_own_token(server: LiveServer, api: Account) -> None:
    customer = stripe.Customer.create()
    first = stripe.billing_portal.Session.create(customer=customer.id)
    second = stripe.billing_portal.Session.create(customer=customer.id)
    assert _token(server, first) != _token(server, second)


def test_return_url_falls_back_to_the_configuration(api: Account) -> None:
    customer = stripe.Customer.create()
    plain = stripe.billing_portal.Configuration.create(features=MINIMAL)
    with_url = stripe.billing_portal.Configuration.create(
        features=MINIMAL, default_return_url="https://example.com/home"
    )
    assert stripe.billing_portal.Session.create(customer=customer.id).return_url is None
    assert stripe.billing_portal.Session.create(customer=customer.id, configuration=plain.id).return_url is None
    fallback = stripe.billing_portal.Session.create(customer=customer.id, configuration=with_url.id)
    assert fallback.return_url == "https://example.com/home"
    own = stripe.billing_portal.Session.create(
        customer=customer.id, configuration=with_url.id, return_url="https://example.com/mine"
    )
    assert own.return_url == "https://example.com/mine"


def test_configuration_is_expandable(api: Account) -> None:
    customer = stripe.Customer.create()
    configuration = stripe.billing_portal.Configuration.create(features=MINIMAL, name="Expanded")
    session = stripe.billing_portal.Session.create(
        customer=customer.id, configuration=configuration.id, expand=["configuration"]
    )
    assert isinstance(session.configuration, stripe.billing_portal.Configuration)
    assert session.configuration.to_dict() == configuration.to_dict()


def test_every_locale(api: Account) -> None:
    customer = stripe.Customer.create()
    for locale in get_args(Locale):
        assert stripe.billing_portal.Session.create(customer=customer.id, locale=locale).locale == locale


def test_on_behalf_of_a_connected_account(server: LiveServer, api: Account) -> None:
    connected = server.new_account("Connected Ltd.", parent_id=api.id)
    customer = stripe.Customer.create()
    session = stripe.billing_portal.Session.create(customer=customer.id, on_behalf_of=connected.id)
    assert session.on_behalf_of == connected.id


def test_after_expiration(api: Account) -> None:
    customer = stripe.Customer.create()
    deadline = int(START.timestamp()) + 86_400
    session = stripe.billing_portal.Session.create(
        customer=customer.id, after_expiration={"type": "customer_login", "customer_login": {"expires_at": deadline}}
    )
    assert session.after_expiration is not None
    assert session.after_expiration.to_dict() == {"customer_login": {"expires_at": deadline}, "type": "customer_login"}
    open_ended = stripe.billing_portal.Session.create(customer=customer.id, after_expiration={"type": "customer_login"})
    assert open_ended.after_expiration is not None
    assert open_ended.after_expiration.to_dict() == {"customer_login": {"expires_at": None}, "type": "customer_login"}


def test_the_event_and_the_session_row_never_hold_the_token(server: LiveServer, api: Account) -> None:
    customer = stripe.Customer.create()
    session = stripe.billing_portal.Session.create(customer=customer.id)
    token = _token(server, session)
    events = stripe.Event.list(type="billing_portal.session.created").data
    assert len(events) == 1
    shown = events[0].data.object
    assert shown.id == session.id
    assert shown.url == f"{server.url}/p/session/_redacted_"
    with server.database.unit_of_work() as db:
        row = db.scalars(select(PortalSession).where(PortalSession.id == session.id)).one()
        # A split token: the session's id (the selector) and a secret stored only hashed.
        assert token[:24] == session.id.removeprefix("bps_")
        assert row.token_hash == hashlib.sha256(token[24:].encode()).hexdigest()
        assert row.expires_at == START + dt.timedelta(minutes=5)
        assert (row.opened_at, row.last_seen_at, row.cookie_hash) == (None, None, None)
        assert not any(token in str(e.data) for e in db.scalars(select(Event)))
        # The one exception (docs/portal-policy.md): the stored response that replays a retried
        # create, which must give the same usable URL; the token still expires in 5 minutes.
        replays = [r.response_body.decode() for r in db.scalars(select(IdempotencyRecord))]
        assert any(session.id in text for text in replays)


def test_a_token_opens_once_within_five_minutes(server: LiveServer, api: Account) -> None:
    customer = stripe.Customer.create()
    token = _token(server, stripe.billing_portal.Session.create(customer=customer.id))
    late = _token(server, stripe.billing_portal.Session.create(customer=customer.id))
    with server.database.unit_of_work() as db:
        assert tokens.exchange_token(db, "not-a-token", START) is None
        # The right selector with a wrong secret finds nothing.
        forged = token[:24] + ("A" if token[24] != "A" else "B") + token[25:]
        assert tokens.find_by_token(db, forged) is None
        assert tokens.exchange_token(db, forged, START) is None
        expired = tokens.find_by_token(db, late)
        assert expired is not None
        assert tokens.token_state(expired, START + dt.timedelta(minutes=5)) == "expired"
        assert tokens.exchange_token(db, late, START + dt.timedelta(minutes=5)) is None
        opened = tokens.exchange_token(db, token, START + dt.timedelta(minutes=4))
        assert opened is not None
        row, cookie = opened
        assert row.opened_at == row.last_seen_at == START + dt.timedelta(minutes=4)
        assert cookie[:24] == row.id.removeprefix("bps_")
        assert row.cookie_hash == tokens.hash_token(cookie[24:])
        assert cookie[24:] not in token
        assert tokens.token_state(row, START) == "used"
        assert tokens.exchange_token(db, token, START + dt.timedelta(minutes=4)) is None


def test_a_portal_session_lives_an_hour_from_last_activity(server: LiveServer, api: Account) -> None:
    customer = stripe.Customer.create()
    token = _token(server, stripe.billing_portal.Session.create(customer=customer.id))
    with server.database.unit_of_work() as db:
        opened = tokens.exchange_token(db, token, START)
        assert opened is not None
        row, cookie = opened
        later = START + dt.timedelta(minutes=59)
        assert tokens.session_for_cookie(db, cookie, later) is row
        assert row.last_seen_at == later
        # Activity moved the hour on: 1h58m after opening it is still alive, 1h after the last request it is not.
        assert tokens.session_for_cookie(db, cookie, later + dt.timedelta(minutes=59)) is row
        assert tokens.session_for_cookie(db, cookie, later + dt.timedelta(minutes=59 + 60)) is None
        assert tokens.session_for_cookie(db, "wrong", START) is None
        assert tokens.session_for_cookie(db, token, START) is None  # the URL token is not a cookie
        tokens.revoke(db, row, START)
        assert tokens.session_for_cookie(db, cookie, START) is None
        assert tokens.token_state(row, START) == "revoked"


@pytest.mark.parametrize(
    ("after_expiration", "at", "recoverable"),
    [
        (None, START, False),
        ({"type": "customer_login"}, START + dt.timedelta(days=400), True),
        ({"type": "customer_login", "customer_login": {"expires_at": int(START.timestamp()) + 60}}, START, True),
        (
            {"type": "customer_login", "customer_login": {"expires_at": int(START.timestamp()) + 60}},
            START + dt.timedelta(minutes=1),
            False,
        ),
    ],
)
def test_expired_urls_offer_the_login_when_asked(
    server: LiveServer, api: Account, after_expiration: Any, at: dt.datetime, recoverable: bool
) -> None:
    customer = stripe.Customer.create()
    extra: Any = {} if after_expiration is None else {"after_expiration": after_expiration}
    token = _token(server, stripe.billing_portal.Session.create(customer=customer.id, **extra))
    with server.database.unit_of_work() as db:
        row = tokens.find_by_token(db, token)
        assert row is not None
        assert tokens.recoverable(row, at) is recoverable


def test_idempotent_replay_returns_the_same_url(api: Account) -> None:
    customer = stripe.Customer.create()
    first = stripe.billing_portal.Session.create(customer=customer.id, idempotency_key="portal-1")
    again = stripe.billing_portal.Session.create(customer=customer.id, idempotency_key="portal-1")
    assert (again.id, again.url) == (first.id, first.url)


def test_concurrent_creates_are_all_answered_and_a_bad_one_fails_alone(server: LiveServer, api: Account) -> None:
    """Requests arriving together share a commit group (billfold.db); each still stands alone."""
    customer = stripe.Customer.create()
    bodies = [{"customer": customer.id, "return_url": f"https://example.com/{n}"} for n in range(24)]
    bodies[7] = {"customer": "cus_missing"}
    bodies[15] = {"customer": customer.id, "return_url": "not a url"}

    async def create_all() -> list[httpx.Response]:
        headers = {"Authorization": f"Bearer {api.key}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as http:
            return list(await asyncio.gather(*(http.post("/v1/billing_portal/sessions", data=body) for body in bodies)))

    responses = asyncio.run(create_all())
    statuses = [response.status_code for response in responses]
    assert statuses == [404 if n == 7 else 400 if n == 15 else 200 for n in range(len(bodies))]
    created = [response.json() for response in responses if response.status_code == 200]
    assert [session["return_url"] for session in created] == [
        body["return_url"] for n, body in enumerate(bodies) if n not in {7, 15}
    ]
    events = stripe.Event.list(type="billing_portal.session.created", limit=100).data
    assert sorted(event.data.object.id for event in events) == sorted(session["id"] for session in created)
    with server.database.unit_of_work() as db:
        for session in created:
            row = tokens.find_by_token(db, session["url"].rsplit("/", 1)[1])
            assert row is not None
            assert row.id == session["id"]


def test_concurrent_creates_with_one_key_create_one_session(server: LiveServer, api: Account) -> None:
    """Twins with one key arrive together (in one commit group, and at a second server process).

    One creates, every other one replays it, and a twin with other parameters is refused.
    """
    customer = stripe.Customer.create()
    other = LiveServer(server.backend, database_url=server.database_url).start()
    body = {"customer": customer.id, "return_url": "https://example.com/account"}

    async def create_all() -> list[httpx.Response]:
        headers = {"Authorization": f"Bearer {api.key}", "Idempotency-Key": "one-key"}
        async with (
            httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as here,
            httpx.AsyncClient(base_url=other.url, headers=headers, timeout=30) as there,
        ):
            posts = [(here if n % 3 else there).post("/v1/billing_portal/sessions", data=body) for n in range(12)]
            posts.append(here.post("/v1/billing_portal/sessions", data={**body, "locale": "fr"}))
            return list(await asyncio.gather(*posts))

    try:
        responses = asyncio.run(create_all())
    finally:
        other.stop(drop=False)
    *twins, different = responses
    assert [response.status_code for response in twins] == [200] * len(twins), [r.text for r in twins]
    assert len({response.content for response in twins}) == 1
    assert sum(response.headers.get("idempotent-replayed") != "true" for response in twins) == 1
    assert different.status_code == 400
    assert different.json()["error"]["type"] == "idempotency_error"
    created = twins[0].json()
    with server.database.unit_of_work(readonly=True) as db:
        sessions = db.scalars(select(PortalSession.id).where(PortalSession.account_id == api.id)).all()
        events = db.scalars(
            select(Event.id).where(Event.account_id == api.id, Event.type == "billing_portal.session.created")
        ).all()
        records = db.scalars(
            select(IdempotencyRecord.status_code).where(
                IdempotencyRecord.account_id == api.id, IdempotencyRecord.key == "one-key"
            )
        ).all()
    assert sessions == [created["id"]]
    assert len(events) == 1
    assert records == [200]
