"""Public pages that are not the API: the landing page and the API reference."""
