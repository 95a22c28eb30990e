"""Payments behind one provider interface: manual (pay the organiser or at the door) and Stripe.

`service.py` keeps the payment rows in step with bookings inside the caller's transaction;
the providers' network calls (`stripe_adapter.py`) run only with no transaction open.
"""
