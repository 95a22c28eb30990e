"""The durable job queue: rows written in the caller's transaction, run by workers.

Public API: `enqueue` (in a unit of work), `handler` (register a kind), `periodic` (a cron
schedule), `JobRun` (what a handler receives). See docs/decisions/0006-jobs-in-the-database.md.
"""

from cadence.jobs.registry import JobRun, handler, periodic
from cadence.jobs.service import enqueue

__all__ = ["JobRun", "enqueue", "handler", "periodic"]
