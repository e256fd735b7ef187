"""Stored JSON payloads, packed with zstd and a dictionary trained on our own objects.

An event carries whole Stripe-shaped objects: 3 to 4 KB of JSON each, five events a renewal,
most of what PostgreSQL compressed, logged and stored for the worker. With a dictionary
of the objects' field names and common values, zstd makes a 3.4 KB invoice about 300
bytes (lz4 inside PostgreSQL: 1.7 KB), in about 4.5 µs; reading it back takes about 2 µs.

A stored value is either plain JSON (what a single write stores: not worth packing) or a
zstd frame, which names the dictionary it was packed with; frames start with zstd's magic
number, JSON never does. Dictionaries live in ``billfold/dictionaries`` as
``payloads-<n>.zdict`` and are never changed once released: a new one is added
(``scripts/train-payload-dictionary.py``) and becomes the one that packs.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources

import zstandard

__all__ = ["is_packed", "pack", "unpack"]

_MAGIC = b"\x28\xb5\x2f\xfd"  # zstd's frame magic number, little-endian
_PACKING = "payloads-1.zdict"  # the dictionary new payloads are packed with
_LEVEL = 3


@cache
def _dictionary_files() -> dict[int, bytes]:
    """Every dictionary shipped, by the id a frame names."""
    found = {}
    for entry in resources.files("billfold.dictionaries").iterdir():
        if entry.name.endswith(".zdict"):
            data = entry.read_bytes()
            found[zstandard.ZstdCompressionDict(data).dict_id()] = data
    return found


class _Codecs(threading.local):
    """A thread's compressor and decompressors: zstandard's are not safe to share between threads."""

    def __init__(self) -> None:
        self.decompressors: dict[int, zstandard.ZstdDecompressor] = {}
        self._compressor: zstandard.ZstdCompressor | None = None

    def compressor(self) -> zstandard.ZstdCompressor:
        if self._compressor is None:
            packing = resources.files("billfold.dictionaries").joinpath(_PACKING).read_bytes()
            dictionary = zstandard.ZstdCompressionDict(packing)
            dictionary.precompute_compress(level=_LEVEL)  # else each frame prepares it again: twice the time
            self._compressor = zstandard.ZstdCompressor(level=_LEVEL, dict_data=dictionary)
        return self._compressor

    def decompressor(self, dict_id: int) -> zstandard.ZstdDecompressor:
        found = self.decompressors.get(dict_id)
        if found is None:
            data = _dictionary_files()[dict_id] if dict_id else None
            dictionary = None if data is None else zstandard.ZstdCompressionDict(data)
            found = self.decompressors[dict_id] = zstandard.ZstdDecompressor(dict_data=dictionary)
        return found


_CODECS = _Codecs()


def pack(payload: bytes) -> bytes:
    """``payload`` (JSON) as a zstd frame packed with the current dictionary."""
    return _CODECS.compressor().compress(payload)


def is_packed(stored: bytes) -> bool:
    """Whether ``stored`` is a zstd frame (else it is JSON as it was written)."""
    return stored[:4] == _MAGIC


def unpack(stored: bytes) -> bytes:
    """The JSON of a stored payload, packed or not."""
    if not is_packed(stored):
        return stored
    dict_id = zstandard.get_frame_parameters(stored).dict_id
    return _CODECS.decompressor(dict_id).decompress(stored)
