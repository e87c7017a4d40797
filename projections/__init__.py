"""Read models built from the event log, each committed with its tracking position."""
