"""Optimisation engine: league schedules (TTP, ITC2021). Pure: no database, no HTTP."""
