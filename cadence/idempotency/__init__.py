"""Idempotency keys: a repeated create request returns the first result instead of acting twice."""
