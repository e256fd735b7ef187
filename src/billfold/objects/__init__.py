"""The one place each Stripe-shaped object is serialised.

API responses, list pages, ``expand[]`` and event payloads all call these functions, so
a webhook and a GET of the same object cannot disagree.
"""

from billfold.objects.common import deleted_object, ts

__all__ = ["deleted_object", "ts"]
