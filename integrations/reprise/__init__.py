"""Data brought over from an ML's former system (migration, bulk load)."""
