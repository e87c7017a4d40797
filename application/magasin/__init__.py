"""The event store, behind one adapter: the only package that knows the ``eventsourcing``
library's internals (datastores, recorders' tables, the mapper, event metadata), so that a
library upgrade touches this package alone. ``tests/test_magasin_contrat.py`` checks it."""
