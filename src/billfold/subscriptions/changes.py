"""Working out what an ``items[]`` update changes, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from billfold.context import Ctx
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.metadata import merge_metadata
from billfold.models import Price, SubscriptionItem
from billfold.subscriptions.items import check_compatible, resolve_price

__all__ = ["ItemChange", "plan_item_changes"]


@dataclass(slots=True)
class ItemChange:
    """One item before and after the update (``None`` when added or removed)."""

    item: SubscriptionItem | None
    old_price: Price | None
    old_quantity: int
    new_price: Price | None
    new_quantity: int
    metadata: dict[str, str] | None = None
    param: str = "items"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def changes_amount(self) -> bool:
        """Whether price or quantity moved (what prorations are about)."""
        old = (self.old_price.id if self.old_price else None, self.old_quantity)
        new = (self.new_price.id if self.new_price else None, self.new_quantity)
        return old != new


def plan_item_changes(
    ctx: Ctx,
    current: list[tuple[SubscriptionItem, Price]],
    entries: list[dict[str, Any]],
) -> list[ItemChange]:
    """Every current item (changed or not) plus the added ones, checked for compatibility."""
    by_id = {item.id: ItemChange(item, price, item.quantity, price, item.quantity) for item, price in current}
    added: list[ItemChange] = []
    for index, entry in enumerate(entries):
        where = f"items[{index}]"
        if entry.get("id"):
            change = by_id.get(entry["id"])
            if change is None:
                raise ResourceMissingError("subscription item", entry["id"], param=f"{where}[id]")
            change.param = where
            if entry.get("deleted"):
                change.new_price, change.new_quantity = None, 0
                continue
            if any(entry.get(key) is not None for key in ("price", "plan", "price_data")):
                change.new_price = resolve_price(ctx, entry, where)
            if entry.get("quantity") is not None:
                change.new_quantity = entry["quantity"]
            if "metadata" in entry:
                change.metadata = merge_metadata(change.item.metadata_ if change.item else {}, entry["metadata"])
        else:
            if entry.get("deleted"):
                raise InvalidRequestError("An item to delete needs its id.", param=f"{where}[id]")
            price = resolve_price(ctx, entry, where)
            added.append(
                ItemChange(None, None, 0, price, entry.get("quantity", 1), entry.get("metadata") or {}, where),
            )
    result = [*by_id.values(), *added]
    remaining = [(c.new_price, f"{c.param}[price]") for c in result if c.new_price is not None]
    if not remaining:
        raise InvalidRequestError(
            "A subscription must keep at least one item; to end it, cancel the subscription.",
            param="items",
        )
    check_compatible(remaining)
    return result
