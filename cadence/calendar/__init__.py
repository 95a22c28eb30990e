"""Calendar engine: events (one-off and recurring), attendees, feeds and imports."""
