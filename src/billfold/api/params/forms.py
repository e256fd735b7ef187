"""Stripe's bracket syntax: ``items[0][price]=p&expand[]=customer`` into nested values.

Indexed lists arrive as dicts with digit keys (``{"0": {...}}``); the request models turn
them into lists where a list is expected, so ``metadata[0]=x`` stays a dict key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from billfold.errors import InvalidRequestError

__all__ = ["decode_pairs", "encode_pairs", "parse_form", "parse_pairs", "split_key"]

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


def split_key(key: str) -> list[str]:
    """``a[b][0][]`` → ``["a", "b", "0", ""]``; malformed keys are a 400."""
    match = _KEY.match(key)
    if match is None:
        raise InvalidRequestError(f"Invalid parameter name: {key}", code="parameter_unknown", param=key)
    return [match.group(1), *_PART.findall(match.group(2))]


def _conflict(key: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"Invalid value for {key}: a parameter cannot be both a value and a hash or array.",
        code="parameter_invalid_object",
        param=key,
    )


def _into_list(node: list[Any], parts: list[str], index: int, value: str, key: str) -> Any:  # noqa: ANN401
    """``name[]``: append; ``name[][field]`` fills the last dict until a field repeats."""
    if parts[index] != "":  # ``a[]=x&a[b]=y``: an array and a hash at once
        raise _conflict(key)
    if index == len(parts) - 1:
        node.append(value)
        return None
    if not node or not isinstance(node[-1], dict) or parts[index + 1] in node[-1]:
        node.append({})
    return node[-1]


def _insert(root: dict[str, Any], parts: list[str], value: str, key: str) -> None:
    node: Any = root
    for index, part in enumerate(parts):
        if isinstance(node, list):
            node = _into_list(node, parts, index, value, key)
            if node is None:
                return
            continue
        if not isinstance(node, dict):
            raise _conflict(key)
        if index == len(parts) - 1:
            if isinstance(node.get(part), (dict, list)):
                raise _conflict(key)
            node[part] = value
            return
        child = node.get(part)
        if child is None:
            child = [] if parts[index + 1] == "" else {}
            node[part] = child
        elif not isinstance(child, (dict, list)):
            raise _conflict(key)
        node = child


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Nest decoded ``(key, value)`` pairs; later plain keys overwrite earlier ones."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        if key and "[" not in key and "]" not in key:  # a plain name: most parameters
            if isinstance(root.get(key), (dict, list)):
                raise _conflict(key)
            root[key] = value
        else:
            _insert(root, split_key(key), value, key)
    return root


def _decoded(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="strict") if "%" in text else text


def decode_pairs(text: str) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")``, faster.

    The same splitting and decoding, minus the work a plain name or value does not need
    (most of them have no ``+`` or ``%``): a form body is read on every API call.
    """
    pairs = []
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            pairs.append((_decoded(name), _decoded(value)))
    return pairs


def parse_form(text: str) -> dict[str, Any]:
    """Parse a query string or form body (keeping blank values: ``""`` means unset)."""
    if not text:
        return {}
    try:
        pairs = decode_pairs(text)
    except UnicodeDecodeError:
        raise InvalidRequestError("The request contains percent-encoded bytes that are not valid UTF-8.") from None
    return parse_pairs(pairs)


def encode_pairs(value: Any, prefix: str = "") -> list[tuple[str, str]]:  # noqa: ANN401 - any JSON-like value
    """The inverse of :func:`parse_pairs` (lists indexed, as the stripe SDK sends them)."""
    if isinstance(value, dict):
        pairs: list[tuple[str, str]] = []
        for key, item in value.items():
            pairs.extend(encode_pairs(item, f"{prefix}[{key}]" if prefix else str(key)))
        return pairs
    if isinstance(value, list):
        pairs = []
        for index, item in enumerate(value):
            pairs.extend(encode_pairs(item, f"{prefix}[{index}]"))
        return pairs
    return [(prefix, str(value))]
