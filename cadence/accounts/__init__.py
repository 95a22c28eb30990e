"""Accounts: users, logins, organisations, memberships and invitations."""
