"""Request models: shape and type only, errors named as Stripe names parameters.

Every endpoint has one pydantic model with ``extra="forbid"``. Field types come from
the small vocabulary below so that every endpoint treats ``""``, lists, lengths and
metadata the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from billfold.errors import InvalidRequestError

__all__ = [
    "URL",
    "Created",
    "Emptyable",
    "Expand",
    "FormList",
    "ListParams",
    "Metadata",
    "Params",
    "RangeFilter",
    "SearchParams",
    "Text",
    "Text12",
    "Text20",
    "Text22",
    "Text40",
    "Text80",
    "Text140",
    "Text150",
    "Text200",
    "Text256",
    "Text350",
    "Text500",
    "Text512",
    "Text40000",
    "Timestamp",
    "parse_params",
]

M = TypeVar("M", bound=BaseModel)


def _reject_empty(value: object) -> object:
    if value == "":
        raise PydanticCustomError("parameter_invalid_empty", "empty")
    return value


def _empty_to_none(value: object) -> object:
    return None if value == "" else value


def _indexed_to_list(value: object) -> object:
    """``{"0": a, "1": b}`` (bracket syntax) → ``[a, b]``; ``""`` means an empty list."""
    if value == "":
        return []
    if isinstance(value, dict) and all(isinstance(k, str) and k.isdigit() for k in value):
        return [value[k] for k in sorted(value, key=int)]
    return value


_NON_EMPTY = BeforeValidator(_reject_empty)
# Non-empty strings with Stripe's length limits (5000 unless the reference says otherwise).
Text = Annotated[str, _NON_EMPTY, StringConstraints(max_length=5000)]
Text12 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=12)]
Text20 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=20)]
Text22 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=22)]
Text40 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=40)]
Text80 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=80)]
Text140 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=140)]
Text150 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=150)]
Text200 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=200)]
Text256 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=256)]
Text350 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=350)]
Text500 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=500)]
Text512 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=512)]
Text40000 = Annotated[str, _NON_EMPTY, StringConstraints(max_length=40000)]
URL = Text
T = TypeVar("T")
# ``Emptyable[X]`` accepts ``""`` and turns it into None: "unset this field".
Emptyable = Annotated[T | None, BeforeValidator(_empty_to_none)]
FormList = Annotated[list[T], BeforeValidator(_indexed_to_list)]
Expand = Annotated[list[Annotated[str, StringConstraints(max_length=5000)]] | None, BeforeValidator(_indexed_to_list)]


def _check_metadata(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is None:
        return None
    if len(value) > 50:
        raise InvalidRequestError(
            "Invalid metadata: metadata cannot have more than 50 keys",
            code="parameter_invalid_metadata",
            param="metadata",
        )
    for key, item in value.items():
        if not key or len(key) > 40:
            raise InvalidRequestError(
                f"Invalid metadata: keys must be 1 to 40 characters long (got '{key[:60]}')",
                code="parameter_invalid_metadata",
                param=f"metadata[{key}]",
            )
        if len(item) > 500:
            raise InvalidRequestError(
                f"Invalid metadata[{key}]: values must be at most 500 characters",
                code="parameter_invalid_metadata",
                param=f"metadata[{key}]",
            )
    return value


# ``metadata=""`` → None (clear all); ``metadata[k]=""`` → ``{"k": ""}`` (delete k).
Metadata = Annotated[
    dict[str, Annotated[str, Field(strict=False)]] | None,
    BeforeValidator(_empty_to_none),
    AfterValidator(_check_metadata),
]


class Params(BaseModel):
    """Base of every request model: unknown parameters are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, hide_input_in_errors=False)

    def given(self, *, exclude: frozenset[str] = frozenset({"expand"})) -> dict[str, Any]:
        """The fields the caller sent, as plain data (for services)."""
        return self.model_dump(exclude_unset=True, exclude=set(exclude), by_alias=False)


# Unix seconds that a datetime can hold (up to the year 9999), so filters never overflow.
Timestamp = Annotated[int, Field(ge=0, le=253_402_300_799)]


