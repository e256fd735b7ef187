"""Hosted invoice pages and PDFs (``/i/{token}``): a web layer beside ``api``."""

from billfold.hosted.routes import hosted_routes

__all__ = ["hosted_routes"]
