"""Imports every module's tables so that the metadata (and Alembic) sees the whole schema."""

from cadence.accounts import models as accounts_models
from cadence.audit import models as audit_models
from cadence.availability import models as availability_models
from cadence.booking import models as booking_models
from cadence.calendar import models as calendar_models
from cadence.idempotency import models as idempotency_models
from cadence.jobs import models as jobs_models
from cadence.leagues import models as leagues_models
from cadence.notify import models as notify_models
from cadence.realtime import models as realtime_models
from cadence.venues import models as venues_models

__all__ = [
    "accounts_models",
    "audit_models",
    "availability_models",
    "booking_models",
    "calendar_models",
    "idempotency_models",
    "jobs_models",
    "leagues_models",
    "notify_models",
    "realtime_models",
    "venues_models",
]
