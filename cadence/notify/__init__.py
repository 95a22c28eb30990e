"""Notifications: the outbox of messages to deliver after commit."""
