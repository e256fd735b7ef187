"""What a price charges: the rules that combine its amount, tier and interval fields.

These live in the domain, not in a request model, because several endpoints create
prices (``/v1/prices``, ``default_price_data``, later ``price_data``) and each must
name parameters as its caller sent them (``default_price_data[unit_amount]``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from billfold.errors import InvalidRequestError
from billfold.money import is_known_currency

__all__ = ["Namer", "amount_pair", "check_currency", "param_namer", "price_terms"]

# Names a parameter the way the caller sent it: "recurring[interval]" → "x[recurring][interval]".
Namer = Callable[[str], str]

# Stripe caps a billing interval at one year, whatever the unit.
_MAX_INTERVAL_COUNT = {"day": 365, "week": 52, "month": 12, "year": 1}


def param_namer(prefix: str | None) -> Namer:
    """A namer that nests parameter names under ``prefix`` (or leaves them alone)."""

    def name(param: str) -> str:
        if prefix is None:
            return param
        head, bracket, rest = param.partition("[")
        return f"{prefix}[{head}]{bracket}{rest}"

    return name


def _missing(param: str, message: str) -> InvalidRequestError:
    return InvalidRequestError(message, code="parameter_missing", param=param)


def _exclusive(first: str, second: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"You may only specify one of these parameters: {first}, {second}.",
        code="parameters_exclusive",
        param=first,
    )


def check_currency(value: str, name: Namer) -> str:
    """The lower-case ISO 4217 code, or a 400 naming the parameter."""
    if not is_known_currency(value):
        raise InvalidRequestError(
            f"Invalid currency: {value[:20]}. Use a three-letter ISO 4217 code such as usd or eur.",
            param=name("currency"),
        )
    return value.lower()


def amount_pair(amount: int | None, decimal: str | None) -> tuple[int | None, str | None]:
    """``(integer, decimal string)`` for an amount given either way.

    A whole decimal also fills the integer, so readers of ``unit_amount`` see it.
    """
    if amount is not None:
        return amount, str(amount)
    if decimal is None:
        return None, None
    number = Decimal(decimal)
    text = format(number.normalize(), "f")
    whole = number == number.to_integral_value()
    return (int(number) if whole else None), text


def _pick(data: dict[str, Any], field: str, name: Namer) -> tuple[int | None, str | None]:
    amount, decimal = data.get(field), data.get(f"{field}_decimal")
    if amount is not None and decimal is not None:
        raise _exclusive(name(field), name(f"{field}_decimal"))
    return amount_pair(amount, decimal)


def _reject_unsupported(data: dict[str, Any], name: Namer) -> None:
    custom = data.get("custom_unit_amount")
    if custom and custom.get("enabled"):
        raise InvalidRequestError(
            "Prices with a customer-chosen amount (custom_unit_amount) are not supported yet.",
            param=name("custom_unit_amount"),
        )
    if data.get("currency_options"):
        raise InvalidRequestError(
            "Prices in several currencies (currency_options) are not supported yet; create one price per currency.",
            param=name("currency_options"),
        )


def _recurring(recurring: dict[str, Any] | None, name: Namer) -> dict[str, Any]:
    if recurring is None:
        return {"type": "one_time"}
    if recurring.get("usage_type") == "metered":
        raise InvalidRequestError(
            "Metered prices (recurring[usage_type]=metered) are not supported yet.",
            param=name("recurring[usage_type]"),
        )
    if recurring.get("meter") is not None:
        raise InvalidRequestError(
            "Meters are not supported yet (they belong to metered prices).", param=name("recurring[meter]")
        )
    interval = recurring["interval"]
    count = recurring.get("interval_count") or 1
    if count > _MAX_INTERVAL_COUNT[interval]:
        raise InvalidRequestError(
            f"Invalid recurring[interval_count]: a billing interval may be at most one year "
            f"(at most {_MAX_INTERVAL_COUNT[interval]} for interval={interval}).",
            code="parameter_invalid_integer",
            param=name("recurring[interval_count]"),
        )
    return {
        "type": "recurring",
        "recurring_interval": interval,
        "recurring_interval_count": count,
        "recurring_usage_type": "licensed",
        "recurring_trial_period_days": recurring.get("trial_period_days"),
    }


def _per_unit(data: dict[str, Any], name: Namer) -> dict[str, Any]:
    for field in ("tiers", "tiers_mode"):
        if data.get(field) is not None:
            raise InvalidRequestError(
                f"{field} can only be used with billing_scheme=tiered.",
                param=name(field),
            )
    amount, decimal = _pick(data, "unit_amount", name)
    if decimal is None:
        raise _missing(name("unit_amount"), "A per-unit price needs unit_amount or unit_amount_decimal.")
    return {"unit_amount": amount, "unit_amount_decimal": decimal, "tiers": None, "tiers_mode": None}


def _tier(tier: dict[str, Any], index: int, *, last: bool, floor: int, name: Namer) -> dict[str, Any]:
    up_to = tier["up_to"]
    where = name(f"tiers[{index}][up_to]")
    if last and up_to != "inf":
        raise InvalidRequestError("The last tier must have up_to=inf.", param=where)
    if not last and up_to == "inf":
        raise InvalidRequestError("Only the last tier may have up_to=inf.", param=where)
    if not last and up_to <= floor:
        raise InvalidRequestError("Each tier's up_to must be greater than the previous tier's.", param=where)

    def field(param: str) -> str:
        return name(f"tiers[{index}][{param}]")

    unit, unit_decimal = _pick(tier, "unit_amount", field)
    flat, flat_decimal = _pick(tier, "flat_amount", field)
    if unit_decimal is None and flat_decimal is None:
        raise _missing(
            field("unit_amount"),
            f"Tier {index} needs an amount: unit_amount, unit_amount_decimal, flat_amount or flat_amount_decimal.",
        )
    return {
        "flat_amount": flat,
        "flat_amount_decimal": flat_decimal,
        "unit_amount": unit,
        "unit_amount_decimal": unit_decimal,
        "up_to": None if up_to == "inf" else up_to,
    }


def _tiered(data: dict[str, Any], name: Namer) -> dict[str, Any]:
    for field in ("unit_amount", "unit_amount_decimal"):
        if data.get(field) is not None:
            raise InvalidRequestError(
                f"{field} cannot be used with billing_scheme=tiered; use tiers.", param=name(field)
            )
    if data.get("transform_quantity") is not None:
        raise InvalidRequestError(
            "transform_quantity cannot be used with billing_scheme=tiered.", param=name("transform_quantity")
        )
    tiers = data.get("tiers")
    if not tiers:
        raise _missing(name("tiers"), "A tiered price needs at least one tier (the last with up_to=inf).")
    if data.get("tiers_mode") is None:
        raise _missing(name("tiers_mode"), "A tiered price needs tiers_mode (graduated or volume).")
    rows: list[dict[str, Any]] = []
    floor = 0
    for index, tier in enumerate(tiers):
        rows.append(_tier(tier, index, last=index == len(tiers) - 1, floor=floor, name=name))
        floor = rows[-1]["up_to"] or floor
    return {"unit_amount": None, "unit_amount_decimal": None, "tiers": rows, "tiers_mode": data["tiers_mode"]}


def price_terms(data: dict[str, Any], name: Namer) -> dict[str, Any]:
    """The price columns for amount, scheme, tiers and interval, after Stripe's rules."""
    _reject_unsupported(data, name)
    scheme = data.get("billing_scheme") or "per_unit"
    terms = {"billing_scheme": scheme, **_recurring(data.get("recurring"), name)}
    terms.update(_tiered(data, name) if scheme == "tiered" else _per_unit(data, name))
    transform = data.get("transform_quantity")
    terms["transform_quantity"] = (
        {"divide_by": transform["divide_by"], "round": transform["round"]} if transform else None
    )
    return terms
