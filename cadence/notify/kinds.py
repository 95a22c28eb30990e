"""Kinds of notification a person can tune, with the labels the settings page shows.

Modules that call `notify()` with a kind of their own register it here (`register_kind`)
so the settings page lists it before the person ever received one; kinds a person has
received or set a preference for are listed too, with the kind itself as label.
"""

from __future__ import annotations

EVERYTHING_ELSE = "*"

KINDS: dict[str, str] = {
    "event.reminder": "Reminders before events",
    "league.schedule": "League schedule changes",
}

CHANNELS: dict[str, str] = {
    "inapp": "In the app",
    "email": "Email",
    "push": "Push",
    "digest": "In the digest",
}


def register_kind(kind: str, label: str) -> None:
    KINDS[kind] = label


def label_of(kind: str) -> str:
    if kind == EVERYTHING_ELSE:
        return "Everything else"
    return KINDS.get(kind, kind)
