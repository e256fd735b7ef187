"""The Stripe-shaped HTTP API (``/v1``): parse, call a service, render."""
