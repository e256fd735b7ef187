"""Request models for ``/v1/products``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from billfold.api.params.base import (
    URL,
    Created,
    Emptyable,
    Expand,
    FormList,
    ListParams,
    Metadata,
    Params,
    Text,
    Text12,
    Text22,
    Text80,
    Text200,
    Text40000,
)
from billfold.api.params.prices import DefaultPriceData

__all__ = ["ProductCreate", "ProductDelete", "ProductList", "ProductRetrieve", "ProductUpdate"]


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackageDimensions(_Nested):
    height: Annotated[float, Field(ge=0)]
    length: Annotated[float, Field(ge=0)]
    weight: Annotated[float, Field(ge=0)]
    width: Annotated[float, Field(ge=0)]


class MarketingFeature(_Nested):
    name: Text80


class ProductCreate(Params):
    id: Text200 | None = None
    name: Text
    active: bool | None = None
    description: Text40000 | None = None
    images: FormList[URL] | None = Field(default=None, max_length=8)
    marketing_features: FormList[MarketingFeature] | None = Field(default=None, max_length=15)
    metadata: Metadata = None
    package_dimensions: PackageDimensions | None = None
    shippable: bool | None = None
    statement_descriptor: Text22 | None = None
    tax_code: Text | None = None
    type: Literal["good", "service"] | None = None
    unit_label: Text12 | None = None
    url: URL | None = None
    default_price_data: DefaultPriceData | None = None
    expand: Expand = None


class ProductUpdate(Params):
    active: bool | None = None
    default_price: Emptyable[Text] = None
    description: Emptyable[Text40000] = None
    images: Emptyable[FormList[URL]] = None
    marketing_features: Emptyable[FormList[MarketingFeature]] = None
    metadata: Metadata = None
    name: Text | None = None
    package_dimensions: Emptyable[PackageDimensions] = None
    shippable: bool | None = None
    statement_descriptor: Text22 | None = None
    tax_code: Emptyable[Text] = None
    unit_label: Emptyable[Text12] = None
    url: Emptyable[URL] = None
    expand: Expand = None


class ProductRetrieve(Params):
    expand: Expand = None


class ProductDelete(Params):
    pass


class ProductList(ListParams):
    active: bool | None = None
    created: Created | None = None
    ids: FormList[Text] | None = None
    shippable: bool | None = None
    type: Literal["good", "service"] | None = None
    url: URL | None = None
