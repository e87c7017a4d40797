"""Reference data files (DESIGN §4)."""
