"""Find-a-time for members of an organisation: composes the availability and calendar engines."""
