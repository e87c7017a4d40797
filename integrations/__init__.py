"""Adapters to the outside: the DUDE and the reference data files."""
