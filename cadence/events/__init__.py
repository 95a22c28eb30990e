"""The events app (event organisers): ticketed events composed of calendar + booking."""
