"""``/v1/payment_methods`` and ``/v1/customers/{customer}/payment_methods``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from billfold import payments
from billfold.api.expand import EXPANDERS
from billfold.api.listing import paginate
from billfold.api.params.payment_methods import (
    CustomerPaymentMethodList,
    CustomerPaymentMethodRetrieve,
    PaymentMethodAttach,
    PaymentMethodCreate,
    PaymentMethodDetach,
    PaymentMethodList,
    PaymentMethodRetrieve,
    PaymentMethodUpdate,
)
from billfold.api.routes.tax_ids import expand_customer
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import PaymentMethod
from billfold.objects.payment_method import payment_method_object

__all__ = ["expand_payment_method", "router"]

router = ApiRouter("Payment methods")


def expand_payment_method(ctx: Ctx, value: Any, holder: dict[str, Any]) -> Any:  # noqa: ANN401 - loader signature
    """The payment method an object points at."""
    if value is None:
        return None
    return payment_method_object(payments.get_payment_method(ctx, value, param="expand"))


EXPANDERS.setdefault("payment_method", {})["customer"] = expand_customer


@router.post("/v1/payment_methods", PaymentMethodCreate, "Create a payment method", "payment_method")
def create(ctx: Ctx, params: PaymentMethodCreate) -> dict[str, Any]:
    return payment_method_object(payments.create_payment_method(ctx, params.given()))


@router.get("/v1/payment_methods", PaymentMethodList, "List payment methods", "list")
def list_(ctx: Ctx, params: PaymentMethodList) -> dict[str, Any]:
    return _page(ctx, params, payments.list_payment_methods_query(ctx, params.given()), "/v1/payment_methods")


@router.get(
    "/v1/payment_methods/{payment_method}", PaymentMethodRetrieve, "Retrieve a payment method", "payment_method"
)
def retrieve(ctx: Ctx, params: PaymentMethodRetrieve, payment_method: str) -> dict[str, Any]:
    return payment_method_object(payments.get_payment_method(ctx, payment_method))


@router.post("/v1/payment_methods/{payment_method}", PaymentMethodUpdate, "Update a payment method", "payment_method")
def update(ctx: Ctx, params: PaymentMethodUpdate, payment_method: str) -> dict[str, Any]:
    return payment_method_object(payments.update_payment_method(ctx, payment_method, params.given()))


@router.post(
    "/v1/payment_methods/{payment_method}/attach",
    PaymentMethodAttach,
    "Attach a payment method to a customer",
    "payment_method",
)
def attach(ctx: Ctx, params: PaymentMethodAttach, payment_method: str) -> dict[str, Any]:
    pm = payments.attach_payment_method(ctx, payments.get_gateway(), payment_method, params.customer)
    return payment_method_object(pm)


@router.post(
    "/v1/payment_methods/{payment_method}/detach",
    PaymentMethodDetach,
    "Detach a payment method from its customer",
    "payment_method",
)
def detach(ctx: Ctx, params: PaymentMethodDetach, payment_method: str) -> dict[str, Any]:
    return payment_method_object(payments.detach_payment_method(ctx, payment_method))


@router.get(
    "/v1/customers/{customer}/payment_methods",
    CustomerPaymentMethodList,
    "List a customer's payment methods",
    "list",
)
def list_for_customer(ctx: Ctx, params: CustomerPaymentMethodList, customer: str) -> dict[str, Any]:
    stmt = payments.customer_payment_methods_query(ctx, customer, params.given())
    return _page(ctx, params, stmt, f"/v1/customers/{customer}/payment_methods")


@router.get(
    "/v1/customers/{customer}/payment_methods/{payment_method}",
    CustomerPaymentMethodRetrieve,
    "Retrieve a customer's payment method",
    "payment_method",
)
def retrieve_for_customer(
    ctx: Ctx, params: CustomerPaymentMethodRetrieve, customer: str, payment_method: str
) -> dict[str, Any]:
    return payment_method_object(payments.get_customer_payment_method(ctx, customer, payment_method))


def _page(
    ctx: Ctx,
    params: PaymentMethodList | CustomerPaymentMethodList,
    stmt: Select[PaymentMethod],
    url: str,
) -> dict[str, Any]:
    return paginate(
        ctx,
        PaymentMethod,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=payment_method_object,
        url=url,
        kind="PaymentMethod",
    )
