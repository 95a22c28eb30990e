"""Venues: areas, tables, opening hours and table reservations (the Backroom scenario)."""
