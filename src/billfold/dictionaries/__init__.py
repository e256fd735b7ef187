"""zstd dictionaries for stored payloads (billfold.packed_json): data, never edited once released."""
