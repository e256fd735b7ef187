"""Train the zstd dictionary that packs stored event payloads (``billfold.packed_json``).

Builds a throwaway SQLite database with varied customers (names, addresses, tax ids,
cards that decline), prices and subscriptions of one to three items, renews them for a
few months with the worker, and trains a dictionary on every event payload that made.
The payloads are Stripe-shaped objects, so what the dictionary learns is their field
names and shared values, not this data. Run it only to make a new dictionary version:
rows packed with an earlier one need it to be read, so add files, never replace them.

    .venv/bin/python scripts/train-payload-dictionary.py src/billfold/dictionaries/payloads-2.zdict
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

import zstandard
from sqlalchemy import text

from billfold.accounts import create_account
from billfold.catalog import create_price
from billfold.clock import FrozenClock
from billfold.context import Ctx
from billfold.customers.service import create_customer, update_customer
from billfold.db import Database
from billfold.jobs.worker import Worker
from billfold.migrate import migrate
from billfold.payments import attach_payment_method, get_gateway
from billfold.subscriptions.create import create_subscription

DICTIONARY_BYTES = 16 * 1024
CUSTOMERS = 400
START = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)


def _seed(db: Database, rng: random.Random) -> None:
    clock = FrozenClock(START)
    gateway = get_gateway()
    with db.unit_of_work() as session:
        account = create_account(session, clock, business_name="Dictionary Training Ltd")
        ctx = Ctx(session, account.id, clock)
        prices = [
            create_price(
                ctx,
                {
                    "currency": currency,
                    "unit_amount": amount,
                    "recurring": {"interval": interval},
                    "product_data": {"name": name},
                },
            ).id
            for currency, amount, interval, name in [
                ("usd", 1_000, "month", "Pro"),
                ("usd", 4_900, "month", "Team"),
                ("usd", 700, "month", "Extra seat"),
                ("usd", 12_000, "year", "Pro yearly"),
                ("eur", 990, "month", "Starter"),
            ]
        ]
        for i in range(CUSTOMERS):
            params: dict[str, object] = {"email": f"person{i}@example.com", "name": f"Person {i}"}
            if i % 3 == 0:
                params["address"] = {"line1": f"{i} Main Street", "city": "Springfield", "country": "US"}
            if i % 5 == 0:
                params["phone"] = "+14155550100"
            customer = create_customer(ctx, params)
            card = "pm_card_chargeCustomerFail" if i % 11 == 0 else "pm_card_visa"
            method = attach_payment_method(ctx, gateway, card, customer.id)
            update_customer(ctx, customer.id, {"invoice_settings": {"default_payment_method": method.id}})
            items = [{"price": p, "quantity": rng.randint(1, 5)} for p in rng.sample(prices[:3], rng.randint(1, 3))]
            if i % 7 == 0:
                items = [{"price": prices[3 + i % 2]}]
            create_subscription(ctx, gateway, {"customer": customer.id, "items": items, "metadata": {"n": str(i)}})


def main() -> None:
    """Seed, renew for three months, train, write the dictionary to the path given."""
    target = Path(sys.argv[1])
    rng = random.Random(20261126)  # noqa: S311 - varied data, not secrets
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/train.db"
        migrate(url)
        db = Database(url)
        _seed(db, rng)
        for months in (1, 2, 3):
            clock = FrozenClock(START + dt.timedelta(days=31 * months + 1))
            # The general path: it stores payloads as plain JSON (the fast path packs them).
            Worker(db, clock, get_gateway()).run_until_idle()
        with db.unit_of_work() as session:
            payloads = [bytes(data) for data in session.scalars(text("SELECT data FROM events"))]
        db.close()
    dictionary = zstandard.train_dictionary(DICTIONARY_BYTES, payloads, level=3)
    target.write_bytes(dictionary.as_bytes())
    print(f"{len(payloads)} payloads -> {target} ({len(dictionary.as_bytes())} bytes, id {dictionary.dict_id()})")


if __name__ == "__main__":
    main()
