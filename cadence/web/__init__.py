"""The server-rendered web UI (Jinja2 + htmx)."""
