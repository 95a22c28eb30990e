"""Live updates: domain events written in the transaction, pushed after commit.

Public API: `publish(ctx, *, org_id, type, data, user_id=None)` and `register_event_type`.
See docs/decisions/0007-realtime-event-log.md.
"""

from cadence.realtime.events import publish, register_event_type

__all__ = ["publish", "register_event_type"]
