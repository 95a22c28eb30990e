"""The pure time core: intervals, recurrence, layers, find-a-time, iCalendar."""