class RangeFilter(BaseModel):
    """``created[gte]=…`` style filters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gt: Timestamp | None = None
    gte: Timestamp | None = None
    lt: Timestamp | None = None
    lte: Timestamp | None = None


Created = RangeFilter | Timestamp


class ListParams(Params):
    """What every list endpoint accepts."""

    limit: Annotated[int, Field(ge=1, le=100)] = 10
    starting_after: Text | None = None
    ending_before: Text | None = None
    expand: Expand = None


class SearchParams(Params):
    """What every search endpoint takes; ``expand[]=total_count`` asks for the count.

    ``total_count`` is not a path into the results, so it is kept out of ``expand``.
    """

    query: Text
    limit: Annotated[int, Field(ge=1, le=100)] = 10
    page: Text | None = None
    expand_paths: Expand = Field(default=None, alias="expand")

    @property
    def expand(self) -> list[str] | None:
        """The paths the pipeline expands in the results (everything but ``total_count``)."""
        return [path for path in self.expand_paths or [] if path != "total_count"] or None

    @property
    def total_count(self) -> bool:
        """Whether the caller asked for ``total_count``."""
        return "total_count" in (self.expand_paths or [])


# -- error mapping -------------------------------------------------------------


def _param_name(loc: tuple[int | str, ...]) -> str:
    head, *rest = (str(part) for part in loc)
    return head + "".join(f"[{part}]" for part in rest)


def _join_choices(choices: list[str]) -> str:
    if len(choices) <= 2:
        return " or ".join(choices)
    return ", ".join(choices[:-1]) + f", or {choices[-1]}"


_UNION_TAGS = {"int", "constrained-int", "str", "bool", "RangeFilter", "list[str]", "dict[str,str]"}


def _clean_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    # Drop pydantic's union/validator tags such as "function-after[...]" or "int".
    kept: list[int | str] = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part in _UNION_TAGS) and kept:
            continue
        kept.append(part)
    return tuple(kept)


_PRIORITY = {"extra_forbidden": 0, "missing": 1}


def stripe_error(exc: ValidationError) -> InvalidRequestError:  # noqa: C901, PLR0911, PLR0912 - one branch per pydantic error kind
    """The one Stripe-shaped error for a request model's validation failure."""
    errors = sorted(exc.errors(), key=lambda e: _PRIORITY.get(e["type"], 2))
    error = errors[0]
    kind = error["type"]
    param = _param_name(_clean_loc(error["loc"])) if error["loc"] else ""
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return InvalidRequestError(f"Received unknown parameter: {param}", code="parameter_unknown", param=param)
    if kind == "missing":
        return InvalidRequestError(f"Missing required param: {param}.", code="parameter_missing", param=param)
    if value == "" or kind == "parameter_invalid_empty":
        return InvalidRequestError(
            f"You passed an empty string for '{param}'. We assume empty values are an attempt to unset a "
            f"parameter; however '{param}' cannot be unset. You should remove '{param}' from your request "
            "or supply a non-empty value.",
            code="parameter_invalid_empty",
            param=param,
        )
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return InvalidRequestError(f"Invalid integer: {value}", code="parameter_invalid_integer", param=param)
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = {
            "greater_than_equal": "greater than or equal to",
            "less_than_equal": "less than or equal to",
            "greater_than": "greater than",
            "less_than": "less than",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return InvalidRequestError(
            f"Invalid {param}: must be {bound} {limit}",
            code="parameter_invalid_decimal" if isinstance(limit, (float, Decimal)) else "parameter_invalid_integer",
            param=param,
        )
    if kind in {"bool_parsing", "bool_type"}:
        return InvalidRequestError(f"Invalid boolean: {value}", code="parameter_invalid_boolean", param=param)
    if kind == "literal_error":
        expected = [c.strip().strip("'") for c in str(ctx.get("expected", "")).replace(" or ", ", ").split(", ")]
        return InvalidRequestError(
            f"Invalid {param}: must be one of {_join_choices(expected)}",
            code="parameter_invalid_enum",
            param=param,
        )
    # ``Text`` wraps its length constraint in a validator, so pydantic reports ``too_long``.
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        return InvalidRequestError(
            f"Invalid {param}: must be at most {ctx.get('max_length')} characters",
            code="parameter_invalid_string_too_long",
            param=param,
        )
    if kind == "too_long":
        return InvalidRequestError(
            f"Array {param} exceeded maximum {ctx.get('max_length')} allowed elements.",
            code="parameter_invalid_array",
            param=param,
        )
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return InvalidRequestError(
            f"Invalid {param}: must be an object (hash)", code="parameter_invalid_object", param=param
        )
    if kind in {"list_type", "tuple_type"}:
        return InvalidRequestError(f"Invalid array for {param}", code="parameter_invalid_array", param=param)
    if kind == "string_type":
        return InvalidRequestError(
            f"Invalid string for {param}: {value!r}", code="parameter_invalid_string", param=param
        )
    if kind in {
        "decimal_parsing",
        "decimal_type",
        "float_parsing",
        "float_type",
        "decimal_max_places",
        "decimal_max_digits",
        "decimal_whole_digits",
    }:
        return InvalidRequestError(f"Invalid decimal: {value}", code="parameter_invalid_decimal", param=param)
    return InvalidRequestError(f"Invalid {param}: {error['msg']}", code="parameter_invalid", param=param)


def parse_params(model: type[M], data: dict[str, Any]) -> M:
    """Validate ``data`` against ``model`` or raise the Stripe-shaped error."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise stripe_error(exc) from None
