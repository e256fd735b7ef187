"""Coupons and promotion codes."""
