"""Processors of the event log: each consumes events in batches, in its own transaction with its
tracking position. A read model is one kind (``projections/``), the DUDE emitter another
(``integrations/dude/``); the composition root gives the runner its list."""
