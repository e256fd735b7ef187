"""Subscription schedules: phases that change a subscription at set times.

:func:`advance_schedule` is what the worker and test clocks call for a schedule with
something due (``next_transition_at`` ≤ now; see :func:`due_schedules_query`). Renewals
call :func:`apply_due_transition` themselves, so phase changes and renewals interleave
in time order.
"""

from billfold.schedules.advance import advance_schedule, apply_due_transition
from billfold.schedules.queries import (
    due_schedule_ids,
    due_schedules_query,
    get_schedule,
    list_schedules_query,
    schedule_payload,
)
from billfold.schedules.service import (
    cancel_schedule,
    create_schedule,
    on_subscription_canceled,
    release_schedule,
    update_schedule,
)

__all__ = [
    "advance_schedule",
    "apply_due_transition",
    "cancel_schedule",
    "create_schedule",
    "due_schedule_ids",
    "due_schedules_query",
    "get_schedule",
    "list_schedules_query",
    "on_subscription_canceled",
    "release_schedule",
    "schedule_payload",
    "update_schedule",
]
