"""Request models for ``/v1/setup_intents``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from billfold.api.params.base import Created, Expand, FormList, ListParams, Metadata, Params, Text
from billfold.api.params.payment_methods import card_type

__all__ = [
    "SetupIntentCancel",
    "SetupIntentConfirm",
    "SetupIntentCreate",
    "SetupIntentList",
    "SetupIntentRetrieve",
]

Text1000 = Annotated[Text, StringConstraints(max_length=1000)]


class SetupIntentCreate(Params):
    customer: Text | None = None
    payment_method: Text | None = None
    confirm: bool | None = None
    usage: Literal["off_session", "on_session"] | None = None
    payment_method_types: FormList[Text] | None = Field(default=None, min_length=1)
    description: Text1000 | None = None
    metadata: Metadata = None
    expand: Expand = None

    @model_validator(mode="after")
    def _cards_only(self) -> SetupIntentCreate:
        for index, value in enumerate(self.payment_method_types or []):
            card_type(value, f"payment_method_types[{index}]")
        return self


class SetupIntentConfirm(Params):
    payment_method: Text | None = None
    expand: Expand = None


class SetupIntentRetrieve(Params):
    client_secret: Text | None = None
    expand: Expand = None


class SetupIntentCancel(Params):
    cancellation_reason: Literal["abandoned", "duplicate", "requested_by_customer"] | None = None
    expand: Expand = None


class SetupIntentList(ListParams):
    customer: Text | None = None
    payment_method: Text | None = None
    created: Created | None = None
