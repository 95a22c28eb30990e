"""Booking engine: capacity pools, holds, bookings, waitlist, signed tickets, check-in."""
