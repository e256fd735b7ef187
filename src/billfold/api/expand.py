"""``expand[]``: replace ids by objects, up to four levels, ``data.`` inside lists.

Each object type names its expandable fields and how to load them; loading always
filters on the calling account, so nothing crosses accounts through expansion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from billfold.context import Ctx
from billfold.errors import InvalidRequestError

__all__ = ["EXPANDERS", "Loader", "expand"]

# loader(ctx, current value, the object holding the field) -> new value
Loader = Callable[[Ctx, Any, dict[str, Any]], Any]
# object type -> dotted field path inside that object -> loader
EXPANDERS: dict[str, dict[str, Loader]] = {}
_MAX_DEPTH = 4


def _too_deep(path: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"You cannot expand more than {_MAX_DEPTH} levels of a property. Property: {path}",
        param="expand",
    )


def _not_expandable(path: str) -> InvalidRequestError:
    return InvalidRequestError(f"This property cannot be expanded ({path}).", param="expand")


def _container(node: dict[str, Any], dotted: list[str]) -> tuple[dict[str, Any], str] | None:
    for part in dotted[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            return None
        node = child
    return node, dotted[-1]


def _expand_each(ctx: Ctx, child: Any, parts: list[str], path: str, depth: int) -> None:  # noqa: ANN401
    """Go on into an expanded object, or into each object of an expanded list (``discounts``)."""
    for element in child if isinstance(child, list) else [child]:
        if isinstance(element, dict):
            _expand(ctx, element, parts, path, depth)


def _expand(ctx: Ctx, node: dict[str, Any], parts: list[str], path: str, depth: int) -> None:  # noqa: C901
    if node.get("object") in {"list", "search_result"}:
        if parts[0] != "data":
            raise _not_expandable(path)
        for item in node["data"]:
            if len(parts) > 1:
                _expand(ctx, item, parts[1:], path, depth)
        return
    if depth >= _MAX_DEPTH:
        raise _too_deep(path)
    fields = EXPANDERS.get(str(node.get("object")), {})
    for n in range(len(parts), 0, -1):
        loader = fields.get(".".join(parts[:n]))
        if loader is None:
            continue
        found = _container(node, parts[:n])
        if found is None:
            return
        holder, leaf = found
        value = holder.get(leaf)
        ids = isinstance(value, list) and any(isinstance(v, str) for v in value)  # e.g. ``discounts``
        if value is None or isinstance(value, str) or leaf not in holder or ids:
            holder[leaf] = loader(ctx, value, node)
        if n < len(parts):
            _expand_each(ctx, holder[leaf], parts[n:], path, depth + 1)
        return
    child = node.get(parts[0])
    if isinstance(child, dict) and "object" in child and len(parts) > 1:
        _expand(ctx, child, parts[1:], path, depth + 1)
        return
    raise _not_expandable(path)


def expand(ctx: Ctx, payload: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """Expand ``paths`` in ``payload`` in place and return it."""
    for path in paths:
        parts = path.split(".")
        levels = parts[1:] if payload.get("object") in {"list", "search_result"} else parts
        if len(levels) > _MAX_DEPTH:
            raise _too_deep(path)
        _expand(ctx, payload, parts, path, 0)
    return payload
