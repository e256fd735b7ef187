"""Subscriptions: creating, changing, cancelling them, and the periods and prorations they bill."""
