"""``/v1/setup_intents``."""

from __future__ import annotations

from typing import Any

from billfold import payments
from billfold.api.expand import EXPANDERS
from billfold.api.listing import paginate, range_filter
from billfold.api.params.setup_intents import (
    SetupIntentCancel,
    SetupIntentConfirm,
    SetupIntentCreate,
    SetupIntentList,
    SetupIntentRetrieve,
)
from billfold.api.routes.payment_methods import expand_payment_method
from billfold.api.routes.tax_ids import expand_customer
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import SetupIntent
from billfold.objects.setup_intent import setup_intent_object

__all__ = ["router"]

router = ApiRouter("Setup intents")

EXPANDERS.setdefault("setup_intent", {}).update(customer=expand_customer, payment_method=expand_payment_method)


@router.post("/v1/setup_intents", SetupIntentCreate, "Create a setup intent", "setup_intent")
def create(ctx: Ctx, params: SetupIntentCreate) -> dict[str, Any]:
    return setup_intent_object(payments.create_setup_intent(ctx, payments.get_gateway(), params.given()))


@router.get("/v1/setup_intents", SetupIntentList, "List setup intents", "list")
def list_(ctx: Ctx, params: SetupIntentList) -> dict[str, Any]:
    stmt = payments.list_setup_intents_query(ctx, params.given())
    stmt = range_filter(stmt, SetupIntent.created, params.created)
    return paginate(
        ctx,
        SetupIntent,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=setup_intent_object,
        url="/v1/setup_intents",
        kind="setupintent",
    )


@router.get("/v1/setup_intents/{intent}", SetupIntentRetrieve, "Retrieve a setup intent", "setup_intent")
def retrieve(ctx: Ctx, params: SetupIntentRetrieve, intent: str) -> dict[str, Any]:
    return setup_intent_object(payments.get_setup_intent(ctx, intent, client_secret=params.client_secret))


@router.post("/v1/setup_intents/{intent}/confirm", SetupIntentConfirm, "Confirm a setup intent", "setup_intent")
def confirm(ctx: Ctx, params: SetupIntentConfirm, intent: str) -> dict[str, Any]:
    si = payments.confirm_setup_intent(ctx, payments.get_gateway(), intent, params.given())
    return setup_intent_object(si)


@router.post("/v1/setup_intents/{intent}/cancel", SetupIntentCancel, "Cancel a setup intent", "setup_intent")
def cancel(ctx: Ctx, params: SetupIntentCancel, intent: str) -> dict[str, Any]:
    return setup_intent_object(payments.cancel_setup_intent(ctx, intent, params.given()))
