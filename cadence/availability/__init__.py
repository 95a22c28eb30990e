"""The availability engine: each person's persisted layers (weekly pattern, exceptions)."""
