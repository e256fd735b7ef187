"""Work that time makes due, and the worker that runs it.

Renewals and the rest of a subscription's timeline, dunning retries, notices; the jobs
table they use; and the worker that runs them in batches.

Advancing a test clock runs the same functions (:func:`run_subscription`, :func:`run_job`)
with the clock's time; there is no second code path.
"""

from billfold.jobs.due import next_instant, run_job, run_subscription
from billfold.jobs.dunning import DunningSettings, dunning_settings, pay_after_new_payment_method, start_dunning
from billfold.jobs.queue import claim_due_jobs, enqueue, finish_job, pending_jobs
from billfold.jobs.worker import Worker

__all__ = [
    "DunningSettings",
    "Worker",
    "claim_due_jobs",
    "dunning_settings",
    "enqueue",
    "finish_job",
    "next_instant",
    "pay_after_new_payment_method",
    "pending_jobs",
    "run_job",
    "run_subscription",
    "start_dunning",
]
